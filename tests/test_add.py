"""`talkcat add`: a new entry spliced in by date, every other byte of the file as it was."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from talkcat import store
from talkcat.cli import app
from talkcat.errors import TalkcatError

# Odd on purpose: a directive, comments everywhere, an indented list, quoting,
# flow collections, two blank lines, a document end marker.
ODD = """\
%YAML 1.2
---
# Talks, newest first. Keep the quotes: some titles need them.
talks:

  # --- 2024 ---
  - title: "Reproducible research: a primer"   # the big one
    date: 2024-05-01
    event: 'PyCon DE'
    location: Berlin, Germany
    tags: [reproducibility,   python]


  - title: Data pipelines
    date: 2023-03-10
    event: Data Meetup
    location: Zürich, Switzerland
    video: {label: Video, url: "https://example.org/v"}

  # --- older ---
  - title: Keynote on ML
    date: 2022-01-01
    event: EuroSciPy
    kind: keynote
    description: |
      A talk.

      ## Details
      More.
...
"""

DATA = Path("data/talks.yaml")


@pytest.fixture
def repo(project: Path) -> Path:
    (project / DATA).write_text(ODD, encoding="utf-8")
    return project


def catalogue() -> str:
    return DATA.read_text(encoding="utf-8")


def add(runner: CliRunner, *args: str, input: str | None = None) -> object:
    return runner.invoke(app, ["add", *args], input=input)


def test_add_in_the_middle_changes_only_added_lines(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["add", "--title", "New talk", "--date", "2023-06-01", "--event", "X Conf"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "2023-06-01-new-talk\n"
    assert result.stderr == "added 'New talk' (2023-06-01, X Conf) to data/talks.yaml:14\n"
    assert catalogue() == ODD.replace(
        "\n\n  - title: Data pipelines\n",
        "\n\n  - title: New talk\n    date: 2023-06-01\n    event: X Conf\n\n  - title: Data pipelines\n",
    )


def test_newest_goes_above_the_year_heading_and_oldest_before_the_end_marker(repo: Path, runner: CliRunner) -> None:
    assert add(runner, "--title", "Newest", "--date", "2025-01-01", "--event", "E").exit_code == 0  # type: ignore[attr-defined]
    assert add(runner, "--title", "Oldest", "--date", "2001-01-01", "--event", "E").exit_code == 0  # type: ignore[attr-defined]
    assert catalogue() == ODD.replace(
        "talks:\n\n  # --- 2024 ---\n",
        "talks:\n\n  - title: Newest\n    date: 2025-01-01\n    event: E\n\n  # --- 2024 ---\n",
    ).replace(
        "      More.\n...\n",
        "      More.\n\n  - title: Oldest\n    date: 2001-01-01\n    event: E\n...\n",
    )


def test_same_day_goes_after_the_talks_of_that_day(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["add", "--title", "Second", "--date", "2024-05-01", "--event", "PyCon DE"])
    assert result.exit_code == 0, result.output
    assert catalogue().index("Second") > catalogue().index("Reproducible research")
    assert catalogue().index("Second") < catalogue().index("Data pipelines")


def test_every_field_by_flag(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "add",
            "--id",
            "my-workshop",
            "--title",
            "Hands-on: testing",
            "--date",
            "2023-09-01",
            "--end-date",
            "2023-09-02",
            "--event",
            "EuroPython",
            "--location",
            "Prague, Czechia",
            "--kind",
            "workshop",
            "--language",
            "English",
            "--speaker",
            "Ada Lovelace",
            "--speaker",
            "Grace Hopper",
            "--tag",
            "testing",
            "--tag",
            "pytest",
            "--link",
            "https://example.org/talk",
            "--link-label",
            "Schedule",
            "--video",
            "https://example.org/video",
            "--video-label",
            "Watch",
            "--slides",
            "https://example.org/slides",
            "--slides-label",
            "Deck",
            "--description",
            "First line.\n\n## More\n\nDetails.\n\n",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "my-workshop\n"
    entry = """\
  - id: my-workshop
    title: 'Hands-on: testing'
    date: 2023-09-01
    end_date: 2023-09-02
    event: EuroPython
    location: Prague, Czechia
    kind: workshop
    language: English
    speakers:
    - Ada Lovelace
    - Grace Hopper
    tags:
    - testing
    - pytest
    link:
      label: Schedule
      url: https://example.org/talk
    video:
      label: Watch
      url: https://example.org/video
    slides:
      label: Deck
      url: https://example.org/slides
    description: |-
      First line.

      ## More

      Details.

