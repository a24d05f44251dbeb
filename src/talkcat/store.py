"""The one module that reads and writes files: catalogue, README and cache."""

from __future__ import annotations

import bisect
import contextlib
import errno
import gc
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Final, TypeVar

from talkcat import cache as cache_format
from talkcat.errors import Problem, TalkcatError
from talkcat.validate import Checked, Rules, check_document, check_local_paths

if TYPE_CHECKING:
    from talkcat.config import Found
    from talkcat.model import Talk
    from talkcat.readme import Block

BOM = "\ufeff"
T = TypeVar("T")


@dataclass
class Catalogue:
    """A catalogue file as read: its bytes, its talks and what is wrong with it."""

    path: Path
    data: bytes  # the file's bytes (or those it is about to be written with)
    checked: Checked
    problems: list[Problem] = field(default_factory=list)
    digest: str | None = None  # the file's content hash, when read from a file
    rules: Rules | None = None  # what it was validated against
    warnings: list[Problem] = field(default_factory=list)  # said, but no reason to refuse it
    # Decoded when first asked for: `list` and `search` never ask, and decoding 20 MB
    # takes a tenth of their time.
    _text: str | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = decode(self.data, self.path)
        return self._text

    @property
    def talks(self) -> Sequence[Talk]:
        """The valid talks (all of them, once `require_valid` has passed)."""
        return cache_format.valid_talks(self.checked.talks)

    def require_valid(self) -> None:
        if self.problems:
            raise TalkcatError(
                self.problems,
                hint=f"run `talkcat validate --data {self.path}` after fixing",
            )


def read_bytes(path: Path, *, pipe: bool = False, limit: int | None = None) -> bytes:
    """A file's bytes, or a TalkcatError saying plainly why not.

    Only a regular file is read: a named pipe would wait forever for a writer
    and a device might never end. `pipe` lets a pipe through too, for an
    input given as `<(command)`; `limit` caps what is read (a pipe has no size).
    """
    try:
        st = path.stat() if pipe else None
        if st is None or not stat.S_ISFIFO(st.st_mode):
            st = require_file(path)
        if limit is None and stat.S_ISREG(st.st_mode):
            data = path.read_bytes()
            cache_format.saw(path, st, data)  # what a hook's verdict rests on
            return data
        cache_format.blind()  # a pipe, or part of a file: nothing a verdict could read again
        with path.open("rb") as f:
            data = f.read() if limit is None else f.read(limit + 1)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if limit is not None and len(data) > limit:
        raise TalkcatError(f"is larger than {limit // 2**20} MiB; talkcat reads no more", path=str(path))
    return data


def require_file(path: Path) -> os.stat_result:
    """Raise a TalkcatError unless `path` is (or links to) a regular file; its stat."""
    try:
        st = path.stat()
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if stat.S_ISDIR(st.st_mode):
        raise TalkcatError("is a directory, not a file", path=str(path))
    if stat.S_ISFIFO(st.st_mode):
        raise TalkcatError("is a named pipe, not a file", path=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise TalkcatError("is a device or a socket, not a file", path=str(path))
    return st


def _unreadable(path: Path, exc: OSError) -> TalkcatError:
    if isinstance(exc, FileNotFoundError):
        return TalkcatError("no such file", path=str(path))
    if isinstance(exc, IsADirectoryError):
        return TalkcatError("is a directory, not a file", path=str(path))
    if isinstance(exc, PermissionError):
        return TalkcatError("permission denied", path=str(path))
    if exc.errno == errno.ELOOP:
        return TalkcatError("is a symlink that loops (it leads back to itself)", path=str(path))
    if exc.errno == errno.ENAMETOOLONG:
        return TalkcatError("the name is too long for the file system", path=str(_shortened(path)))
    return TalkcatError(f"cannot read: {exc.strerror}", path=str(path))


def _shortened(path: Path, limit: int = 120) -> str:
    text = str(path)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text (a BOM is kept as the first character); bad bytes are located."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise TalkcatError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            path=str(path),
            line=line,
            col=col,
        ) from None


def read_text(path: Path, *, pipe: bool = False) -> str:
    return decode(read_bytes(path, pipe=pipe), path)


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()
"""`expected=ABSENT`: the file is written only if there is still none."""

# What a write compares the file with, inside its lock, just before replacing
# it: the bytes read before the work began, or their `content_hash` (as
# `read_readme` and `load_catalogue` give it); ABSENT for a file being created.
Expected = bytes | str | _Absent | None


def snapshot(path: Path) -> Expected:
    """What `path` holds now, as a later write's `expected`: its bytes, or ABSENT when there
    is no file (None, no check, where it cannot be read: the write will say why)."""
    if not os.path.lexists(path):
        return ABSENT
    return _current(path)


def write_text(path: Path, text: str, *, expected: Expected = None, make_folder: bool = False) -> bool:
    """Write a catalogue or a README (or a file `init` makes) if its text changed; True if it wrote.

    The write is atomic (see `write_atomic`) and made inside the file's lock.
    With `expected`, a file that no longer holds what was read (an editor's
    save, a `git pull` while talkcat worked) is left as it is: nothing is
    written and a TalkcatError says so. A file that cannot be written
    (read-only, a symlink out of the repository, a folder that takes no
    temporary file) is a TalkcatError too, raised before anything is written.
    """
    return write_files([(path, text, expected)], make_folders=make_folder) == [path]


