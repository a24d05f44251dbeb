"""`talkcat list`: every filter, the order, the limit and each output format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import LIST_CATALOGUE as CATALOGUE
from typer.testing import CliRunner

from talkcat.cli import app

ALL_PLAIN = (
    "2999-06-01-future-keynote\t2999-06-01\tFuture keynote\tFutureCon\tZürich, Switzerland\n"
    "2023-05-10-workshop-on-data\t2023-05-10\tWorkshop on data\tPyData Berlin\tBerlin, Germany\n"
    '2023-01-20-a-talk-with-quotes\t2023-01-20\tA talk, with "quotes"\tEuroPython\tOnline\n'
    "2001-02-03-old-podcast\t2001-02-03\tOld podcast\tTalk Python | To Me\t\n"
)


@pytest.fixture
def repo(project: Path) -> Path:
    (project / "data/talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    return project


def run(runner: CliRunner, *args: str) -> list[str]:
    result = runner.invoke(app, ["list", *args])
    assert result.exit_code == 0, result.output
    return [line.split("\t")[2] for line in result.stdout.splitlines()]


def test_plain_is_the_default_when_piped(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ALL_PLAIN
    assert result.stderr == ""
    assert runner.invoke(app, ["list", "--format", "plain"]).stdout == ALL_PLAIN


@pytest.mark.parametrize(
    ("args", "titles"),
    [
        (["--year", "2023"], ["Workshop on data", 'A talk, with "quotes"']),
        (["--year", "2001", "--year", "2999"], ["Future keynote", "Old podcast"]),
        (["--since", "2023-01-21"], ["Future keynote", "Workshop on data"]),
        (["--until", "2023-01-20"], ['A talk, with "quotes"', "Old podcast"]),
        (["--since", "2023-01-01", "--until", "2023-12-31"], ["Workshop on data", 'A talk, with "quotes"']),
        (["--until", "today"], ["Workshop on data", 'A talk, with "quotes"', "Old podcast"]),
        (["--event", "python"], ['A talk, with "quotes"', "Old podcast"]),
        (["--event", "PYDATA"], ["Workshop on data"]),
        (["--location", "zurich"], ["Future keynote"]),
        (["--location", "Berlin"], ["Workshop on data"]),
        (["--online"], ['A talk, with "quotes"']),
        (["--in-person"], ["Future keynote", "Workshop on data"]),
        (["--kind", "keynote"], ["Future keynote"]),
        (["--kind", "talk"], ['A talk, with "quotes"']),
        (["--kind", "podcast", "--kind", "workshop"], ["Workshop on data", "Old podcast"]),
        (["--tag", "python"], ["Future keynote", "Workshop on data", 'A talk, with "quotes"']),
        (["--tag", "python", "--tag", "data"], ["Workshop on data"]),
        (["--has-video"], ["Workshop on data", "Old podcast"]),
        (["--no-video"], ["Future keynote", 'A talk, with "quotes"']),
        (["--has-slides"], ["Workshop on data"]),
        (["--no-slides"], ["Future keynote", 'A talk, with "quotes"', "Old podcast"]),
        (["--upcoming"], ["Future keynote"]),
        (["--past"], ["Workshop on data", 'A talk, with "quotes"', "Old podcast"]),
        (["--past", "--tag", "python", "--no-video", "--online"], ['A talk, with "quotes"']),
    ],
)
def test_filters(repo: Path, runner: CliRunner, args: list[str], titles: list[str]) -> None:
    assert run(runner, *args) == titles


@pytest.mark.parametrize(
    ("args", "titles"),
    [
        (["--sort", "title"], ['A talk, with "quotes"', "Future keynote", "Old podcast", "Workshop on data"]),
        (["--sort", "event"], ['A talk, with "quotes"', "Future keynote", "Workshop on data", "Old podcast"]),
        (["--reverse"], ["Old podcast", 'A talk, with "quotes"', "Workshop on data", "Future keynote"]),
        (["--sort", "title", "--reverse", "--limit", "2"], ["Workshop on data", "Old podcast"]),
        (["--limit", "1"], ["Future keynote"]),
        (["--limit", "0"], ["Future keynote", "Workshop on data", 'A talk, with "quotes"', "Old podcast"]),
    ],
)
def test_sort_reverse_limit(repo: Path, runner: CliRunner, args: list[str], titles: list[str]) -> None:
    assert run(runner, *args) == titles


def test_same_day_keeps_catalogue_order(project: Path, runner: CliRunner) -> None:
    text = "talks:\n" + "".join(f"- title: T{n}\n  date: 2020-01-01\n  event: E\n" for n in (2, 1, 3))
    (project / "data/talks.yaml").write_text(text, encoding="utf-8")
    assert run(runner) == ["T2", "T1", "T3"]


def test_json_has_every_field_iso_dates_and_ids(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["list", "--format", "json", "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert json.loads(result.stdout) == [
        {
            "id": "2023-05-10-workshop-on-data",
            "title": "Workshop on data",
            "date": "2023-05-10",
            "end_date": "2023-05-11",
            "event": "PyData Berlin",
            "location": "Berlin, Germany",
            "kind": "workshop",
            "tags": ["data", "python"],
            "video": "https://example.org/v1",
            "slides": {"label": "Deck", "url": "https://example.org/s1"},
        },
        {
            "id": "2023-01-20-a-talk-with-quotes",
            "title": 'A talk, with "quotes"',
            "date": "2023-01-20",
            "event": "EuroPython",
            "location": "Online",
            "language": "English",
            "speakers": ["Ada", "Grace"],
            "tags": ["Python"],
            "link": "https://example.org/a",
            "description": "Two\nlines.\n",
        },
    ]


def test_csv_is_rfc_4180_with_every_field(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["list", "--format", "csv", "--year", "2023"])
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes.decode()
    # CRLF after each record; the description's own line break stays inside its quotes
    assert data.count("\r\n") == 3
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert rows == [
        [
            "id",
            "title",
            "date",
            "end_date",
            "event",
            "location",
            "kind",
            "language",
            "speakers",
            "tags",
            "link",
            "link_label",
            "video",
            "video_label",
            "slides",
            "slides_label",
            "description",
        ],
        [
            "2023-05-10-workshop-on-data",
            "Workshop on data",
            "2023-05-10",
            "2023-05-11",
            "PyData Berlin",
            "Berlin, Germany",
            "workshop",
            "",
            "",
            "data; python",
            "",
            "",
            "https://example.org/v1",
            "",
            "https://example.org/s1",
            "Deck",
            "",
        ],
        [
            "2023-01-20-a-talk-with-quotes",
            'A talk, with "quotes"',
            "2023-01-20",
            "",
            "EuroPython",
            "Online",
            "talk",
            "English",
            "Ada; Grace",
            "Python",
            "https://example.org/a",
            "",
            "",
            "",
            "",
            "",
            "Two\nlines.\n",
        ],
    ]
    assert '"A talk, with ""quotes"""' in data


