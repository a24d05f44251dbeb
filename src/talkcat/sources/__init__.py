"""Talks read from where they already live: pretalx, conference schedules, calendars, pyvideo.

Each module turns its source's data into catalogue entries (plain mappings
in catalogue form, as `incoming.plan` takes them) and reads no file itself:
the commands read files through `store` and the web through `net`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from talkcat.model import DEFAULT_KIND, KINDS

# Words in a session type that name one of talkcat's kinds, most telling first:
# a "Lightning Talk" is a lightning talk, a "Keynote Talk" a keynote.
_KIND_WORDS = (
    ("lightning", "lightning"),
    ("keynote", "keynote"),
    ("workshop", "workshop"),
    ("tutorial", "tutorial"),
    ("panel", "panel"),
    ("poster", "poster"),
    ("podcast", "podcast"),
    ("lecture", "lecture"),
)


def kind_of(session_type: str | None) -> str:
    """talkcat's kind for a schedule's session type (`Talk (30 min)`, `Workshop`): `talk` when unsure."""
    folded = (session_type or "").casefold()
    for word, kind in _KIND_WORDS:
        if word in folded:
            assert kind in KINDS
            return kind
    return DEFAULT_KIND


def description(*parts: str | None) -> str | None:
    """The parts that say something (abstract, then description), as one markdown description."""
    from talkcat.commands.common import description_text

    texts: list[str] = []
    for part in parts:
        text = (part or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if text and text not in texts:
            texts.append(text)
    return description_text("\n\n".join(texts))


def one_line(value: Any) -> str | None:
    """A string field's text on one line, or None when there is none."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def names(values: Iterable[Any]) -> list[str]:
    """The distinct non-empty names, in order."""
    out: list[str] = []
    for value in values:
        text = one_line(value)
        if text is not None and text not in out:
            out.append(text)
    return out


def entry(**fields: Any) -> dict[str, Any]:
    """A catalogue entry from the fields that have a value, in catalogue order, `kind: talk` left out."""
    from talkcat.model import FIELD_NAMES

    out = {name: fields[name] for name in FIELD_NAMES if fields.get(name) not in (None, "", [], ())}
    if out.get("kind") == DEFAULT_KIND:
        del out["kind"]
    return out


_OFFSET_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\Z")


def local_date(moment: str, timezone: str | None) -> dt.date | None:
    """The day an ISO 8601 moment falls on in `timezone` (the conference's); None if it is no moment.

    A moment without an offset is taken as the conference's local time.
    """
    text = moment.strip()
    if len(text) == 10:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    if not _OFFSET_TIME.match(text):
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    zone = _zone(timezone)
    if when.tzinfo is None or zone is None:
        return when.date()
    return when.astimezone(zone).date()


def _zone(name: str | None) -> dt.tzinfo | None:
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except (ValueError, KeyError, OSError, ImportError):
        return None  # an unknown zone: the moment's own offset decides the day


def localized(value: Any, locale: str | None = None) -> str | None:
    """pretalx's text in several languages ({"en": ..., "de": ...}) or one string: the event's language first."""
    if isinstance(value, str):
        return one_line(value)
    if not isinstance(value, Mapping):
        return None
    for key in (locale, "en", *value):
        if key is not None and one_line(value.get(key)) is not None:
            return one_line(value[key])
    return None