def write_files(changes: Sequence[tuple[Path, str, Expected]], *, make_folders: bool = False) -> list[Path]:
    """Write several files (each as `write_text` does); the ones that changed, in order.

    Every file is checked first (`check_writable`), so a file that cannot be
    written stops them all before any is written. Should one still fail
    once the others are written (a full disk), the error names which were
    written and which were not.
    """
    if make_folders:
        for path, _, _ in changes:
            _make_folder(path)
    check_writable([path for path, _, _ in changes])
    written: list[Path] = []
    for number, (path, text, expected) in enumerate(changes):
        try:
            if _write_checked(path, text.encode("utf-8"), expected):
                written.append(path)
        except TalkcatError as exc:
            if number:
                exc.hint = _partly_written(written, [p for p, _, _ in changes[number:]], exc.hint)
            raise
    return written


def _partly_written(written: list[Path], rest: list[Path], hint: str | None) -> str:
    done = ", ".join(map(str, written)) if written else "none of the others"
    said = f"written: {done}; not written: {', '.join(map(str, rest))}"
    return f"{said}; {hint}" if hint else said


def write_output(path: Path, text: str) -> bool:
    """Write an export (its folder made as needed), if its text changed; True if it wrote.

    Unlike `write_text`, an export may go anywhere the user asks, outside
    the repository too, and takes no lock.
    """
    _make_folder(path)
    problems = [p for p in map(_unwritable, [path]) if p is not None]
    if problems:
        raise TalkcatError(problems)
    data = text.encode("utf-8")
    if _current(path) == data:
        return False
    _write_data(path, data)
    return True


def check_writable(paths: Sequence[Path], *, in_repository: bool = True) -> None:
    """Raise a TalkcatError naming every one of `paths` that cannot be written; write nothing.

    Refused: a folder; a name too long for the file system; a file whose
    mode bits let no one write it (`chmod 444`: for every user, root
    included, as an editor refuses it); a file or a folder this user may not
    write; with `in_repository`, a file whose real path (symlinks followed)
    leaves the repository its name is in.
    """
    problems = [problem for path in paths if (problem := _unwritable(path, in_repository)) is not None]
    if problems:
        hints = []
        if any("leads outside the repository" in problem.message for problem in problems):
            hints.append("to write a file out there, name it by its real path (--data, --readme)")
        read_only = [problem.path for problem in problems if problem.message.startswith("is read-only")]
        if read_only:
            import shlex

            hints.append(f"if talkcat may change it, make it writable: `chmod u+w {shlex.join(read_only)}`")
        raise TalkcatError(problems, hint="; ".join(hints) or None)


def _unwritable(path: Path, in_repository: bool = False) -> Problem | None:
    """Why `path` cannot be written, if it cannot."""
    shown = str(path)
    if len(path.name.encode("utf-8", "surrogateescape")) > _NAME_MAX:
        return Problem(_shortened(path), None, None, f"the name is longer than {_NAME_MAX} bytes; nothing was written")
    try:
        st: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        return _unreadable(path, exc).problems[0]
    if st is not None and stat.S_ISDIR(st.st_mode):
        return Problem(shown, None, None, "is a directory, not a file; nothing was written")
    if in_repository:
        outside = _leaves_repository(path)
        if outside is not None:
            message = f"leads outside the repository (to {outside}, through a symlink); nothing was written"
            return Problem(shown, None, None, message)
    if st is not None:
        if not stat.S_IMODE(st.st_mode) & 0o222:
            return Problem(shown, None, None, "is read-only; nothing was written")
        if not _may_write(path):
            return Problem(shown, None, None, "permission denied; nothing was written")
    folder = Path(os.path.realpath(path)).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # a folder still to be made: the one it is made in
    if not _may_write(folder, os.W_OK | os.X_OK):
        return Problem(
            shown,
            None,
            None,
            f"cannot create a temporary file in {folder} (permission denied), and a file is only ever replaced "
            "whole, from one; nothing was written",
        )
    return None


_NAME_MAX = 255  # bytes in a file name: ext4, XFS, btrfs, APFS, NTFS (in UTF-16 units)


def _may_write(path: Path, mode: int = os.W_OK) -> bool:
    """Whether this user may write `path`; root may, whatever the mode (read-only files are refused apart)."""
    if _is_root():
        return True
    try:
        return os.access(path, mode)
    except OSError:
        return True  # let the write itself say why


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _leaves_repository(path: Path) -> str | None:
    """The real path of `path`, when it leaves the repository that `path`'s own name is in."""
    named = Path(os.path.abspath(path))
    for folder in named.parents:
        if os.path.lexists(folder / ".git"):
            root = os.path.realpath(folder)
            real = os.path.realpath(named)
            return None if real == root or real.startswith(root.rstrip(os.sep) + os.sep) else real
    return None  # in no repository: nothing to keep it inside


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TalkcatError(f"cannot make the folder {path.parent}: {exc.strerror or exc}", path=str(path)) from None


def _current(path: Path) -> bytes | None:
    """What the file holds now; None when there is no file (or it cannot be read)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _holds(current: bytes | None, expected: Expected) -> bool:
    if expected is None:
        return True
    if isinstance(expected, _Absent):
        return current is None
    if current is None:
        return False
    if isinstance(expected, str):
        return cache_format.content_hash(current) == expected
    return current == expected


def _write_checked(path: Path, data: bytes, expected: Expected) -> bool:
    """Inside the file's lock: write `data` unless the file holds it already, or no longer holds `expected`."""
    with _file_lock(lock_path(path), path):
        _sweep_temporary_files(path)
        current = _current(path)
        if not _holds(current, expected):
            raise _changed(path)
        if current == data:
            return False

        def unchanged() -> bool:
            # Just before the replace: the write may have taken a while.
            return _holds(_current(path), expected)

        _write_data(path, data, unchanged)
    return True


