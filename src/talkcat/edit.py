"""Change a catalogue's text entry by entry, leaving every other byte alone: pure `str -> str`.

The catalogue is never re-dumped: an added entry's text is spliced in at its
date position, a removed entry's lines are cut out, and an edit replaces the
lines of the keys it touches. Comments, quoting, indentation, blank lines and
line endings elsewhere stay as they were.

Where each entry begins and ends comes from the parser, through
validation (`Checked.extents()`: the line of each entry's first key, and
the position just after its last value), so a quoted value whose next line
starts with `#` or a `|+` value's trailing blank lines are part of their
entry, whatever they look like. Only the lines between two entries (blank
lines, comments, `...`) are read here. A comment line sitting between two
entries (no deeper than their `-`) belongs to the entry below it, as a
heading would: adding an entry puts it above those comments, removing the
entry above leaves them in place. A deeper comment just after an entry
belongs to it.

Every change is checked to touch only the changed entry's own lines (its
extent, with its comments and the blank lines after it) before the text is
returned. Callers must still re-validate the result and compare it with the
talks they expect.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from talkcat.errors import TalkcatError
from talkcat.lines import BREAK, NOT_BREAKS, newline
from talkcat.model import FIELD_NAMES


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()
"""A change's value meaning: remove the key."""

_TALKS_KEY = re.compile(r"""(?:talks|"talks"|'talks')[ \t]*:""")
# An anchor or a tag after `talks:` (`talks: &all`): they stay when the list empties or fills.
_PROPERTIES = re.compile(r"(?:[ \t]+[&!][^ \t#]*)*")
_EMPTY_FLOW = re.compile(r"[ \t]*\[[ \t]*\]")
_REST_OF_KEY_LINE = re.compile(r"[ \t]*(?:#.*)?\Z")
_DASH_ALONE = re.compile(r" *-[ \t]*(?:#.*)?\Z")
_COMMENT_AFTER_VALUE = re.compile(r"[ \t]+#")
_FIELD_ORDER = {name: number for number, name in enumerate(FIELD_NAMES)}


class LayoutError(TalkcatError):
    """The text is valid, but laid out in a way these splices do not handle."""


def position_for(dates: Sequence[dt.date], date: dt.date) -> int:
    """Where a talk on `date` goes in a newest-first list: after the talks of its own day."""
    for index, existing in enumerate(dates):
        if existing < date:
            return index
    return len(dates)


# Where an entry is, from the parser: its first key's line, and the line and
# column just after its last value (all 1-based). See `Checked.extents()`.
Extent = tuple[int, int, int]


def insert_entry(text: str, extents: Sequence[Extent], index: int, entry: str, path: str = "") -> str:
    """`text` with `entry` (one `- key: value` list item, LF line ends) as the talk at `index`."""
    nl = newline(text)
    if not extents:
        return _insert_first(text, entry, nl, path)
    lay = _Layout(text, extents, path)
    body = _indent_lines(entry.split("\n")[:-1], lay.column, nl)
    sep = nl if lay.separated(index) else ""
    if index < len(extents):
        at = lay.lines.start(_owned_start(lay, index))
        lay.check_between(index, at)
        return text[:at] + body + sep + text[at:]
    at = lay.lines.end(lay.end(lay.count - 1))
    lay.check_between(index, at)
    if at == len(text) and not _ends_with_break(text):
        # The file ends without a line break, and keeps doing so.
        return text + nl + sep + body[: -len(nl)]
    return text[:at] + sep + body + text[at:]


def remove_entry(text: str, extents: Sequence[Extent], index: int, path: str = "") -> str:
    """`text` without the talk at `index`; the last talk gone leaves `talks: []`."""
    lay = _Layout(text, extents, path)
    lines = lay.lines
    count = len(extents)
    if count == 1:
        start, end = lines.start(lay.dash(0)), lines.end(lay.end(0))
        start = _drop_break_before(text, start, end)
        lay.check_cut(0, start, end)
        talks = _talks_line(lines, path, before=lay.dash(0))
        cut = text[:start] + text[end:]
        found = _TALKS_KEY.match(lines.content(talks))
        assert found is not None
        properties = _PROPERTIES.match(lines.content(talks), found.end())
        assert properties is not None
        at = _content_offset(lines, talks) + properties.end()
        return cut[:at] + " []" + cut[at:]
    if index < count - 1:
        start = lines.start(lay.dash(index))
        end = lines.start(_owned_start(lay, index + 1))
        lay.check_cut(index, start, end)
        return text[:start] + text[end:]
    first = lay.dash(index)
    while first - 1 > lay.end(index - 1) and _is_blank(lines.content(first - 1)):
        first -= 1
    start, end = lines.start(first), lines.end(lay.end(index))
    start = _drop_break_before(text, start, end)
    lay.check_cut(index, start, end)
    return text[:start] + text[end:]


