"""The cache's file format: what was computed from a file, for the next run.

Pure: bytes in, bytes out. `store` does the reading and writing.

An entry is `MAGIC`, a format version, the CRC-32 of the payload, then the
payload: a `marshal`led `(key, value)` of plain tuples, lists, strings and
numbers. marshal builds data and never runs code on load, and the checksum
turns a truncated or damaged file into a miss rather than a wrong answer.
The key holds everything the value depends on (the input's content hash,
talkcat's version and code, the rules, the Python that wrote it), so a stale
entry is a miss too; a miss is rebuilt and written over.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import marshal
import sys
import zlib
from collections.abc import Iterator, Sequence
from typing import Any, Optional, TypeVar, overload

from talkcat import __version__
from talkcat.errors import Problem
from talkcat.model import FIELDS, Link, Talk
from talkcat.validate import Checked, Rules

try:
    # hashlib's own BLAKE2, without hashlib loading OpenSSL (3 ms of every start).
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

MAGIC = b"talkcat-cache\x00"
FORMAT_VERSION = 1
_VERSION_BYTES = FORMAT_VERSION.to_bytes(2, "little")
_DIGEST_SIZE = 4
HEADER_SIZE = len(MAGIC) + len(_VERSION_BYTES) + _DIGEST_SIZE

Key = tuple[Any, ...]

# A cached talk is a row of its fields in the dataclass's order.
_TALK_FIELDS = tuple(f.name for f in dataclasses.fields(Talk) if f.init)
_FIELD_TYPES = {f.name: f.type for f in FIELDS}
_DATE_COLUMNS = tuple(i for i, n in enumerate(_TALK_FIELDS) if _FIELD_TYPES.get(n) == "date")
_LINK_COLUMNS = tuple(i for i, n in enumerate(_TALK_FIELDS) if _FIELD_TYPES.get(n) == "link")
_DATE = _TALK_FIELDS.index("date")

_T = TypeVar("_T", bound=Optional[Talk])


def content_hash(data: bytes) -> str:
    """The key of a file's content: its bytes, never its mtime."""
    return blake2b(data, digest_size=32).hexdigest()


def code_digest(modules: Sequence[tuple[str, bytes]]) -> str:
    """The hash of talkcat's modules' content: (name, bytes) of each, in a fixed order."""
    digest = blake2b(digest_size=32)
    for name, data in modules:
        digest.update(f"{name}\0{len(data)}\0".encode("utf-8", "surrogateescape"))
        digest.update(data)
    return digest.hexdigest()


def code_fingerprint(digest: str) -> tuple[Any, ...]:
    """What identifies the code that wrote an entry: talkcat's version, its modules' content
    (`code_digest`), and the Python and marshal format that wrote it."""
    return (__version__, sys.implementation.cache_tag, marshal.version, digest)


def rules_key(rules: Rules) -> tuple[Any, ...]:
    """The rules `check_document` follows: all of `Rules` but repo_root (checked on disk)."""
    # repr: whatever a rule holds, the key stays something marshal can write.
    fields = [f.name for f in dataclasses.fields(rules) if f.name != "repo_root"]
    return tuple((name, repr(getattr(rules, name))) for name in fields)


def pack(key: Key, value: Any) -> bytes:
    """An entry's bytes; ValueError if `value` holds something marshal cannot write."""
    payload = marshal.dumps((key, value))
    return MAGIC + _VERSION_BYTES + _checksum(payload) + payload


def unpack(blob: bytes, key: Key) -> Any | None:
    """The value stored under `key`, or None for a miss, a foreign or a damaged file."""
    if len(blob) < HEADER_SIZE or not blob.startswith(MAGIC):
        return None
    if blob[len(MAGIC) : len(MAGIC) + len(_VERSION_BYTES)] != _VERSION_BYTES:
        return None
    payload = memoryview(blob)[HEADER_SIZE:]
    if _checksum(payload) != blob[HEADER_SIZE - _DIGEST_SIZE : HEADER_SIZE]:
        return None
    try:
        stored_key, value = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    if stored_key != key:
        return None
    return value


def _checksum(payload: bytes | memoryview) -> bytes:
    # Against damage, not tampering: whoever can write the cache can write its checksum.
    return zlib.crc32(payload).to_bytes(_DIGEST_SIZE, "little")


def encode_checked(checked: Checked) -> tuple[Any, ...]:
    """`check_document`'s result as marshal-able tuples (problems without their path).

    Each talk is its own `marshal`led bytes: loading 20,000 of those is a copy,
    and only the talks a command uses are unpacked (see `LazyTalks`). Their
    dates are kept beside them, for ranking search results without unpacking.
    """
    rows = [None if talk is None else _encode_talk(talk) for talk in checked.talks]
    return (
        [None if row is None else marshal.dumps(row) for row in rows],
        [(p.line, p.col, p.message, p.entry, p.field) for p in checked.problems],
        list(checked.entry_lines),
        [tuple(item) for item in checked.local_paths],
        [None if row is None else row[_DATE] for row in rows],
        list(checked.entry_ends),
    )