def _changed(path: Path) -> TalkcatError:
    return TalkcatError(
        "changed while talkcat worked (saved by an editor, or by git?); nothing was written, so that change stays",
        path=str(path),
        hint="run the command again",
    )


def _write_data(path: Path, data: bytes, unchanged: Callable[[], bool] | None = None) -> None:
    try:
        write_atomic(path, data, unchanged)
    except IsADirectoryError:
        raise TalkcatError("is a directory, not a file", path=str(path)) from None
    except _Changed:
        raise _changed(path) from None
    except _NoTemporaryFile as exc:
        raise TalkcatError(
            f"cannot create a temporary file in {exc.folder} ({exc.reason}), and a file is only ever replaced "
            "whole, from one; nothing was written",
            path=str(path),
        ) from None
    except OSError as exc:
        raise TalkcatError(f"cannot write: {exc.strerror or exc}", path=str(path)) from None


class _Changed(Exception):
    """The file changed between reading it and replacing it."""


class _NoTemporaryFile(Exception):
    def __init__(self, folder: Path, reason: str) -> None:
        self.folder = folder
        self.reason = reason


def read_if_exists(path: Path) -> bytes | None:
    """A file's bytes, or None if there is no file; other failures as with read_bytes."""
    if not cache_format.look("lexists", path):
        return None
    return read_bytes(path)


def remove_output(path: Path) -> None:
    """Delete an exported file talkcat wrote (the page of a talk that is gone); gone already is fine."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise TalkcatError(f"cannot remove: {exc.strerror or exc}", path=str(path)) from None


def output_folder(folder: Path) -> None:
    """Check that `folder` can hold exported files: a folder, or nothing yet."""
    if folder.exists() and not folder.is_dir():
        raise TalkcatError("is not a folder; --output for pages names a folder", path=str(folder))


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder (or a link to one)."""
    return bool(cache_format.look("isdir", path))


def stays_in(folder: Path, name: str) -> bool:
    """Whether writing `folder/name` writes into `folder`, symlinks followed."""
    return os.path.dirname(os.path.realpath(folder / name)) == os.path.realpath(folder)


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file (symlinks and hard links followed), existing or not."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return os.path.realpath(one) == os.path.realpath(other)


def write_atomic(path: Path, data: bytes, unchanged: Callable[[], bool] | None = None) -> None:
    """Replace a file all at once: a reader sees the old bytes or the new, never a mix.

    A symlink is written through (its target is replaced). The file keeps
    its permissions, and its owner and group where the user may set them
    (root rewriting a user's README leaves it theirs). Where the owner
    cannot be kept (another user's file this user may write), the file is
    written in place instead, which keeps it but is not atomic. A file with
    other hard links is replaced by a new one: the other names keep the old
    bytes. `unchanged`, if given, is asked just before the replace; False
    stops the write (`_Changed`).
    """
    target = Path(os.path.realpath(path))
    try:
        st: os.stat_result | None = target.stat()
    except FileNotFoundError:
        st = None
    import tempfile  # only when writing: a run that reads stays faster to start

    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except PermissionError as exc:
        raise _NoTemporaryFile(target.parent, exc.strerror or "permission denied") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if not _same_owner(tmp, st):
                os.unlink(tmp)
                _write_in_place(path, target, data, unchanged)
                return
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if unchanged is not None and not unchanged():
            raise _Changed
        WRITTEN.append(path)  # first: a Ctrl-C right after the replace must not miss it
        os.replace(tmp, target)
    except BaseException:
        if os.path.lexists(tmp):  # not replaced
            if WRITTEN and WRITTEN[-1] is path:
                WRITTEN.pop()
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise
    _fsync_dir(target.parent)


WRITTEN: list[Path] = []
"""The files this process has written, whole, in order: what to name when it is interrupted."""


def interrupted() -> str:
    """What to say when Ctrl-C stops talkcat: which files it had written (each whole), if any."""
    if not WRITTEN:
        return "interrupted; nothing was written"
    names = ", ".join(dict.fromkeys(map(str, WRITTEN)))
    return f"interrupted; written before that, each whole: {names}"


def _same_owner(tmp: str, st: os.stat_result) -> bool:
    """Give the temporary file the owner and group of the file it replaces, as far as allowed."""
    if not hasattr(os, "chown"):
        return True
    mine = os.stat(tmp)
    if (mine.st_uid, mine.st_gid) == (st.st_uid, st.st_gid):
        return True
    try:
        os.chown(tmp, st.st_uid, st.st_gid)
        return True
    except PermissionError:
        pass
    try:
        os.chown(tmp, -1, st.st_gid)  # a group this user is in
    except PermissionError:
        pass
    return os.stat(tmp).st_uid == st.st_uid


def _write_in_place(path: Path, target: Path, data: bytes, unchanged: Callable[[], bool] | None) -> None:
    """Overwrite the file itself (`target`, the real path of `path`), which keeps its owner, group and links."""
    if unchanged is not None and not unchanged():
        raise _Changed
    WRITTEN.append(path)  # should it be interrupted halfway, named all the same
    with open(target, "r+b") as f:
        f.write(data)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())


# mkstemp's names: `.<name>.` + 8 of [a-z0-9_] + `.tmp`.
_RANDOM_PART = re.compile(r"[a-z0-9_]{8}\Z")


