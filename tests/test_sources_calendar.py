"""`import --ics`: talkcat's own export read back gives the same talks; pretalx's talks.ics; other calendars."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT
from typer.testing import CliRunner

from talkcat.cli import app

sys.path.insert(0, str(ROOT / "tests" / "pretalx"))
import served  # noqa: E402

TRICKY = """\
talks:
- id: my-own-id
  title: "Reproducible ML: a tour, with commas"
  date: 2024-05-02
  end_date: 2024-05-04
  event: PyCon DE & PyData 2024
  location: Berlin, Germany
  kind: workshop
  language: German
  speakers:
  - Lovelace, Ada
  - Grace Hopper
  tags: [ml, "data; science"]
  link: {label: PyCon DE, url: "https://2024.pycon.de/program/ABCDEF/"}
  video: https://youtu.be/abc
  slides: 2024-05-02 Workshop/
  description: |
    First paragraph; with a semicolon, a comma.

    Video: not a link line, the description's own.

    ## What it covers

    - ünïcödé, emoji 🎉
- title: Plain
  date: 2024-05-02
  event: Meetup
- title: Labelled slides only
  date: 2023-01-01
  event: Meetup
  slides: {label: Slides (PDF), url: "https://example.org/deck.pdf"}
"""


def talks_of(path: Path) -> list[dict[str, object]]:
    return sorted(yaml.safe_load(path.read_text(encoding="utf-8"))["talks"], key=lambda t: (str(t["date"]), t["title"]))


@pytest.mark.parametrize("catalogue", ["tricky", "repository"])
def test_export_then_import_gives_the_same_talks(project: Path, runner: CliRunner, catalogue: str) -> None:
    data = project / "data" / "talks.yaml"
    if catalogue == "tricky":
        data.write_text(TRICKY, encoding="utf-8")
        (project / "2024-05-02 Workshop").mkdir()
    else:
        shutil.copy(ROOT / "data" / "talks.yaml", data)
    exported = runner.invoke(app, ["export", "--format", "ics", "-o", "talks.ics"])
    assert exported.exit_code == 0, exported.output
    result = runner.invoke(app, ["import", "--ics", "talks.ics", "--data", "back.yaml"])
    assert result.exit_code == 0, result.output
    assert talks_of(project / "back.yaml") == talks_of(data)
    # And into the catalogue itself: every talk is already there, nothing changes.
    before = data.read_bytes()
    again = runner.invoke(app, ["import", "--ics", "talks.ics", "--update"])
    assert again.exit_code == 0, again.output
    count = len(talks_of(data))
    assert again.stderr == f"imported into data/talks.yaml: 0 added, 0 updated, {count} unchanged\n"
    assert data.read_bytes() == before


def test_pretalx_speaker_calendar(project: Path, runner: CliRunner) -> None:
    recorded = served.Recorded()
    recorded.origin = recorded.placeholder  # as recorded: read from a file, not served
    ics = recorded.answers[served._key("current", f"/democon/speaker/{recorded.talks['speaker']}/talks.ics")]
    (project / "talks.ics").write_bytes(recorded.body(str(ics["file"])))
    result = runner.invoke(app, ["import", "--ics", "talks.ics", "--event", "DemoCon"])
    assert result.exit_code == 0, result.output
    talks = talks_of(project / "data" / "talks.yaml")
    schedule = recorded.json("/democon/schedule/export/schedule.json")
    theirs = sorted(
        (talk["date"][:10], talk["title"], [p["name"] for p in talk["persons"]], talk["abstract"], talk["url"])
        for day in schedule["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for talk in room
        if any(p["code"] == recorded.talks["speaker"] for p in talk["persons"])
    )
    assert [(str(t["date"]), t["title"], t["speakers"], t["description"], t["link"]) for t in talks] == theirs
    assert {t["event"] for t in talks} == {"DemoCon"}
    assert all("location" not in t for t in talks)  # a room is no location


def test_a_calendar_that_names_no_conference(project: Path, runner: CliRunner) -> None:
    (project / "other.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:1@x\r\n"
        "DTSTAMP:20240101T000000Z\r\nDTSTART;VALUE=DATE:20240301\r\nSUMMARY:A talk\r\n"
        "LOCATION:Zürich\\, Switzerland\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "--ics", "other.ics"])
    assert result.exit_code == 1
    assert result.stderr == (
        "other.ics: event 1@x: the calendar does not say which conference it is (no X-WR-CALNAME)\n"
        "hint: name it with --event NAME\n"
    )
    assert not (project / "data" / "talks.yaml").exists()
    named = runner.invoke(app, ["import", "--ics", "other.ics", "--event", "Swiss Python Summit"])
    assert named.exit_code == 0, named.output
    assert (project / "data" / "talks.yaml").read_text(encoding="utf-8") == (
        "talks:\n- title: A talk\n  date: 2024-03-01\n  event: Swiss Python Summit\n  location: Zürich, Switzerland\n"
    )


def test_not_a_calendar(project: Path, runner: CliRunner) -> None:
    (project / "notes.ics").write_text("just some notes\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "--ics", "notes.ics"])
    assert result.exit_code == 1
    assert result.stderr.startswith("notes.ics: not an iCalendar file (")
    assert "Traceback" not in result.output
