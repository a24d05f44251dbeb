"""A Jinja2 template renders the block, in the sandbox; its mistakes name the template's file and line."""

from __future__ import annotations

import sys
from pathlib import Path
from textwrap import dedent

import pytest
from helpers import ROOT, stamped, unstamped
from typer.testing import CliRunner

from talkcat.cli import app

CATALOGUE = dedent(
    """\
    talks:
    - title: Reproducible ML
      date: 2022-12-02
      end_date: 2022-12-03
      event: PyData Global 2022
      location: Online
      tags: [ml, science]
      video:
        label: Recording
        url: https://youtu.be/x
    - title: Old talk
      date: 2020-05-01
      event: PyCon DE
    """
)
README = "# Me\n\n<!-- TALKS -->\n<!-- //TALKS -->\n"


@pytest.fixture
def repo(project: Path) -> Path:
    (project / "data/talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    (project / "README.md").write_text(README, encoding="utf-8")
    (project / "talkcat.toml").write_text('template = "templates/talks.md.j2"\n')
    (project / "templates").mkdir()
    return project


def use(repo: Path, template: str) -> None:
    (repo / "templates/talks.md.j2").write_text(template, encoding="utf-8")


def sync(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["sync-readme", *args])
    return result.exit_code, result.stdout, result.stderr


def block(repo: Path) -> str:
    """The block's content as the template made it (its stamp checked, then left out)."""
    return unstamped((repo / "README.md").read_text().split("<!-- TALKS -->\n")[1].split("<!-- //TALKS -->")[0])


def test_a_template_gets_plain_talks_and_helpers(repo: Path, runner: CliRunner) -> None:
    use(
        repo,
        dedent(
            """\
            {% for group in years %}
            **{{ group.year }}**: {% for talk in group.talks %}{{ talk.title }} ({{ talk.dates }}, {{ talk.date }}, {{ talk.id }}){% if not loop.last %}; {% endif %}{% endfor %}
            {% endfor %}
            {% for talk in talks if talk.video %}
            - {{ talk.title }}: {{ link(talk, "video") }} {{ talk.video.url }} {{ talk.tags | join(",") }} {{ talk.online }} {{ talk.kind }} {{ talk.location }}
            {% endfor %}
            {{ table(talks[1]) -}}
            """
        ),
    )
    assert sync(runner) == (0, "", "README.md updated (2 talks)\n")
    assert block(repo) == dedent(
        """\

        **2022**: Reproducible ML (2022-12-02 – 2022-12-03, 2022-12-02, 2022-12-02-reproducible-ml)

        **2020**: Old talk (2020-05-01, 2020-05-01, 2020-05-01-old-talk)


        - Reproducible ML: [Recording](https://youtu.be/x) https://youtu.be/x ml,science True talk Online

        | Event    | Location   | Date       | Link   | Video   | Slides   |
        |----------|------------|------------|--------|---------|----------|
        | PyCon DE |            | 2020-05-01 |        |         |          |
        """
    )
    assert sync(runner, "--check") == (0, "", "README.md is up to date\n")


def test_section_and_chart_helpers_give_the_built_in_rendering(repo: Path, runner: CliRunner) -> None:
    use(
        repo, "{{ chart() }}\n{% for talk in talks %}{{ section(talk) }}{% if not loop.last %}\n{% endif %}{% endfor %}"
    )
    assert sync(runner)[0] == 0
    templated = block(repo)
    (repo / "talkcat.toml").write_text("chart = true\n")
    assert sync(runner)[0] == 0
    assert block(repo) == templated


def test_an_output_without_a_final_newline_keeps_the_end_marker_on_its_line(repo: Path, runner: CliRunner) -> None:
    use(repo, "{{ talks | length }} talks")
    assert sync(runner)[0] == 0
    assert (repo / "README.md").read_text() == "# Me\n\n<!-- TALKS -->\n" + stamped("2 talks\n") + "<!-- //TALKS -->\n"


def test_an_edited_template_is_never_served_from_the_cache(repo: Path, runner: CliRunner) -> None:
    use(repo, "one\n")
    assert sync(runner)[0] == 0
    assert sync(runner, "--check")[0] == 0
    use(repo, "two\n")
    assert sync(runner, "--check") == (3, "", "README.md is out of date; run `talkcat sync-readme` to update it\n")
    assert sync(runner)[0] == 0
    assert block(repo) == "two\n"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("line one\n{% for talk in talks %}\n{{ talk.title }\n{% endfor %}\n", ":3: template error: unexpected '}'"),
        ("ok\n{% if %}\n", ":2: template error: Expected an expression, got 'end of statement block'"),
        ("one\ntwo\n{{ talks[0].titel }}\n", ":3: template error: 'dict object' has no attribute 'titel'"),
        ("\n\n\n{{ nothing }}\n", ":4: template error: 'nothing' is undefined"),
        ("\n{{ 1 // 0 }}\n", ":2: template error: ZeroDivisionError: integer division or modulo by zero"),
        ("ok\n{{ talks|dictsort }}\n", ":2: template error: AttributeError: 'list' object has no attribute 'items'"),
        (
            "\n\n{{ link(talks[0], 'title') }}\n",
            ":3: template error: link() takes one of link, video, slides, not 'title'",
        ),
        ("{{ table('x') }}\n", ":1: template error: table() takes a talk of `talks`, not 'x'"),
        ('\n{% include "talks.md.j2" %}\n', ":2: template error: a template loads no other file, not 'talks.md.j2'"),
        ('{% extends "/etc/passwd" %}\n', ":1: template error: a template loads no other file, not '/etc/passwd'"),
        ("<!-- //TALKS -->\n", ": the template's output contains the README marker '<!-- //TALKS -->'"),
    ],
)
def test_a_template_error_names_the_file_and_line(repo: Path, runner: CliRunner, template: str, message: str) -> None:
    use(repo, template)
    assert sync(runner) == (1, "", f"templates/talks.md.j2{message}\n")
    assert (repo / "README.md").read_text() == README


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__.__mro__",
        "''.__class__",
        "talks.__class__.__base__.__subclasses__()",
        "table.__globals__",
        "cycler.__init__.__globals__.os",
    ],
)
def test_the_sandbox_refuses_python_internals(repo: Path, runner: CliRunner, expression: str) -> None:
    use(repo, "fine\n{{ " + expression + " }}\n")
    code, out, err = sync(runner)
    assert (code, out) == (1, "")
    assert err.startswith("templates/talks.md.j2:2: template error: access to attribute '__")
    assert err.endswith(" object is unsafe.\n")
    assert (repo / "README.md").read_text() == README