def set_fields(
    text: str,
    extents: Sequence[Extent],
    index: int,
    changes: Mapping[str, Any],
    path: str = "",
) -> str:
    """`text` with the keys in `changes` of the talk at `index` set (or removed, for UNSET).

    Only the lines of those keys change; a comment after a one-line value
    stays. New keys go where the field order puts them. Raises LayoutError
    when the entry cannot be edited key by key (a flow mapping, say): then
    `rewrite_entry` is the way.
    """
    lay = _Layout(text, extents, path)
    keys = _entry_keys(lay, index, path)
    nl = newline(text)
    edits: list[tuple[int, int, str]] = []
    present = {key.name: key for key in keys}
    for name, value in changes.items():
        key = present.get(name)
        if key is None:
            continue
        if value is UNSET:
            edits.append(_unset_edit(lay, lay.dash(index), keys, key))
        else:
            edits.append(_replace_edit(lay, key, value, nl))
    new = [name for name, value in changes.items() if name not in present and value is not UNSET]
    edits += _insert_edits(lay, keys, sorted(new, key=_FIELD_ORDER.__getitem__), changes, nl)
    for start, end, _ in edits:
        lay.check_inside(index, start, end)
    return _apply(text, edits, path)


def rewrite_entry(text: str, extents: Sequence[Extent], index: int, entry: str, path: str = "") -> str:
    """`text` with the talk at `index` replaced as a whole by `entry` (as for insert_entry)."""
    lay = _Layout(text, extents, path)
    body = _indent_lines(entry.split("\n")[:-1], lay.column, newline(text))
    start, end = lay.lines.start(lay.dash(index)), lay.lines.end(lay.end(index))
    lay.check_cut(index, start, end)
    if end == len(text) and not _ends_with_break(text):
        body = body[: -len(newline(text))]
    return text[:start] + body + text[end:]


# -- lines ------------------------------------------------------------------


class _Lines:
    """Line starts of a text, counted as the parser's line numbers count them (see yamlread)."""

    def __init__(self, text: str) -> None:
        self.text = text
        if any(ch in text for ch in NOT_BREAKS):
            starts = [0, *(m.end() for m in BREAK.finditer(text))]
        else:
            starts = [0, *itertools.accumulate(map(len, text.splitlines(keepends=True)))]
            if starts[-1] != len(text):  # pragma: no cover - splitlines covers the text
                starts.append(len(text))
        if len(starts) > 1 and starts[-1] == len(text) and text:
            starts.pop()  # no line after a final line break
        self.starts = starts

    def __len__(self) -> int:
        return len(self.starts)

    def start(self, number: int) -> int:
        """Where line `number` starts; the end of the text for the line after the last (where a
        `|+` value's kept blank lines at the end of the file leave the parser's end mark)."""
        return self.starts[number] if number < len(self.starts) else len(self.text)

    def end(self, number: int) -> int:
        """The offset just after the line's break (or the end of the text)."""
        return self.starts[number + 1] if number + 1 < len(self.starts) else len(self.text)

    def content(self, number: int) -> str:
        line = self.text[self.starts[number] : self.end(number)]
        line = line.rstrip("\r\n")
        return line[1:] if number == 0 and line.startswith("\ufeff") else line


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank(line: str) -> bool:
    return not line.strip(" \t")


def _is_comment(line: str) -> bool:
    return line.lstrip(" \t").startswith("#")


def _is_gap(line: str, column: int) -> bool:
    """A line between entries: blank, a comment no deeper than the `-`, or `...`."""
    if _is_blank(line):
        return True
    if _is_comment(line):
        return _indent(line) <= column
    return line.rstrip(" \t") == "..." or line.startswith("... #")


def _ends_with_break(text: str) -> bool:
    return text.endswith(("\n", "\r"))