"""
    assert catalogue() == ODD.replace("  - title: Data pipelines\n", entry + "  - title: Data pipelines\n")


def test_date_today_and_the_default_kind_left_out(repo: Path, runner: CliRunner) -> None:
    today = dt.date.today().isoformat()
    result = runner.invoke(app, ["add", "--title", "Today", "--date", "today", "--event", "E", "--kind", "talk"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{today}-today\n"
    assert f"  - title: Today\n    date: {today}\n    event: E\n\n" in catalogue()
    assert "kind: talk" not in catalogue()


def test_description_from_a_file_and_from_stdin(repo: Path, runner: CliRunner) -> None:
    Path("abstract.md").write_text("Line one.\r\nLine two.\r\n", encoding="utf-8")
    result = runner.invoke(
        app, ["add", "--title", "F", "--date", "2020-01-01", "--event", "E", "--description-file", "abstract.md"]
    )
    assert result.exit_code == 0, result.output
    assert catalogue().endswith("    description: |-\n      Line one.\n      Line two.\n...\n")
    result = runner.invoke(
        app,
        ["add", "--title", "S", "--date", "2019-01-01", "--event", "E", "--description-file", "-"],
        input="From stdin.\n",
    )
    assert result.exit_code == 0, result.output
    assert catalogue().endswith("  - title: S\n    date: 2019-01-01\n    event: E\n    description: From stdin.\n...\n")


def test_add_then_remove_is_byte_identical(repo: Path, runner: CliRunner) -> None:
    for day in ("2030-01-01", "2024-05-01", "2023-01-01", "2022-01-01", "1999-01-01"):
        added = runner.invoke(
            app, ["add", "--title", "Round trip", "--date", day, "--event", "E", "--tag", "t", "--description", "a\nb"]
        )
        assert added.exit_code == 0, added.output
        assert catalogue() != ODD
        removed = runner.invoke(app, ["remove", added.stdout.strip(), "--yes"])
        assert removed.exit_code == 0, removed.output
        assert DATA.read_bytes() == ODD.encode("utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "talks: []\n",
        "\ufeff# BOM\r\ntalks:\r\n- title: A\r\n  date: 2020-01-01\r\n  event: E\r\n",
        "talks:\n- title: A\n  date: 2020-01-01\n  event: E",
    ],
)
def test_round_trip_keeps_bom_line_ends_and_a_missing_final_newline(
    project: Path, runner: CliRunner, text: str
) -> None:
    DATA.write_bytes(text.encode("utf-8"))
    added = runner.invoke(app, ["add", "--title", "B", "--date", "2019-01-01", "--event", "E"])
    assert added.exit_code == 0, added.output
    if "\r\n" in text:
        assert b"\r\n- title: B\r\n  date: 2019-01-01\r\n  event: E\r\n" in DATA.read_bytes()
    removed = runner.invoke(app, ["remove", "2019-01-01-b", "--yes"])
    assert removed.exit_code == 0, removed.output
    assert DATA.read_bytes() == text.encode("utf-8")


def test_empty_list_becomes_a_block_list(project: Path, runner: CliRunner) -> None:
    DATA.write_text("# mine\ntalks:\n", encoding="utf-8")
    result = runner.invoke(app, ["add", "--title", "First", "--date", "2020-01-01", "--event", "E"])
    assert result.exit_code == 0, result.output
    assert catalogue() == "# mine\ntalks:\n- title: First\n  date: 2020-01-01\n  event: E\n"


def test_prompts_for_missing_fields_and_offers_the_others(repo: Path, runner: CliRunner) -> None:
    answers = [
        "Prompted talk",  # title
        "someday",  # not a date: asked again
        "2023-06-01",
        "",  # event is required: asked again
        "PyData",
        "",  # last day
        "Online",  # location
        "keynot",  # not a kind: asked again
        "keynote",
        "",  # language
        "",  # speakers
        "ml, data",  # tags
        "https://example.org/l",  # link
        "-",  # its label: none
        "",  # video
        "",  # slides
        "One line.",  # description, then its end mark
        ".",
    ]
    result = runner.invoke(app, ["add", "--input"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("2023-06-01-prompted-talk\n")
    assert "Error: date 'someday' is not a date; write it as YYYY-MM-DD (or `today`, `yesterday`)" in result.stdout
    assert "Event: \nEvent: PyData\n" in result.stdout  # an empty answer asks again
    assert "Error: kind 'keynot' is not one of talk, keynote," in result.stdout
    assert "Location (City, Country, or Online): " in result.stdout
    entry = (
        "  - title: Prompted talk\n    date: 2023-06-01\n    event: PyData\n    location: Online\n"
        "    kind: keynote\n    tags:\n    - ml\n    - data\n    link: https://example.org/l\n"
        "    description: One line.\n\n"
    )
    assert catalogue() == ODD.replace("  - title: Data pipelines\n", entry + "  - title: Data pipelines\n")


def test_prompts_only_for_what_flags_did_not_give(repo: Path, runner: CliRunner) -> None:
    answers = ["2023-06-01", "", "", "", "", "", "", "", "."]
    result = runner.invoke(
        app,
        ["add", "--input", "--title", "T", "--event", "E", "--location", "Here", "--tag", "x"],
        input="\n".join(answers) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Title" not in result.stdout and "Location" not in result.stdout and "Tags" not in result.stdout
    assert "Other speakers" in result.stdout
    assert "  - title: T\n    date: 2023-06-01\n    event: E\n    location: Here\n    tags:\n    - x\n\n" in catalogue()


def test_all_required_flags_given_means_no_prompts(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["add", "--input", "--title", "T", "--date", "2020-01-01", "--event", "E"], input="")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2020-01-01-t\n"


@pytest.mark.parametrize("args", [["--no-input"], []])
def test_without_a_terminal_missing_fields_are_a_usage_error(repo: Path, runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, ["add", "--title", "T", *args])
    assert result.exit_code == 2
    assert "missing --date, --event" in result.stderr
    assert catalogue() == ODD


def test_duplicate_derived_id_is_refused(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["add", "--title", "Data pipelines", "--date", "2023-03-10", "--event", "Other"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "data/talks.yaml:14: a talk with the id '2023-03-10-data-pipelines' (derived from the date and title) "
        "is already in the catalogue: 'Data pipelines' (2023-03-10, Data Meetup)\n"
        "hint: if this is another talk, give it an id of its own with --id\n"
    )
    assert catalogue() == ODD
    again = runner.invoke(
        app, ["add", "--title", "Data pipelines", "--date", "2023-03-10", "--event", "Other", "--id", "pipelines-2"]
    )
    assert again.exit_code == 0, again.output


def test_duplicate_explicit_id_is_refused(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["add", "--id", "2022-01-01-keynote-on-ml", "--title", "Other", "--date", "2020-01-01", "--event", "E"]
    )
    assert result.exit_code == 1
    assert result.stderr.endswith("hint: choose another --id\n")
    assert catalogue() == ODD


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2023-02-30"], "--date '2023-02-30' is not a real date (day is out of range for month)\n"),
        (
            ["--date", "03/04/2023"],
            "--date '03/04/2023' is not a date; write it as YYYY-MM-DD (or `today`, `yesterday`)\n",
        ),
        (["--date", "2026-02-30"], "--date '2026-02-30' is not a real date (day is out of range for month)\n"),
        (
            ["--date", "2023-01-01", "--kind", "keynot"],
            "--kind 'keynot' is not one of talk, keynote, workshop, tutorial, panel, lightning, poster, "
            "podcast, lecture (did you mean 'keynote'?)\n",
        ),
        (["--date", "2023-01-02", "--end-date", "2023-01-01"], "--end-date 2023-01-01 is before date 2023-01-02\n"),
    ],
)
def test_bad_option_values_are_usage_errors_and_write_nothing(
    repo: Path, runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["add", "--title", "T", "--event", "E", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert catalogue() == ODD


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--video", "https://no host/"], "--video 'https://no host/' is not a valid URL (it contains spaces)\n"),
        (
            ["--video", "youtu.be/xyz"],
            "--video 'youtu.be/xyz' is a web address without its scheme: did you mean 'https://youtu.be/xyz'?\n",
        ),
        (
            ["--link", "pydata.org/global2026/talk/1"],
            "--link 'pydata.org/global2026/talk/1' is a web address without its scheme: "
            "did you mean 'https://pydata.org/global2026/talk/1'?\n",
        ),
        (["--slides", "decks/2026/"], "--slides 'decks/2026/' does not exist in the repository ({root})\n"),
        (["--tag", "a\tb"], "--tag item 1 must be one line without control characters\n"),
        (["--id", "my id"], "--id 'my id' must have no spaces or slashes\n"),
        (["--title", "Ends in #"], "--title ends in ' #', which a markdown heading drops; the README would lose it\n"),
    ],
)
def test_each_value_is_checked_as_validate_would_before_anything_is_read(
    repo: Path, runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["add", "--title", "T", "--date", "2020-01-01", "--event", "E", *args])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == message.replace("{root}", str(repo.resolve()))
    assert catalogue() == ODD


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--description", "x", "--description-file", "f"], "give --description or --description-file, not both"),
        (["--link-label", "x"], "--link-label needs --link"),
        (["--slides-label", "x"], "--slides-label needs --slides"),
    ],
)
def test_usage_errors_are_exit_2(repo: Path, runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["add", "--title", "T", "--date", "2020-01-01", "--event", "E", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert catalogue() == ODD


def test_an_invalid_catalogue_is_not_written_to(project: Path, runner: CliRunner) -> None:
    bad = "talks:\n- title: A\n  date: 2020-02-30\n  event: E\n"
    DATA.write_text(bad, encoding="utf-8")
    result = runner.invoke(app, ["add", "--title", "T", "--date", "2020-01-01", "--event", "E"])
    assert result.exit_code == 1
    assert result.stderr == (
        "data/talks.yaml:3:9: date 2020-02-30 is not a real date (day is out of range for month)\n"
        "hint: fix these first (`talkcat validate --data data/talks.yaml`); nothing was changed\n"
    )
    assert catalogue() == bad


def test_missing_catalogue(project: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["add", "--title", "T", "--date", "2020-01-01", "--event", "E", "--data", "no/such.yaml"]
    )
    assert (result.exit_code, result.stderr) == (1, "no/such.yaml: no such file\n")
    # No lock file, and no folder for it: the file lock is taken only on a file that is there.
    assert not Path("no").exists()


def test_data_option(project: Path, runner: CliRunner) -> None:
    Path("mine.yaml").write_text("talks: []\n", encoding="utf-8")
    result = runner.invoke(app, ["add", "--title", "T", "--date", "2020-01-01", "--event", "E", "--data", "mine.yaml"])
    assert result.exit_code == 0, result.output
    assert Path("mine.yaml").read_text(encoding="utf-8") == "talks:\n- title: T\n  date: 2020-01-01\n  event: E\n"
    assert result.stderr == "added 'T' (2020-01-01, E) to mine.yaml:2\n"


def test_sync_with_another_readme(repo: Path, runner: CliRunner) -> None:
    Path("talks.md").write_text("<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    result = runner.invoke(
        app, ["add", "--title", "S", "--date", "2025-01-01", "--event", "E", "--sync", "--readme", "talks.md"]
    )
    assert result.exit_code == 0, result.output
    assert "### S\n" in Path("talks.md").read_text(encoding="utf-8")
    assert not Path("README.md").exists()


def test_sync_updates_the_readme(repo: Path, runner: CliRunner) -> None:
    Path("README.md").write_text("# Me\n\n<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    result = runner.invoke(app, ["add", "--title", "Synced", "--date", "2025-01-01", "--event", "E", "--sync"])
    assert result.exit_code == 0, result.output
    readme = Path("README.md").read_text(encoding="utf-8")
    assert readme.index("### Synced") < readme.index("### Reproducible research: a primer")
    assert result.stderr.endswith("README.md updated (4 talks)\n")


def test_sync_without_a_readme_changes_nothing(repo: Path, runner: CliRunner) -> None:
    """Checked before the write: else a second try would be refused as a duplicate."""
    result = runner.invoke(app, ["add", "--title", "Synced", "--date", "2025-01-01", "--event", "E", "--sync"])
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "README.md: no such file\n")
    assert catalogue() == ODD


def test_sync_into_a_readme_without_markers_changes_nothing(repo: Path, runner: CliRunner) -> None:
    Path("README.md").write_text("# Me\n", encoding="utf-8")
    for args in (
        ["add", "--title", "Synced", "--date", "2025-01-01", "--event", "E"],
        ["edit", "2023-03-10-data-pipelines", "--set", "event=F"],
        ["remove", "2023-03-10-data-pipelines", "--yes"],
    ):
        result = runner.invoke(app, [*args, "--sync"])
        assert result.exit_code == 1, args
        assert result.stderr.startswith("README.md: no <!-- TALKS --> ... <!-- //TALKS --> block\n"), result.stderr
        assert catalogue() == ODD
        assert Path("README.md").read_text(encoding="utf-8") == "# Me\n"


def test_a_readme_that_cannot_be_written_stops_a_sync_change_before_it(repo: Path, runner: CliRunner) -> None:
    # The catalogue was written, then the README refused (audit): now neither is.
    Path("README.md").write_text("<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    Path("README.md").chmod(0o444)
    result = runner.invoke(app, ["add", "--title", "Synced", "--date", "2025-01-01", "--event", "E", "--sync"])
    assert (result.exit_code, result.stderr) == (
        1,
        "README.md: is read-only; nothing was written\n"
        "hint: if talkcat may change it, make it writable: `chmod u+w README.md`\n",
    )
    assert catalogue() == ODD


def test_a_sync_refused_after_the_write_does_not_say_nothing_was_written(repo: Path, runner: CliRunner) -> None:
    # The sync's refusal said "nothing was written", and then that the catalogue was changed.
    Path("README.md").write_text("<!-- TALKS -->\n### Hand kept\n\nSome text.\n<!-- //TALKS -->\n", encoding="utf-8")
    result = runner.invoke(app, ["add", "--title", "Synced", "--date", "2025-01-01", "--event", "E", "--sync"])
    assert result.exit_code == 1
    assert "nothing was written" not in result.stderr
    assert result.stderr.startswith("added 'Synced' (2025-01-01, E) to data/talks.yaml:6\nREADME.md:2: ")
    assert result.stderr.endswith(
        "hint: the README holds talks talkcat did not write; the README was not written. Take them into the "
        "catalogue first: `talkcat import README.md --update`; or pass --force to replace them (they are lost); "
        "data/talks.yaml was changed: fix this, then run `talkcat sync-readme`\n"
    )
    assert "title: Synced" in catalogue()


def test_a_sync_that_fails_after_the_write_says_what_was_saved(repo: Path, runner: CliRunner) -> None:
    Path("README.md").write_text("<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    Path("talkcat.toml").write_text('template = "talks.md.j2"\n', encoding="utf-8")
    Path("talks.md.j2").write_text("{{ 1 // 0 }}\n", encoding="utf-8")
    result = runner.invoke(app, ["add", "--title", "Synced", "--date", "2025-01-01", "--event", "E", "--sync"])
    assert result.exit_code == 1
    assert result.stderr == (
        "added 'Synced' (2025-01-01, E) to data/talks.yaml:6\n"
        "talks.md.j2:1: template error: ZeroDivisionError: integer division or modulo by zero\n"
        "hint: data/talks.yaml was changed, the README was not: fix this, then run `talkcat sync-readme`\n"
    )
    assert "title: Synced" in catalogue()


@pytest.mark.slow
def test_concurrent_adds_all_land(repo: Path) -> None:
    """Twenty processes add a talk each at once; meanwhile a reader never sees a partial file."""
    import subprocess
    import sys
    import threading

    seen: set[bytes] = set()
    done = threading.Event()

    def read_all_along() -> None:
        while not done.is_set():
            seen.add(DATA.read_bytes())

    reader = threading.Thread(target=read_all_along)
    reader.start()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "talkcat",
                "add",
                "--title",
                f"Parallel {n}",
                "--date",
                f"2020-01-{n + 1:02d}",
                "--event",
                "E",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(20)
    ]
    try:
        for process in processes:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
    finally:
        done.set()
        reader.join()
    loaded = store.load_catalogue(DATA, cache=False)
    assert loaded.problems == []
    assert [t.title for t in loaded.talks][3:] == [f"Parallel {n}" for n in reversed(range(20))]
    # Every version the reader caught is a whole catalogue: the old talks and some of the new.
    assert len(seen) > 1
    for data in seen:
        version = store.parse_catalogue(data.decode("utf-8"), DATA)
        assert version.problems == []
        assert [t.title for t in version.talks][:3] == [t.title for t in loaded.talks][:3]
        assert {t.title for t in version.talks[3:]} <= {f"Parallel {n}" for n in range(20)}


@pytest.mark.slow
def test_twenty_adds_at_once_on_five_thousand_talks_all_land(tmp_path: Path) -> None:
    """Issue 10 §3: writers queue for the lock instead of giving up after a fixed wait.

    With a 10 s wait, 76 of 100 such adds gave up: each add of a 5,000-talk
    catalogue holds the lock for a good part of a second, and the last of 20
    waits for all the others. A bounded trial: 20 processes, once.
    """
    (tmp_path / ".git").mkdir()
    (tmp_path / "data").mkdir()
    talks = "".join(
        f"- title: Talk {n}\n  date: {dt.date(2024, 1, 1) - dt.timedelta(days=n)}\n  event: Event {n}\n"
        f"  location: Berlin, Germany\n  description: |\n    Some words about talk {n}.\n"
        for n in range(5000)
    )
    (tmp_path / DATA).write_text("talks:\n" + talks, encoding="utf-8")
    adds = [["add", "--title", f"At once {n}", "--date", f"2010-01-{n + 1:02d}", "--event", "E"] for n in range(20)]
    # As in the trial, other writers queue too (edits of other talks), and syncs
    # (here checks, which write nothing) keep the two cores busy meanwhile.
    ids = [f"{dt.date(2024, 1, 1) - dt.timedelta(days=n)}-talk-{n}" for n in range(10)]
    edits = [["edit", talk_id, "--set", "location=Edited"] for talk_id in ids]
    checks = [["sync-readme", "--check", "--no-cache"] for _ in range(10)]
    (tmp_path / "README.md").write_text("# Me\n\n<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "talkcat", *args], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for args in [*adds, *edits, *checks]
    ]
    results = []
    for process in processes:
        assert process.stderr is not None
        results.append((process.wait(timeout=600), process.stderr.read().decode()))
    assert [code for code, _ in results] == [0] * 30 + [3] * 10, [err for code, err in results if code not in (0, 3)]
    loaded = store.load_catalogue(tmp_path / DATA, cache=False)
    assert loaded.problems == []
    assert len(loaded.talks) == 5020
    assert [t.title for t in loaded.talks][5000:] == [f"At once {n}" for n in reversed(range(20))]
    assert [t.location for t in loaded.talks][:11] == ["Edited"] * 10 + ["Berlin, Germany"]


@pytest.mark.parametrize(
    "args",
    [
        ["add", "--title", "Waited", "--date", "2020-01-01", "--event", "E"],
        ["edit", "2022-01-01-keynote-on-ml", "--set", "location=Waited"],
        ["remove", "2022-01-01-keynote-on-ml", "--yes"],
    ],
)
def test_writers_wait_for_the_lock(repo: Path, runner: CliRunner, args: list[str]) -> None:
    import threading
    import time

    results: list[object] = []
    with store.locked(DATA):  # held by this thread; the command runs in another
        worker = threading.Thread(target=lambda: results.append(runner.invoke(app, args)))
        worker.start()
        time.sleep(0.5)
        assert catalogue() == ODD  # still waiting
        assert results == []
    worker.join(timeout=30)
    assert results[0].exit_code == 0, results[0].output  # type: ignore[attr-defined]
    assert catalogue() != ODD


def hold_the_lock(path: Path) -> subprocess.Popen[str]:
    """Another process holding the file's lock until its stdin closes (a talkcat stopped with Ctrl-Z, say)."""
    code = (
        "import sys\nfrom pathlib import Path\nfrom talkcat import store\n"
        f"with store.locked(Path({str(path)!r})):\n    print('held', flush=True)\n    sys.stdin.read()\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_writer_gives_up_only_on_a_holder_that_makes_no_progress(project: Path) -> None:
    DATA.write_text("talks: []\n", encoding="utf-8")
    holder = hold_the_lock(DATA)
    try:
        with pytest.raises(TalkcatError) as info:
            with store.locked(DATA, stall=0.2):
                pass  # pragma: no cover
    finally:
        holder.communicate("")
    assert str(info.value) == (
        f"data/talks.yaml: another talkcat (process {holder.pid}) has held this file's lock for 0.2 s without "
        "finishing; nothing was written"
    )
    # The lock is a live flock: deleting its file would let two writers in at once. Never suggested.
    assert info.value.hint == (
        "it may be stopped (Ctrl-Z) or stuck: let it finish, or end it, then run this again; "
        "the lock is freed when that process exits"
    )
    assert "delete" not in (info.value.hint or "")
    with store.locked(DATA, stall=0.2):
        assert catalogue() == "talks: []\n"


def test_a_lock_taken_again_in_one_thread_only_counts(project: Path) -> None:
    DATA.write_text("talks: []\n", encoding="utf-8")
    with store.locked(DATA, stall=0.2):
        with store.locked(DATA, stall=0.2):  # a write inside `locked` takes it again
            pass
        code = (
            "from pathlib import Path\nfrom talkcat import store\nfrom talkcat.errors import TalkcatError\n"
            "try:\n    store.locked(Path('data/talks.yaml'), stall=0.2).__enter__()\n"
            "except TalkcatError as exc:\n    print(exc)\n"
        )
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert other.stdout.startswith("data/talks.yaml: another talkcat (process ")  # still held by this thread


@pytest.mark.parametrize("in_git", [True, False], ids=["in-a-repository", "outside-any"])
def test_writers_with_different_cache_folders_share_one_lock(project: Path, in_git: bool) -> None:
    """The lock depends on the file alone: a cache folder per writer (two users, a hook) loses no talk."""
    import os
    import subprocess
    import sys

    if not in_git:
        shutil.rmtree(project / ".git")
        if store._git_dir(project) is not None:
            pytest.skip("the temporary folder is inside a git repository")
    DATA.write_text(ODD, encoding="utf-8")
    caches = [project.parent / f"{project.name}-cache-{n}" for n in range(2)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "talkcat",
                "add",
                "--title",
                f"Cache {n}",
                "--date",
                f"2020-01-{n + 1:02d}",
                "--event",
                "E",
            ],
            env={**os.environ, "TALKCAT_CACHE_DIR": str(caches[n % 2]), "XDG_CACHE_HOME": str(caches[n % 2])},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(10)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    loaded = store.load_catalogue(DATA, cache=False)
    assert loaded.problems == []
    assert [t.title for t in loaded.talks][3:] == [f"Cache {n}" for n in reversed(range(10))]
    where = store.lock_path(DATA)
    assert where.exists()
    if in_git:
        assert where.parent == (project / ".git/talkcat").resolve()
        assert sorted(p.name for p in where.parent.iterdir()) == [where.name]
    else:  # outside a repository, the folder is the lock: nothing is left beside the file
        assert where == (project / "data").resolve()
        assert sorted(p.name for p in where.iterdir()) == ["talks.yaml"]


def test_the_lock_never_shows_in_git_status(project: Path, runner: CliRunner) -> None:
    import subprocess

    (project / DATA).write_text(ODD, encoding="utf-8")
    status = ["git", "status", "--porcelain", "--untracked-files=all", "--ignored"]
    before = subprocess.run(status, capture_output=True, text=True, check=True).stdout
    result = runner.invoke(app, ["add", "--title", "T", "--date", "2020-01-01", "--event", "E"])
    assert result.exit_code == 0, result.output
    assert subprocess.run(status, capture_output=True, text=True, check=True).stdout == before == "?? data/talks.yaml\n"
    assert store.lock_path(DATA).parent == (project / ".git/talkcat").resolve()
    assert store.lock_path(DATA).exists()


def test_the_lock_does_not_follow_the_cache_folder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    where = store.lock_path(DATA)
    monkeypatch.setenv("TALKCAT_CACHE_DIR", str(repo / "elsewhere"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo / "elsewhere"))
    assert store.lock_path(DATA) == where
    # Nor does it follow the way the file is named: one file, one lock.
    assert store.lock_path((repo / DATA).resolve()) == where
    Path("linked.yaml").symlink_to(DATA)
    assert store.lock_path(Path("linked.yaml")) == where
    monkeypatch.chdir(repo / "data")
    assert store.lock_path(Path("talks.yaml")) == where


def test_in_a_worktree_the_lock_lives_in_its_git_folder(tmp_path: Path) -> None:
    import subprocess

    main, tree = tmp_path / "main", tmp_path / "tree"
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(main)], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "start"], cwd=main, check=True)
    subprocess.run([*git, "worktree", "add", "-q", str(tree)], cwd=main, check=True)
    assert (tree / ".git").is_file()  # "gitdir: <main>/.git/worktrees/tree"
    (tree / "data").mkdir()
    (tree / DATA).write_text("talks: []\n", encoding="utf-8")
    where = store.lock_path(tree / DATA)
    assert where.parent == (main / ".git/worktrees/tree/talkcat").resolve()
    with store.locked(tree / DATA):
        assert where.exists()