def test_the_sandbox_refusal_message_is_exact(repo: Path, runner: CliRunner) -> None:
    use(repo, "{{ ''.__class__.__mro__ }}\n")
    assert sync(runner) == (
        1,
        "",
        "templates/talks.md.j2:1: template error: access to attribute '__class__' of 'str' object is unsafe.\n",
    )


def test_without_jinja2_the_message_says_how_to_install_it(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    use(repo, "{{ talks | length }}\n")
    monkeypatch.setitem(sys.modules, "jinja2", None)  # as if it were not installed
    assert sync(runner) == (
        1,
        "",
        "templates/talks.md.j2: this template needs Jinja2, which is not installed\n"
        "hint: pip install 'talkcat[templates]'\n",
    )


def test_a_missing_template_file_is_named(repo: Path, runner: CliRunner) -> None:
    assert sync(runner) == (1, "", "templates/talks.md.j2: no such file\n")


def test_the_render_cache_key_holds_the_jinja2_version() -> None:
    """Upgrading Jinja2 may change what a template renders: the cached block must not outlive it."""
    from pathlib import Path

    import jinja2

    from talkcat.commands.sync_readme import _render_key
    from talkcat.config import Settings

    chosen = Settings(template=Path("talks.md.j2"))
    key = _render_key(chosen.layout, chosen, "{{ talks | length }}")
    assert key[-1] == jinja2.__version__
    assert _render_key(chosen.layout, Settings(), None) == ("builtin", chosen.layout.key())


def test_an_output_that_leaves_a_fence_open_is_not_written(repo: Path, runner: CliRunner) -> None:
    # Today it was written, and every later sync failed on the markers, even with the template fixed.
    use(repo, "{% for talk in talks %}- {{ talk.title }}\n{% endfor %}```python\nprint('unclosed')\n")
    before = (repo / "README.md").read_bytes()
    assert sync(runner) == (
        1,
        "",
        "templates/talks.md.j2: template error: its output leaves the code block '```python' (output line 3) "
        "open, which would swallow the end marker and break the README; nothing was written\n",
    )
    assert (repo / "README.md").read_bytes() == before
    use(repo, "{% for talk in talks %}- {{ talk.title }}\n{% endfor %}")
    assert sync(runner)[0] == 0
    assert block(repo) == "- Reproducible ML\n- Old talk\n"


def test_a_loop_that_writes_without_end_stops_at_the_output_limit(repo: Path, runner: CliRunner) -> None:
    # 100 MB, and it could be far more: a bounded trial on a talkcat without the limit, too.
    use(repo, '{% for a in range(1000) %}{{ "x" * 100000 }}{% endfor %}')
    before = (repo / "README.md").read_bytes()
    assert sync(runner) == (
        1,
        "",
        "templates/talks.md.j2: template error: the output passed 64 Mi characters (a loop that never ends?); "
        "nothing was written\n",
    )
    assert (repo / "README.md").read_bytes() == before


def test_running_out_of_memory_is_a_template_error(repo: Path, runner: CliRunner) -> None:
    # Today: a MemoryError traceback.
    use(repo, '{{ "x" * 10 ** 15 }}\n')
    assert sync(runner) == (
        1,
        "",
        "templates/talks.md.j2: template error: the render ran out of memory; nothing was written\n",
    )


@pytest.mark.parametrize(
    "source",
    [
        # Writes nothing: only the timer can stop it.
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        "{% for a in range(100000) %}{% for b in range(100000) %}.{% endfor %}{% endfor %}",
    ],
)
def test_a_loop_without_end_stops_at_the_time_limit(source: str) -> None:
    import datetime as dt

    from talkcat.errors import TalkcatError
    from talkcat.model import Talk
    from talkcat.render import Layout
    from talkcat.template import render_template
    from talkcat.validate import END_MARKER, START_MARKER

    talks = [Talk(title="T", date=dt.date(2024, 1, 1), event="E")]
    with pytest.raises(TalkcatError) as info:
        render_template(source, Path("t.j2"), talks, Layout(), (START_MARKER, END_MARKER), time_limit=0.3)
    assert str(info.value) == (
        "t.j2: template error: the render took longer than 0.3 s (a loop that never ends?); nothing was written"
    )


def test_the_limits_are_documented() -> None:
    from talkcat import template

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{template.TIME_LIMIT:g} s" in readme and f"{template.OUTPUT_LIMIT // 2**20} Mi characters" in readme