def _sweep_temporary_files(path: Path) -> None:
    """Delete the temporary files a killed talkcat left beside this file.

    Called inside the file's lock, where no other talkcat is writing it:
    any such file is stale. A SIGKILL between creating one and the replace
    leaves it (the full size of the file: 20 MB for pyvideo), and `git add -A`
    would commit it.
    """
    target = Path(os.path.realpath(path))
    prefix, suffix = f".{target.name}.", ".tmp"
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith(prefix) and name.endswith(suffix) and _RANDOM_PART.match(name[len(prefix) : -len(suffix)]):
            try:
                if entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
            except OSError:
                pass


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def find_repo_root(start: Path) -> Path:
    """The git work tree holding `start`, else the current directory."""
    return find_git_root(start) or Path.cwd()


def find_git_root(start: Path) -> Path | None:
    """The git work tree holding `start` (the folder holding `.git`), or None outside any."""
    here = Path(cache_format.look("realpath", start))
    for folder in (here, *here.parents):
        if cache_format.look("exists", folder / ".git"):
            return folder
    return None


def find_config(start: Path) -> Found:
    """Where the commands' files are, looked for from `start` upward as git looks for its repository.

    The nearest folder holding a config (`talkcat.toml` first, then a
    pyproject.toml with a `[tool.talkcat]` table) or the default catalogue
    `data/talks.yaml`; else the repository root (the folder holding `.git`),
    where the defaults then apply; outside any repository, `start` itself.
    The search stops at the repository root: a config above it belongs to
    something else. Paths in the answer are relative to `start`.
    """
    from talkcat import config

    up = Path(".")
    for folder in (start, *start.parents):
        for name in (config.CONFIG_NAME, config.PYPROJECT_NAME):
            candidate = folder / name
            if not cache_format.look("isfile", candidate):
                continue
            shown = up / name
            text = decode(read_bytes(candidate), shown)
            table = config.read_table(text, shown)
            if table is not None:
                return config.Found(up, shown, text, table)
        if cache_format.look("isfile", folder / config.DEFAULT_DATA) or cache_format.look("exists", folder / ".git"):
            return config.Found(up)
        up = up / ".."
    return config.Found(Path("."))


def load_catalogue(path: Path, rules: Rules | None = None, *, cache: bool = True) -> Catalogue:
    """Read, parse and validate a catalogue; problems are collected, not raised.

    With `cache`, an unchanged file (same bytes, same talkcat, same rules) is
    neither parsed nor validated again: that result comes from the cache.
    What depends on the disk (do relative paths exist?) is checked every time.
    """
    data = read_bytes(path)
    if rules is None:
        rules = _default_rules(path)
    digest = cache_format.content_hash(data)
    if not cache:
        text = decode(data, path)
        return _catalogue(path, data, _check_text(text, path, rules), rules, digest, text)
    name, key = _catalogue_entry(path, digest, rules)
    with _bulk():
        checked = cache_format.decode_checked(cache_format.read(name, key), str(path))
    if checked is not None:
        # These bytes were decoded before, or they would have no cache entry.
        return _catalogue(path, data, checked, rules, digest)
    text = decode(data, path)
    checked = _check_text(text, path, rules)
    cache_format.write(name, key, lambda: cache_format.encode_checked(checked))
    return _catalogue(path, data, checked, rules, digest, text)


def write_catalogue(catalogue: Catalogue, *, expected: Expected = None) -> bool:
    """Write a catalogue parsed from new text (if it changed), and cache its validation.

    `expected`: what the file held when it was read (see `write_text`). The
    next command then reads the new file from the cache: `add --sync`
    parses the catalogue once, not twice.
    """
    wrote = write_text(catalogue.path, catalogue.text, expected=expected)
    if catalogue.rules is not None:
        catalogue.digest = cache_format.content_hash(catalogue.data)
        name, key = _catalogue_entry(catalogue.path, catalogue.digest, catalogue.rules)
        cache_format.write(name, key, lambda: cache_format.encode_checked(catalogue.checked))
    return wrote


def _catalogue_entry(path: Path, digest: str, rules: Rules) -> tuple[str, tuple[Any, ...]]:
    """The cache file and key for this content of the catalogue at `path`."""
    key = ("catalogue", digest, cache_format.rules_key(rules), cache_format.code())
    return f"catalogue-{cache_format.slot(path)}", key


def parse_catalogue(text: str, path: Path, rules: Rules | None = None) -> Catalogue:
    """Parse and validate a catalogue's text as if it were the file at `path`."""
    if rules is None:
        rules = _default_rules(path)
    return _catalogue(path, text.encode("utf-8"), _check_text(text, path, rules), rules, text=text)


def reparse(catalogue: Catalogue, text: str) -> Catalogue:
    """`parse_catalogue(text)` for `catalogue`'s own text changed in whole entries, as `add`,
    `edit` and `remove` change it: only the entries that changed are parsed and validated
    again, and the ids of all are checked together (the one rule between entries).

    Anything else (a change above the first entry, an entry laid out as
    `-` alone on its line, a lone CR) or any problem has the whole text
    parsed, which says where. tests/test_reparse.py holds the two to the
    same result.
    """
    rules = catalogue.rules or _default_rules(catalogue.path)
    checked = _spliced(catalogue, text, rules)
    if checked is None:
        return parse_catalogue(text, catalogue.path, rules)
    return _catalogue(catalogue.path, text.encode("utf-8"), checked, rules, text=text)


