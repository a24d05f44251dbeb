"""`talkcat remove ID`: only the talk's lines go; it asks first unless --yes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from talkcat.cli import app

CATALOGUE = """\
talks:
# 2024
- title: First   # newest
  date: 2024-05-01
  event: PyCon DE

# 2023
- title: Second
  date: 2023-03-10
  event: "Data Meetup"
  tags: [a]

- title: Third
  date: 2022-01-01
  event: EuroSciPy
# the end
"""

DATA = Path("data/talks.yaml")


@pytest.fixture
def repo(project: Path) -> Path:
    (project / DATA).write_text(CATALOGUE, encoding="utf-8")
    return project


def catalogue() -> str:
    return DATA.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("talk_id", "expected"),
    [
        (
            "2024-05-01-first",
            CATALOGUE.replace("- title: First   # newest\n  date: 2024-05-01\n  event: PyCon DE\n\n", ""),
        ),
        (
            "2023-03-10-second",
            CATALOGUE.replace('- title: Second\n  date: 2023-03-10\n  event: "Data Meetup"\n  tags: [a]\n\n', ""),
        ),
        ("2022-01-01-third", CATALOGUE.replace("\n- title: Third\n  date: 2022-01-01\n  event: EuroSciPy\n", "")),
    ],
)
def test_remove_cuts_only_the_talks_lines(repo: Path, runner: CliRunner, talk_id: str, expected: str) -> None:
    result = runner.invoke(app, ["remove", talk_id, "--yes"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("removed '")
    assert catalogue() == expected


def test_remove_says_what_it_removed(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["remove", "2023-03-10-second", "-y"])
    assert result.stderr == "removed 'Second' (2023-03-10, Data Meetup) from data/talks.yaml\n"


def test_removing_the_last_talk_leaves_an_empty_list(project: Path, runner: CliRunner) -> None:
    DATA.write_text("# mine\ntalks:\n- title: Only\n  date: 2020-01-01\n  event: E\n", encoding="utf-8")
    result = runner.invoke(app, ["remove", "2020-01-01-only", "--yes"])
    assert result.exit_code == 0, result.output
    assert catalogue() == "# mine\ntalks: []\n"


def test_confirmation_yes(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["remove", "2024-05-01-first", "--input"], input="y\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Remove 'First' (2024-05-01, PyCon DE) from data/talks.yaml? [y/N]: y\n"
    assert "First" not in catalogue()


@pytest.mark.parametrize("answer", ["n\n", "\n"])
def test_confirmation_no_keeps_the_file(repo: Path, runner: CliRunner, answer: str) -> None:
    result = runner.invoke(app, ["remove", "2024-05-01-first", "--input"], input=answer)
    assert result.exit_code == 4  # declined
    assert result.stderr == "nothing was removed\n"
    assert catalogue() == CATALOGUE


@pytest.mark.parametrize("args", [[], ["--no-input"]])
def test_no_terminal_needs_yes(repo: Path, runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, ["remove", "2024-05-01-first", *args])
    assert result.exit_code == 2
    assert "nothing can ask for confirmation without a terminal: add --yes" in result.stderr
    assert catalogue() == CATALOGUE


def test_unknown_id(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["remove", "2023-03-10-secnd", "--yes"])
    assert result.exit_code == 1
    assert result.stderr == (
        "data/talks.yaml: no talk with id '2023-03-10-secnd'\nhint: did you mean '2023-03-10-second'?\n"
    )
    assert catalogue() == CATALOGUE


def test_several_suggestions(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["remove", "2023-03-11", "--yes"])
    assert result.exit_code == 1
    assert result.stderr.endswith("hint: did you mean '2023-03-10-second'?\n")
    result = runner.invoke(app, ["remove", "202", "--yes"])
    assert result.exit_code == 1
    assert result.stderr == (
        "data/talks.yaml: '202' is the start of 3 ids: 2024-05-01-first, 2023-03-10-second, 2022-01-01-third\n"
        "hint: give more of the id\n"
    )
    assert catalogue() == CATALOGUE


def test_invalid_catalogue_is_left_alone(project: Path, runner: CliRunner) -> None:
    bad = "talks:\n- title: A\n  date: 2020-01-01\n  event: E\n  loaction: x\n"
    DATA.write_text(bad, encoding="utf-8")
    result = runner.invoke(app, ["remove", "2020-01-01-a", "--yes"])
    assert result.exit_code == 1
    assert result.stderr.startswith("data/talks.yaml:5:3: unknown key 'loaction' (did you mean 'location'?)\n")
    assert catalogue() == bad


def test_data_and_sync(project: Path, runner: CliRunner) -> None:
    Path("t.yaml").write_text(CATALOGUE, encoding="utf-8")
    Path("talks.md").write_text("<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    synced = runner.invoke(app, ["sync-readme", "--data", "t.yaml", "--readme", "talks.md"])
    assert synced.exit_code == 0, synced.output
    assert "### Third" in Path("talks.md").read_text(encoding="utf-8")
    # talkcat wrote the block, so the talk it drops is no hand-written one: it goes.
    result = runner.invoke(
        app, ["remove", "2022-01-01-third", "--yes", "--data", "t.yaml", "--sync", "--readme", "talks.md"]
    )
    assert result.exit_code == 0, result.output
    assert "Third" not in Path("t.yaml").read_text(encoding="utf-8")
    readme = Path("talks.md").read_text(encoding="utf-8")
    assert "### Second" in readme and "Third" not in readme
    assert result.stderr.endswith("talks.md updated (2 talks)\n")


def test_an_id_prefix_names_the_talk_it_took(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["remove", "2023-03", "--input"], input="y\n")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "'2023-03' is 2023-03-10-second: 'Second' (2023-03-10, Data Meetup)\n"
        "removed 'Second' (2023-03-10, Data Meetup) from data/talks.yaml\n"
    )
    assert "Remove 'Second' (2023-03-10, Data Meetup) from data/talks.yaml? [y/N]: y\n" in result.stdout
    assert "Second" not in catalogue()
    result = runner.invoke(app, ["remove", "2022", "--yes"])
    took = "'2022' is 2022-01-01-third: 'Third' (2022-01-01, EuroSciPy)"
    assert (result.exit_code, result.stderr.splitlines()[0]) == (0, took)


# A talk whose description's next line starts with `#` at column 0 (legal YAML inside
# quotes), and one whose `|+` description keeps a blank line: each ends where the
# parser says, not where its lines seem to end.
TRICKY = """\
talks:
- title: Quoted
  date: 2024-05-01
  event: E
  description: "Intro