@pytest.mark.parametrize("dot_git", ["", "gitdir: no/such/folder\n", "not a gitdir line\n", "gitdir: a\ngitdir: b\n"])
def test_a_git_file_that_names_no_folder_makes_the_files_folder_the_lock(project: Path, dot_git: str) -> None:
    shutil.rmtree(project / ".git")
    (project / ".git").write_text(dot_git, encoding="utf-8")
    DATA.write_text("talks: []\n", encoding="utf-8")
    assert store.lock_path(DATA) == (project / "data").resolve()


def test_a_relative_gitdir_is_read_from_the_git_file_folder(project: Path) -> None:
    shutil.rmtree(project / ".git")
    (project / "modules/sub").mkdir(parents=True)
    (project / ".git").write_text("gitdir: modules/sub\r\n", encoding="utf-8")
    DATA.write_text("talks: []\n", encoding="utf-8")
    assert store.lock_path(DATA).parent == (project / "modules/sub/talkcat").resolve()


def test_a_symlinked_catalogue_is_written_through_and_keeps_its_mode(repo: Path, runner: CliRunner) -> None:
    import os

    (repo / "shared").mkdir()
    (repo / DATA).rename(repo / "shared/talks.yaml")
    (repo / DATA).symlink_to("../shared/talks.yaml")
    os.chmod(repo / "shared/talks.yaml", 0o640)
    result = runner.invoke(app, ["add", "--title", "Linked", "--date", "2020-01-01", "--event", "E"])
    assert result.exit_code == 0, result.output
    assert (repo / DATA).is_symlink()
    assert os.readlink(repo / DATA) == "../shared/talks.yaml"
    assert (repo / "shared/talks.yaml").read_text(encoding="utf-8") == ODD.replace(
        "...\n", "\n  - title: Linked\n    date: 2020-01-01\n    event: E\n...\n"
    )
    assert os.stat(repo / "shared/talks.yaml").st_mode & 0o777 == 0o640