def _spliced(catalogue: Catalogue, text: str, rules: Rules) -> Checked | None:
    """The `Checked` of `text`, from `catalogue`'s and a parse of the entries that changed; None
    where that cannot be told apart from a parse of the whole text."""
    old, before = catalogue.checked, catalogue.text
    lines, count = old.entry_lines, len(old.entry_lines)
    changed = changed_entries(catalogue, text)
    if changed is None:
        return None
    first, last, piece, piece_line = changed
    new = _check_text("talks:\n" + piece, catalogue.path, rules) if piece else Checked([], [], [], [], [])
    if new.problems or any(talk is None for talk in new.talks):
        return None
    kept = [*old.talks[:first], *old.talks[last:]]
    ids = {talk.slug for talk in kept if talk is not None}
    if any(talk is not None and talk.slug in ids for talk in new.talks):
        return None  # a duplicate id: the whole parse says which
    shift = piece_line - 2  # the piece's first line is the second of "talks:\n" + piece
    # Lines after the piece move by the lines it has more than the text it replaces.
    delta = piece.count("\n") - ((lines[last] if last < count else before.count("\n") + 1) - piece_line)
    added = len(new.talks) - (last - first)
    return Checked(
        cache_format.spliced(old.talks, first, last, new.talks),
        [],
        [*lines[:first], *(line + shift for line in new.entry_lines), *(line + delta for line in lines[last:])],
        [
            *(item for item in old.local_paths if item[0] < first),
            *((entry + first, rel, line + shift, col, name) for entry, rel, line, col, name in new.local_paths),
            *(
                (entry + added, rel, line + delta, col, name)
                for entry, rel, line, col, name in old.local_paths
                if entry >= last
            ),
        ],
        [
            *old.entry_ends[:first],
            *((line + shift, col) for line, col in new.entry_ends),
            *((line + delta, col) for line, col in old.entry_ends[last:]),
        ],
    )


def changed_entries(catalogue: Catalogue, text: str) -> tuple[int, int, str, int] | None:
    """Where `text` differs from the catalogue's own, in whole entries: those from `first` up to
    (not with) `last` are replaced by `piece` (whole entries, or none, with the blank and
    comment lines among them), which begins on line `line` of both texts. None where the
    change is not one of whole entries of a valid catalogue's list, or could reach into a
    value outside them.

    A parse of `"talks:\\n" + piece` then reads what a parse of `text` reads there: the piece
    begins where no value of the entry before it can go on (at an entry's `-`, or at a comment
    no deeper than the `-`s, after that entry's last value), and it ends where the next
    entry's `-` begins, or at the end of the text.
    """
    old, before = catalogue.checked, catalogue.text
    lines, ends, count = old.entry_lines, old.entry_ends, len(old.entry_lines)
    if old.problems or not count or any("\r" in t and t.count("\r") != t.count("\r\n") for t in (before, text)):
        return None  # line counts below are of "\n": a lone CR breaks lines too
    dash = _DASH.match(before, _line_start(before, 0, lines[0]))
    if dash is None:
        return None  # the first entry's `-` is not on its first key's line
    column = dash[1]
    # The changed span, in the old text: [start, end).
    start = _common_prefix(before, text)
    end = len(before) - _common_suffix(before, text, min(len(before), len(text)) - start)
    start_line = before.count("\n", 0, start) + 1
    first = bisect.bisect_right(lines, start_line) - 1
    if first >= 0 and start_line <= ends[first][0] - (ends[first][1] == 1):
        cut_line = lines[first]  # in the entry's own lines: from its `-`
        cut = _line_start(before, start, cut_line)
        if _DASH.match(before, cut) is None:
            return None
    else:
        first += 1  # after that entry's value, or above the first entry: from this line on
        cut_line = start_line
        cut = _line_start(before, start, cut_line)
        upto = _line_start(before, start, lines[first]) if first < count else len(before)
        if not _only_gaps(before[cut:upto]):
            return None  # `talks:` itself, or what follows the list
    end_line = before.count("\n", 0, end) + 1
    at_line_start = end == 0 or before[end - 1] == "\n"
    last = max(first, (bisect.bisect_left if at_line_start else bisect.bisect_right)(lines, end_line))
    cut_end = _line_start(before, end, lines[last]) if last < count else len(before)
    if last < count and _DASH.match(before, cut_end) is None:
        return None
    piece = text[cut : len(text) - (len(before) - cut_end)]
    if last < count and piece and not piece.endswith("\n"):
        return None
    return (first, last, piece, cut_line) if _whole_entries(piece, column) else None


def _only_gaps(text: str) -> bool:
    """Whether `text` is blank and comment lines only."""
    return all(not line.strip(" \t\r") or line.lstrip(" \t").startswith("#") for line in text.split("\n"))


def _whole_entries(piece: str, column: str) -> bool:
    """Whether `piece` is entries of a list whose `-` is at `column` (spaces), with blank and
    comment lines among them, beginning with nothing a value above it could take in: a `-`,
    or a comment no deeper than the `-`."""
    lines = piece.split("\n")
    if not piece:
        return True
    head = lines[0]
    comment = head.lstrip(" ").startswith("#") and len(head) - len(head.lstrip(" ")) <= len(column)
    if not comment and not _DASH.match(head + "\n"):
        return False
    for line in lines:
        if _only_gaps(line):
            continue
        found = _DASH.match(line + "\n")
        return found is not None and found[1] == column  # the first entry: the parse checks the rest
    return True  # blank and comment lines only: no entry


_DASH = re.compile(r"( *)-(?=[ \t\r\n])")  # an entry's first line: `- key: ...` at the list's column


