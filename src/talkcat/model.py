"""The talk entry: its fields, its id, and its plain-mapping form."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "talk",
    "keynote",
    "workshop",
    "tutorial",
    "panel",
    "lightning",
    "poster",
    "podcast",
    "lecture",
)
DEFAULT_KIND = "talk"


@dataclass(frozen=True)
class Field:
    """One catalogue field: the single definition that validation and the schema use."""

    name: str
    type: str  # "str", "text", "date", "link", "kind", "strlist", "id"
    required: bool
    help: str


# The order here is the order keys are written in.
FIELDS: tuple[Field, ...] = (
    Field("id", "id", False, "A stable slug; derived from date and title when absent."),
    Field("title", "str", True, "The talk's title."),
    Field("date", "date", True, "The day of the talk, YYYY-MM-DD."),
    Field("end_date", "date", False, "The last day, for talks over several days."),
    Field("event", "str", True, "The conference, meetup or podcast."),
    Field("location", "str", False, "City, Country; `Online` for virtual events."),
    Field("kind", "kind", False, "One of: " + ", ".join(KINDS) + " (default talk)."),
    Field("language", "str", False, "The language the talk was given in."),
    Field("speakers", "strlist", False, "Who gave it, when not only you."),
    Field("tags", "strlist", False, "Topics, for search and filters."),
    Field("link", "link", False, "The event's or talk's page: a URL or {label, url}."),
    Field("video", "link", False, "The recording: a URL or {label, url}."),
    Field("slides", "link", False, "The slides: a URL, a folder in the repository, or {label, url}."),
    Field("description", "text", False, "Markdown, written as if under the talk's own `# Title`."),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
REQUIRED = tuple(f.name for f in FIELDS if f.required)
LINK_FIELDS = ("link", "video", "slides")
ONLINE = "online"


@dataclass(frozen=True)
class Link:
    """A URL or a path, with the label the README shows for it (if any)."""

    url: str
    label: str | None = None

    @classmethod
    def from_value(cls, value: Any) -> Link:
        if isinstance(value, str):
            return cls(value)
        return cls(value["url"], value.get("label"))

    def to_value(self) -> str | dict[str, str]:
        if self.label is None:
            return self.url
        return {"label": self.label, "url": self.url}

    @property
    def is_url(self) -> bool:
        return has_scheme(self.url)


# A link that starts with a scheme is a URL; any other is a path in the repository.
URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def has_scheme(url: str) -> bool:
    return URL_SCHEME.match(url) is not None


@dataclass(frozen=True)
class Talk:
    """One entry of the catalogue, as validated."""

    title: str
    date: dt.date
    event: str
    id: str | None = None
    end_date: dt.date | None = None
    location: str | None = None
    kind: str = DEFAULT_KIND
    language: str | None = None
    speakers: tuple[str, ...] = field(default=())
    tags: tuple[str, ...] = field(default=())
    link: Link | None = None
    video: Link | None = None
    slides: Link | None = None
    description: str | None = None

    @property
    def slug(self) -> str:
        """The id: explicit, or derived from date and title."""
        return self.id or derive_id(self.date, self.title)

    @property
    def online(self) -> bool:
        return (self.location or "").strip().casefold() == ONLINE

    @classmethod
    def from_mapping(cls, entry: dict[str, Any]) -> Talk:
        """Build a Talk from a mapping that validation has accepted."""
        values: dict[str, Any] = {}
        for name, value in entry.items():
            if value is None:
                continue
            if name in LINK_FIELDS:
                value = Link.from_value(value)
            elif name in ("date", "end_date") and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            elif name in ("speakers", "tags"):
                value = tuple(value)
            values[name] = value
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """The plain mapping, keys in catalogue order, defaults left out."""
        out: dict[str, Any] = {}
        for f in FIELDS:
            value = getattr(self, f.name)
            if value is None or value == () or (f.name == "kind" and value == DEFAULT_KIND):
                continue
            if isinstance(value, Link):
                value = value.to_value()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out



def slugify(text: str) -> str:
    """Lower-case words of any script joined by '-'; never shortened."""
    text = unicodedata.normalize("NFKC", text).casefold()
    # Ids are derived for every talk on each load: regexes over runs of
    # characters, not a Python step per character, halve that cost.
    if text.isascii():
        return "-".join(_ASCII_ALNUM.findall(text))
    # Combining marks (category M) belong to their letter: keep them.
    return "-".join(_NOT_ALNUM.sub(_keep_marks, text).split())


_ASCII_ALNUM = re.compile(r"[a-z0-9]+")
_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_"


def _keep_marks(run: re.Match[str]) -> str:
    return "".join(ch if unicodedata.category(ch).startswith("M") else " " for ch in run[0])


def derive_id(date: dt.date, title: str) -> str:
    words = slugify(title)
    return f"{date.isoformat()}-{words}" if words else date.isoformat()


SORT_KEYS = ("date", "title", "event")


def sort_talks(talks: Iterable[Talk], by: str = "date", reverse: bool = False) -> list[Talk]:
    """Newest first; by title or event A to Z, newest first within one; `reverse` turns both round.

    Talks that tie keep their catalogue order either way (each sort is stable, also reversed).
    """
    from talkcat.textfold import fold

    ordered = sorted(talks, key=lambda t: t.date, reverse=not reverse)
    if by in ("title", "event"):
        ordered.sort(key=lambda t: fold(getattr(t, by)), reverse=reverse)
    elif by != "date":
        raise ValueError(f"sort by one of {', '.join(SORT_KEYS)}, not {by!r}")
    return ordered