def test_date_yesterday(repo: Path, runner: CliRunner) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    result = runner.invoke(app, ["add", "--title", "Late", "--date", "Yesterday", "--event", "E"])
    assert (result.exit_code, result.stdout) == (0, f"{yesterday}-late\n")
    answers = "yesterday\n" + "\n" * 9 + ".\n"  # the date, no optional field, no description
    answered = runner.invoke(app, ["add", "--input", "--title", "Later", "--event", "E"], input=answers)
    assert answered.exit_code == 0, answered.output
    assert f"  - title: Later\n    date: {yesterday}\n    event: E\n" in catalogue()


SEED = (ROOT / "data" / "talks.yaml").read_text(encoding="utf-8")


def test_labels_default_to_what_the_catalogue_uses_most(project: Path) -> None:
    from talkcat.commands.add import usual_label

    (project / DATA).write_text(SEED, encoding="utf-8")
    talks = store.load_catalogue(DATA).talks
    # The seed labels its links with the event's first word (Pydata, Euroscipy, SSI), its videos
    # `Video` twice and `Youtube` once, its slides `Slides`.
    assert usual_label(talks, "link", "PyCon DE 2026") == "PyCon"
    assert usual_label(talks, "video", "PyCon DE 2026") == "Video"
    assert usual_label(talks, "slides", "PyCon DE 2026") == "Slides"
    assert usual_label([], "video", "PyCon DE 2026") == "Video"
    (project / DATA).write_text(ODD, encoding="utf-8")  # one video, labelled `Video`; no link, no slides
    talks = store.load_catalogue(DATA).talks
    assert (usual_label(talks, "video", "X"), usual_label(talks, "link", "Data Meetup")) == ("Video", "Data")


