"""The config: found upward like git, checked key by key, overridden by flags, felt by every command."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from helpers import slides_folder, unstamped
from typer.testing import CliRunner

from talkcat.cli import app

CATALOGUE = dedent(
    """\
    talks:
    - title: Reproducible ML
      date: 2022-12-02
      event: PyData Global 2022
      location: Online
    - title: Communicating ML
      date: 2020-10-30
      event: PyCon DE
      location: Berlin, Germany
      slides: slides/a b/
      description: |
        Intro.

        ## Part one
    - title: Old talk
      date: 2020-05-01
      event: PyCon DE
      location: Munich, Germany
    """
)
README = "# Me\n\n<!-- TALKS -->\n<!-- //TALKS -->\n\nThe end.\n"

OLD = "### Old talk\n\n| Event    | Location        | Date       | Link   | Video   | Slides   |\n|----------|-----------------|------------|--------|---------|----------|\n| PyCon DE | Munich, Germany | 2020-05-01 |        |         |          |\n"


@pytest.fixture
def repo(project: Path) -> Path:
    slides_folder(project, "slides/a b")
    (project / "data/talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    (project / "README.md").write_text(README, encoding="utf-8")
    return project


def block(path: Path, start: str = "<!-- TALKS -->\n", end: str = "<!-- //TALKS -->") -> str:
    """The block's content as talkcat rendered it (its stamp checked, then left out)."""
    return unstamped(path.read_text(encoding="utf-8").split(start)[1].split(end)[0])


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# -- errors, pinned


