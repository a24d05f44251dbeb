"""Talk entries as hand-written-looking YAML text.

talkcat writes entries itself instead of through ruamel's dumper so that
`talkcat add` can splice one entry into a large catalogue and leave every
other byte alone. The text must load back exactly under YAML 1.2 (ruamel)
and YAML 1.1 (PyYAML, libyaml), so a scalar is written plain only when
neither would read it as anything but that string.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

# Characters written as themselves. Everything else (C0/C1 controls, DEL,
# U+FEFF, surrogates, U+FFFE/U+FFFF) is escaped, and so are \r, U+0085,
# U+2028 and U+2029, which YAML 1.1 readers take as line breaks.
_UNSAFE = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")

# A plain scalar may not start with an indicator or a space, end with a
# space or ':', or hold ': ' or ' #' (a value or a comment would begin).
# Tabs and line breaks are left to the quoted styles.
_NOT_PLAIN = re.compile(r"\A[-?:,\[\]{}#&*!|>'\"%@` ]| \Z|:\Z|: | #|[\t\n]")

# A superset of what the YAML 1.2 core and YAML 1.1 resolvers (ruamel, PyYAML)
# read as something other than a string: null, bool (1.1 has yes/no/on/off/y/n),
# int and float (1.1 has sexagesimal 1:20 and underscores), timestamps, and the
# merge and value keys. Over-matching only costs a pair of quotes.
_RESOLVES = re.compile(
    r"""
      ~ | null | true | false | y | yes | n | no | on | off
    | [-+]? \. (?: inf | nan )
    | [-+]? 0 [box] [0-9a-f_]*
    | [-+]? [0-9_.:]+ (?: e [-+]? [0-9_]* )?
    | [0-9]{4} - [0-9]{1,2} - [0-9]{1,2} (?: [t\ \t] [0-9:.z\ \t+-]* )?
    | = | <<
    """,
    re.VERBOSE | re.IGNORECASE,
)

_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}

# How far a block collection's children and a literal block's text sit in.
_STEP = 2

# Longer implicit keys are an error in YAML (the limit is 1024 characters).
_MAX_KEY = 1024


def dump_catalogue(entries: Sequence[Mapping[str, Any]], *, header: str = "") -> str:
    """A whole catalogue: the header comment, then `talks:` and its entries."""
    _check_header(header)
    if not entries:
        return header + "talks: []\n"
    return header + "talks:\n" + "".join(dump_entry(entry) for entry in entries)


def dump_entry(entry: Mapping[str, Any]) -> str:
    """One entry as a list item of `talks:`: dash at column 0, keys in the given order."""
    if not entry:
        return "- {}\n"
    lines = _mapping_lines(entry, _STEP)
    lines[0] = "- " + lines[0][_STEP:]
    return "".join(line + "\n" for line in lines)


def dump_scalar(value: str) -> str:
    """A string on one line: plain if safe, else single-quoted, else double-quoted."""
    if _is_plain(value):
        return value
    if "\n" in value or _UNSAFE.search(value):
        return _double_quoted(value)
    return "'" + value.replace("'", "''") + "'"


def _check_header(header: str) -> None:
    lines = header.split("\n")
    if lines[-1] or any(line and not line.startswith("#") for line in lines):
        raise ValueError(f"header must be comment lines, each ending in a newline: {header!r}")


def _mapping_lines(mapping: Mapping[str, Any], indent: int) -> list[str]:
    lines: list[str] = []
    for key, value in mapping.items():
        lines += _pair_lines(_dump_key(key), value, indent)
    return lines


def _pair_lines(key: str, value: Any, indent: int) -> list[str]:
    head = " " * indent + key + ":"
    if isinstance(value, Mapping) and value:
        return [head, *_mapping_lines(value, indent + _STEP)]
    if _is_list(value) and value:
        # Items sit at the key's own indent, as people write them by hand.
        return [head, *_sequence_lines(value, indent)]
    return _node_lines(head, value, indent)


def _sequence_lines(items: Sequence[Any], indent: int) -> list[str]:
    lines: list[str] = []
    for item in items:
        if isinstance(item, Mapping) and item:
            item_lines = _mapping_lines(item, indent + _STEP)
            item_lines[0] = " " * indent + "- " + item_lines[0][indent + _STEP :]
            lines += item_lines
        elif _is_list(item) and item:
            raise TypeError(f"a list inside a list cannot be written: {item!r}")
        else:
            lines += _node_lines(" " * indent + "-", item, indent)
    return lines


def _node_lines(head: str, value: Any, indent: int) -> list[str]:
    """A scalar or an empty collection after `key:` or `-`; a literal block may take more lines."""
    if isinstance(value, str) and _fits_literal(value):
        return [head + " " + _literal_header(value), *_literal_body(value, indent + _STEP)]
    return [head + " " + _inline(value)]


def _inline(value: Any) -> str:
    # bool before int: bool is a subclass of int. datetime before date, likewise.
    if isinstance(value, str):
        return dump_scalar(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        raise TypeError(f"a date and time cannot be written, only a date: {value!r}")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping) and not value:
        return "{}"
    if _is_list(value) and not value:
        return "[]"
    raise TypeError(f"cannot write a {type(value).__name__} as YAML: {value!r}")


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def _dump_key(key: str) -> str:
    text = dump_scalar(key)
    if len(text) >= _MAX_KEY:
        raise ValueError(f"a key must be shorter than {_MAX_KEY} characters: {key[:40]!r}...")
    return text


def _is_plain(text: str) -> bool:
    return (
        text != ""
        and _NOT_PLAIN.search(text) is None
        and _UNSAFE.search(text) is None
        and _RESOLVES.fullmatch(text) is None
    )


def _double_quoted(text: str) -> str:
    return '"' + "".join(_escape(ch) for ch in text) + '"'


def _escape(ch: str) -> str:
    if ch in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[ch]
    if not _UNSAFE.match(ch):
        return ch
    # Every character past U+FFFF is printable, so \U is never needed; and a
    # surrogate is escaped on its own, never paired.
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _fits_literal(text: str) -> bool:
    """Whether a literal block scalar carries `text` exactly, for every reader."""
    # Checked against ruamel (pure and C) and PyYAML: leading empty or
    # space-only lines, tabs, trailing spaces and text that is only newlines
    # all load back exactly once the indent and chomping are stated. Only the
    # characters _UNSAFE names do not.
    return "\n" in text and _UNSAFE.search(text) is None


def _literal_header(text: str) -> str:
    # Readers guess the indent from the first non-empty line: a leading space
    # there would be taken for indent, and libyaml rejects a leading tab.
    indicator = str(_STEP) if text.lstrip("\n")[:1] in (" ", "\t") else ""
    body = text.rstrip("\n")
    newlines = len(text) - len(body)
    # Clipping keeps a final newline only after some text, so "\n" needs keep.
    chomping = "-" if newlines == 0 else "" if newlines == 1 and body else "+"
    return "|" + indicator + chomping


def _literal_body(text: str, indent: int) -> list[str]:
    lines = text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
    # Empty lines stay empty: no trailing whitespace in the file.
    return [" " * indent + line if line else "" for line in lines]


def dump_mapping(mapping: Mapping[str, Any]) -> str:
    """A mapping at the top level of a document (a page's front matter, say)."""
    return "".join(line + "\n" for line in _mapping_lines(mapping, 0))