def prompted(runner: CliRunner, answers: list[str], *args: str) -> Any:
    return runner.invoke(app, ["add", "--input", *args], input="".join(f"{answer}\n" for answer in answers))


# The date, then no last day, location, kind, language, speakers or tags.
SKIP_SIX = ["2026-04-22", "", "", "", "", "", ""]


def test_a_link_is_checked_at_its_own_prompt(repo: Path, runner: CliRunner) -> None:
    answers = [
        *SKIP_SIX,
        "pydata.org/global2026/talk/1",  # link: a host without its scheme
        "n",  # not https: then it is refused, and asked again
        "pydata.org/global2026/talk/1",
        "y",
        "",  # its label: the event's first word, as the catalogue does (no link yet: the default)
        "youtu.be/xyz",
        "",  # https:// then (the default)
        "Watch",  # the video's label
        "decks/",  # slides: no such folder
        "",
        ".",  # no description
    ]
    result = prompted(runner, answers, "--title", "T", "--event", "PyData Global 2026")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Link (the event's or talk's page): ") == 3 - 1
    assert "Did you mean https://pydata.org/global2026/talk/1? [Y/n]: n\n" in result.stdout
    assert (
        "Error: link 'pydata.org/global2026/talk/1' is a web address without its scheme: "
        "did you mean 'https://pydata.org/global2026/talk/1'?\n"
    ) in result.stdout
    assert "Its label in the README (- for none) [PyData]: \n" in result.stdout
    assert f"Error: slides 'decks/' does not exist in the repository ({repo.resolve()})\n" in result.stdout
    assert "does not exist in the repository" not in result.stdout.replace("'decks/' does not exist", "")
    assert (
        "  - title: T\n    date: 2026-04-22\n    event: PyData Global 2026\n"
        "    link:\n      label: PyData\n      url: https://pydata.org/global2026/talk/1\n"
        "    video:\n      label: Watch\n      url: https://youtu.be/xyz\n\n"
    ) in catalogue()


def test_a_label_of_dash_means_none(repo: Path, runner: CliRunner) -> None:
    answers = [*SKIP_SIX, "", "https://example.org/v", "-", "", "."]
    result = prompted(runner, answers, "--title", "T", "--event", "E")
    assert result.exit_code == 0, result.output
    assert "Its label in the README (- for none) [Video]: -\n" in result.stdout
    assert "  - title: T\n    date: 2026-04-22\n    event: E\n    video: https://example.org/v\n\n" in catalogue()


def test_the_description_takes_paragraphs_until_the_end_mark(repo: Path, runner: CliRunner) -> None:
    answers = [*SKIP_SIX, "", "", "", "First paragraph.", "", "  indented line", "", "Last.", "."]
    result = prompted(runner, answers, "--title", "T", "--event", "E")
    assert result.exit_code == 0, result.output
    assert (
        "    description: |-\n      First paragraph.\n\n        indented line\n\n      Last.\n\n  # --- 2024 ---\n"
    ) in catalogue()


def test_a_description_that_would_break_the_readme_is_asked_again(repo: Path, runner: CliRunner) -> None:
    answers = [*SKIP_SIX, "", "", "", "# Too high", "Text.", ".", "## Fine", "Text.", "."]
    result = prompted(runner, answers, "--title", "T", "--event", "E")
    assert result.exit_code == 0, result.output
    assert "Error: description line 1: a level-1 heading cannot nest under the talk's title" in result.stdout
    assert "    description: |-\n      ## Fine\n      Text.\n" in catalogue()


