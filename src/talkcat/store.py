"""The one module that reads and writes files: catalogue, README and cache."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from talkcat import cache as cache_format
from talkcat.errors import Problem, TalkcatError
from talkcat.model import Talk
from talkcat.validate import Checked, Rules, check_document, check_local_paths

if TYPE_CHECKING:
    from talkcat.config import Found
    from talkcat.readme import Block

BOM = "\ufeff"
T = TypeVar("T")


@dataclass
class Catalogue:
    """A catalogue file as read: its text, its talks and what is wrong with it."""

    path: Path
    # The file's text; on a cache hit, its bytes until someone asks for the text:
    # `list` and `search` never do, and decoding 20 MB takes a tenth of their time.
    source: str | bytes
    checked: Checked
    problems: list[Problem] = field(default_factory=list)
    digest: str | None = None  # the file's content hash, when read from a file
    rules: Rules | None = None  # what it was validated against
    warnings: list[Problem] = field(default_factory=list)  # said, but no reason to refuse it

    @property
    def text(self) -> str:
        if isinstance(self.source, bytes):
            self.source = decode(self.source, self.path)
        return self.source

    @property
    def talks(self) -> Sequence[Talk]:
        """The valid talks (all of them, once `require_valid` has passed)."""
        talks = self.checked.talks
        if isinstance(talks, cache_format.LazyTalks):
            return talks.valid()  # still undecoded
        return [t for t in talks if t is not None]

    def require_valid(self) -> None:
        if self.problems:
            raise TalkcatError(
                self.problems,
                hint=f"run `talkcat validate --data {self.path}` after fixing",
            )


def read_bytes(path: Path, *, pipe: bool = False) -> bytes:
    """A file's bytes, or a TalkcatError saying plainly why not.

    Only a regular file is read: a named pipe would wait forever for a writer
    and a device might never end. `pipe` lets one through, for an input
    given as `<(command)`.
    """
    try:
        if not pipe:
            require_file(path)
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None


def require_file(path: Path) -> None:
    """Raise a TalkcatError unless `path` is (or links to) a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if stat.S_ISDIR(mode):
        raise TalkcatError("is a directory, not a file", path=str(path))
    if stat.S_ISFIFO(mode):
        raise TalkcatError("is a named pipe, not a file", path=str(path))
    if not stat.S_ISREG(mode):
        raise TalkcatError("is a device or a socket, not a file", path=str(path))


def _unreadable(path: Path, exc: OSError) -> TalkcatError:
    if isinstance(exc, FileNotFoundError):
        return TalkcatError("no such file", path=str(path))
    if isinstance(exc, IsADirectoryError):
        return TalkcatError("is a directory, not a file", path=str(path))
    if isinstance(exc, PermissionError):
        return TalkcatError("permission denied", path=str(path))
    return TalkcatError(f"cannot read: {exc.strerror}", path=str(path))


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


def write_text(path: Path, text: str, *, make_folder: bool = False) -> bool:
    """Write `text` if it differs from what is there; True if it wrote.

    A file that cannot be written is a user error (a TalkcatError), not a traceback.
    """
    data = text.encode("utf-8")
    if make_folder:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TalkcatError(
                f"cannot make the folder {path.parent}: {exc.strerror or exc}", path=str(path)
            ) from None
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    try:
        write_atomic(path, data)
    except IsADirectoryError:
        raise TalkcatError("is a directory, not a file", path=str(path)) from None
    except OSError as exc:
        raise TalkcatError(f"cannot write: {exc.strerror or exc}", path=str(path)) from None
    return True


def read_if_exists(path: Path) -> bytes | None:
    """A file's bytes, or None if there is no file; other failures as with read_bytes."""
    if not os.path.lexists(path):
        return None
    return read_bytes(path)


def write_output(path: Path, text: str) -> bool:
    """Write an export, making its folder."""
    return write_text(path, text, make_folder=True)


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
    try:
        return path.is_dir()
    except OSError:
        return False


