"""What git knows of the repository: its config, the history of a file, and its own text merge.

Every git command talkcat's merge driver and `init` run is here. They run
in the repository's top folder, where git runs a merge driver; none of them
writes the index or the work tree (git holds the index lock during a merge).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from talkcat.errors import TalkcatError

DRIVER = "talkcat"  # the merge driver's name: `merge=talkcat` in .gitattributes, [merge "talkcat"] in .git/config


def _git(args: Sequence[str], root: Path, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=root, input=data, capture_output=True, check=False)
    except OSError as exc:
        raise TalkcatError(f"cannot run git: {exc.strerror or exc}", hint="install git") from None


def _out(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8", "replace").strip()


def git_dir(root: Path) -> Path | None:
    """The repository's git folder (a worktree's own); None outside a repository, or without git."""
    try:
        result = _git(["rev-parse", "--absolute-git-dir"], root)
    except TalkcatError:
        return None
    return Path(_out(result)) if result.returncode == 0 else None


def config_get(key: str, root: Path) -> str | None:
    """A setting of the repository's own config (.git/config), or None."""
    result = _git(["config", "--local", "--get", key], root)
    return _out(result) if result.returncode == 0 else None


def config_set(key: str, value: str, root: Path) -> None:
    result = _git(["config", "--local", key, value], root)
    if result.returncode != 0:
        raise TalkcatError(f"git config {key}: {_out(result) or result.stderr.decode('utf-8', 'replace').strip()}")


def conflict_style(root: Path) -> str | None:
    """merge.conflictStyle (merge, diff3 or zdiff3), as git's own merges use it."""
    result = _git(["config", "--get", "merge.conflictStyle"], root)
    return _out(result) if result.returncode == 0 else None


def merge_file(
    ours: Path, base: Path, theirs: Path, root: Path, *, marker_size: int = 7, stdout: bool = False
) -> tuple[bytes, int]:
    """`git merge-file` of three files: the result (written into `ours` unless `stdout`) and its conflicts."""
    args = ["merge-file", f"--marker-size={marker_size}", "-L", "ours", "-L", "base", "-L", "theirs"]
    style = conflict_style(root)
    if style in ("diff3", "zdiff3"):
        args.append(f"--{style}")
    if stdout:
        args.append("-p")
    result = _git([*args, str(ours), str(base), str(theirs)], root)
    if result.returncode < 0 or result.returncode > 127:
        raise TalkcatError(f"git merge-file failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout, result.returncode


def merge_texts(ours: str, base: str, theirs: str, root: Path, *, marker_size: int = 7) -> tuple[str, int]:
    """`git merge-file` of three texts, through files in the git folder: the result and how many conflicts."""
    import tempfile

    folder = git_dir(root)
    if folder is None:
        raise TalkcatError("not in a git repository", path=str(root))
    (folder / "talkcat").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder / "talkcat", prefix="merge-") as scratch:
        paths = [Path(scratch) / name for name in ("ours", "base", "theirs")]
        for path, text in zip(paths, (ours, base, theirs)):
            path.write_bytes(text.encode("utf-8"))
        merged, conflicts = merge_file(paths[0], paths[1], paths[2], root, marker_size=marker_size, stdout=True)
    return merged.decode("utf-8"), conflicts


def blob_id(data: bytes, root: Path) -> str:
    """The id git gives a file of these bytes (nothing is written)."""
    result = _git(["hash-object", "--stdin"], root, data)
    if result.returncode != 0:
        raise TalkcatError(f"git hash-object failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    return _out(result)


def commits_changing(path: str, root: Path) -> list[str]:
    """HEAD, then every commit of the repository's history that changes `path` (newest first).

    Every ref counts (branches, tags, the stash), and the commit `git merge`
    is merging (git names it in a GITHEAD_<id> variable), so the other side
    of a merge, rebase or cherry-pick is found too.
    """
    heads = [name[len("GITHEAD_") :] for name in os.environ if name.startswith("GITHEAD_")]
    result = _git(["log", "--all", "--full-history", "--format=%H", *heads, "--", path], root)
    found = _out(result).split() if result.returncode == 0 else []
    return ["HEAD", *found]


def blobs_at(commits: Sequence[str], path: str, root: Path) -> list[str | None]:
    """The id of `path`'s blob at each commit (None where it has none), in one git process."""
    lines = "".join(f"{commit}:{path}\n" for commit in commits).encode("utf-8")
    result = _git(["cat-file", "--batch-check=%(objectname) %(objecttype)"], root, lines)
    found: list[str | None] = []
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        words = line.split()
        found.append(words[0] if len(words) == 2 and words[1] == "blob" else None)
    return found if len(found) == len(commits) else [None] * len(commits)


def read_blob(commit: str, path: str, root: Path) -> bytes | None:
    """`path` as it is at `commit`, or None."""
    result = _git(["cat-file", "blob", f"{commit}:{path}"], root)
    return result.stdout if result.returncode == 0 else None
