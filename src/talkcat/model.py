"""The talk entry: its fields (their one definition, `Talk`), its id, and its plain-mapping form."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, field, fields
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
ONLINE = "online"  # a location that is none


@dataclass(frozen=True)
class Field:
    """One catalogue field, as `Talk` declares it: what validation, the schema, the YAML key order,
    CSV and JSON, `add` and `edit`, search and the README's field table all follow."""

    name: str
    type: str  # "str", "text", "date", "link", "kind", "strlist", "id"
    help: str
    required: bool
    default: Any  # what a talk without it has: None, (), DEFAULT_KIND
    singular: str | None = None  # one item of a list: `add --tag`, `search tag:`
    search: float = 0.0  # its weight in search ranking; 0: not searched
    prompt: str | None = None  # what `add` asks for it, when not its name

    @property
    def option(self) -> str:
        """Its option in `add` (`--end-date`, `--tag`)."""
        return "--" + (self.singular or self.name).replace("_", "-")


_KINDS_HELP = f"One of {DEFAULT_KIND} (the default), " + ", ".join(k for k in KINDS if k != DEFAULT_KIND) + "."


def _about(type: str, help: str, **more: Any) -> dict[str, Any]:
    """A `Talk` attribute's metadata that makes it a catalogue field (see `Field`)."""
    return {"talkcat": {"type": type, "help": help, **more}}


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


@dataclass(frozen=True, kw_only=True)
class Talk:
    """One entry of the catalogue, as validated.

    Its attributes are the catalogue's fields, in the order they are written, and
    each one's metadata is the rest of its definition: `FIELDS` is read from here.
    """

    id: str | None = field(
        default=None, metadata=_about("id", "A stable slug; derived from date and title when absent.")
    )
    title: str = field(metadata=_about("str", "The talk's title.", search=8.0))
    date: dt.date = field(metadata=_about("date", "The day of the talk, YYYY-MM-DD."))
    end_date: dt.date | None = field(
        default=None,
        metadata=_about("date", "The last day, for a talk over several days.", prompt="Last day, for several days"),
    )
    event: str = field(metadata=_about("str", "The conference, meetup or podcast.", search=4.0))
    location: str | None = field(
        default=None,
        metadata=_about(
            "str",
            "City, Country; `Online` for a virtual event.",
            search=2.0,
            prompt="Location (City, Country, or Online)",
        ),
    )
    kind: str = field(default=DEFAULT_KIND, metadata=_about("kind", _KINDS_HELP))
    language: str | None = field(default=None, metadata=_about("str", "The language it was given in."))
    speakers: tuple[str, ...] = field(
        default=(),
        metadata=_about(
            "strlist", "Who gave it, when not only you.", singular="speaker", search=2.0, prompt="Other speakers"
        ),
    )
    tags: tuple[str, ...] = field(
        default=(), metadata=_about("strlist", "Topics, for search and filters.", singular="tag", search=4.0)
    )
    link: Link | None = field(
        default=None,
        metadata=_about("link", "The event's or talk's page.", prompt="Link (the event's or talk's page)"),
    )
    video: Link | None = field(default=None, metadata=_about("link", "The recording.", prompt="Video (a URL)"))
    slides: Link | None = field(
        default=None,
        metadata=_about(
            "link",
            "The slides: a URL, or a folder in the repository.",
            prompt="Slides (a URL, or a folder in the repository)",
        ),
    )
    description: str | None = field(
        default=None, metadata=_about("text", "Markdown, written as if under the talk's own `# Title`.", search=1.0)
    )

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
            if value is not None:
                convert = _FROM_PLAIN.get(FIELDS_BY_NAME[name].type)
                values[name] = value if convert is None else convert(value)
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """The plain mapping, keys in catalogue order, defaults left out."""
        out: dict[str, Any] = {}
        for f in FIELDS:
            value = getattr(self, f.name)
            if value == f.default:
                continue
            if isinstance(value, Link):
                value = value.to_value()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


# The order here is the order keys are written in.
FIELDS: tuple[Field, ...] = tuple(
    Field(
        f.name,
        required=f.default is MISSING,
        default=None if f.default is MISSING else f.default,
        **f.metadata["talkcat"],
    )
    for f in fields(Talk)
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
FIELD_NAMES = tuple(FIELDS_BY_NAME)
REQUIRED = tuple(f.name for f in FIELDS if f.required)
LINK_FIELDS = tuple(f.name for f in FIELDS if f.type == "link")
_FROM_PLAIN: dict[str, Callable[[Any], Any]] = {
    "link": Link.from_value,
    "date": lambda value: value if isinstance(value, dt.date) else dt.date.fromisoformat(value),
    "strlist": tuple,
}


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