def _drop_break_before(text: str, start: int, end: int) -> int:
    """When a cut runs to the end of a text without a final break, take the break before it."""
    if end != len(text) or _ends_with_break(text):
        return start
    if text.endswith("\r\n", 0, start):
        return start - 2
    if _ends_with_break(text[start - 1 : start]):
        return start - 1
    return start


def _indent_lines(lines: Sequence[str], column: int, nl: str) -> str:
    pad = " " * column
    return "".join((pad + line if line else line) + nl for line in lines)


# -- the list's layout --------------------------------------------------------


class _Layout:
    """Where the entries' lines are, worked out only for the entries a change looks at."""

    def __init__(self, text: str, extents: Sequence[Extent], path: str) -> None:
        self.lines = _Lines(text)
        self.extents = extents
        self.count = len(extents)
        self.path = path
        self._dashes: dict[int, int] = {}
        self._ends: dict[int, int] = {}

    def dash(self, index: int) -> int:
        """The line of entry `index`'s `-`, 0-based."""
        if index not in self._dashes:
            self._dashes[index] = _dash_line(self.lines, self.extents[index][0] - 1, self.path)
        return self._dashes[index]

    @functools.cached_property
    def column(self) -> int:
        """The `-` column, the same for every entry of a block list."""
        return _indent(self.lines.content(self.dash(0))) if self.count else 0

    def last_value_line(self, index: int) -> int:
        """The last line holding any of entry `index`'s value, from the parser's end mark."""
        _, line, col = self.extents[index]
        return line - 2 if col == 1 else line - 1  # at a line's first column, it ended on the line before

    def end(self, index: int) -> int:
        """The last line of entry `index`: its last value's, or a deeper comment's just after it."""
        if index not in self._ends:
            value_end = self.last_value_line(index)
            last = self.dash(index + 1) - 1 if index + 1 < self.count else len(self.lines) - 1
            while last > value_end and _is_gap(self.lines.content(last), self.column):
                last -= 1
            self._ends[index] = max(last, value_end)
        return self._ends[index]

    def separated(self, index: int) -> bool:
        """Whether the entries around `index` usually have a blank line after them."""
        first, stop = max(0, index - 10), min(self.count - 1, index + 10)
        gaps = [
            self.end(i) + 1 < self.dash(i + 1) and _is_blank(self.lines.content(self.end(i) + 1))
            for i in range(first, stop)
        ]
        return bool(gaps) and 2 * sum(gaps) > len(gaps)

    # What a change may touch: checked before any text is returned.

    def extent(self, index: int) -> tuple[int, int]:
        """Entry `index` as offsets: from its `-` to just after its last value."""
        _, line, col = self.extents[index]
        return self.lines.start(self.dash(index)), _content_offset(self.lines, line - 1) + col - 1

    def region(self, index: int) -> tuple[int, int]:
        """The offsets a change of entry `index` may touch: from the end of the entry
        above to the comments that go with the entry below."""
        lines = self.lines
        start = lines.end(self.end(index - 1)) if index > 0 else 0
        end = lines.start(_owned_start(self, index + 1)) if index + 1 < self.count else len(lines.text)
        return start, end

    def check_cut(self, index: int, start: int, end: int) -> None:
        """A cut or rewrite of `text[start:end]` takes all of entry `index` and nothing of its neighbours."""
        low, high = self.region(index)
        low = _drop_break_before(self.lines.text, low, end)  # a cut to the end may take the break before it
        first, last = self.extent(index)
        if not (low <= start <= first and last <= end <= high):
            raise self.misread(index)

    def check_inside(self, index: int, start: int, end: int) -> None:
        """An edit of `text[start:end]` stays inside entry `index`'s own lines."""
        lines = self.lines
        if not (lines.start(self.dash(index)) <= start <= end <= lines.end(self.end(index))):
            raise self.misread(index)

    def check_between(self, index: int, at: int) -> None:
        """An entry inserted at `at` goes between the entries `index - 1` and `index`."""
        low = self.extent(index - 1)[1] if index > 0 else 0
        high = self.lines.start(self.dash(index)) if index < self.count else len(self.lines.text)
        if not low <= at <= high:
            raise self.misread(min(index, self.count - 1))

    def misread(self, index: int) -> LayoutError:
        return LayoutError(
            "cannot change this talk's lines safely: the change would reach beyond the talk; nothing was written",
            path=self.path,
            line=self.extents[index][0],
            hint="please report this, with the part of the file around the talk",
        )


