"""A calendar of talks (iCalendar) as catalogue entries: talkcat's own export, pretalx's `talks.ics`, any other.

talkcat's export (`export --format ics`) writes what a calendar shows:
SUMMARY the title, an all-day DTSTART/DTEND, LOCATION, URL, CATEGORIES
(kind, then tags), and a DESCRIPTION whose first lines are the event and
the links; what a calendar has no property for (labels, a slides folder,
speakers kept apart, language) rides along in `X-TALKCAT-FIELDS`, which
calendar programs ignore. Reading it back gives the same talks.

pretalx's calendars (UID `pretalx-EVENT-CODE@HOST`) hold `Title - Speakers`
as SUMMARY, the abstract as DESCRIPTION and the room as LOCATION; the room
is left out, and the event is its slug unless the caller names it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from talkcat import sources
from talkcat.errors import TalkcatError
from talkcat.model import DEFAULT_KIND, KINDS, Link, Talk, derive_id

FIELDS_PROPERTY = "X-TALKCAT-FIELDS"
TALKCAT_UID = "@talkcat"
_LINK_LINES = (("link", "Link: "), ("video", "Video: "), ("slides", "Slides: "))
_SPEAKERS_LINE = "Speakers: "
CALENDAR_HINT = "pip install 'talkcat[calendar]'"


def extra_fields(talk: Talk) -> str | None:
    """The JSON of what an exported event holds nowhere else (for `X-TALKCAT-FIELDS`), or None.

    Speakers are kept as a list (a name may hold a comma), a link with its
    label or as the path it is; a plain URL needs nothing here, the
    description's `Link:` line holds it.
    """
    fields: dict[str, Any] = {}
    if talk.speakers:
        fields["speakers"] = list(talk.speakers)
    if talk.language:
        fields["language"] = talk.language
    for name in ("link", "video", "slides"):
        link: Link | None = getattr(talk, name)
        if link is not None and (link.label is not None or not link.is_url):
            fields[name] = link.to_value()
    return json.dumps(fields, ensure_ascii=False, sort_keys=True) if fields else None


@dataclass(frozen=True)
class Event:
    """A calendar event as an entry, and its UID (or position) for messages."""

    entry: dict[str, Any]
    ref: str


def read(data: bytes, path: str, event_name: str | None = None) -> list[Event]:
    """The talks of a calendar's bytes, in the calendar's order."""
    try:
        import icalendar
    except ImportError:
        raise TalkcatError(
            "reading a calendar needs the icalendar package, which is not installed", hint=CALENDAR_HINT
        ) from None
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, IndexError, KeyError) as exc:
        raise TalkcatError(f"not an iCalendar file ({exc})", path=path) from None
    events: list[Event] = []
    for calendar in calendars:
        name = event_name or sources.one_line(str(calendar.get("X-WR-CALNAME") or ""))
        for number, component in enumerate(calendar.walk("VEVENT")):
            uid = str(component.get("UID") or f"event {number + 1}")
            events.append(Event(_entry(component, uid, name, event_name is not None, path), uid))
    if not events:
        raise TalkcatError("the calendar holds no events", path=path)
    return events


def _entry(component: Any, uid: str, calendar_name: str | None, named: bool, path: str) -> dict[str, Any]:
    summary = sources.one_line(str(component.get("SUMMARY") or ""))
    start = _day(component, "DTSTART")
    if summary is None or start is None:
        raise TalkcatError(f"event {uid} has no summary or no start", path=path)
    if uid.endswith(TALKCAT_UID):
        return _talkcat_entry(component, uid, summary, start, calendar_name if named else None, path)
    if uid.startswith("pretalx-"):
        return _pretalx_entry(component, uid, summary, start, calendar_name if named else None)
    if calendar_name is None:
        raise TalkcatError(
            f"event {uid}: the calendar does not say which conference it is (no X-WR-CALNAME)",
            path=path,
            hint="name it with --event NAME",
        )
    return sources.entry(
        title=summary,
        date=start,
        end_date=_last_day(component, start),
        event=calendar_name,
        location=sources.one_line(str(component.get("LOCATION") or "")),
        link=_url(component),
        description=sources.description(str(component.get("DESCRIPTION") or "")),
    )


def _talkcat_entry(
    component: Any, uid: str, summary: str, start: dt.date, event_name: str | None, path: str
) -> dict[str, Any]:
    """talkcat's own export read back: the description's head lines, the categories, the extra fields."""
    lines = str(component.get("DESCRIPTION") or "").replace("\r\n", "\n").split("\n")
    blank = lines.index("") if "" in lines else len(lines)
    head, body = lines[:blank], "\n".join(lines[blank + 1 :])
    fields: dict[str, Any] = {"event": event_name or (head[0].strip() if head else None)}
    for line in head[1:]:
        if line.startswith(_SPEAKERS_LINE):
            fields["speakers"] = [s.strip() for s in line[len(_SPEAKERS_LINE) :].split(",")]
        for name, prefix in _LINK_LINES:
            if line.startswith(prefix):
                fields[name] = line[len(prefix) :].strip()
    extra = component.get(FIELDS_PROPERTY)
    if extra is not None:
        try:
            more = json.loads(str(extra))
        except ValueError:
            raise TalkcatError(f"event {uid}: {FIELDS_PROPERTY} is not JSON", path=path) from None
        if not isinstance(more, dict):
            raise TalkcatError(f"event {uid}: {FIELDS_PROPERTY} is not a JSON object", path=path)
        fields.update({k: v for k, v in more.items() if k in ("speakers", "language", "link", "video", "slides")})
    categories = _categories(component)
    kind = categories[0] if categories and categories[0] in KINDS else DEFAULT_KIND
    tags = categories[1:] if categories and categories[0] in KINDS else categories
    slug = uid[: -len(TALKCAT_UID)]
    return sources.entry(
        id=slug if slug != derive_id(start, summary) else None,
        title=summary,
        date=start,
        end_date=_last_day(component, start),
        location=sources.one_line(str(component.get("LOCATION") or "")),
        kind=kind,
        tags=tags,
        description=body or None,  # as the export wrote it
        **fields,
    )


def _pretalx_entry(component: Any, uid: str, summary: str, start: dt.date, event_name: str | None) -> dict[str, Any]:
    # UID: pretalx-EVENT-CODE@HOST; SUMMARY: `Title - Speaker, Speaker`.
    slug = uid[len("pretalx-") :].split("@")[0].rpartition("-")[0] or uid
    title, _, names = summary.rpartition(" - ")
    speakers = [name.strip() for name in names.split(",")] if title else []
    return sources.entry(
        title=title or summary,
        date=start,
        event=event_name or slug,
        speakers=sources.names(speakers),
        link=_url(component),
        description=sources.description(str(component.get("DESCRIPTION") or "")),
    )


def _day(component: Any, name: str) -> dt.date | None:
    prop = component.get(name)
    value = getattr(prop, "dt", None)
    if isinstance(value, dt.datetime):
        return value.date()  # in the event's own zone (TZID), as the calendar shows it
    return value if isinstance(value, dt.date) else None


def _last_day(component: Any, start: dt.date) -> dt.date | None:
    end = component.get("DTEND")
    value = getattr(end, "dt", None)
    if type(value) is dt.date:  # an all-day event ends on the day after its last
        last = value - dt.timedelta(days=1)
        return last if last > start else None
    return None


def _url(component: Any) -> str | None:
    url = sources.one_line(str(component.get("URL") or ""))
    return url if url and url.startswith(("http://", "https://")) else None


def _categories(component: Any) -> list[str]:
    value = component.get("CATEGORIES")
    if value is None:
        return []
    items: Sequence[Any] = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        out += [str(category) for category in getattr(item, "cats", [item])]
    return sources.names(out)
