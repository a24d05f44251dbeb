"""A conference schedule as catalogue entries: frab/c3voc JSON (pretalx's `schedule.json`) and frab XML.

Both formats hold `conference` (title, time zone) and, day by day and room
by room, the talks: title, date and start, track, type, language, abstract,
description, persons, url. Each talk becomes an entry dated by its start in
the conference's time zone; rooms are left out (a room is not a location).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from talkcat import sources
from talkcat.errors import TalkcatError


@dataclass(frozen=True)
class Talk:
    """A schedule's talk as an entry, and how to name it in messages (its code or id)."""

    entry: dict[str, Any]
    ref: str


def read(text: str, path: str) -> list[Talk]:
    """The talks of a schedule's text, JSON or XML, in the schedule's order."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head == "<":
        return read_xml(text, path)
    if head == "{":
        import json

        try:
            data = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            raise TalkcatError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno, col=exc.colno) from None
        return read_json(data, path)
    raise TalkcatError("not a schedule: neither frab/c3voc JSON nor frab XML", path=path)


def read_json(data: Any, path: str) -> list[Talk]:
    schedule = data.get("schedule") if isinstance(data, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict) or not isinstance(conference.get("days"), list):
        raise TalkcatError("not a frab/c3voc schedule: no schedule.conference.days", path=path, hint=SCHEDULE_HINT)
    event = _conference_title(conference.get("title"), conference.get("acronym"), path)
    zone = conference.get("time_zone_name") if isinstance(conference.get("time_zone_name"), str) else None
    talks = []
    for day in conference["days"]:
        rooms = day.get("rooms") if isinstance(day, dict) else None
        if not isinstance(rooms, dict):
            continue
        day_date = day.get("date") if isinstance(day.get("date"), str) else None
        for room_talks in rooms.values():
            for number, talk in enumerate(room_talks if isinstance(room_talks, list) else []):
                if not isinstance(talk, dict):
                    raise TalkcatError(f"a talk of day {day_date} is not an object", path=path)
                persons = [
                    p.get("public_name") or p.get("name") for p in talk.get("persons") or [] if isinstance(p, dict)
                ]
                fields = _Fields(
                    title=talk.get("title"),
                    moment=talk.get("date"),
                    day=day_date,
                    track=talk.get("track"),
                    type=talk.get("type"),
                    language=talk.get("language"),
                    abstract=talk.get("abstract"),
                    description=talk.get("description"),
                    persons=persons,
                    url=talk.get("url"),
                    ref=str(talk.get("code") or talk.get("guid") or talk.get("id") or f"{day_date} #{number + 1}"),
                )
                talks.append(fields.talk(event, zone, path))
    return talks


SCHEDULE_HINT = "give a frab or c3voc schedule, such as pretalx's /EVENT/schedule/export/schedule.json or .xml"


def read_xml(text: str, path: str) -> list[Talk]:
    import xml.etree.ElementTree as ElementTree

    # A schedule declares no entities; refusing them keeps a billion laughs out.
    if "<!ENTITY" in text:
        raise TalkcatError("not a frab schedule: it declares XML entities, which talkcat does not expand", path=path)
    try:
        root = ElementTree.fromstring(text.lstrip("\ufeff"))
    except ElementTree.ParseError as exc:
        line, col = exc.position
        raise TalkcatError(f"not valid XML: {exc}", path=path, line=line, col=col + 1) from None
    conference = root.find("conference")
    if root.tag != "schedule" or conference is None:
        raise TalkcatError("not a frab schedule: no <schedule> with a <conference>", path=path, hint=SCHEDULE_HINT)
    event = _conference_title(conference.findtext("title"), conference.findtext("acronym"), path)
    zone = conference.findtext("time_zone_name")
    talks = []
    for day in root.iter("day"):
        for number, talk in enumerate(day.iter("event")):
            persons = [person.text for person in talk.iter("person")]
            fields = _Fields(
                title=talk.findtext("title"),
                moment=talk.findtext("date"),
                day=day.get("date"),
                track=talk.findtext("track"),
                type=talk.findtext("type"),
                language=talk.findtext("language"),
                abstract=talk.findtext("abstract"),
                description=talk.findtext("description"),
                persons=persons,
                url=talk.findtext("url"),
                ref=str(talk.get("guid") or talk.get("id") or f"{day.get('date')} #{number + 1}"),
            )
            talks.append(fields.talk(event, zone, path))
    return talks


def _conference_title(title: Any, acronym: Any, path: str) -> str:
    name = sources.one_line(title) or sources.one_line(acronym)
    if name is None:
        raise TalkcatError("the schedule names no conference (no title or acronym)", path=path)
    return name


@dataclass(frozen=True)
class _Fields:
    """One talk's fields as both formats hold them."""

    title: Any
    moment: Any
    day: Any
    track: Any
    type: Any
    language: Any
    abstract: Any
    description: Any
    persons: list[Any]
    url: Any
    ref: str

    def talk(self, event: str, zone: str | None, path: str) -> Talk:
        title = sources.one_line(self.title)
        if title is None:
            raise TalkcatError(f"talk {self.ref} has no title", path=path)
        date = None
        for when in (self.moment, self.day):
            if isinstance(when, str) and date is None:
                date = sources.local_date(when, zone)
        if date is None:
            raise TalkcatError(f"talk {self.ref} ({title!r}) has no date talkcat can read", path=path)
        url = sources.one_line(self.url)
        entry = sources.entry(
            title=title,
            date=date,
            event=event,
            kind=sources.kind_of(sources.one_line(self.type)),
            language=sources.one_line(self.language),
            speakers=sources.names(self.persons),
            tags=sources.names([self.track]),
            link=url if url and url.startswith(("http://", "https://")) else None,
            description=sources.description(_text(self.abstract), _text(self.description)),
        )
        return Talk(entry, self.ref)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
