"""Safe YAML 1.2 loading with positions, straight from the parser's events.

Only plain data is constructed (mappings, sequences, strings, numbers,
booleans, null, dates): unknown tags are refused and nothing is ever
instantiated from a tag. Aliases are refused too, so an alias bomb costs
nothing. Each node keeps the parser's mark, so validation can say
`path:line:col` without a second parse.

The C parser from ruamel.yaml.clib is used when it is there; ruamel.yaml's
pure-Python parser produces the same events otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Union

from talkcat.errors import Problem

# A node's mark: (line, col, children), 1-based. children is a dict of
# key -> (key_mark, value_mark) for a mapping, a list of marks for a sequence,
# None for a scalar.
Mark = tuple[int, int, Union[dict[Any, tuple["Mark", "Mark"]], list["Mark"], None]]


@dataclass
class Document:
    data: Any
    mark: Mark
    problems: list[Problem]


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


_ALLOWED_SCALAR_TAGS: dict[str, Callable[[str], Any]] = {
    _TAG + "str": str,
    _TAG + "int": lambda v: resolve_plain(v) if isinstance(resolve_plain(v), int) else v,
    _TAG + "float": lambda v: resolve_plain(v),
    _TAG + "bool": lambda v: resolve_plain(v),
    _TAG + "null": lambda v: None,
    _TAG + "timestamp": lambda v: resolve_plain(v),
}


def load(text: str, path: str) -> Document:
    """Parse one YAML document into plain data with marks; never raises on bad YAML."""
    if "<<<<<<<" in text:
        from talkcat import conflicts

        # A merge left conflicts: each is named (talk, field, both values), not what YAML makes of the markers.
        found = conflicts.problems(text, path)
        if found:
            return Document(None, (1, 1, None), found)
    builder = _Builder(path)
    try:
        data, mark = builder.run(_events(text))
    except _Stop:
        return Document(None, (1, 1, None), builder.problems)
    except Exception as exc:  # the parser's own errors: marked, or not
        builder.problems.append(_parser_problem(exc, path, text))
        return Document(None, (1, 1, None), builder.problems)
    return Document(data, mark, builder.problems)


def _parser_problem(exc: Exception, path: str, text: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    message = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    if context:
        message = f"{message} ({context})"
    if mark is not None:
        return Problem(path, mark.line + 1, mark.column + 1, f"invalid YAML: {message}")
    position = getattr(exc, "position", None)  # a ReaderError: a character YAML refuses
    if isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position) + 1
        col = position - text.rfind("\n", 0, position)
        return Problem(path, line, col, f"invalid YAML: {message}")
    return Problem(path, None, None, f"invalid YAML: {message}")


# A catalogue is four levels deep (talks, entry, link, label); the builder
# recurses once per level, so a file nested thousands deep must stop early.
MAX_DEPTH = 100


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.depth = 0
        self.aliases: set[str] = set()  # each refused once: a bomb has thousands

    def problem(self, event: Any, message: str) -> None:
        m = event.start_mark
        self.problems.append(Problem(self.path, m.line + 1, m.column + 1, message))

    def run(self, events: Iterator[Any]) -> tuple[Any, Mark]:
        self.next = events.__next__
        self.next()  # StreamStart
        event = self.next()
        name = type(event).__name__
        if name == "StreamEndEvent":
            return None, (1, 1, None)
        data, mark = self.node(self.next())
        self.next()  # DocumentEnd
        event = self.next()
        if type(event).__name__ != "StreamEndEvent":
            self.problem(event, "a catalogue is one YAML document; found a second one")
        return data, mark

    def node(self, event: Any) -> tuple[Any, Mark]:
        kind = type(event).__name__
        line = event.start_mark.line + 1
        col = event.start_mark.column + 1
        if kind == "ScalarEvent":
            return self.scalar(event), (line, col, None)
        if kind == "MappingStartEvent":
            self.check_collection_tag(event, "map")
            self.enter(event)
            try:
                return self.mapping(line, col)
            finally:
                self.depth -= 1
        if kind == "SequenceStartEvent":
            self.check_collection_tag(event, "seq")
            self.enter(event)
            try:
                return self.sequence(line, col)
            finally:
                self.depth -= 1
        if kind == "AliasEvent":
            if event.anchor not in self.aliases:
                self.aliases.add(event.anchor)
                self.problem(event, f"aliases are not supported (*{event.anchor}): write the value out")
            return None, (line, col, None)
        self.problem(event, f"unexpected YAML {kind}")  # pragma: no cover
        raise _Stop  # pragma: no cover

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
        convert = _ALLOWED_SCALAR_TAGS.get(tag)
        if convert is None:
            self.problem(event, f"the tag {_short_tag(tag)} is not allowed in a catalogue")
            return None
        return convert(value)

    def check_collection_tag(self, event: Any, expected: str) -> None:
        tag = event.tag
        if tag is not None and tag != "!" and tag != _TAG + expected:
            self.problem(event, f"the tag {_short_tag(tag)} is not allowed in a catalogue")

    def mapping(self, line: int, col: int) -> tuple[dict[Any, Any], Mark]:
        data: dict[Any, Any] = {}
        marks: dict[Any, tuple[Mark, Mark]] = {}
        next_event = self.next
        while True:
            event = next_event()
            if type(event).__name__ == "MappingEndEvent":
                return data, (line, col, marks)
            key, key_mark = self.node(event)
            value, value_mark = self.node(next_event())
            try:
                hash(key)
            except TypeError:
                self.problems.append(
                    Problem(self.path, key_mark[0], key_mark[1], "a key must be a plain value")
                )
                continue
            if key in marks:
                first = marks[key][0][0]
                self.problems.append(
                    Problem(
                        self.path,
                        key_mark[0],
                        key_mark[1],
                        f"duplicate key {key!r} (first at line {first})",
                    )
                )
                continue
            data[key] = value
            marks[key] = (key_mark, value_mark)

    def sequence(self, line: int, col: int) -> tuple[list[Any], Mark]:
        data: list[Any] = []
        marks: list[Mark] = []
        next_event = self.next
        while True:
            event = next_event()
            if type(event).__name__ == "SequenceEndEvent":
                return data, (line, col, marks)
            value, mark = self.node(event)
            data.append(value)
            marks.append(mark)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag
