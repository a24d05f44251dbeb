"""The day a pretalx talk is on: its slot's start in the conference's timezone, else the event's first day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from talkcat.errors import TalkcatError
from talkcat.sources import local_date, pretalx

EVENT = pretalx.Event("https://pretalx.example.org", "democon")
URL = "https://pretalx.example.org/api/events/democon/submissions/ABC123/"


def submission(**fields: Any) -> dict[str, Any]:
    return {"code": "ABC123", "title": "A talk", "speakers": [], **fields}


def fetch(url: str, missing: str | None = None) -> Any:
    raise AssertionError(f"nothing to fetch: {url}")


def info(first_day: str | None = "2026-11-30", timezone: str | None = "Europe/Berlin") -> pretalx.EventInfo:
    return pretalx.EventInfo("DemoCon", first_day, timezone, "en")


@pytest.mark.parametrize(
    ("start", "timezone", "day"),
    [
        ("2026-12-01T23:30:00+00:00", "Europe/Berlin", dt.date(2026, 12, 2)),  # past midnight in Berlin
        ("2026-12-01T23:30:00Z", "Europe/Berlin", dt.date(2026, 12, 2)),
        ("2026-12-02T00:30:00+01:00", "America/New_York", dt.date(2026, 12, 1)),  # still the 1st in New York
        ("2026-12-01T23:30:00+00:00", None, dt.date(2026, 12, 1)),  # no zone known: the moment's own day
        ("2026-12-01T23:30:00", "Europe/Berlin", dt.date(2026, 12, 1)),  # no offset: the conference's time
    ],
)
def test_a_slot_is_on_the_day_of_the_conferences_timezone(start: str, timezone: str | None, day: dt.date) -> None:
    assert local_date(start, timezone) == day
    entry = pretalx.entry(submission(slots=[{"start": start}]), info(timezone=timezone), EVENT, fetch, URL)
    assert entry["date"] == day


def test_an_unscheduled_talk_is_on_the_events_first_day() -> None:
    assert pretalx.entry(submission(slots=[]), info(), EVENT, fetch, URL)["date"] == dt.date(2026, 11, 30)
    assert pretalx.entry(submission(slot=None), info(), EVENT, fetch, URL)["date"] == dt.date(2026, 11, 30)


def test_the_first_of_several_slots_is_the_talks_day() -> None:
    slots = [{"start": "2026-12-03T10:00:00+01:00"}, {"start": "2026-12-02T10:00:00+01:00"}]
    assert pretalx.entry(submission(slots=slots), info(), EVENT, fetch, URL)["date"] == dt.date(2026, 12, 2)


def test_no_slot_and_no_first_day_is_said() -> None:
    with pytest.raises(TalkcatError, match="the talk has no time in the schedule, and its event no first day"):
        pretalx.entry(submission(slots=[]), info(first_day=None), EVENT, fetch, URL)
