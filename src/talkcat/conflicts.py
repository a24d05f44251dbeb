"""Merge conflict markers in a catalogue: where each conflict is, and what each side says there.

Pure: text in, problems out. A merge that could not decide, talkcat's merge
driver or git's own text merge, leaves hunks of whole lines:

    <<<<<<< ours
    (ours' lines)
    ||||||| base          (git's diff3 style only)
    (the base's lines)
    =======
    (theirs' lines)
    >>>>>>> theirs

A catalogue holding them is no YAML, and "could not find expected ':'" helps
nobody. What a person needs is each conflict's talk and field and the two
values, so the text is read twice, once with every hunk's ours side and once
with theirs, and each hunk is placed in both readings.

A marker is a line starting with seven (or more, git's `conflict-marker-size`)
`<`, `|`, `=` or `>`: at column 0, where no line of a valid catalogue can
start that way (every value is indented under `talks:`, and a comment
starts with `#`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from talkcat.errors import Problem
from talkcat.lines import split as split_lines

_OPEN = re.compile(r"(<{7,})(?:[ \t].*)?\Z", re.DOTALL)
MARKER_SIZE = 7  # git's default


@dataclass(frozen=True)
class Hunk:
    """One conflict: the 0-based lines of its markers."""

    start: int  # <<<<<<<
    middle: int  # =======
    end: int  # >>>>>>>
    base: int | None = None  # |||||||, in git's diff3 style


def has_markers(text: str) -> bool:
    """A cheap first look: could `text` hold a conflict at all?"""
    return "<" * MARKER_SIZE in text


def find_hunks(lines: Sequence[str]) -> list[Hunk]:
    """Every complete hunk, in order; markers that do not make one are left to the YAML parser."""
    hunks = []
    number = 0
    while number < len(lines):
        found = _OPEN.match(lines[number].rstrip("\r\n"))
        if found is None:
            number += 1
            continue
        hunk = _rest_of_hunk(lines, number, len(found[1]))
        if hunk is None:
            number += 1
            continue
        hunks.append(hunk)
        number = hunk.end + 1
    return hunks


def _rest_of_hunk(lines: Sequence[str], start: int, size: int) -> Hunk | None:
    base = middle = None
    for number in range(start + 1, len(lines)):
        line = lines[number].rstrip("\r\n")
        if _is_marker(line, "|", size) and middle is None and base is None:
            base = number
        elif line == "=" * size and middle is None:
            middle = number
        elif _is_marker(line, ">", size) and middle is not None:
            return Hunk(start, middle, number, base)
        elif _is_marker(line, "<", size):
            return None
    return None


def _is_marker(line: str, char: str, size: int) -> bool:
    return line.startswith(char * size) and (len(line) == size or line[size] in " \t")


@dataclass(frozen=True)
class Side:
    """The text with one side of every hunk, and where each hunk's lines went (0-based, end excluded)."""

    text: str
    spans: list[tuple[int, int]]


def side(lines: Sequence[str], hunks: Sequence[Hunk], which: str) -> Side:
    """The text as it would be with `which` ("ours" or "theirs") taken at every hunk."""
    out: list[str] = []
    spans = []
    at = 0
    for hunk in hunks:
        out += lines[at : hunk.start]
        if which == "ours":
            first, stop = hunk.start + 1, hunk.base if hunk.base is not None else hunk.middle
        else:
            first, stop = hunk.middle + 1, hunk.end
        begin = len(out)
        out += lines[first:stop]
        spans.append((begin, len(out)))
        at = hunk.end + 1
    out += lines[at:]
    return Side("".join(out), spans)


def resolve(text: str, which: str) -> str:
    """`text` with `which` side ("ours" or "theirs") taken at every conflict."""
    lines = split_lines(text)
    return side(lines, find_hunks(lines), which).text


def problems(text: str, path: str) -> list[Problem]:
    """One problem per conflicting field (or talk) of each hunk in `text`; [] when it has none."""
    if not has_markers(text):
        return []
    lines = split_lines(text)
    hunks = find_hunks(lines)
    if not hunks:
        return []
    readings = [_Reading(side(lines, hunks, which), path) for which in ("ours", "theirs")]
    found = []
    for number, hunk in enumerate(hunks):
        messages = _describe(readings[0].at(number), readings[1].at(number))
        found += [Problem(path, hunk.start + 1, 1, f"merge conflict{message}") for message in messages]
    return found


# -- what each side holds at a hunk --------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """A talk of one reading: its fields and the lines each key takes."""

    index: int  # its place in the list
    slug: str
    title: str
    fields: dict[str, Any]
    first: int  # 0-based line of its first key
    last: int  # its last line (before the next entry)
    keys: dict[str, tuple[int, int]]  # key -> (first line, last line)

    @property
    def end(self) -> int:
        """Its last line of keys and values (the comments and blank lines after it aside)."""
        return max((last for _, last in self.keys.values()), default=self.first)


@dataclass(frozen=True)
class _Place:
    """What a hunk's lines in one reading hold: whole talks, or some keys of one talk."""

    readable: bool  # the reading parses as a catalogue
    whole: list[_Entry]  # the talks the lines hold from start to end
    inside: _Entry | None = None  # or the one talk the lines are part of (or, when none, fall in)
    keys: tuple[str, ...] = ()  # and its keys they touch


