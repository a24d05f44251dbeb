"""What git says of the catalogue's relative paths (slides folders): pure, from `git status` output.

A README links to a path of the repository, and GitHub shows what git
tracks: a folder git ignores is never published, so the link leads nowhere
(a problem); a folder not added yet is not published either, until it is
(a warning: it is how every new talk's folder starts), nor is an empty
folder (a warning too). A folder counts as tracked when any file under it is.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from talkcat.errors import ERROR, WARNING, Problem

if TYPE_CHECKING:
    from talkcat.validate import LocalPath

UNTRACKED = "??"
IGNORED = "!!"
# `git status --porcelain=v1 -z`: XY, a space, the path; a rename or copy then has its old path.
_MOVED = ("R", "C")


def pathspecs(local_paths: Sequence[LocalPath]) -> list[str]:
    """The relative paths to ask git about, each once: those inside the repository, as git names them."""
    specs = (_spec(path) for _, path, _, _, _ in local_paths)
    return list(dict.fromkeys(spec for spec in specs if spec is not None))


def _spec(path: str) -> str | None:
    if path.startswith("/") or "\\" in path:
        return None  # absolute, or a Windows path: validation refuses it already
    normal = posixpath.normpath(path)
    if normal == "." or normal == ".." or normal.startswith("../"):
        return None  # the root itself is always there; outside is refused already
    return normal


def parse_status(output: bytes) -> dict[str, str]:
    """The untracked (`??`) and ignored (`!!`) entries of `git status --porcelain=v1 -z --ignored`."""
    entries: dict[str, str] = {}
    fields = output.split(b"\0")
    number = 0
    while number < len(fields):
        entry = fields[number]
        number += 1
        if len(entry) < 4:
            continue
        code = entry[:2].decode("ascii", "replace")
        if code[0] in _MOVED or code[1] in _MOVED:
            number += 1  # the old path
        if code in (UNTRACKED, IGNORED):
            entries[entry[3:].decode("utf-8", "surrogateescape").rstrip("/")] = code
    return entries


def problems(
    local_paths: Sequence[LocalPath],
    path: str,
    status: Mapping[str, str],
    empty: Collection[str] = (),
    *,
    committing: bool = False,
) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings): each relative path git ignores, and each it does not track yet.

    `empty`: the specs that are folders holding no file at all, which git
    never names (it tracks files, not folders). `committing`: run by a git
    hook, where a path git does not track is no longer "not yet": the commit
    being made links to nothing there, so it is a problem too.
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    # What git does not track yet: a warning while one works; under a commit, a problem.
    not_yet = errors if committing else warnings
    severity = ERROR if committing else WARNING
    for entry, rel, line, col, field in local_paths:
        spec = _spec(rel)
        code = _status_of(spec, status) if spec is not None else None
        if code is None and spec in empty:
            message = f"{rel!r} is an empty folder, which git cannot track: the README's link to it leads nowhere"
            not_yet.append(Problem(path, line, col, message, severity, entry, field))
        elif code == IGNORED:
            errors.append(
                Problem(
                    path,
                    line,
                    col,
                    f"{rel!r} is ignored by git (.gitignore), so GitHub never shows it and the README's link "
                    "to it leads nowhere: stop ignoring it and `git add` it, or link to where it is published",
                    entry=entry,
                    field=field,
                )
            )
        elif code == UNTRACKED:
            message = f"{rel!r} is not tracked by git: the README's link to it leads nowhere until you `git add` it"
            if committing:
                message = (
                    f"{rel!r} is not tracked by git, so the README this commit makes links to nothing there:"
                    " `git add` it"
                )
            not_yet.append(Problem(path, line, col, message, severity, entry, field))
    return errors, warnings


def unnamed(specs: Sequence[str], status: Mapping[str, str]) -> list[str]:
    """The specs git said nothing of: tracked, or folders without a file (see `problems`)."""
    return [spec for spec in specs if _status_of(spec, status) is None]


def _status_of(spec: str, status: Mapping[str, str]) -> str | None:
    """The entry for `spec` or a folder holding it: git names an untracked or ignored folder once, as a whole."""
    parts = spec.split("/")
    for end in range(len(parts), 0, -1):
        code = status.get("/".join(parts[:end]))
        if code is not None:
            return code
    return None