def _dash_line(lines: _Lines, number: int, path: str) -> int:
    """The line of an entry's `-`: its first key's line, or a `-` line above it."""
    content = lines.content(number)
    stripped = content.lstrip(" ")
    if stripped.startswith("-") and stripped[1:2] in ("", " ", "\t"):
        return number
    above = number - 1
    while above >= 0 and (_is_blank(lines.content(above)) or _is_comment(lines.content(above))):
        above -= 1
    if above >= 0 and _DASH_ALONE.match(lines.content(above)):
        return above
    raise LayoutError(
        "cannot change this catalogue's text safely: its talks are not a block list (one `- title: ...` item per talk)",
        path=path,
        line=number + 1,
        hint="write the talks as a block list, as `talkcat import` does",
    )


def _owned_start(lay: _Layout, index: int) -> int:
    """The first line that goes with entry `index`: the comments just above its `-`, if any."""
    lines = lay.lines
    start = lay.dash(index)
    floor = lay.end(index - 1) if index > 0 else -1
    above = start - 1
    while above > floor and _is_gap(lines.content(above), lay.column):
        if _is_comment(lines.content(above)):
            start = above
        above -= 1
    return start


def _talks_line(lines: _Lines, path: str, before: int | None = None) -> int:
    for number in range(len(lines) if before is None else before):
        if _TALKS_KEY.match(lines.content(number)):
            return number
    raise LayoutError(
        "cannot find the `talks:` line (a top-level `talks:` at the start of a line)",
        path=path,
        hint="write the catalogue as `talks:` followed by its entries",
    )


def _content_offset(lines: _Lines, number: int) -> int:
    """The offset of a line's content (after a BOM on the first line)."""
    bom = number == 0 and lines.text.startswith("\ufeff")
    return lines.start(number) + (1 if bom else 0)


def _insert_first(text: str, entry: str, nl: str, path: str) -> str:
    """The first entry of an empty list: `talks: []` or a bare `talks:` becomes a block list."""
    lines = _Lines(text)
    number = _talks_line(lines, path)
    content = lines.content(number)
    found = _TALKS_KEY.match(content)
    assert found is not None
    properties = _PROPERTIES.match(content, found.end())
    assert properties is not None
    flow = _EMPTY_FLOW.match(content, properties.end())
    value_below = flow is None and _value_below(lines, number)
    if value_below or not _REST_OF_KEY_LINE.match(content, flow.end() if flow else properties.end()):
        raise LayoutError(
            f"cannot add to `{content.strip()}`; write `talks: []` for an empty list",
            path=path,
            line=number + 1,
        )
    if flow is not None:
        # `talks: []  # none yet` -> `talks:  # none yet`: only ` []` goes (an anchor stays).
        key_end = _content_offset(lines, number) + properties.end()
        text = text[:key_end] + text[key_end + flow.end() - properties.end() :]
        lines = _Lines(text)
    at = lines.end(number)
    lead = nl if at == len(text) and not _ends_with_break(text) else ""
    return text[:at] + lead + _indent_lines(entry.split("\n")[:-1], 0, nl) + text[at:]


def _value_below(lines: _Lines, number: int) -> bool:
    """Whether a bare `talks:` has its (empty) value on a later line: `talks:\\n  []`."""
    for below in range(number + 1, len(lines)):
        content = lines.content(below)
        if not (_is_blank(content) or _is_comment(content)):
            return _indent(content) > 0
    return False


# -- keys of one entry --------------------------------------------------------


@dataclass(frozen=True)
class _Key:
    name: str
    line: int  # 0-based, in the whole text
    column: int  # 0-based
    value_line: int
    value_column: int
    value_end: tuple[int, int]  # (line, column) just after the value, 0-based, from the parser
    last: int  # the last line that goes with the key: its value's, or a deeper comment's after it


