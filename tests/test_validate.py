"""Validation reports every problem, each at its line and column."""

from __future__ import annotations

import json
import os
from pathlib import Path
from textwrap import dedent

import pytest
from helpers import slides_folder
from typer.testing import CliRunner

from talkcat.cli import app


def write(path: Path, text: str) -> Path:
    path.write_text(dedent(text), encoding="utf-8")
    return path


def test_a_valid_catalogue(project: Path, runner: CliRunner) -> None:
    slides_folder(project, "2023-04-19 Community Talk")
    write(
        project / "data/talks.yaml",
        """\
        talks:
        - title: How to find your people actually
          date: 2023-04-19
          event: SSI Community Building Group
          location: NO
          slides: 2023-04-19 Community Talk/
        """,
    )
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "data/talks.yaml: 1 talk, all valid\n"


BAD = """\
talks:
- title: Two keynotes
  date: 2023-02-30
  loaction: Basel
  event: 3
  kind: keynot
  slides: ../../etc
  video: https://youtu
  link: 'https://exa mple.org'
  tags: [ok, 1]
- title: Same
  date: 2023-02-03
  event: E
  end_date: 2023-01-01
- title: Same
  date: 2023-02-03
  event: E
- title: Same
  date: 2023-02-03
  event: E
  id: same-2
- title: Marker <!-- //TALKS -->
  date: 2023-02-04
  event: E
  description: |
    # Too high
    ```
    # a comment in code is text
    ```
    C# is a language.
- null
- title: '  padded  '
  date: 2023-02-05 10:00:00
- !!python/object:os.system {}
foo: bar
"""

BAD_REPORT = """\
data/talks.yaml:3:9: date 2023-02-30 is not a real date (day is out of range for month)
data/talks.yaml:4:3: unknown key 'loaction' (did you mean 'location'?)
data/talks.yaml:5:10: event must be a string, not a number (quote it)
data/talks.yaml:6:9: kind 'keynot' is not one of talk, keynote, workshop, tutorial, panel, lightning, poster, podcast, lecture (did you mean 'keynote'?)
data/talks.yaml:7:11: '../../etc' points outside the repository ({root})
data/talks.yaml:8:10: video 'https://youtu' is not a valid URL (bad host 'youtu')
data/talks.yaml:9:9: link 'https://exa mple.org' is not a valid URL (it contains spaces)
data/talks.yaml:10:14: tags item 2 must be a string, not a number (quote it)
data/talks.yaml:14:13: end_date 2023-01-01 is before date 2023-02-03
data/talks.yaml:15:3: duplicate id '2023-02-03-same' (derived from date and title), also the talk at line 11; give one of them an explicit `id`
data/talks.yaml:22:10: title contains the README marker '<!-- //TALKS -->'; it would break the README
data/talks.yaml:26: description line 1: a level-1 heading cannot nest under the talk's title; use levels 2 to 4 (## to ####)
data/talks.yaml:31:3: talk #6 must be a mapping of fields, not null
data/talks.yaml:32:3: talk #7 ('  padded  '): missing required field 'event'
data/talks.yaml:32:10: title has leading or trailing spaces
data/talks.yaml:33:9: date '2023-02-05 10:00:00' is not a date in the form YYYY-MM-DD
data/talks.yaml:34:3: the tag !!python/object:os.system is not allowed in a catalogue
data/talks.yaml:34:3: talk #8: missing required field 'title'
data/talks.yaml:34:3: talk #8: missing required field 'date'
data/talks.yaml:34:3: talk #8: missing required field 'event'
data/talks.yaml:35:1: unknown top-level key 'foo'
"""


def test_every_problem_is_reported_with_its_position(project: Path, runner: CliRunner) -> None:
    write(project / "data/talks.yaml", BAD)
    before = (project / "data/talks.yaml").read_bytes()
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout == BAD_REPORT.format(root=project.resolve())
    assert result.stderr == "21 problems in data/talks.yaml\n"
    assert (project / "data/talks.yaml").read_bytes() == before