def _common_prefix(a: str, b: str) -> int:
    """How many characters `a` and `b` begin with in common (compared a block at a time)."""
    limit, at, step = min(len(a), len(b)), 0, 1 << 16
    while at < limit and a[at : at + step] == b[at : at + step]:
        at += step
    low, high = at, min(at + step, limit)
    while low < high:
        middle = (low + high) // 2
        if a[low : middle + 1] == b[low : middle + 1]:
            low = middle + 1
        else:
            high = middle
    return min(low, limit)


def _common_suffix(a: str, b: str, limit: int) -> int:
    """How many characters (at most `limit`) `a` and `b` end with in common."""
    at, step = 0, 1 << 16
    while at < limit:
        size = min(step, limit - at)
        if a[len(a) - at - size : len(a) - at] != b[len(b) - at - size : len(b) - at]:
            break
        at += size
    low, high = at, min(at + step, limit)
    while low < high:
        middle = (low + high + 1) // 2  # does a run of `middle` hold?
        if a[len(a) - middle : len(a) - low] == b[len(b) - middle : len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low


def _line_start(text: str, at: int, line: int) -> int:
    """Where line `line` (1-based, lines ending at "\n") of `text` starts; `at` is an offset near it."""
    here = text.count("\n", 0, at) + 1
    start = text.rfind("\n", 0, at) + 1  # of the line holding `at`
    while here > line:
        start = text.rfind("\n", 0, start - 1) + 1
        here -= 1
    while here < line:
        start = text.find("\n", start) + 1
        here += 1
    return start


def _default_rules(path: Path) -> Rules:
    return Rules(repo_root=find_repo_root(path.parent))


def _check_text(text: str, path: Path, rules: Rules) -> Checked:
    """Everything validation finds from the text alone."""
    from talkcat import yamlread

    body = text[1:] if text.startswith(BOM) else text
    with _bulk():
        return check_document(yamlread.load(body, str(path)), str(path), rules)


def _catalogue(
    path: Path, data: bytes, checked: Checked, rules: Rules, digest: str | None = None, text: str | None = None
) -> Catalogue:
    """The catalogue with the checks that look at the disk added, which no cache may skip."""
    problems = list(checked.problems)
    if rules.repo_root is not None:
        problems += check_local_paths(checked, str(path), rules.repo_root)
        problems.sort(key=lambda p: (p.line or 0, p.col or 0))
        if cache_format.recording():
            _look_at_local_paths(checked, rules.repo_root)
    return Catalogue(path, data, checked, problems, digest, rules, _text=text)


def _look_at_local_paths(checked: Checked, root: Path) -> None:
    """Take the looks at the disk that `check_local_paths` takes for a path it accepts (where the
    path leads, symlinks followed, and that something is there), for a hook's verdict: a
    slides folder deleted, or swapped for a link out of the repository, is then a new run.

    The looks come after the check: a folder renamed in between (a `git checkout` while the
    hook runs) is seen otherwise than the check saw it, and then this run keeps no verdict,
    whose looks would hold an answer the check never gave. A run whose check found a path
    missing fails, and keeps none anyway.
    """
    real = Path(cache_format.look("realpath", root))
    for _, rel, *_ in checked.local_paths:
        target = Path(cache_format.look("realpath", real / PurePosixPath(rel)))
        inside = target == real or real in target.parents
        if not (cache_format.look("exists", target) and inside):
            cache_format.blind()


def check_tracked(catalogue: Catalogue) -> None:
    """Add what git says of the catalogue's relative paths: an ignored one is a problem, an untracked one a warning.

    One `git status` for all of them, and none when there are none or the
    repository root holds no `.git`; when git cannot tell (not installed, not
    a repository after all), nothing is added.
    """
    root = catalogue.rules.repo_root if catalogue.rules is not None else None
    local = catalogue.checked.local_paths
    if root is None or not local or not cache_format.look("exists", root / ".git"):
        return
    from talkcat import tracked

    specs = tracked.pathspecs(local)
    status_args = ("status", "--porcelain=v1", "-z", "--ignored=traditional", "--untracked-files=normal")
    output = _git(root, *status_args, "--", *specs) if specs else None
    if output is None:
        return
    status = tracked.parse_status(output)
    # git never names a folder without files: looked at on disk, where the first file found ends the walk.
    empty = [spec for spec in tracked.unnamed(specs, status) if cache_format.look("empty", root / spec)]
    # Under a git hook (pre-commit sets PRE_COMMIT), what git does not track is this commit's dead link.
    committing = bool(cache_format.look("env", "PRE_COMMIT"))
    errors, warnings = tracked.problems(
        catalogue.checked.local_paths, str(catalogue.path), status, empty, committing=committing
    )
    catalogue.problems = sorted([*catalogue.problems, *errors], key=lambda p: (p.line or 0, p.col or 0))
    catalogue.warnings += warnings


def repository_files(root: Path, limit: int) -> list[str]:
    """The files of the work tree at `root` (at most `limit`), as paths from it with `/`, sorted.

    In a git repository, those git tracks or would (tracked, and untracked
    but not ignored); elsewhere the files under `root` but those in `.git`
    and in virtual environments (a folder holding `pyvenv.cfg`), the walk
    stopping at `limit`.
    """
    if (root / ".git").exists():
        listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        if listed is not None:
            return sorted({name.decode("utf-8", "surrogateescape") for name in listed.split(b"\0") if name})[:limit]
    found: list[str] = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if not _skipped_folder(os.path.join(folder, name)))
        here = Path(folder).relative_to(root)
        found += [(here / name).as_posix() for name in sorted(files)]
        if len(found) >= limit:
            break
    return sorted(found[:limit])