def test_an_unknown_key_names_file_line_key_and_the_likely_one(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text('heading_level = 2\ncolums = ["event"]\n')
    assert invoke(runner, "sync-readme") == (
        1,
        "",
        "talkcat.toml:2: unknown key 'colums' (did you mean 'columns'?)\n"
        "hint: the settings are data, readme, markers, columns, labels, heading_level, sort, "
        "group_by_year, chart, template, folder_readmes, sources, speaker, name, base_url\n",
    )
    assert (repo / "README.md").read_text() == README


def test_every_wrong_key_and_value_of_pyproject_is_reported_from_a_subfolder(repo: Path, runner: CliRunner) -> None:
    (repo / "pyproject.toml").write_text(
        dedent(
            """\
            [project]
            name = "me"

            [tool.talkcat]
            heading_level = 7
            sort = "newest-first"
            chart = "yes"
            columns = ["event", "Date", "event"]
            labels = { evnt = "What" }
            markers = ["<!-- A -->"]
            """
        )
    )
    (repo / "docs").mkdir()
    runner_cwd = repo / "docs"
    import os

    os.chdir(runner_cwd)
    code, out, err = invoke(runner, "validate")
    assert (code, out) == (1, "")
    assert err == (
        "../pyproject.toml:10: markers must be two one-line strings without surrounding spaces, "
        'the start and the end marker: ["<!-- TALKS -->", "<!-- //TALKS -->"]\n'
        "../pyproject.toml:8: columns: unknown column 'Date' (did you mean 'date'? "
        "the columns are event, location, date, link, video, slides)\n"
        "../pyproject.toml:8: columns names 'event' twice\n"
        "../pyproject.toml:9: unknown key 'evnt' in [tool.talkcat.labels] (did you mean 'event'?)\n"
        "../pyproject.toml:6: sort must be 'newest' or 'oldest', not 'newest-first'\n"
        "../pyproject.toml:7: chart must be true or false, not 'yes'\n"
        "../pyproject.toml:5: heading_level must be a whole number from 1 to 6, not 7\n"
    )


def test_a_key_of_a_labels_table_is_found_in_its_own_section(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text('chart = true\n\n[labels]\nevent = "Where"\nvidoe = "Recording"\n')
    assert invoke(runner, "list") == (
        1,
        "",
        "talkcat.toml:5: unknown key 'vidoe' in [labels] (did you mean 'video'?)\n",
    )


def test_heading_level_leaves_room_for_the_talks_under_year_headings(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text("group_by_year = true\nheading_level = 6\n")
    assert invoke(runner, "sync-readme") == (
        1,
        "",
        "talkcat.toml:2: heading_level must be a whole number from 1 to 5 (with group_by_year, "
        "the talks' headings are one level below), not 6\n",
    )


def test_labels_that_make_two_columns_alike_are_refused(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text('labels = { link = "event" }\n')
    assert invoke(runner, "sync-readme") == (
        1,
        "",
        "talkcat.toml:1: labels: event and link would both be headed 'event'\n",
    )


def test_a_toml_syntax_error_has_its_line_and_column(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text("chart = true\nsort = \n")
    assert invoke(runner, "list") == (
        1,
        "",
        "talkcat.toml:2:8: not valid TOML: Invalid value\n",
    )


def test_a_pyproject_without_a_talkcat_table_is_not_a_config(repo: Path, runner: CliRunner) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "talkcat-talks"\n[tool.ruff]\nline-length = 100\n')
    assert invoke(runner, "sync-readme")[0] == 0
    assert block(repo / "README.md").endswith(OLD)


# -- where the config is found


def test_talkcat_toml_wins_over_pyproject_in_the_same_folder(repo: Path, runner: CliRunner) -> None:
    (repo / "pyproject.toml").write_text("[tool.talkcat]\nsort = 'oldest'\nheading_level = 4\n")
    (repo / "talkcat.toml").write_text("heading_level = 2\n")
    assert invoke(runner, "sync-readme")[0] == 0
    assert block(repo / "README.md").startswith("## Reproducible ML\n")


def test_the_search_stops_at_the_repository_root(repo: Path, runner: CliRunner) -> None:
    import os

    (repo / "talkcat.toml").write_text("colums = 1\n")  # above the inner repository: not its config
    inner = repo / "vendor/other"
    (inner / ".git").mkdir(parents=True)
    (inner / "data").mkdir()
    (inner / "data/talks.yaml").write_text(CATALOGUE.replace("  slides: slides/a b/\n", ""))
    os.chdir(inner)
    assert invoke(runner, "validate") == (0, "", "data/talks.yaml: 3 talks, all valid\n")
    os.chdir(repo)
    assert invoke(runner, "validate")[0] == 1


def test_from_a_subfolder_paths_resolve_against_the_config_folder(repo: Path, runner: CliRunner) -> None:
    import os

    (repo / "site").mkdir()
    (repo / "site/talks.md").write_text(README)
    (repo / "talkcat.toml").write_text('readme = ["README.md", "site/talks.md"]\nheading_level = 2\n')
    os.chdir(repo / "site")
    assert invoke(runner, "sync-readme") == (
        0,
        "",
        "../README.md updated (3 talks)\ntalks.md updated (3 talks)\n",
    )
    assert block(repo / "README.md") == block(repo / "site/talks.md")
    assert block(repo / "README.md").startswith("## Reproducible ML\n")
    code, out, err = invoke(runner, "validate")
    assert (code, err) == (0, "../data/talks.yaml: 3 talks, all valid\n")


def test_without_a_config_the_defaults_are_those_of_the_repository_root(repo: Path, runner: CliRunner) -> None:
    import os

    (repo / "docs").mkdir()
    os.chdir(repo / "docs")
    assert invoke(runner, "validate") == (0, "", "../data/talks.yaml: 3 talks, all valid\n")
    (repo / "data/talks.yaml").unlink()
    assert invoke(runner, "validate") == (1, "", "../data/talks.yaml: no such file\n")


def test_the_data_setting_moves_the_catalogue_for_every_command(repo: Path, runner: CliRunner) -> None:
    (repo / "data/talks.yaml").rename(repo / "talks.yaml")
    (repo / "talkcat.toml").write_text('data = "talks.yaml"\n')
    assert invoke(runner, "validate") == (0, "", "talks.yaml: 3 talks, all valid\n")
    assert invoke(runner, "list", "--format", "plain", "--year", "2022")[1] == (
        "2022-12-02-reproducible-ml\t2022-12-02\tReproducible ML\tPyData Global 2022\tOnline\n"
    )
    code, _, err = invoke(runner, "remove", "2020-05-01-old-talk", "--yes", "--sync")
    assert (code, err) == (
        0,
        "removed 'Old talk' (2020-05-01, PyCon DE) from talks.yaml\nREADME.md updated (2 talks)\n",
    )


# -- flags override the config


def test_flags_override_the_config(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text(
        'data = "nowhere.yaml"\nreadme = "NOWHERE.md"\nheading_level = 2\nsort = "oldest"\n'
    )
    (repo / "OTHER.md").write_text(README)
    code, _, err = invoke(
        runner,
        "sync-readme",
        "--data", "data/talks.yaml",
        "--readme", "OTHER.md",
        "--heading-level", "4",
        "--sort", "newest",
    )  # fmt: skip
    assert (code, err) == (0, "OTHER.md updated (3 talks)\n")
    assert block(repo / "OTHER.md").startswith("#### Reproducible ML\n")
    assert invoke(runner, "validate")[2] == "nowhere.yaml: no such file\n"


def test_a_flag_heading_level_with_year_groups_must_leave_room(repo: Path, runner: CliRunner) -> None:
    code, _, err = invoke(runner, "sync-readme", "--group-by-year", "--heading-level", "6")
    assert code == 2
    assert "heading level 6 leaves no level for the talks under the years; use 1 to 5" in err


# -- the block each option renders


def sync_with(
    repo: Path, runner: CliRunner, config: str, start: str = "<!-- TALKS -->\n", end: str = "<!-- //TALKS -->"
) -> str:
    (repo / "talkcat.toml").write_text(config)
    code, _, err = invoke(runner, "sync-readme")
    assert code == 0, err
    return block(repo / "README.md", start, end)


def test_columns_and_labels(repo: Path, runner: CliRunner) -> None:
    config = 'columns = ["date", "event", "slides"]\nlabels = { date = "When", slides = "Folien" }\nsort = "oldest"\n'
    assert sync_with(repo, runner, config) == dedent(
        """\
        ### Old talk

        | When       | Event    | Folien   |
        |------------|----------|----------|
        | 2020-05-01 | PyCon DE |          |

        ### Communicating ML

        | When       | Event    | Folien                  |
        |------------|----------|-------------------------|
        | 2020-10-30 | PyCon DE | [Folien](slides/a%20b/) |

        Intro.

        #### Part one

        ### Reproducible ML

        | When       | Event              | Folien   |
        |------------|--------------------|----------|
        | 2022-12-02 | PyData Global 2022 |          |
        """
    )


def test_markers_heading_level_year_groups_and_chart(repo: Path, runner: CliRunner) -> None:
    (repo / "README.md").write_text("# Me\n\n<!-- BEGIN -->\n<!-- END -->\n")
    config = (
        'markers = ["<!-- BEGIN -->", "<!-- END -->"]\nheading_level = 2\ngroup_by_year = true\n'
        'chart = true\ncolumns = ["event", "date"]\n'
    )
    expected = dedent(
        """\
        ```mermaid
        xychart-beta
            title "Talks per year"
            x-axis ["2020", "2021", "2022"]
            y-axis "Talks" 0 --> 2
            bar [2, 0, 1]
        ```

        ## 2022

        ### Reproducible ML

        | Event              | Date       |
        |--------------------|------------|
        | PyData Global 2022 | 2022-12-02 |

        ## 2020

        ### Communicating ML

        | Event    | Date       |
        |----------|------------|
        | PyCon DE | 2020-10-30 |

        Intro.

        #### Part one

        ### Old talk

        | Event    | Date       |
        |----------|------------|
        | PyCon DE | 2020-05-01 |
        """
    )
    assert sync_with(repo, runner, config, "<!-- BEGIN -->\n", "<!-- END -->") == expected
    assert invoke(runner, "sync-readme", "--check") == (0, "", "README.md is up to date\n")


def test_the_configured_markers_are_checked_in_the_catalogue(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text('markers = ["<!-- BEGIN -->", "<!-- END -->"]\n')
    (repo / "data/talks.yaml").write_text(CATALOGUE.replace("Intro.", "Intro <!-- END -->"))
    code, out, _ = invoke(runner, "validate")
    assert (code, out) == (
        1,
        "data/talks.yaml:11:16: description contains the README marker '<!-- END -->'; it would break the README\n",
    )


def test_year_groups_move_the_description_headings_down(repo: Path, runner: CliRunner) -> None:
    (repo / "data/talks.yaml").write_text(CATALOGUE.replace("## Part one\n", "## Part one\n\n    ### Deeper\n"))
    assert invoke(runner, "validate")[0] == 0
    (repo / "talkcat.toml").write_text("group_by_year = true\nheading_level = 4\n")
    code, out, _ = invoke(runner, "validate")
    assert code == 1
    assert out == (
        "data/talks.yaml:16: description line 5: a level-3 heading cannot nest under the talk's "
        "title; use level 2 (##)\n"
    )
    (repo / "talkcat.toml").write_text("group_by_year = true\nheading_level = 5\n")
    code, out, _ = invoke(runner, "validate")
    assert code == 1
    assert out == (
        "data/talks.yaml:14: description line 3: a level-2 heading cannot nest under the talk's "
        "title; at this heading level a description can hold no headings; use **bold** lines\n"
        "data/talks.yaml:16: description line 5: a level-3 heading cannot nest under the talk's "
        "title; at this heading level a description can hold no headings; use **bold** lines\n"
    )


# -- the render cache follows the config


def test_a_changed_config_is_never_served_a_stale_block(repo: Path, runner: CliRunner) -> None:
    assert invoke(runner, "sync-readme")[0] == 0
    assert invoke(runner, "sync-readme", "--check")[0] == 0  # the block now comes from the cache
    for config, first in [
        ("heading_level = 2\n", "## Reproducible ML\n"),
        ('sort = "oldest"\n', "### Old talk\n"),
        ('labels = { event = "Where" }\n', "### Reproducible ML\n\n| Where "),
        ('columns = ["date"]\n', "### Reproducible ML\n\n| Date "),
        ("chart = true\n", "```mermaid\n"),
        ("group_by_year = true\n", "### 2022\n"),
    ]:
        (repo / "talkcat.toml").write_text(config)
        assert invoke(runner, "sync-readme", "--check")[0] == 3, config
        assert invoke(runner, "sync-readme")[0] == 0
        assert block(repo / "README.md").startswith(first), config
        assert invoke(runner, "sync-readme", "--check")[0] == 0


# -- import reads what sync wrote


@pytest.mark.parametrize(
    "config",
    [
        'markers = ["<!-- BEGIN -->", "<!-- END -->"]\nheading_level = 2\n',
        "group_by_year = true\nchart = true\n",
        'group_by_year = true\nheading_level = 1\nsort = "oldest"\nlabels = { slides = "Folien", location = "Ort" }\n',
    ],
)
def test_import_reads_back_a_block_rendered_with_the_config(repo: Path, runner: CliRunner, config: str) -> None:
    (repo / "README.md").write_text("# Me\n\n<!-- BEGIN -->\n<!-- END -->\n" if "BEGIN" in config else README)
    (repo / "talkcat.toml").write_text(config)
    assert invoke(runner, "sync-readme")[0] == 0
    code, _, err = invoke(runner, "import", "README.md", "--data", "back.yaml")
    assert (code, err) == (0, "imported 3 talks into back.yaml\n")
    (repo / "talkcat.toml").write_text(config + 'data = "back.yaml"\n')
    # The same block from the imported catalogue: only the stamp, which names the catalogue, changes.
    code, diff, _ = invoke(runner, "sync-readme", "--diff")
    changed = [line for line in diff.split("\n") if line.startswith(("+", "-")) and line[:3] not in ("+++", "---")]
    assert (code, [line[:36] for line in changed]) == (
        0,
        ["-<!-- written by talkcat from data/t", "+<!-- written by talkcat from back.y"],
    )


def test_import_refuses_text_after_a_year_heading(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text("group_by_year = true\n")
    (repo / "README.md").write_text(README.replace("<!-- TALKS -->\n", "<!-- TALKS -->\n### 2022\n\nSome words.\n"))
    assert invoke(runner, "import", "README.md", "--data", "back.yaml") == (
        1,
        "",
        "README.md:6: text after the year heading '2022'; a talk heading (#### Title) must follow\n",
    )


def test_a_cache_hit_with_a_config_imports_no_heavy_library(repo: Path) -> None:
    from helpers import run_probe

    (repo / "pyproject.toml").write_text("[tool.talkcat]\nchart = true\ngroup_by_year = true\n")
    assert run_probe(repo, "sync-readme").returncode == 0
    assert run_probe(repo, "sync-readme", "--check").returncode == 0
    hot = run_probe(repo, "sync-readme", "--check")
    assert (hot.returncode, hot.stdout) == (0, "heavy:\n"), hot.stderr
    assert block(repo / "README.md").startswith("```mermaid\n")


def test_speaker_and_base_url_are_checked(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text('speaker = ""\nbase_url = "github.com/me/talks"\n', encoding="utf-8")
    assert invoke(runner, "export", "--format", "json") == (
        1,
        "",
        "talkcat.toml:1: speaker must be a name on one line, without surrounding spaces, not ''\n"
        "talkcat.toml:2: base_url must be an http:// or https:// URL, not 'github.com/me/talks'\n",
    )