## Outline"
- title: Kept
  date: 2023-03-10
  event: E
  description: |+
    Text

- title: Last
  date: 2022-01-01
  event: E
"""


@pytest.mark.parametrize(
    ("talk_id", "expected"),
    [
        # Today `## Outline"` was left behind, as a comment, with exit 0.
        (
            "2024-05-01-quoted",
            TRICKY.replace(
                '- title: Quoted\n  date: 2024-05-01\n  event: E\n  description: "Intro\n\n## Outline"\n', ""
            ),
        ),
        # Today "please report this".
        (
            "2023-03-10-kept",
            TRICKY.replace("- title: Kept\n  date: 2023-03-10\n  event: E\n  description: |+\n    Text\n\n", ""),
        ),
        ("2022-01-01-last", TRICKY.replace("- title: Last\n  date: 2022-01-01\n  event: E\n", "")),
    ],
)
def test_remove_takes_the_whole_talk_as_the_parser_reads_it(
    project: Path, runner: CliRunner, talk_id: str, expected: str
) -> None:
    (project / DATA).write_text(TRICKY, encoding="utf-8")
    result = runner.invoke(app, ["remove", talk_id, "--yes"])
    assert result.exit_code == 0, result.output
    assert catalogue() == expected


def test_removing_the_only_talk_under_an_anchor_keeps_the_file_valid(project: Path, runner: CliRunner) -> None:
    # Today: `talks: [] &all`, which is not YAML, and a message blaming the file on disk.
    (project / DATA).write_text("talks: &all\n- title: A\n  date: 2022-01-01\n  event: E\n", encoding="utf-8")
    result = runner.invoke(app, ["remove", "2022-01-01-a", "--yes"])
    assert result.exit_code == 0, result.output
    assert catalogue() == "talks: &all []\n"
    result = runner.invoke(app, ["add", "--title", "A", "--date", "2022-01-01", "--event", "E"])
    assert result.exit_code == 0, result.output
    assert catalogue() == "talks: &all\n- title: A\n  date: 2022-01-01\n  event: E\n"