def test_the_end_of_the_input_ends_the_description(repo: Path, runner: CliRunner) -> None:
    result = prompted(runner, [*SKIP_SIX, "", "", "", "Only line."], "--title", "T", "--event", "E")
    assert result.exit_code == 0, result.output
    assert "    description: Only line.\n" in catalogue()


def test_a_taken_id_is_asked_for_at_once(repo: Path, runner: CliRunner) -> None:
    answers = ["Data pipelines", "2023-03-10", "Other meetup", "data-pipelines-2023", *SKIP_SIX[1:]]
    answers += ["", "", "", "."]
    result = prompted(runner, answers)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "The id '2023-03-10-data-pipelines' is taken, by 'Data pipelines' (2023-03-10, Data Meetup).\n"
    )
    assert "Id for this talk [2023-03-10-data-pipelines-2]: data-pipelines-2023\n" in result.stdout
    assert result.stdout.endswith("data-pipelines-2023\n")


def test_answers_running_out_is_a_usage_error_that_says_what_was_typed(repo: Path, runner: CliRunner) -> None:
    result = prompted(runner, ["A title"])
    assert result.exit_code == 2
    assert result.stderr == (
        "\na question was left without an answer (the input ended); nothing was changed\n"
        "hint: to go on from here, run what you typed:\n"
        "talkcat add --title 'A title'\n"
    )
    assert catalogue() == ODD


