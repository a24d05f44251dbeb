"""Safe YAML 1.2 loading with positions, straight from the parser's events.

Only plain data is constructed (mappings, sequences, strings, numbers,
booleans, null, dates): unknown tags are refused and nothing is ever
instantiated from a tag. Aliases are refused too, so an alias bomb costs
nothing. Each node keeps where it starts and ends, so validation can say
`path:line:col` without a second parse, and `edit` can cut an entry out
exactly where the parser says it ends.

Lines are counted as editors and `grep -n` count them: at `\n`, `\r\n` and
`\r`. libyaml also breaks lines at NEL, U+2028 and U+2029; where a file holds
one, positions are worked out again from the parser's character offsets.

The C parser from ruamel.yaml.clib is used when it is there; ruamel.yaml's
pure-Python parser produces the same events otherwise.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from talkcat.errors import Problem

if TYPE_CHECKING:
    from ruamel.yaml.error import YAMLError

# A node's mark: (line, col, children, end_line, end_col, style), 1-based.
# children is a dict of key -> (key_mark, value_mark) for a mapping, a list of
# marks for a sequence, None for a scalar. The end is the position just after
# the node: after a quoted scalar's closing quote, a flow collection's bracket,
# a block collection's last value; a block scalar ends after its last line of
# text (after its trailing blank lines only when it keeps them, `|+`).
# style: a scalar's (`` plain, `'`, `"`, `|`, `>`), `[` or `{` for a flow
# collection, `` for a block one.
Mark = tuple[int, int, dict[Any, tuple["Mark", "Mark"]] | list["Mark"] | None, int, int, str]


@dataclass
class Document:
    data: Any
    mark: Mark
    problems: list[Problem]


_NO_MARK: Mark = (1, 1, None, 1, 1, "")


@dataclass(frozen=True)
class OtherKey:
    """A mapping key that is not a string (`1:`, `true:`, `2024-01-01:`), kept as written.

    `true` and `1` are different keys, though Python's True == 1; and a
    message names the key as the file has it, not as Python prints a date.
    """

    value: Any
    text: str

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OtherKey) and (type(self.value), self.value) == (type(other.value), other.value)

    def __hash__(self) -> int:
        return hash((type(self.value), self.value))

    def __repr__(self) -> str:
        return self.text


def key_text(key: Any, limit: int = 60) -> str:
    """A key as written, shortened when long: a message never echoes a 2 MB key."""
    text = key.text if isinstance(key, OtherKey) else str(key)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def show_key(key: Any) -> str:
    """A key for a message: a string key quoted, any other as written."""
    return repr(key_text(key)) if isinstance(key, str) else key_text(key)


class _Stop(Exception):
    """The parser cannot go on; its problem is already recorded."""


def parser_name() -> str:
    """Which YAML parser talkcat uses on this installation."""
    return "C (ruamel.yaml.clib)" if _c_parser() is not None else "pure Python (ruamel.yaml)"


def _c_parser() -> Any:
    try:
        from _ruamel_yaml import CParser
    except ImportError:
        return None
    return CParser


def _events(text: str) -> Iterator[Any]:
    cparser = _c_parser()
    if cparser is not None:
        parser = cparser(text)
        get_event = parser.get_event
        while True:
            event = get_event()
            if event is None:
                return
            yield event
    else:  # pragma: no cover - exercised where the C extension is missing
        from ruamel.yaml import YAML

        yield from YAML(typ="safe", pure=True).parse(text)


_TAG = "tag:yaml.org,2002:"
_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"0o[0-7]+\Z")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)\Z")
# As ruamel.yaml resolves them; an impossible date such as 2023-02-30 stays a
# string here so that validation can say what is wrong with it.
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\Z")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?\Z"
)
# Plain scalars starting with anything else are strings: the common case, fast.
_MAYBE_NOT_STR = frozenset("-+.0123456789~nNtTfF")


def resolve_plain(value: str) -> Any:
    """What an untagged plain scalar means in YAML 1.2 (core schema + dates)."""
    if value and value[0] not in _MAYBE_NOT_STR:
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        try:
            return int(value)
        except ValueError:
            # Python converts at most 4300 digits (a guard against slow
            # conversions). No field takes a number: "a number" is all that
            # validation needs to say.
            return float(value)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value) and value not in (".", "-.", "+."):
        return float(value)
    if _INF.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.match(value):
        return float("nan")
    m = _DATE.match(value)
    if m:
        try:
            date = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return value
        if len(m[2]) == 1 or len(m[3]) == 1:
            return UnpaddedDate(date.year, date.month, date.day)
        return date
    if _DATETIME.match(value):
        return _Timestamp(value)
    return value


class UnpaddedDate(dt.date):
    """`2023-2-3`: a date to YAML (equal to 2023-02-03), but not the YYYY-MM-DD validation asks for."""


class _Timestamp(str):
    """A date with a time of day: kept as text, so validation can refuse it."""


def _tagged(kind: type | tuple[type, ...], convert: Callable[[Any], Any] = lambda v: v) -> Callable[[str], Any]:
    """A tag's meaning: the value if the text means one of `kind` in YAML 1.2, else _MISFIT."""

    def meaning(text: str) -> Any:
        value = resolve_plain(text)
        if isinstance(value, bool) and kind is not bool:
            return _MISFIT  # bool is an int to Python, not to YAML
        return convert(value) if isinstance(value, kind) else _MISFIT

    return meaning