def _entry_keys(lay: _Layout, index: int, path: str) -> list[_Key]:
    from talkcat.yamlread import load

    lines = lay.lines
    dash, end = lay.dash(index), lay.end(index)
    snippet = lines.text[lines.start(dash) : lines.end(end)]
    doc = load(snippet, path)
    marks = doc.mark[2]
    entry_mark = marks[0] if isinstance(marks, list) and marks else None
    children = entry_mark[2] if entry_mark is not None else None
    first = lines.content(dash).lstrip(" -\t")
    if doc.problems or not isinstance(children, dict) or first.startswith("{"):
        raise LayoutError(
            "this talk is not written as a block mapping (`key: value` lines)",
            path=path,
            line=dash + 1,
        )
    found = []
    for name, (key_mark, value_mark) in children.items():
        found.append((str(name), dash + key_mark[0] - 1, key_mark[1] - 1, value_mark))
    keys = []
    for number, (name, line, column, value_mark) in enumerate(found):
        following = found[number + 1][1] if number + 1 < len(found) else end + 1
        if following == line:
            raise LayoutError("two keys on one line", path=path, line=line + 1)
        value_end = (dash + value_mark[3] - 1, value_mark[4] - 1)
        value_last = value_end[0] - 1 if value_end[1] == 0 else value_end[0]
        last = following - 1
        while last > max(line, value_last) and (
            _is_blank(lines.content(last))
            or (_is_comment(lines.content(last)) and _indent(lines.content(last)) <= column)
        ):
            last -= 1
        keys.append(_Key(name, line, column, dash + value_mark[0] - 1, value_mark[1] - 1, value_end, last))
    return keys


def _pair_lines(name: str, value: Any) -> list[str]:
    """`name: value` as lines, the first at column 0, the rest indented relative to it."""
    from talkcat.yamlwrite import dump_entry

    dumped = dump_entry({name: value}).split("\n")[:-1]
    return [line[2:] for line in dumped]


def _replace_edit(lay: _Layout, key: _Key, value: Any, nl: str) -> tuple[int, int, str]:
    lines = lay.lines
    new = _pair_lines(key.name, value)
    start = _content_offset(lines, key.line) + key.column
    if len(new) == 1 and key.last == key.line and key.value_end[0] == key.line:
        # A one-line value with a comment after it: the comment stays.
        content = lines.content(key.line)
        value_end = key.value_end[1]
        if _COMMENT_AFTER_VALUE.match(content, value_end):
            return start, _content_offset(lines, key.line) + value_end, new[0]
    end = lines.end(key.last)
    body = new[0] + nl + _indent_lines(new[1:], key.column, nl)
    if end == len(lines.text) and not _ends_with_break(lines.text):
        body = body[: -len(nl)]
    return start, end, body


def _unset_edit(lay: _Layout, dash: int, keys: list[_Key], key: _Key) -> tuple[int, int, str]:
    lines = lay.lines
    position = keys.index(key)
    if key.line == dash:
        # The key shares the `-` line: the next key moves up onto it.
        if position + 1 >= len(keys):
            raise LayoutError("cannot remove the only key of a talk", line=key.line + 1)
        after = keys[position + 1]
        return lines.start(key.line) + key.column, lines.start(after.line) + after.column, ""
    return lines.start(key.line), lines.end(key.last), ""


def _insert_edits(
    lay: _Layout, keys: list[_Key], names: list[str], changes: Mapping[str, Any], nl: str
) -> list[tuple[int, int, str]]:
    """Insertions for keys the entry does not have, each placed by the field order."""
    if not names:
        return []
    lines = lay.lines
    column = keys[0].column
    groups: dict[int, list[str]] = {}
    for name in names:
        rank = _FIELD_ORDER[name]
        before = next(
            (number for number, key in enumerate(keys) if _FIELD_ORDER.get(key.name, len(_FIELD_ORDER)) > rank),
            len(keys),
        )
        groups.setdefault(before, []).append(name)
    edits = []
    for before, group in groups.items():
        pair_lines = [line for name in group for line in _pair_lines(name, changes[name])]
        if before == 0:
            first = keys[0]
            at = lines.start(first.line) + first.column
            body = pair_lines[0] + nl + _indent_lines(pair_lines[1:], column, nl) + " " * column
            edits.append((at, at, body))
            continue
        at = lines.end(keys[before - 1].last)
        lead = nl if at == len(lines.text) and not _ends_with_break(lines.text) else ""
        edits.append((at, at, lead + _indent_lines(pair_lines, column, nl)))
    return edits


def _apply(text: str, edits: list[tuple[int, int, str]], path: str) -> str:
    out = []
    position = 0
    # Insertions (empty spans) before cuts that start at the same offset.
    for start, end, body in sorted(edits, key=lambda e: (e[0], e[1] > e[0])):
        if start < position:
            raise LayoutError("these changes overlap in the file's text", path=path)
        out.append(text[position:start])
        out.append(body)
        position = end
    out.append(text[position:])
    return "".join(out)