def test_markdown_is_a_table_as_the_readme_writes_them(repo: Path, runner: CliRunner) -> None:
    # Cells as in the README's tables: a bare URL unlabelled, `|` escaped, widths in characters.
    result = runner.invoke(app, ["list", "--format", "markdown", "--has-video"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "| Date       | Title            | Event                | Location        | Video                           | Slides                         |\n"
        "|------------|------------------|----------------------|-----------------|---------------------------------|--------------------------------|\n"
        "| 2023-05-10 | Workshop on data | PyData Berlin        | Berlin, Germany | https://example.org/v1          | [Deck](https://example.org/s1) |\n"
        "| 2001-02-03 | Old podcast      | Talk Python \\| To Me |                 | [Listen](https://example.org/p) |                                |\n"
    )


def test_table(repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    result = runner.invoke(app, ["list", "--format", "table", "--year", "2023"])
    assert result.exit_code == 0, result.output
    # The id column: the shortest start of each id that tells it from every other (edit takes it).
    assert result.stdout == (
        "Id                  ┃ Date       ┃ Title                 ┃ Event         ┃ Location        ┃ Video ┃ Slides\n"
        "━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━\n"
        "2023-05-10-workshop │ 2023-05-10 │ Workshop on data      │ PyData Berlin │ Berlin, Germany │   ✓   │   ✓   \n"
        '2023-01-20-a        │ 2023-01-20 │ A talk, with "quotes" │ EuroPython    │ Online          │       │       \n'
    )


@pytest.mark.parametrize(
    ("width", "header"),
    [
        (100, ["Id", "Date", "Title", "Event", "Location", "Video", "Slides"]),
        (60, ["Id", "Date", "Title", "Event", "V", "S"]),
        (50, ["Id", "Date", "Title", "V", "S"]),
        (40, ["Id", "Date", "Title", "V"]),
        (24, ["Id", "Title"]),
    ],
)
def test_narrow_terminal_wraps_titles_inside_the_table(
    project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, width: int, header: list[str]
) -> None:
    title = "A very long title that goes on and on about reproducible research in science"
    (project / "data/talks.yaml").write_text(
        f"talks:\n- title: {title}\n  date: 2020-01-01\n  event: Some conference\n  location: Somewhere\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("COLUMNS", str(width))
    result = runner.invoke(app, ["list", "--format", "table"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= width for line in lines), result.stdout
    assert [cell.strip() for cell in lines[0].split("┃")] == header
    # every line of the row has a cell for every column
    assert {line.count("│") for line in lines[2:]} == {len(header) - 1}
    column = header.index("Title")
    cells = "".join(line.split("│")[column].strip() for line in lines[2:])
    assert cells.replace(" ", "") == title.replace(" ", "")


def test_no_match_is_exit_0_and_empty(repo: Path, runner: CliRunner) -> None:
    for output_format, stdout in (("plain", ""), ("json", "[]\n"), ("csv", ""), ("markdown", ""), ("table", "")):
        result = runner.invoke(app, ["list", "--year", "1999", "--format", output_format])
        assert (result.exit_code, result.stdout, result.stderr) == (0, stdout, "no talks match\n")


def test_empty_catalogue(project: Path, runner: CliRunner) -> None:
    (project / "data/talks.yaml").write_text("talks: []\n", encoding="utf-8")
    result = runner.invoke(app, ["list", "--format", "json"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "no talks match\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2023-02-30"], "--since '2023-02-30' is not a real date (day is out of range for month)\n"),
        (["--until", "someday"], "--until 'someday' is not a date; write it as YYYY-MM-DD (or `today`, `yesterday`)\n"),
        (
            ["--kind", "tutorials"],
            "--kind 'tutorials' is not one of talk, keynote, workshop, tutorial, panel, lightning, poster, "
            "podcast, lecture (did you mean 'tutorial'?)\n",
        ),
        (["--since", "2023-13-01"], "--since '2023-13-01' is not a real date (month must be in 1..12)\n"),
        (
            ["--kind", "keynot"],
            "--kind 'keynot' is not one of talk, keynote, workshop, tutorial, panel, lightning, poster, "
            "podcast, lecture (did you mean 'keynote'?)\n",
        ),
    ],
)
def test_bad_filter_values_are_usage_errors(repo: Path, runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["list", *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


@pytest.mark.parametrize("args", [["--sort", "speaker"], ["--format", "xml"], ["--limit", "-1"], ["--year", "twenty"]])
def test_usage_errors_are_exit_2(repo: Path, runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, ["list", *args])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_invalid_entries_are_left_out_with_a_warning(project: Path, runner: CliRunner) -> None:
    (project / "data/talks.yaml").write_text(
        "talks:\n- title: Good\n  date: 2020-01-01\n  event: E\n- title: Bad\n  date: 2020-02-30\n  event: E\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "2020-01-01-good\t2020-01-01\tGood\tE\t\n"
    assert result.stderr == (
        "warning: 1 problem in data/talks.yaml; 1 talk left out (see `talkcat validate --data data/talks.yaml`)\n"
    )


def test_unreadable_catalogue_is_exit_1(project: Path, runner: CliRunner) -> None:
    (project / "data/talks.yaml").write_text("talks: [\n", encoding="utf-8")
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("data/talks.yaml:")
    assert "invalid YAML" in result.stderr


def test_data_option(project: Path, runner: CliRunner) -> None:
    (project / "elsewhere.yaml").write_text(CATALOGUE, encoding="utf-8")
    result = runner.invoke(app, ["list", "--data", "elsewhere.yaml", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ALL_PLAIN.splitlines(keepends=True)[0]
    result = runner.invoke(app, ["list", "--data", "elsewhere.yaml", "--no-cache", "--limit", "1"])
    assert result.stdout == ALL_PLAIN.splitlines(keepends=True)[0]


def test_talks_that_tie_keep_their_catalogue_order_in_every_sort() -> None:
    import datetime as dt

    from talkcat.model import Talk, sort_talks

    day, later = dt.date(2023, 1, 1), dt.date(2023, 2, 1)
    a, b = Talk(title="Same", date=day, event="E", id="a"), Talk(title="Same", date=day, event="E", id="b")
    c = Talk(title="Zed", date=later, event="E")
    assert sort_talks([a, b, c]) == [c, a, b]
    assert sort_talks([a, b, c], reverse=True) == [a, b, c]
    assert sort_talks([c, a, b], "title") == [a, b, c]
    assert sort_talks([c, a, b], "title", reverse=True) == [c, a, b]
    with pytest.raises(ValueError):
        sort_talks([a], "slides")
