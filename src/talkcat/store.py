"""The one module that reads and writes files: catalogue and README."""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from talkcat.errors import Problem, TalkcatError
from talkcat.model import Talk
from talkcat.validate import Checked, Rules, check_document, check_local_paths

BOM = "\ufeff"


@dataclass
class Catalogue:
    """A catalogue file as read: its text, its talks and what is wrong with it."""

    path: Path
    text: str
    checked: Checked
    problems: list[Problem] = field(default_factory=list)

    @property
    def talks(self) -> list[Talk]:
        """The valid talks (all of them, once `require_valid` has passed)."""
        return [t for t in self.checked.talks if t is not None]

    def require_valid(self) -> None:
        if self.problems:
            raise TalkcatError(
                self.problems,
                hint=f"run `talkcat validate --data {self.path}` after fixing",
            )


def read_bytes(path: Path) -> bytes:
    """A file's bytes, or a TalkcatError saying plainly why not."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise TalkcatError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise TalkcatError("is a directory, not a file", path=str(path)) from None
    except PermissionError:
        raise TalkcatError("permission denied", path=str(path)) from None
    except OSError as exc:
        raise TalkcatError(f"cannot read: {exc.strerror}", path=str(path)) from None


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


def read_text(path: Path) -> str:
    return decode(read_bytes(path), path)


def write_text(path: Path, text: str, *, make_folder: bool = False) -> bool:
    """Write `text` if it differs from what is there; True if it wrote."""
    data = text.encode("utf-8")
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


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
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return Path.cwd()


def load_catalogue(path: Path, rules: Rules | None = None) -> Catalogue:
    """Read, parse and validate a catalogue; problems are collected, not raised."""
    return parse_catalogue(read_text(path), path, rules)


def parse_catalogue(text: str, path: Path, rules: Rules | None = None) -> Catalogue:
    """Parse and validate a catalogue's text as if it were the file at `path`."""
    from talkcat import yamlread

    if rules is None:
        rules = Rules(repo_root=find_repo_root(path.parent))
    body = text[1:] if text.startswith(BOM) else text
    doc = yamlread.load(body, str(path))
    checked = check_document(doc, str(path), rules)
    problems = list(checked.problems)
    if rules.repo_root is not None:
        problems += check_local_paths(checked, str(path), rules.repo_root)
        problems.sort(key=lambda p: (p.line or 0, p.col or 0))
    return Catalogue(path, text, checked, problems)