def test_json_format(project: Path, runner: CliRunner) -> None:
    write(project / "data/talks.yaml", "talks:\n- title: x\n  date: 2023-01-01\n")
    result = runner.invoke(app, ["validate", "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "path": "data/talks.yaml",
        "valid": False,
        "talks": 1,
        "problems": [
            {
                "path": "data/talks.yaml",
                "line": 2,
                "col": 3,
                "severity": "error",
                "message": "talk #1 ('x'): missing required field 'event'",
            }
        ],
    }


def test_json_format_for_a_file_that_cannot_be_read(project: Path, runner: CliRunner) -> None:
    (project / "data/talks.yaml").write_bytes(b"talks:\n- title: A\n  date: 2023-01-01\n  event: \xe9\n")
    result = runner.invoke(app, ["validate", "--format", "json"])
    assert (result.exit_code, result.stderr) == (1, "")
    assert json.loads(result.stdout) == {
        "path": "data/talks.yaml",
        "valid": False,
        "talks": None,
        "problems": [
            {
                "path": "data/talks.yaml",
                "line": 4,
                "col": 10,
                "severity": "error",
                "message": "not valid UTF-8 (byte 0xe9); save the file as UTF-8",
            }
        ],
    }
    result = runner.invoke(app, ["validate", "--format", "json", "--data", "missing.yaml"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"] == [
        {"path": "missing.yaml", "line": None, "col": None, "severity": "error", "message": "no such file"}
    ]


def test_an_explicit_id_tells_two_talks_apart(project: Path, runner: CliRunner) -> None:
    write(
        project / "data/talks.yaml",
        """\
        talks:
        - title: Keynote
          date: 2023-01-01
          event: Morning
        - id: 2023-01-01-keynote-evening
          title: Keynote
          date: 2023-01-01
          event: Evening
        """,
    )
    assert runner.invoke(app, ["validate"]).exit_code == 0


def test_missing_slides_folder(project: Path, runner: CliRunner) -> None:
    write(
        project / "data/talks.yaml",
        """\
        talks:
        - title: T
          date: 2023-01-01
          event: E
          slides: No Such%20Folder/
        """,
    )
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout == (
        f"data/talks.yaml:5:11: 'No Such%20Folder/' does not exist in the repository ({project.resolve()})\n"
    )


def test_not_utf8_names_line_and_column(project: Path, runner: CliRunner) -> None:
    (project / "data/talks.yaml").write_bytes(b"talks:\n- title: Z\xfcrich\n")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "data/talks.yaml:2:11: not valid UTF-8 (byte 0xfc); save the file as UTF-8\n"


def test_top_level_must_be_talks(project: Path, runner: CliRunner) -> None:
    write(project / "data/talks.yaml", "- title: x\n")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout == ("data/talks.yaml:1:1: the catalogue must be a mapping with a `talks:` list, not a list\n")


def test_missing_file(project: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--data", "nope.yaml"])
    assert result.exit_code == 1
    assert result.stderr == "nope.yaml: no such file\n"


def test_end_date_and_url_scheme_are_checked_beside_other_problems(project: Path, runner: CliRunner) -> None:
    write(
        project / "data/talks.yaml",
        """\
        talks:
        - title: Typos
          date: 2023-05-02
          end_date: 2023-05-01
          event: E
          link: htp://example.org/
          video: mailto:me@example.org
          slides: gopher://example.org/
        """,
    )
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout == (
        "data/talks.yaml:4:13: end_date 2023-05-01 is before date 2023-05-02\n"
        "data/talks.yaml:6:9: link 'htp://example.org/' is not a valid URL"
        " (unknown scheme 'htp'; did you mean 'http'?)\n"
        "data/talks.yaml:8:11: slides 'gopher://example.org/' is not a valid URL (unknown scheme 'gopher')\n"
    )
    assert result.stderr == "3 problems in data/talks.yaml\n"


def test_a_level_1_heading_in_a_list_item_is_no_talk_title(project: Path, runner: CliRunner, tmp_path: Path) -> None:
    """pyvideo's `* # 10 - Make your goal clear`: rendered as `* ### 10 ...`, never split off on import."""
    write(
        project / "data/talks.yaml",
        """\
        talks:
        - title: Docs people love
          date: 2022-07-15
          event: EuroPython 2022
          description: |-
            Outline

            * # 10 - Make Your End Goal Clear
            * # 9 - Don't Be Overly Verbose
        """,
    )
    (project / "README.md").write_text("<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    assert runner.invoke(app, ["validate"]).exit_code == 0
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "* ### 10 - Make Your End Goal Clear\n* ### 9 - Don't Be Overly Verbose\n" in readme
    back = tmp_path / "back.yaml"
    result = runner.invoke(app, ["import", "README.md", "--data", str(back)])
    assert result.exit_code == 0, result.output
    assert "  description: |-\n    Outline\n\n    * # 10 - Make Your End Goal Clear\n" in back.read_text(
        encoding="utf-8"
    )


def test_a_named_pipe_is_refused_not_waited_on(project: Path, runner: CliRunner) -> None:
    os.mkfifo(project / "data/talks.yaml")  # reading it would block until a writer came
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.stderr) == (1, "data/talks.yaml: is a named pipe, not a file\n")


def test_a_description_that_leaves_a_block_open_is_refused(project: Path, runner: CliRunner) -> None:
    """An open fence or HTML block would swallow the next talks and the end marker."""
    write(
        project / "data/talks.yaml",
        """\
        talks:
        - title: Fenced
          date: 2023-01-01
          event: E
          description: |-
            Some code:

            ```python
            # a comment, not a heading
        - title: Abstract underlined the reStructuredText way
          date: 2023-01-02
          event: E
          description: |-
            Abstract
            ~~~~~~~~
        - title: Commented out
          date: 2023-01-03
          event: E
          description: "Before\\n\\n<!-- never ends"
        - title: Closed blocks are fine
          date: 2023-01-04
          event: E
          description: |-
            ```
            code
            ```

            <div>
            html
            </div>
        """,
    )
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout == (
        "data/talks.yaml:8: description line 3: the code block '```python' is never closed;"
        " in the README it would swallow the talks after it\n"
        "data/talks.yaml:15: description line 2: the code block '~~~~~~~~' is never closed;"
        " in the README it would swallow the talks after it\n"
        "data/talks.yaml:19:16: description line 3: the HTML block '<!-- never ends' is never closed;"
        " in the README it would swallow the talks after it\n"
    )


def test_a_title_ending_in_a_hash_is_refused(project: Path, runner: CliRunner) -> None:
    write(
        project / "data/talks.yaml",
        """\
        talks:
        - title: 'Why we still write C #'
          date: 2023-01-01
          event: E
        - title: '#'
          date: 2023-01-02
          event: E
        - title: C# and F#, and issue #12
          date: 2023-01-03
          event: E
        """,
    )
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout == (
        "data/talks.yaml:2:10: title ends in ' #', which a markdown heading drops; the README would lose it\n"
        "data/talks.yaml:5:10: title ends in ' #', which a markdown heading drops; the README would lose it\n"
    )


def test_a_date_must_be_written_yyyy_mm_dd(project: Path, runner: CliRunner) -> None:
    """YAML reads 2023-2-3 as a date; the catalogue asks for the ISO form, quoted or not."""
    write(
        project / "data/talks.yaml",
        """\
        talks:
        - title: A
          date: 2023-2-3
          event: E
          end_date: '2023-02-4'
        """,
    )
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout == (
        "data/talks.yaml:3:9: date is not in the form YYYY-MM-DD (write 2023-02-03)\n"
        "data/talks.yaml:5:13: end_date '2023-02-4' is not a date in the form YYYY-MM-DD\n"
    )


def test_ftp_and_mailto_urls_need_a_host_and_an_address(project: Path, runner: CliRunner) -> None:
    write(
        project / "data/talks.yaml",
        """\
        talks:
        - title: A
          date: 2023-01-01
          event: E
          link: ftp:/files
          video: mailto:nobody
          slides: ftp://files.example.org/deck.pdf
        """,
    )
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout == (
        "data/talks.yaml:5:9: link 'ftp:/files' is not a valid URL (no host)\n"
        "data/talks.yaml:6:10: video 'mailto:nobody' is not a valid URL (no address after mailto:)\n"
    )


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://[::1", "'http://[::1' is not a valid URL (Invalid IPv6 URL)"),
        (
            "https://[nothost]/",
            "'https://[nothost]/' is not a valid URL ('nothost' does not appear to be an IPv4 or IPv6 address)",
        ),
        (
            "https://ex\u2100ample.org/",
            "'https://ex\u2100ample.org/' is not a valid URL (netloc 'ex\u2100ample.org' contains invalid characters "
            "under NFKC normalization)",
        ),
        ("https://[::1]/", "'https://[::1]/' is not a valid URL (bad host '::1')"),
        ("ftp://[::1]/deck.pdf", None),
        ("https://b\u00fccher.de/", None),
    ],
)
def test_what_urlsplit_refuses_a_pattern_cannot_say_and_is_said(url: str, problem: str | None) -> None:
    from talkcat.validate import url_problem

    assert url_problem(url) == problem