def decode_checked(value: Any, path: str) -> Checked | None:
    """The `Checked` that `encode_checked` was given, or None if `value` is not one.

    Its talks are decoded when first used (see `LazyTalks`), so only the
    outer shape is checked here: a talk's bytes are what `encode_checked` wrote,
    as the checksum covers them and the key holds talkcat's code.
    """
    try:
        talks, problems, entry_lines, local_paths, dates, entry_ends = value
        if len(dates) != len(talks) or not all(row is None or type(row) is bytes for row in talks):
            return None
        if len(entry_ends) != len(entry_lines):
            return None
        return Checked(
            LazyTalks(list(talks), dates, range(len(talks))),
            [Problem(path, line, col, message, entry=entry, field=field)
             for line, col, message, entry, field in problems],
            list(entry_lines),
            [(entry, rel, line, col, field) for entry, rel, line, col, field in local_paths],
            [(line, col) for line, col in entry_ends],
        )
    except (TypeError, ValueError, KeyError, OverflowError):
        return None


def _encode_talk(talk: Talk) -> tuple[Any, ...]:
    row = []
    for name in _TALK_FIELDS:
        value = getattr(talk, name)
        if isinstance(value, Link):
            value = (value.url, value.label)
        elif isinstance(value, dt.date):
            value = value.toordinal()
        row.append(value)
    return tuple(row)


def _decode_talk(row: tuple[Any, ...]) -> Talk:
    if len(row) != len(_TALK_FIELDS):
        raise ValueError("a cached talk with other fields")
    values = list(row)
    for i in _DATE_COLUMNS:
        if values[i] is not None:
            values[i] = dt.date.fromordinal(values[i])
    for i in _LINK_COLUMNS:
        if values[i] is not None:
            values[i] = Link(*values[i])
    return Talk(**dict(zip(_TALK_FIELDS, values)))


class LazyTalks(Sequence[_T]):
    """Talks read from the cache, each decoded from its row the first time it is asked for.

    `search` prints 20 talks of 20,000 and `validate` only counts them: decoding
    them all would take a fifth of such a run. A decoded talk replaces its row
    in the list that every view of it (`valid()`, slices) shares, so a position
    always gives the same object: `Loaded._positions` finds talks by identity.
    """

    def __init__(self, rows: list[Any], dates: Sequence[Any], positions: Sequence[int]) -> None:
        self._rows = rows  # a talk's bytes, its Talk once decoded, or None (an invalid entry)
        self._dates = dates  # each row's date.toordinal(), None for an invalid entry
        self._positions = positions  # which rows this view shows, in order

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> LazyTalks[_T]: ...

    def __getitem__(self, index: int | slice) -> _T | LazyTalks[_T]:
        if isinstance(index, slice):
            return LazyTalks(self._rows, self._dates, self._positions[index])
        at = self._positions[index]
        talk = self._rows[at]
        if type(talk) is bytes:
            talk = self._rows[at] = _decode_talk(marshal.loads(talk))
        return talk  # type: ignore[no-any-return]  # a Talk, or None in a view that has them

    def __iter__(self) -> Iterator[_T]:
        # Whoever loops over the talks wants them all: decode them in one go,
        # without a method call per talk.
        rows = self._rows
        for at in self._positions:
            if type(rows[at]) is bytes:
                rows[at] = _decode_talk(marshal.loads(rows[at]))
        return map(rows.__getitem__, self._positions)

    def __eq__(self, other: object) -> bool:
        # Equal to the list of the same talks that a parse gives.
        if isinstance(other, (LazyTalks, list)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like a list

    def __repr__(self) -> str:
        return f"LazyTalks({list(self)!r})"

    def valid(self) -> LazyTalks[Talk]:
        """The talks without the None of invalid entries."""
        rows = self._rows
        return LazyTalks(rows, self._dates, [at for at in self._positions if rows[at] is not None])

    def newest_first(self) -> LazyTalks[_T]:
        """These talks newest first, talks of one day in catalogue order, by the
        cached dates: `list` sorts 20,000 talks without decoding one."""
        dates = self._dates
        return LazyTalks(self._rows, dates, sorted(self._positions, key=lambda at: -dates[at]))

    def positions_of(self, talks: Sequence[Talk]) -> list[int] | None:
        """Where each of `talks` is in this view, if they are a view of the same rows
        (else None): found without decoding them."""
        if not isinstance(talks, LazyTalks) or talks._rows is not self._rows:
            return None
        at = {row: number for number, row in enumerate(self._positions)}
        return [at[row] for row in talks._positions]

    def ordinals(self) -> list[int]:
        """Each talk's `date.toordinal()`, without decoding it: what ranking search results
        needs. For a view of valid talks (`valid()`): an invalid entry has no date."""
        return list(map(self._dates.__getitem__, self._positions))
