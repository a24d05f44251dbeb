"""`talkcat stats`: exact counts as plain lines, json and a terminal chart; filters apply."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest
from typer.testing import CliRunner

from talkcat.cli import app
from talkcat.stats import country, series

CATALOGUE = dedent(
    """\
    talks:
    - title: A
      date: 2023-04-19
      event: PyCon DE
      location: Berlin, Germany
      kind: keynote
    - title: B
      date: 2023-01-10
      event: PyData Global
      location: online
    - title: C
      date: 2020-06-01
      event: PyCon DE
      location: Munich, Bavaria, Germany
    - title: D
      date: 2020-03-01
      event: EuroSciPy
      location: Zürich, Switzerland
    - title: E
      date: 2020-02-01
      event: pycon de
    """
)


@pytest.fixture
def repo(project: Path) -> Path:
    (project / "data/talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    return project


def stats(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["stats", *args])
    return result.exit_code, result.stdout, result.stderr


def test_plain_lines_when_piped(repo: Path, runner: CliRunner) -> None:
    assert stats(runner) == (
        0,
        dedent(
            """\
            total\t5
            year\t2020\t3
            year\t2021\t0
            year\t2022\t0
            year\t2023\t2
            kind\ttalk\t4
            kind\tkeynote\t1
            event\tPyCon DE\t3
            event\tEuroSciPy\t1
            event\tPyData Global\t1
            series\tPyCon DE\t3
            series\tEuroSciPy\t1
            series\tPyData Global\t1
            location\tBerlin, Germany\t1
            location\tMunich, Bavaria, Germany\t1
            location\tonline\t1
            location\tZürich, Switzerland\t1
            country\tGermany\t2
            country\tOnline\t1
            country\tSwitzerland\t1
            """
        ),
        "",
    )


def test_json(repo: Path, runner: CliRunner) -> None:
    code, out, err = stats(runner, "--format", "json", "--year", "2023")
    assert (code, err) == (0, "")
    assert out == dedent(
        """\
        {
          "total": 2,
          "year": {
            "2023": 2
          },
          "kind": {
            "keynote": 1,
            "talk": 1
          },
          "event": {
            "PyCon DE": 1,
            "PyData Global": 1
          },
          "series": {
            "PyCon DE": 1,
            "PyData Global": 1
          },
          "location": {
            "Berlin, Germany": 1,
            "online": 1
          },
          "country": {
            "Germany": 1,
            "Online": 1
          }
        }
        """
    )
    assert json.loads(out)["total"] == 2


def test_the_chart(repo: Path, runner: CliRunner) -> None:
    code, out, err = stats(runner, "--format", "chart", "--in-person")
    assert (code, err) == (0, "")
    assert out == dedent(
        """\
        3 talks

        by year
        2020 2 ████████████████████████████████████████
        2021 0
        2022 0
        2023 1 ████████████████████

        by kind
        talk    2 ████████████████████████████████████████
        keynote 1 ████████████████████

        by event
        PyCon DE  2 ████████████████████████████████████████
        EuroSciPy 1 ████████████████████

        by series
        PyCon DE  2 ████████████████████████████████████████
        EuroSciPy 1 ████████████████████

        by location
        Berlin, Germany          1 ████████████████████████████████████████
        Munich, Bavaria, Germany 1 ████████████████████████████████████████
        Zürich, Switzerland      1 ████████████████████████████████████████

        by country
        Germany     2 ████████████████████████████████████████
        Switzerland 1 ████████████████████
        """
    )


def test_no_talks_match(repo: Path, runner: CliRunner) -> None:
    assert stats(runner, "--year", "1999") == (0, "total\t0\n", "")
    code, out, _ = stats(runner, "--year", "1999", "--format", "json")
    assert json.loads(out) == {
        "total": 0,
        "year": {},
        "kind": {},
        "event": {},
        "series": {},
        "location": {},
        "country": {},
    }


def test_a_bad_filter_is_a_usage_error(repo: Path, runner: CliRunner) -> None:
    code, _, err = stats(runner, "--format", "bars")
    assert code == 2
    assert "'bars' is not one of 'chart', 'plain', 'json'" in err


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("Berlin, Germany", "Germany"),
        ("Munich, Bavaria, Germany", "Germany"),
        ("Germany", "Germany"),
        ("ONLINE", "Online"),
        (" Online ", "Online"),
        ("Somewhere,", None),
        ("", None),
        (None, None),
    ],
)
def test_country_is_after_the_last_comma(location: str | None, expected: str | None) -> None:
    assert country(location) == expected


def test_events_of_one_series_are_counted_together(project: Path, runner: CliRunner) -> None:
    # The seed's two PyData Global talks: one event each, and one series, whatever the case.
    (project / "data/talks.yaml").write_text(
        "talks:\n"
        "- {title: A, date: 2022-12-02, event: PyData Global 2022}\n"
        "- {title: B, date: 2021-10-30, event: Pydata Global 2021}\n"
        "- {title: C, date: 2021-10-29, event: pydata global 2021}\n"
        "- {title: D, date: 2021-10-28, event: SSI Fellowship 2022}\n",
        encoding="utf-8",
    )
    _, out, _ = stats(runner)
    assert [line for line in out.splitlines() if line.startswith(("event", "series"))] == [
        "event\tPydata Global 2021\t2",
        "event\tPyData Global 2022\t1",
        "event\tSSI Fellowship 2022\t1",
        "series\tPyData Global\t3",
        "series\tSSI Fellowship\t1",
    ]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ("PyData Global 2022", "PyData Global"),
        ("2023 EuroPython", "EuroPython"),
        ("SciPy 2019: Austin", "SciPy: Austin"),
        ("FOSDEM 2024, Brussels", "FOSDEM, Brussels"),
        ("JupyterCon (2020)", "JupyterCon"),
        ("PyCon DE", "PyCon DE"),
        ("Web 2.0 Summit", "Web 2.0 Summit"),
        ("PyCon 2020/21", "PyCon 2020/21"),
        ("2022", "2022"),
    ],
)
def test_series_is_the_event_without_its_year(event: str, expected: str) -> None:
    assert series(event) == expected
