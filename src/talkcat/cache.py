"""The cache: the folder talkcat keeps what it worked out in, and everything that touches it.

This module is the cache's one door. `store` asks it for entries; nothing
else opens the folder. It imports only the standard library's quickest
modules, because the hook's fast path (`replay`) runs on it alone.

An entry is `MAGIC`, a format version, the CRC-32 of the payload, then the
payload: a `marshal`led `(key, value)` of plain tuples, lists, strings and
numbers. marshal builds data and never runs code on load, and the checksum
turns a truncated or damaged file into a miss rather than a wrong answer.
The key holds everything the value depends on (the input's content hash,
talkcat's version and code, the rules, the Python that wrote it), so a stale
entry is a miss too; a miss is rebuilt and written over.

A verdict is the outcome of a plain `validate` or `sync-readme` run (what it
printed, exit 0, nothing written) with every look it took at the disk on
the way: which files it read (their bytes' hash, and a stat signature as
git's index keeps one), which paths exist, what git said. The next run with
the same arguments in the same folder takes each look again; when every
answer is the same, so is the outcome, and it is printed without starting
the CLI (`replay`).
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
import time
import zlib
from collections.abc import Iterator, Sequence

from talkcat import __version__

try:
    # hashlib's own BLAKE2, without hashlib loading OpenSSL (3 ms of every start).
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b

TYPE_CHECKING = False  # typing costs the fast path a tenth of its time; mypy reads these blocks
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from talkcat.model import Talk
    from talkcat.validate import Checked, Rules

MAGIC = b"talkcat-cache\x00"
FORMAT_VERSION = 1
_VERSION_BYTES = FORMAT_VERSION.to_bytes(2, "little")
_DIGEST_SIZE = 4
HEADER_SIZE = len(MAGIC) + len(_VERSION_BYTES) + _DIGEST_SIZE

if TYPE_CHECKING:
    Key = tuple[Any, ...]  # of plain data, marshal-able

# -- the format -----------------------------------------------------------------


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
    import dataclasses

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


# -- the folder and its entries ----------------------------------------------------

# An entry larger than this is not read: a cache folder holding a huge file
# (or a link to /dev/zero, which is not read at all) costs no memory.
MAX_ENTRY = 2**30
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def cache_dir() -> str:
    """Where the cache lives: $TALKCAT_CACHE_DIR, else the user's cache directory.

    That is platformdirs' `user_cache_dir("talkcat")`. On Linux it is worked
    out here as platformdirs does it (`$XDG_CACHE_HOME/talkcat`, else
    `~/.cache/talkcat`), where every version of platformdirs gives the same
    answer: importing it costs a hook run a tenth of its time. Anywhere else,
    platformdirs is asked.
    """
    folder = os.environ.get("TALKCAT_CACHE_DIR")
    if folder:
        return folder
    if sys.platform == "linux" and not hasattr(sys, "getandroidapilevel") and "ANDROID_DATA" not in os.environ:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        if xdg.startswith("/"):
            return os.path.join(xdg, "talkcat")
        home = os.environ.get("HOME", "")
        if not xdg.strip() and home.startswith("/"):
            return os.path.join(os.path.expanduser("~/.cache"), "talkcat")
    import platformdirs

    return str(platformdirs.user_cache_dir("talkcat"))


def slot(path: str | os.PathLike[str]) -> str:
    """One entry per file: a new content replaces the old entry, so none pile up."""
    return content_hash(os.path.realpath(path).encode("utf-8", "surrogateescape"))[:32]


def read(name: str, key: Key) -> Any:
    """The value cached under `key`, or None: a missing, foreign or damaged file is a miss.

    Only a regular file of this user's, in a folder of this user's, is read;
    a symlink is never followed (a shared or restored cache folder may hold
    links planted to make talkcat read or write elsewhere).
    """
    folder = _folder(create=False)
    if folder is None:
        return None
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | _NOFOLLOW, dir_fd=folder)
    except OSError:
        return None
    finally:
        os.close(folder)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _owned(st) or st.st_size > MAX_ENTRY:
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            blob = f.read(MAX_ENTRY + 1)
    except (OSError, ValueError, MemoryError):
        return None
    finally:
        os.close(fd)
    return unpack(blob, key)


def write(name: str, key: Key, value: Callable[[], Any]) -> None:
    """Cache a value, atomically; the cache is an optimisation, so failing to write is fine.

    The entry is written to a new file of its own (never through a link) and
    renamed over the old name, which replaces a link planted there, not its
    target.
    """
    try:
        blob = pack(key, value())
    except ValueError:
        return
    folder = _folder(create=True)
    if folder is None:
        return
    tmp = f".{name}.{os.urandom(6).hex()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | _NOFOLLOW, 0o600, dir_fd=folder)
        try:
            with os.fdopen(fd, "wb", closefd=False) as f:
                f.write(blob)
                f.flush()
                os.fsync(f.fileno())
        finally:
            os.close(fd)
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError:
        try:
            os.unlink(tmp, dir_fd=folder)
        except OSError:
            pass
    finally:
        os.close(folder)


def _folder(*, create: bool) -> int | None:
    """The cache folder, opened (a descriptor), if it is this user's; None if not, or not there.

    Made 0700 when it is made. A folder of another user's is not used: what
    it holds could be anyone's.
    """
    folder = cache_dir()
    if create:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(folder)), exist_ok=True)
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None
    try:
        ours = _owned(os.fstat(fd))
    except OSError:
        ours = False
    if not ours:
        os.close(fd)
        return None
    return fd


def _owned(st: os.stat_result) -> bool:
    return not hasattr(os, "geteuid") or st.st_uid == os.geteuid()


# -- talkcat's own code -------------------------------------------------------------

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def code_files() -> list[str]:
    """talkcat's modules, as paths from the package folder with `/`, sorted."""
    found = []
    folders = [""]
    while folders:
        here = folders.pop()
        with os.scandir(os.path.join(_PACKAGE, here)) as entries:
            for entry in entries:
                name = f"{here}/{entry.name}" if here else entry.name
                if entry.name.endswith(".py") and entry.is_file():
                    found.append(name)
                elif entry.is_dir() and entry.name != "__pycache__":
                    folders.append(name)
    return sorted(found)