def test_answers_running_out_before_any_answer_prints_no_command_to_go_on_with(repo: Path, runner: CliRunner) -> None:
    result = prompted(runner, [], "--event", "E")
    assert result.exit_code == 2
    assert result.stderr == "\na question was left without an answer (the input ended); nothing was changed\n"
    assert catalogue() == ODD


def test_add_next_to_a_description_that_keeps_its_blank_lines(project: Path, runner: CliRunner) -> None:
    # `|+`: the blank line after "Text" is the description's. Today: "please report this".
    text = (
        "talks:\n- title: A\n  date: 2024-01-01\n  event: E\n  description: |+\n    Text\n\n"
        "- title: B\n  date: 2022-01-01\n  event: E\n"
    )
    (project / DATA).write_text(text, encoding="utf-8")
    result = add(runner, "--title", "Between", "--date", "2023-01-01", "--event", "E")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert catalogue() == text.replace("- title: B\n", "- title: Between\n  date: 2023-01-01\n  event: E\n- title: B\n")


def test_a_slides_path_copied_from_a_readme_link_is_taken_at_the_prompt_as_by_the_option(
    repo: Path, runner: CliRunner
) -> None:
    # `--slides 2022-09-01%20Euroscipy/` was taken as the folder it names, the same answer at
    # the prompt refused (audit): both take it now, and say so.
    (repo / "2022-09-01 Euroscipy").mkdir()
    answers = [*SKIP_SIX, "", "", "2022-09-01%20Euroscipy/", "", "."]
    result = prompted(runner, answers, "--title", "T", "--event", "EuroSciPy 2022")
    assert result.exit_code == 0, result.output
    assert (
        "note: slides '2022-09-01%20Euroscipy/' is percent-encoded, as in a link: the catalogue keeps the path it "
        "names, '2022-09-01 Euroscipy/'\n"
    ) in result.stderr
    # Said in the conversation, where the answer was typed, before the next question.
    assert result.output.index("note: slides") < result.output.index("Its label in the README")
    assert "    slides:\n      label: Slides\n      url: 2022-09-01 Euroscipy/\n" in catalogue()