def folder_readmes(folder: Path, exclude: Sequence[str] = ()) -> list[tuple[str, Path, str]]:
    """Each subfolder's README.md as (the subfolder's name, the README's path, its text), the
    last name first: the older layout of one folder per talk, newest first.

    Hidden subfolders, those without a README.md and those whose name matches
    a glob of `exclude` are left out.
    """
    import fnmatch

    if not folder.is_dir():
        raise TalkcatError("not a folder", path=str(folder))
    found = []
    for sub in sorted(folder.iterdir(), key=lambda p: p.name, reverse=True):
        readme = sub / "README.md"
        if sub.name.startswith(".") or not readme.is_file():
            continue
        if any(fnmatch.fnmatchcase(sub.name, glob.rstrip("/")) for glob in exclude):
            continue
        found.append((sub.name, readme, read_text(readme)))
    return found


def _skipped_folder(path: str) -> bool:
    return os.path.basename(path) == ".git" or os.path.exists(os.path.join(path, "pyvenv.cfg"))


def read_small_text(path: Path, limit: int) -> str | None:
    """A regular file's UTF-8 text when it has at most `limit` bytes and no NUL byte; else None.

    A symlink is not followed: it may lead out of the repository.
    """
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError:
        return None


def _git(root: Path, *args: str) -> bytes | None:
    """What a git command run at `root` prints (see `cache.git`), noted for a hook's verdict."""
    return cache_format.look("git", root, *args)  # type: ignore[no-any-return]


def derived(
    catalogue: Catalogue,
    kind: str,
    settings: tuple[Any, ...],
    compute: Callable[[], T],
    *,
    cache: bool = True,
) -> T:
    """`compute()`, remembered for this catalogue's content, `kind` and `settings`.

    For what a command derives from every talk: `sync-readme --check` on an
    unchanged catalogue keeps its rendered block (no tabulate, no markdown-it).
    The value must be plain data that marshal can write (str, numbers, tuples,
    lists, dicts, sets); `settings` must hold everything else it depends on.
    """
    if not cache or catalogue.digest is None:
        return compute()
    name = f"{kind}-{cache_format.slot(catalogue.path)}"
    key = (kind, catalogue.digest, settings, cache_format.code())
    stored = cache_format.read(name, key)
    if stored is not None:
        return stored  # type: ignore[no-any-return]  # written by compute() of this very code
    value = compute()
    cache_format.write(name, key, lambda: value)
    return value


def read_readme(path: Path) -> tuple[str, str]:
    """A README's text and the hash of its bytes: hashing what was read spares encoding 20 MB again."""
    data = read_bytes(path)
    return decode(data, path), cache_format.content_hash(data)


def find_readme_block(
    text: str,
    path: Path,
    markers: tuple[str, str] | None = None,
    *,
    cache: bool = True,
    expected: str | None = None,
    digest: str | None = None,
) -> Block:
    """`readme.find_block`, with where the block is remembered per README content.

    Only a README with code fences needs markdown-it (~50 ms to import) to
    tell a marker in an example from a real one, and such a README's block is
    kept in the cache: a 20,000-talk README is not searched again for its
    markers while it is unchanged. `expected`: see `readme.code_lines`;
    `digest`: the `content_hash` of the README's bytes, where the caller has it
    (see `read_readme`).
    """
    from talkcat import readme
    from talkcat.validate import END_MARKER, START_MARKER

    markers = markers or (START_MARKER, END_MARKER)
    if not readme.has_code_fences(text):
        return readme.find_block(text, str(path), markers, in_code=frozenset())  # no code can hide a marker
    if not cache:
        return readme.find_block(text, str(path), markers, in_code=readme.code_lines(text, markers, expected))
    name = f"readme-{cache_format.slot(path)}"
    digest = digest or cache_format.content_hash(text.encode("utf-8"))
    key = ("readme", digest, markers, cache_format.code())
    stored = cache_format.read(name, key)
    if isinstance(stored, tuple) and len(stored) == 4:
        return readme.Block(*stored)
    block = readme.find_block(text, str(path), markers, in_code=readme.code_lines(text, markers, expected))
    cache_format.write(name, key, lambda: (block.start, block.end, block.first_line, block.newline))
    return block


def cache_dir() -> Path:
    """Where the cache lives: $TALKCAT_CACHE_DIR, else the user's cache directory (see `cache.cache_dir`)."""
    return Path(cache_format.cache_dir())


# -- the cyclic garbage collector ----------------------------------------------------