def code_stats() -> tuple[tuple[Any, ...], ...]:
    """Each module's name, inode, size, mtime and ctime: a change of any module changes them
    (ctime cannot be set back, so a module changed with its mtime kept is seen)."""
    out = []
    for name in code_files():
        st = os.stat(os.path.join(_PACKAGE, name))
        out.append((name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return tuple(out)


_CODE: list[tuple[Any, ...]] = []


def code() -> tuple[Any, ...]:
    """What identifies talkcat's code in a key: its version and its modules' content.

    Sizes and mtimes are not enough: rsync -a, cp -p and image layers keep
    a changed module's mtime. The modules are hashed once per install (per
    change of any module's `code_stats`), and the hash is kept in the cache.
    """
    if _CODE:
        return _CODE[0]
    stats = code_stats()
    name, key = f"code-{slot(_PACKAGE)}", ("code", stats)
    digest = read(name, key)
    if not isinstance(digest, str):
        modules = []
        for entry in stats:
            with open(os.path.join(_PACKAGE, entry[0]), "rb") as f:
                modules.append((entry[0], f.read()))
        digest = code_digest(modules)
        write(name, key, lambda: digest)
    _CODE.append(code_fingerprint(digest))
    return _CODE[0]


# -- the catalogue's entry: its validated talks ------------------------------------

# A cached talk is a row of its fields in the dataclass's order.


def _layout() -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """The talk's fields, and which of them are dates and which links."""
    if not _LAYOUT:
        import dataclasses

        from talkcat.model import FIELDS, Talk

        names = tuple(f.name for f in dataclasses.fields(Talk) if f.init)
        types = {f.name: f.type for f in FIELDS}
        dates = tuple(i for i, n in enumerate(names) if types.get(n) == "date")
        links = tuple(i for i, n in enumerate(names) if types.get(n) == "link")
        _LAYOUT.append((names, dates, links))
    return _LAYOUT[0]


_LAYOUT: list[tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]] = []


def encode_checked(checked: Checked) -> tuple[Any, ...]:
    """`check_document`'s result as marshal-able tuples (problems without their path).

    Each talk is its own `marshal`led bytes: loading 20,000 of those is a copy,
    and only the talks a command uses are unpacked (see `LazyTalks`).
    """
    talks = checked.talks
    return (
        talks.encoded() if isinstance(talks, LazyTalks) else [_encoded(talk) for talk in talks],
        [(p.line, p.col, p.message, p.entry, p.field) for p in checked.problems],
        list(checked.entry_lines),
        [tuple(item) for item in checked.local_paths],
        list(checked.entry_ends),
    )


def decode_checked(value: Any, path: str) -> Checked | None:
    """The `Checked` that `encode_checked` was given, or None if `value` is not one.

    Its talks are decoded when first used (see `LazyTalks`), so only the
    outer shape is checked here: a talk's bytes are what `encode_checked` wrote,
    as the checksum covers them and the key holds talkcat's code.
    """
    from talkcat.errors import Problem
    from talkcat.validate import Checked

    try:
        talks, problems, entry_lines, local_paths, entry_ends = value
        if not all(row is None or type(row) is bytes for row in talks):
            return None
        if len(entry_ends) != len(entry_lines):
            return None
        return Checked(
            LazyTalks(list(talks), range(len(talks))),
            [
                Problem(path, line, col, message, entry=entry, field=field)
                for line, col, message, entry, field in problems
            ],
            list(entry_lines),
            [(entry, rel, line, col, field) for entry, rel, line, col, field in local_paths],
            [(line, col) for line, col in entry_ends],
        )
    except (TypeError, ValueError, KeyError, OverflowError):
        return None


def valid_talks(talks: Sequence[Talk | None]) -> Sequence[Talk]:
    """The talks but the None of invalid entries; cached talks stay undecoded."""
    if isinstance(talks, LazyTalks):
        return talks.valid()
    return [t for t in talks if t is not None]


def spliced(talks: Sequence[Talk | None], start: int, end: int, new: Sequence[Talk | None]) -> Sequence[Talk | None]:
    """`talks` with those from `start` up to `end` replaced by `new`; cached talks stay undecoded."""
    if isinstance(talks, LazyTalks):
        rows, blobs = [talks._rows[at] for at in talks._positions], talks.blobs()
        rows[start:end] = new
        blobs[start:end] = [None] * len(new)
        return LazyTalks(rows, range(len(rows)), blobs)
    return [*talks[:start], *new, *talks[end:]]


def _encoded(talk: Talk | None) -> bytes | None:
    return None if talk is None else marshal.dumps(_encode_talk(talk))


def _encode_talk(talk: Talk) -> tuple[Any, ...]:
    import datetime as dt

    from talkcat.model import Link

    row = []
    for name in _layout()[0]:
        value = getattr(talk, name)
        if isinstance(value, Link):
            value = (value.url, value.label)
        elif isinstance(value, dt.date):
            value = value.toordinal()
        row.append(value)
    return tuple(row)


def _decoder() -> Callable[[bytes], Talk]:
    """A function from a talk's bytes to its Talk."""
    if not _DECODER:
        import datetime as dt

        from talkcat.model import Link, Talk

        names, dates, links = _layout()
        fromordinal, loads = dt.date.fromordinal, marshal.loads

        def decode(blob: bytes) -> Talk:
            values = list(loads(blob))
            if len(values) != len(names):
                raise ValueError("a cached talk with other fields")
            for i in dates:
                if values[i] is not None:
                    values[i] = fromordinal(values[i])
            for i in links:
                if values[i] is not None:
                    values[i] = Link(*values[i])
            return Talk(**dict(zip(names, values)))

        _DECODER.append(decode)
    return _DECODER[0]


_DECODER: list[Callable[[bytes], Talk]] = []


class LazyTalks(Sequence["Any"]):
    """Talks read from the cache, each decoded from its row the first time it is asked for.

    `search` prints 20 talks of 20,000 and `validate` only counts them: decoding
    them all would take a fifth of such a run. A decoded talk replaces its row
    in the list that every view of it (`valid()`, slices) shares.
    """

    def __init__(self, rows: list[Any], positions: Sequence[int], blobs: list[bytes | None] | None = None) -> None:
        self._rows = rows  # a talk's bytes, its Talk once decoded, or None (an invalid entry)
        self._positions = positions  # which rows this view shows, in order
        # Each row's bytes, kept once it is decoded: a catalogue written back with a talk
        # added or changed encodes that talk alone (`encode_checked`).
        self._blobs = list(rows) if blobs is None else blobs

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return LazyTalks(self._rows, self._positions[index], self._blobs)
        at = self._positions[index]
        talk = self._rows[at]
        if type(talk) is bytes:
            talk = self._rows[at] = _decoder()(talk)
        return talk

    def __iter__(self) -> Iterator[Any]:
        # Whoever loops over the talks wants them all: decode them in one go,
        # without a method call per talk.
        rows, decode = self._rows, _decoder()
        for at in self._positions:
            if type(rows[at]) is bytes:
                rows[at] = decode(rows[at])
        return map(rows.__getitem__, self._positions)

    def __eq__(self, other: object) -> bool:
        # Equal to the list of the same talks that a parse gives.
        if isinstance(other, (LazyTalks, list)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like a list

    def __repr__(self) -> str:
        return f"LazyTalks({list(self)!r})"

    def valid(self) -> LazyTalks:
        """The talks without the None of invalid entries."""
        rows = self._rows
        return LazyTalks(rows, [at for at in self._positions if rows[at] is not None], self._blobs)

    def blobs(self) -> list[bytes | None]:
        """Each talk's bytes as the cache holds them (None for a talk made since)."""
        return [self._blobs[at] for at in self._positions]

    def encoded(self) -> list[bytes | None]:
        """Each talk's bytes for the cache: those it was read with, where it has them."""
        rows, blobs = self._rows, self._blobs
        return [blobs[at] if blobs[at] is not None else _encoded(rows[at]) for at in self._positions]


# -- verdicts: what a hook run looked at, and what it said ------------------------


class _Record:
    """The looks a run took at the disk (see `_LOOKS`), with their answers, in order."""

    def __init__(self) -> None:
        self.looks: list[tuple[str, tuple[str, ...], Any]] = []
        self.seeing = True  # False once it read what no look can read again (`blind`)


_RECORD: list[_Record] = []  # while a run records (`record`): its record


def look(kind: str, *args: str | os.PathLike[str]) -> Any:
    """Take one look at the disk (see `_LOOKS`), and note its answer while a run records."""
    names = tuple(os.fspath(arg) for arg in args)
    answer = _LOOKS[kind](*names)
    if _RECORD:
        _RECORD[0].looks.append((kind, names, answer))
    return answer


def saw(path: str | os.PathLike[str], st: os.stat_result, data: bytes) -> None:
    """Note, while a run records, that it read `data` whole from the regular file at `path`
    (`st`: its stat, taken before the read)."""
    if _RECORD:
        _RECORD[0].looks.append(("file", (os.fspath(path),), (_signature(st), file_digest(data))))


def blind() -> None:
    """The run read something no look can take again (a pipe, say): it keeps no verdict."""
    if _RECORD:
        _RECORD[0].seeing = False


def record() -> None:
    """From now on, note every look (see `keep_verdict`)."""
    _RECORD[:] = [_Record()]


def recording() -> bool:
    return bool(_RECORD)


def keep_verdict(argv: Sequence[str], cwd: str, said: Sequence[tuple[int, str]]) -> None:
    """Keep what this run said, with the looks it took, for `replay`; stop recording."""
    kept = _RECORD.pop()
    if not kept.seeing:
        return
    libraries = _libraries()
    looks = [("code", (), code_stats()), ("stats", libraries, stats(*libraries)), *kept.looks]
    write(_verdict_name(cwd, argv), _verdict_key(cwd, argv), lambda: (looks, list(said)))


def stop_recording() -> None:
    _RECORD.clear()


def replay(argv: Sequence[str]) -> bool:
    """Print what the last run with these arguments here printed, if nothing it looked at
    has changed since; True if it did (the run exits 0, like the one recorded)."""
    try:
        cwd = os.getcwd()
        kept = read(_verdict_name(cwd, argv), _verdict_key(cwd, argv))
        if kept is None:
            return False
        looks, said = kept
        for kind, args, answer in looks:
            if kind == "file":
                if not _same_file(args[0], *answer):
                    return False
            elif _LOOKS[kind](*args) != answer:
                return False
    except Exception:  # a damaged verdict, a look that fails: the CLI will tell
        return False
    streams = {1: sys.stdout, 2: sys.stderr}
    if any(streams[stream] is None for stream, _ in said):
        return False  # a stream closed (`>&-`): the CLI runs as it runs then
    for stream, text in said:
        out = streams[stream]
        try:
            out.write(text)
            out.flush()
        except OSError:  # a pipe closed by its reader: end as the CLI does, exit 1 and no more words
            os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())  # Python's flush at exit fails no more
            raise SystemExit(1) from None
    return True


def _verdict_key(cwd: str, argv: Sequence[str]) -> Key:
    # The Python and the environment it runs in: another virtual environment has other libraries.
    return ("verdict", cwd, tuple(argv), sys.version, sys.prefix, __version__, marshal.version)


def _verdict_name(cwd: str, argv: Sequence[str]) -> str:
    words = "\0".join([cwd, *argv]).encode("utf-8", "surrogateescape")
    return f"verdict-{content_hash(words)[:32]}"


def _signature(st: os.stat_result) -> tuple[int, ...] | None:
    """What tells a file changed without reading it, as git's index keeps it; None for a
    file changed in the last seconds, whose next change could keep its times (racy git)."""
    if max(st.st_mtime_ns, st.st_ctime_ns) > time.time_ns() - _SETTLED:
        return None
    return (st.st_dev, st.st_ino, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


_SETTLED = 2_000_000_000  # ns: file systems keep times to the second, or to a few ms


def file_digest(data: bytes) -> str:
    """The hash a verdict keeps of a file's bytes: SHA-256, which OpenSSL computes about
    twice as fast as BLAKE2 (and only a changed stat signature has it computed again)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _same_file(path: str, signature: tuple[int, ...] | None, digest: str) -> bool:
    """Whether the file at `path` still holds the bytes whose `file_digest` is `digest`."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return False
        if signature is not None and _signature(st) == signature:
            return True
        import hashlib

        sha = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                sha.update(chunk)
        return sha.hexdigest() == digest
    except OSError:
        return False


def _libraries() -> tuple[str, ...]:
    """The file of each library the run imported (each top-level module's, outside the
    standard library): a library upgraded since (typer, markdown-it, jinja2) is a new verdict."""
    stdlib = os.path.dirname(os.__file__)
    found = []
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None)
        parent = name.rpartition(".")[0]
        if not where or name.split(".")[0] == "talkcat" or getattr(sys.modules.get(parent), "__file__", None):
            continue
        if where.startswith(stdlib) and "-packages" not in where[len(stdlib) :]:
            continue
        found.append(where)
    return tuple(sorted(found))


def stats(*paths: str) -> list[tuple[int, ...] | None]:
    """Each file's inode, size, mtime and ctime (None where there is none)."""
    out: list[tuple[int, ...] | None] = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            out.append(None)
            continue
        out.append((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return out


def empty_folder(path: str) -> bool:
    """A folder with no file anywhere under it (the walk stops at the first file).

    A path that cannot be looked at (a name too long, a folder closed to this
    user) is no empty folder: validation says what is wrong with it.
    """
    try:
        return os.path.isdir(path) and not any(files for _, _, files in os.walk(path))
    except OSError:
        return False


def git(root: str, *args: str) -> bytes | None:
    """What a git command run at `root` prints; None if git is missing or fails.

    Paths are literal (a folder may be named `[draft]`), and git takes no
    optional lock: inside a `git commit` hook, the index is git's.
    """
    import subprocess

    command = ["git", "--literal-pathspecs", "--no-optional-locks", *args]
    try:
        done = subprocess.run(command, cwd=root, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


_LOOKS: dict[str, Callable[..., Any]] = {
    "isfile": os.path.isfile,
    "isdir": os.path.isdir,
    "exists": os.path.exists,
    "lexists": os.path.lexists,
    "realpath": os.path.realpath,
    "empty": empty_folder,
    "env": os.environ.get,
    "git": git,
    "code": code_stats,
    "stats": stats,
}