_MISFIT = object()  # a tagged value its tag does not fit: `!!int hello`
_ALLOWED_SCALAR_TAGS: dict[str, tuple[Callable[[str], Any], str]] = {
    _TAG + "str": (str, "a string"),
    _TAG + "int": (_tagged(int), "an integer"),
    _TAG + "float": (_tagged((int, float), float), "a number"),
    _TAG + "bool": (_tagged(bool), "true or false"),
    _TAG + "null": (_tagged(type(None)), "null (~, null or nothing)"),
    _TAG + "timestamp": (_tagged(dt.date), "a date"),
}


def load(text: str, path: str) -> Document:
    """Parse one YAML document into plain data with marks; never raises on bad YAML.

    Only the parser's own errors are bad YAML: anything else is a bug, and shows as one.
    """
    from ruamel.yaml.error import YAMLError  # loaded with the parser already

    if "<<<<<<<" in text:
        from talkcat import conflicts

        # A merge left conflicts: each is named (talk, field, both values), not what YAML makes of the markers.
        found = conflicts.problems(text, path)
        if found:
            return Document(None, _NO_MARK, found)
    builder = _Builder(path, text)
    try:
        data, mark = builder.run(_events(text))
    except _Stop:
        return Document(None, _NO_MARK, builder.problems)
    except YAMLError as exc:  # marked, or not (a ReaderError has a position)
        builder.problems.append(_parser_problem(exc, builder))
        return Document(None, _NO_MARK, builder.problems)
    return Document(data, mark, builder.problems)


# The line breaks libyaml counts that editors (and ruamel.yaml's own parser) do not.
_YAML_ONLY_BREAKS = "\x85\u2028\u2029"


def _offsets(text: str, characters: str) -> list[int]:
    """Where any of `characters` is in `text`, in order (str.find: a regex takes 0.1 s on 20 MB)."""
    found = []
    for character in characters:
        at = text.find(character)
        while at >= 0:
            found.append(at)
            at = text.find(character, at + 1)
    return sorted(found)