def stays_in(folder: Path, name: str) -> bool:
    """Whether writing `folder/name` writes into `folder`, symlinks followed."""
    return os.path.dirname(os.path.realpath(folder / name)) == os.path.realpath(folder)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace a file all at once: a reader sees the old bytes or the new, never a mix.

    A symlink is written through (its target is replaced), and the file keeps
    its permissions.
    """
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    import tempfile  # only when writing: a run that reads stays faster to start

    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(target.parent)


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
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
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
            if not candidate.is_file():
                continue
            shown = up / name
            text = decode(read_bytes(candidate), shown)
            table = config.read_table(text, shown)
            if table is not None:
                return config.Found(up, shown, text, table)
        if (folder / config.DEFAULT_DATA).is_file() or (folder / ".git").exists():
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
        return _catalogue(path, text, _check_text(text, path, rules), rules, digest)
    name, key = _catalogue_entry(path, digest, rules)
    with _bulk():
        checked = cache_format.decode_checked(_read_cache(name, key), str(path))
    if checked is not None:
        # These bytes were decoded before, or they would have no cache entry.
        return _catalogue(path, data, checked, rules, digest)
    text = decode(data, path)
    checked = _check_text(text, path, rules)
    _write_cache(name, key, lambda: cache_format.encode_checked(checked))
    return _catalogue(path, text, checked, rules, digest)


def write_catalogue(catalogue: Catalogue) -> bool:
    """Write a catalogue parsed from new text (if it changed), and cache its validation.

    The next command then reads the new file from the cache: `add --sync`
    parses the catalogue once, not twice.
    """
    data = catalogue.text.encode("utf-8")
    wrote = write_text(catalogue.path, catalogue.text)
    if catalogue.rules is not None:
        catalogue.digest = cache_format.content_hash(data)
        name, key = _catalogue_entry(catalogue.path, catalogue.digest, catalogue.rules)
        _write_cache(name, key, lambda: cache_format.encode_checked(catalogue.checked))
    return wrote


def _catalogue_entry(path: Path, digest: str, rules: Rules) -> tuple[str, tuple[Any, ...]]:
    """The cache file and key for this content of the catalogue at `path`."""
    key = ("catalogue", digest, cache_format.rules_key(rules), _code_fingerprint())
    return f"catalogue-{_slot(path)}", key


def parse_catalogue(text: str, path: Path, rules: Rules | None = None) -> Catalogue:
    """Parse and validate a catalogue's text as if it were the file at `path`."""
    if rules is None:
        rules = _default_rules(path)
    return _catalogue(path, text, _check_text(text, path, rules), rules)


def _default_rules(path: Path) -> Rules:
    return Rules(repo_root=find_repo_root(path.parent))


def _check_text(text: str, path: Path, rules: Rules) -> Checked:
    """Everything validation finds from the text alone."""
    from talkcat import yamlread

    body = text[1:] if text.startswith(BOM) else text
    with _bulk():
        return check_document(yamlread.load(body, str(path)), str(path), rules)


def _catalogue(
    path: Path, text: str | bytes, checked: Checked, rules: Rules, digest: str | None = None
) -> Catalogue:
    """The catalogue with the checks that look at the disk added, which no cache may skip."""
    problems = list(checked.problems)
    if rules.repo_root is not None:
        problems += check_local_paths(checked, str(path), rules.repo_root)
        problems.sort(key=lambda p: (p.line or 0, p.col or 0))
    return Catalogue(path, text, checked, problems, digest, rules)


def check_tracked(catalogue: Catalogue) -> None:
    """Add what git says of the catalogue's relative paths: an ignored one is a problem, an untracked one a warning.

    One `git status` for all of them, and none when there are none or the
    repository root holds no `.git`; when git cannot tell (not installed, not
    a repository after all), nothing is added.
    """
    root = catalogue.rules.repo_root if catalogue.rules is not None else None
    local = catalogue.checked.local_paths
    if root is None or not local or not (root / ".git").exists():
        return
    from talkcat import tracked

    specs = tracked.pathspecs(local)
    status_args = ("status", "--porcelain=v1", "-z", "--ignored=traditional", "--untracked-files=normal")
    output = _git(root, *status_args, "--", *specs) if specs else None
    if output is None:
        return
    status = tracked.parse_status(output)
    # git never names a folder without files: looked at on disk, where the first file found ends the walk.
    empty = [spec for spec in tracked.unnamed(specs, status) if _is_empty_folder(root / spec)]
    errors, warnings = tracked.problems(catalogue.checked.local_paths, str(catalogue.path), status, empty)
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


def _is_empty_folder(path: Path) -> bool:
    """A folder with no file anywhere under it (the walk stops at the first file)."""
    return path.is_dir() and not any(files for _, _, files in os.walk(path))