def collect_rarely() -> None:
    """For a process that runs one command, then exits: let the cyclic collector run rarely.

    At its default pace (a pass per 700 new objects) it walks the large
    acyclic trees a command builds again and again: a fifth of importing a
    README of 10,000 talks, and more the larger the README.
    """
    gc.set_threshold(100_000, 50, 100)


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """No cyclic garbage collection while building a catalogue's many acyclic objects.

    Even at `collect_rarely`'s pace the collector takes a tenth of loading
    20,000 talks. Afterwards the objects are frozen (kept out of the
    collector's sight; they are freed as usual when no longer used, as long
    as they form no cycle): else the next collections walk each of them
    again, while a command then allocates its results.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


LOCK_STALL = 30.0
"""Seconds a writer waits while the lock stays with one holder, before giving up."""


@contextlib.contextmanager
def locked(path: Path, stall: float = LOCK_STALL) -> Iterator[None]:
    """Hold the lock of the file at `path` while reading, changing and writing it.

    Two talkcat processes editing one catalogue at once would otherwise each
    write their own change over the other's. Read the file inside the lock.
    Writers queue: one waits as long as the lock keeps changing hands, and
    gives up only when one holder has kept it for `stall` seconds.
    """
    # First, so that a missing file leaves nothing behind: the lock file,
    # and the folders leading to it.
    require_file(path)
    with _file_lock(lock_path(path), path, stall):
        yield


# The locks this process holds, by thread and lock file: taking one again (a
# write inside `locked`) only counts it.
_HELD: dict[tuple[int, str], int] = {}


@contextlib.contextmanager
def _file_lock(where: Path, path: Path, stall: float = LOCK_STALL) -> Iterator[None]:
    """An exclusive lock on `where`, for writing the file at `path`; see `locked`."""
    import _thread

    key = (_thread.get_ident(), os.path.abspath(where))
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    try:
        if not where.is_dir() and not where.parent.is_dir():
            where.parent.mkdir()  # .git/talkcat, the first time
            _owned_like(where.parent, where.parent.parent)
        fd = _acquire(where, path, stall)
    except OSError as exc:
        raise TalkcatError(f"cannot lock {where}: {exc.strerror or exc}", path=str(path)) from None
    _HELD[key] = 1
    try:
        yield
    finally:
        del _HELD[key]
        _release(fd)


def _acquire(where: Path, path: Path, stall: float) -> Any:
    """Wait for the lock, as long as others keep taking and freeing it; the held lock."""
    try:
        import fcntl  # only when writing: not on the hook path
    except ImportError:  # pragma: no cover - Windows: filelock's lock, with a plain timeout
        import filelock

        lock = filelock.FileLock(str(where), timeout=stall)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise _stalled(path, stall, None) from None
        return lock
    import time

    holder: bytes | None = None
    since = time.monotonic()
    pause = 0.005
    folder = where.is_dir()  # outside a repository: the file's own folder, see lock_path
    while True:
        if folder:
            fd = os.open(where, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_DIRECTORY", 0))
        else:
            fd = os.open(where, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0), 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Each holder writes its own mark in the lock file: a new mark is
            # progress, the queue moving, and the wait starts again. A folder's
            # mark is when it last changed: every write replaces a file in it.
            mark = _folder_mark(fd) if folder else os.pread(fd, 64, 0)
            os.close(fd)
            now = time.monotonic()
            if mark != holder:
                holder, since = mark, now
            elif now - since > stall:
                raise _stalled(path, stall, holder) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
            continue
        except BaseException:
            os.close(fd)
            raise
        if folder:
            return fd
        # The lock file may have been deleted and made again while this
        # process waited: a lock on a file no one else can find excludes no one.
        try:
            same = os.fstat(fd).st_ino == os.stat(where, follow_symlinks=False).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {time.time_ns()}\n".encode(), 0)
        _owned_like(where, where.parent)
        return fd


def _owned_like(path: Path, model: Path) -> None:
    """As root (sudo, a container), give what talkcat made the owner of `model`: the user
    who runs talkcat next must be able to take the lock too."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    try:
        owner = os.stat(model)
        if os.stat(path, follow_symlinks=False).st_uid != owner.st_uid:
            os.chown(path, owner.st_uid, owner.st_gid, follow_symlinks=False)
    except OSError:
        pass  # a lock root alone can take is still a lock


def _folder_mark(fd: int) -> bytes:
    st = os.fstat(fd)
    return f"{st.st_mtime_ns} {st.st_ctime_ns}".encode()


def _release(fd: Any) -> None:
    if not isinstance(fd, int):  # pragma: no cover - Windows: filelock's lock
        fd.release()
        return
    os.close(fd)  # closing the last descriptor frees the flock


def _stalled(path: Path, stall: float, holder: bytes | None) -> TalkcatError:
    who = "another talkcat"
    if holder and holder.split()[:1] and holder.split()[0].isdigit():
        who = f"another talkcat (process {holder.split()[0].decode()})"
    return TalkcatError(
        f"{who} has held this file's lock for {stall:g} s without finishing; nothing was written",
        path=str(path),
        hint="it may be stopped (Ctrl-Z) or stuck: let it finish, or end it, then run this again; "
        "the lock is freed when that process exits",
    )


def lock_path(path: Path) -> Path:
    """Where the lock of the file at `path` lives: one place every writer of that file finds.

    It depends on the file alone, never on the environment: a lock in the
    cache folder followed $TALKCAT_CACHE_DIR and $XDG_CACHE_HOME, so two
    writers with different ones (two users, a git hook run with another
    environment) took two locks and lost each other's talks. In a git
    repository it is `.git/talkcat/<hash of the file's real path>.lock`, where
    git keeps its own index.lock, so it never shows in `git status`. The
    lock file stays after use: deleting it would race with its next holder.
    Outside a repository it is the file's folder itself (a folder takes a lock
    too), so that no lock file is left beside the user's files for a later
    `git init` and `git add -A` to commit: one writer at a time in that folder.
    """
    real = Path(os.path.realpath(path))
    git = _git_dir(real.parent)
    if git is None:
        return real.parent
    return git / "talkcat" / f"{cache_format.slot(real)}.lock"


def _git_dir(start: Path) -> Path | None:
    """The git folder of the repository holding `start`; None outside any, or where it cannot be told."""
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.exists():
            return _linked_git_dir(dot_git)
    return None


def _linked_git_dir(dot_git: Path) -> Path | None:
    """The folder a `.git` file names, as in a worktree or a submodule: `gitdir: <path>`, read as git reads it."""
    try:
        text = dot_git.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("gitdir: ") or "\n" in text:
        return None
    target = dot_git.parent / text.removeprefix("gitdir: ")  # relative to the .git file's folder
    return target if target.is_dir() else None