class _Reading:
    def __init__(self, reading: Side, path: str) -> None:
        from talkcat import yamlread

        self.spans = reading.spans
        self.entries: list[_Entry] | None = None
        document = yamlread.load(reading.text, path)
        if not document.problems:
            self.entries = _entries(document.data, document.mark, split_lines(reading.text))

    def at(self, number: int) -> _Place:
        if self.entries is None:
            return _Place(False, [])
        first, stop = self.spans[number]
        if first == stop:  # nothing on this side: where would it have been?
            around = [e for e in self.entries if e.first < first <= e.end + 1]
            return _Place(True, [], around[0] if around else None)
        touched = [e for e in self.entries if e.first <= stop - 1 and first <= e.last]
        if all(first <= e.first and e.end <= stop - 1 for e in touched):
            return _Place(True, touched)
        if len(touched) == 1:
            keys = tuple(name for name, (a, b) in touched[0].keys.items() if a <= stop - 1 and first <= b)
            return _Place(True, [], touched[0], keys)
        return _Place(True, touched)


def _entries(data: Any, mark: Any, lines: Sequence[str]) -> list[_Entry] | None:
    from talkcat.model import derive_id

    if not isinstance(data, dict) or "talks" not in data or not isinstance(mark[2], dict):
        return None
    if data["talks"] is None:
        return []  # `talks:` with every talk gone
    talks, marks = data["talks"], mark[2]["talks"][1][2]
    if not isinstance(talks, list):
        return None
    if not isinstance(marks, list):
        return None
    starts = [m[0] - 1 for m in marks]
    entries = []
    for number, (entry, entry_mark) in enumerate(zip(talks, marks)):
        last = starts[number + 1] - 1 if number + 1 < len(starts) else len(lines) - 1
        fields = entry if isinstance(entry, dict) else {}
        children = entry_mark[2] if isinstance(entry_mark[2], dict) else {}
        key_lines = [(str(name), key_mark[0] - 1) for name, (key_mark, _) in children.items()]
        keys: dict[str, tuple[int, int]] = {}
        for at, (name, line) in enumerate(key_lines):
            end = key_lines[at + 1][1] - 1 if at + 1 < len(key_lines) else last
            while end > line and _is_gap(lines[end]):
                end -= 1
            keys[name] = (line, end)
        title, date, slug = fields.get("title"), fields.get("date"), fields.get("id")
        if not isinstance(slug, str):
            slug = (
                derive_id(date, title)
                if isinstance(date, dt.date) and isinstance(title, str)
                else f"talk #{number + 1}"
            )
        shown = title if isinstance(title, str) else slug
        entries.append(_Entry(number, slug, shown, dict(fields), starts[number], last, keys))
    return entries


def _is_gap(line: str) -> bool:
    """A blank or comment line: between two keys (or talks), not part of a value (a `|-` drops them)."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _describe(ours: _Place, theirs: _Place) -> list[str]:
    """What the two sides of one hunk say, talk by talk and field by field."""
    if not (ours.readable and theirs.readable):
        return [": keep what each side should keep between the <<<<<<< and >>>>>>> lines"]
    if ours.inside is not None and theirs.inside is not None and _same(ours.inside, theirs.inside):
        mine, yours = ours.inside.fields, theirs.inside.fields
        names = list(dict.fromkeys([*ours.keys, *theirs.keys]))
        differ = [name for name in names if mine.get(name) != yours.get(name)] or names
        return [
            f" in {_talk(ours.inside)}, {name}: {_show(mine.get(name))} in ours, {_show(yours.get(name))} in theirs"
            for name in differ
        ] or [f" in {_talk(ours.inside)}: the two sides differ only in layout or comments"]
    mine_all = {e.slug: e for e in [*ours.whole, *([ours.inside] if ours.inside and ours.keys else [])]}
    yours_all = {e.slug: e for e in [*theirs.whole, *([theirs.inside] if theirs.inside and theirs.keys else [])]}
    messages = []
    for slug in dict.fromkeys([*mine_all, *yours_all]):
        if slug in mine_all and slug in yours_all:
            a, b = mine_all[slug].fields, yours_all[slug].fields
            differ = [name for name in dict.fromkeys([*a, *b]) if a.get(name) != b.get(name)]
            messages.append(f" at {_talk(mine_all[slug])}: ours and theirs differ in {', '.join(differ) or 'layout'}")
        elif slug in mine_all:
            messages.append(f" at {_talk(mine_all[slug])}: ours has this talk, theirs does not")
        else:
            messages.append(f" at {_talk(yours_all[slug])}: theirs has this talk, ours does not")
    return messages or [": the two sides differ only in blank lines or comments"]


def _same(one: _Entry, other: _Entry) -> bool:
    """Whether two readings' entries are one talk: the same id, or the same place in the list."""
    return one.slug == other.slug or one.index == other.index


def _talk(entry: _Entry) -> str:
    return f"{entry.title!r} ({entry.slug})"


def _show(value: Any) -> str:
    """A field's value in a few words, for a message."""
    if value is None:
        return "not set"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    if isinstance(value, dict):
        label, url = value.get("label"), value.get("url")
        return f"{url!r} labelled {label!r}" if label is not None else repr(url)
    if isinstance(value, str) and "\n" in value.rstrip("\n"):
        first = value.split("\n", 1)[0]
        count = value.rstrip("\n").count("\n") + 1
        return f"{_shorten(first)!r} ({count} lines)"
    return repr(_shorten(value)) if isinstance(value, str) else repr(value)


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