def _git(root: Path, *args: str) -> bytes | None:
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
    name = f"{kind}-{_slot(catalogue.path)}"
    key = (kind, catalogue.digest, settings, _code_fingerprint())
    stored = _read_cache(name, key)
    if stored is not None:
        return stored  # type: ignore[no-any-return]  # written by compute() of this very code
    value = compute()
    _write_cache(name, key, lambda: value)
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
    name = f"readme-{_slot(path)}"
    digest = digest or cache_format.content_hash(text.encode("utf-8"))
    key = ("readme", digest, markers, _code_fingerprint())
    stored = _read_cache(name, key)
    if isinstance(stored, tuple) and len(stored) == 4:
        return readme.Block(*stored)
    block = readme.find_block(text, str(path), markers, in_code=readme.code_lines(text, markers, expected))
    _write_cache(name, key, lambda: (block.start, block.end, block.first_line, block.newline))
    return block


def cache_dir() -> Path:
    """Where the cache lives: $TALKCAT_CACHE_DIR, else the user's cache directory."""
    folder = os.environ.get("TALKCAT_CACHE_DIR")
    if folder:
        return Path(folder)
    import platformdirs

    return Path(platformdirs.user_cache_dir("talkcat"))


def _slot(path: Path) -> str:
    """One cache entry per file: a new content replaces the old entry, so none pile up."""
    return cache_format.content_hash(os.path.realpath(path).encode("utf-8", "surrogateescape"))[:32]


@functools.cache
def _code_fingerprint() -> tuple[Any, ...]:
    return cache_format.code_fingerprint(Path(__file__).parent)


def _read_cache(name: str, key: tuple[Any, ...]) -> Any:
    """The value cached under `key`, or None: a missing, foreign or damaged file is a miss."""
    try:
        blob = (cache_dir() / name).read_bytes()
    except (OSError, ValueError):
        return None
    return cache_format.unpack(blob, key)


def _write_cache(name: str, key: tuple[Any, ...], value: Callable[[], Any]) -> None:
    """Cache a value, atomically; the cache is an optimisation, so failing to write is fine."""
    try:
        blob = cache_format.pack(key, value())
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / name, blob)
    except (OSError, ValueError):
        pass


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """No cyclic garbage collection while building a catalogue's many acyclic objects.

    The collector would otherwise walk the growing heap again and again: a
    third of the time spent loading a large catalogue. Afterwards the objects
    are frozen (kept out of the collector's sight; they are freed as usual
    when no longer used, as long as they form no cycle): else the next
    collections walk each of them three times more, while a command then
    allocates its results.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextlib.contextmanager
def locked(path: Path, timeout: float = 10.0) -> Iterator[None]:
    """Hold the lock of the file at `path` while reading, changing and writing it.

    Two talkcat processes editing one catalogue at once would otherwise each
    write their own change over the other's. Read the file inside the lock.
    """
    # First, so that a missing file leaves nothing behind: filelock would
    # create the lock file, and the folders leading to it.
    require_file(path)
    import filelock  # ~50 ms to import: only commands that write pay for it

    where = lock_path(path)
    lock = filelock.FileLock(str(where), timeout=timeout)
    try:
        where.parent.mkdir(exist_ok=True)  # .git/talkcat, the first time
        lock.acquire()
    except filelock.Timeout:
        raise TalkcatError(
            f"another talkcat is writing this file (waited {timeout:g} s for its lock); try again",
            path=str(path),
            hint=f"if no talkcat is running, delete {where}",
        ) from None
    except OSError as exc:
        raise TalkcatError(f"cannot lock {where}: {exc.strerror}", path=str(path)) from None
    try:
        yield
    finally:
        lock.release()


def lock_path(path: Path) -> Path:
    """Where the lock of the file at `path` lives: one place every writer of that file finds.

    It depends on the file alone, never on the environment: a lock in the
    cache folder followed $TALKCAT_CACHE_DIR and $XDG_CACHE_HOME, so two
    writers with different ones (two users, a git hook run with another
    environment) took two locks and lost each other's talks. In a git
    repository it is `.git/talkcat/<hash of the file's real path>.lock`, where
    git keeps its own index.lock, so it never shows in `git status`. Elsewhere
    it is a hidden `.<name>.lock` beside the file. filelock leaves the lock
    file behind after use: deleting it would race with its next holder.
    """
    real = Path(os.path.realpath(path))
    git = _git_dir(real.parent)
    if git is None:
        return real.with_name(f".{real.name}.lock")
    return git / "talkcat" / f"{_slot(real)}.lock"


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