def _line_col(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset, lines broken at \\n, \\r\\n and \\r."""
    line = text.count("\n", 0, index) + text.count("\r", 0, index) - text.count("\r\n", 0, index) + 1
    return line, _column(text, index)


def _column(text: str, index: int) -> int:
    """The 1-based column of a character offset: from the last \\n or \\r before it."""
    newline = text.rfind("\n", 0, index)
    return index - max(newline, text.rfind("\r", newline + 1, index))


def _parser_problem(exc: YAMLError, builder: _Builder) -> Problem:
    """The parser's error where it found it, saying where the value or collection it was in began."""
    path, text = builder.path, builder.text
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    message = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if mark is not None:
        line, col = builder.position(mark)
    else:
        position = getattr(exc, "position", None)  # a ReaderError: a character YAML refuses
        if not (isinstance(position, int) and 0 <= position <= len(text)):
            return Problem(path, None, None, f"invalid YAML: {message}")
        line, col = _line_col(text, position)
    if context:
        began = builder.position(context_mark)[0] if context_mark is not None else line
        if began < line:
            context = f"{context} that starts at line {began}"
        message = f"{message} ({context})"
        if context.startswith("while scanning a quoted scalar"):
            message += ": is a quote left open?"
    quoted = builder.open_quote(line)
    if quoted is not None:
        message += f"; the quoted value that starts at line {quoted} runs on to here: is a quote left open there?"
    return Problem(path, line, col, f"invalid YAML: {message}")


# A catalogue is four levels deep (talks, entry, link, label); the builder
# recurses once per level, so a file nested thousands deep must stop early.
MAX_DEPTH = 100


class _Builder:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.problems: list[Problem] = []
        self.depth = 0
        self.aliases: set[str] = set()  # each refused once: a bomb has thousands
        self.last: Any = None  # the last scalar read, to say where a runaway quote began
        # Where libyaml breaks lines that editors do not; None when nowhere (nearly always).
        self.extra: list[int] | None = None
        self.shift, self.safe = 0, -1
        if _c_parser() is not None and any(ch in text for ch in _YAML_ONLY_BREAKS):
            self.extra = _offsets(text, _YAML_ONLY_BREAKS)
            # Past the editor's line holding the last of them, libyaml's lines are simply
            # that many more, and its columns right: the fast case, in `node`.
            self.shift = len(self.extra)
            newline = text.find("\n", self.extra[-1])
            self.safe = len(text) if newline < 0 else newline

    def position(self, mark: Any) -> tuple[int, int]:
        """A parser mark's 1-based line and column, as editors count lines."""
        extra, index = self.extra, mark.index
        if extra is None or index <= extra[0]:
            return mark.line + 1, mark.column + 1
        # How many of libyaml's extra breaks come before the mark: usually all of them.
        before = len(extra) if index > extra[-1] else bisect.bisect_left(extra, index)
        column = mark.column
        if index - column - 1 != extra[before - 1]:
            return mark.line + 1 - before, column + 1
        # The parser's line began at one of them: count the column from the editor's line.
        return mark.line + 1 - before, _line_col(self.text, index)[1]

    def problem(self, event: Any, message: str) -> None:
        line, col = self.position(event.start_mark)
        self.problems.append(Problem(self.path, line, col, message))

    def open_quote(self, line: int) -> int | None:
        """The line of the quoted value that ran on to `line` across lines, if the parser just read one."""
        last = self.last
        if last is None or last.style not in ("'", '"'):
            return None
        start, end = self.position(last.start_mark)[0], self.position(last.end_mark)[0]
        return start if start < end and end >= line - 1 else None

    def run(self, events: Iterator[Any]) -> tuple[Any, Mark]:
        self.next = events.__next__
        self.next()  # StreamStart
        event = self.next()
        name = type(event).__name__
        if name == "StreamEndEvent":
            return None, _NO_MARK
        version = getattr(event, "version", None)
        if version is not None and tuple(version) != (1, 2):
            self.problem(
                event,
                f"%YAML {'.'.join(map(str, version))}: talkcat reads YAML 1.2 only, where yes, no, on and off "
                "are strings and 010 is ten; write %YAML 1.2, or drop the line",
            )
            raise _Stop
        data, mark = self.node(self.next())
        self.next()  # DocumentEnd
        event = self.next()
        if type(event).__name__ != "StreamEndEvent":
            self.problem(event, "a catalogue is one YAML document; found a second one")
        return data, mark

    def node(self, event: Any, item: bool = False) -> tuple[Any, Mark]:
        """The data and mark of the node that starts with `event`; `item`: a sequence's."""
        kind = type(event).__name__
        start = event.start_mark
        line, col = start.line + 1, start.column + 1
        if self.extra is not None:
            if start.index > self.safe:
                line -= self.shift
            else:
                line, col = self.position(start)
        if kind == "ScalarEvent":
            self.last = event
            style = event.style or ""
            if style in ("|", ">"):
                end_line, end_col = self.block_scalar_end(event)
            else:
                end = event.end_mark
                end_line, end_col = end.line + 1, end.column + 1
                if self.extra is not None:
                    if end.index > self.safe:
                        end_line -= self.shift
                    else:
                        end_line, end_col = self.position(end)
            return self.scalar(event), (line, col, None, end_line, end_col, style)
        if kind == "MappingStartEvent":
            self.check_collection_tag(event, "map")
            self.enter(event)
            try:
                return self.mapping(line, col, "{" if event.flow_style else "", item)
            finally:
                self.depth -= 1
        if kind == "SequenceStartEvent":
            self.check_collection_tag(event, "seq")
            self.enter(event)
            try:
                return self.sequence(line, col, "[" if event.flow_style else "")
            finally:
                self.depth -= 1
        if kind == "AliasEvent":
            if event.anchor not in self.aliases:
                self.aliases.add(event.anchor)
                self.problem(event, f"aliases are not supported (*{event.anchor}): write the value out")
            end_line, end_col = self.position(event.end_mark)
            return None, (line, col, None, end_line, end_col, "")
        self.problem(event, f"unexpected YAML {kind}")  # pragma: no cover
        raise _Stop  # pragma: no cover

    def block_scalar_end(self, event: Any) -> tuple[int, int]:
        """Where a block scalar's text ends: the parser's end mark takes in the blank lines
        after it, which belong to it only when it keeps them (`|+`)."""
        text = self.text
        start, end = event.start_mark.index, event.end_mark.index
        header = _BLOCK_HEADER.match(text, start)
        if header is not None and "+" in header.group():
            return self.position(event.end_mark)
        at = end
        while at > start and text[at - 1] in " \t\r\n":
            at -= 1
        gap = text[at:end]
        line = self.position(event.end_mark)[0] - (gap.count("\n") + gap.count("\r") - gap.count("\r\n"))
        return line, _column(text, at)

    def enter(self, event: Any) -> None:
        if self.depth >= MAX_DEPTH:
            self.problem(event, f"nested more than {MAX_DEPTH} levels deep; a catalogue needs four")
            raise _Stop
        self.depth += 1

    def scalar(self, event: Any) -> Any:
        value: str = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if event.implicit[0] and not event.style:
                return resolve_plain(value)
            return value
        allowed = _ALLOWED_SCALAR_TAGS.get(tag)
        if allowed is None:
            self.problem(event, f"the tag {_short_tag(tag)} is not allowed in a catalogue")
            return None
        convert, meaning = allowed
        result = convert(value)
        if result is _MISFIT:
            shown = f"{_short_tag(tag)} {key_text(value)}"
            self.problem(event, f"{shown} is not {meaning}; drop the tag, or change the value")
            return None
        return result

    def check_collection_tag(self, event: Any, expected: str) -> None:
        tag = event.tag
        if tag is not None and tag != "!" and tag != _TAG + expected:
            self.problem(event, f"the tag {_short_tag(tag)} is not allowed in a catalogue")

    def mapping(self, line: int, col: int, style: str, item: bool) -> tuple[dict[Any, Any], Mark]:
        data: dict[Any, Any] = {}
        marks: dict[Any, tuple[Mark, Mark]] = {}
        next_event = self.next
        duplicates: list[tuple[Any, Mark]] = []
        value_mark: Mark | None = None
        node = self.node
        while True:
            event = next_event()
            if type(event).__name__ == "MappingEndEvent":
                if style or value_mark is None:  # a flow mapping ends at its `}`
                    end_line, end_col = self.position(event.end_mark)
                else:  # a block mapping, with its last value
                    end_line, end_col = value_mark[3], value_mark[4]
                if duplicates:
                    self.report_duplicates(duplicates, marks, next(iter(marks), None) if item else None)
                return data, (line, col, marks, end_line, end_col, style)
            key, key_mark = node(event)
            if not isinstance(key, str) and type(event).__name__ == "ScalarEvent":
                key = OtherKey(key, event.value)
            value, value_mark = node(next_event())
            try:
                hash(key)
            except TypeError:
                self.problems.append(Problem(self.path, key_mark[0], key_mark[1], "a key must be a plain value"))
                continue
            if key in marks:
                duplicates.append((key, key_mark))
                continue
            data[key] = value
            marks[key] = (key_mark, value_mark)

    def report_duplicates(self, found: list[tuple[Any, Mark]], marks: dict[Any, tuple[Mark, Mark]], first: Any) -> None:
        """Each duplicate key; or, when a list item's first key comes round again with
        others after it, one line: a new item that lost its `- `."""
        if first is not None and found[0][0] == first and len(found) > 1:
            key, mark = found[0]
            self.problems.append(
                Problem(
                    self.path,
                    mark[0],
                    mark[1],
                    f"duplicate key {show_key(key)} (first at line {marks[key][0][0]}), and {len(found) - 1} more "
                    f"after it: if a new item starts here, it needs its `- ` (`- {key_text(key)}: ...`)",
                )
            )
            return
        for key, mark in found:
            first_line = marks[key][0][0]
            self.problems.append(
                Problem(self.path, mark[0], mark[1], f"duplicate key {show_key(key)} (first at line {first_line})")
            )

    def sequence(self, line: int, col: int, style: str) -> tuple[list[Any], Mark]:
        data: list[Any] = []
        marks: list[Mark] = []
        next_event = self.next
        node = self.node
        while True:
            event = next_event()
            if type(event).__name__ == "SequenceEndEvent":
                if style or not marks:
                    end_line, end_col = self.position(event.end_mark)
                else:
                    end_line, end_col = marks[-1][3], marks[-1][4]
                return data, (line, col, marks, end_line, end_col, style)
            value, mark = node(event, True)
            data.append(value)
            marks.append(mark)


# A block scalar's header: `|` or `>`, then an indent and a chomping indicator in either order.
_BLOCK_HEADER = re.compile(r"[|>](?:[1-9][+-]?|[+-][1-9]?)?")


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
