"""`talkcat merge-driver`: git's merge driver for the catalogue and the READMEs talkcat writes.

git runs it for a file marked `merge=talkcat` in .gitattributes when both
sides changed it, in the top folder of the work tree (`[merge "talkcat"]` in
.git/config, which `talkcat init` writes): BASE, OURS and THEIRS are
temporary files holding the three versions, the result goes into OURS, and
exit 0 means merged, 1 that conflicts are left in it for a person.

- The catalogue (a `.yaml`/`.yml` file) is merged talk by talk (`merge`).
- A README's text outside the markers is merged by `git merge-file`; its
  block is what sync-readme renders from the merged catalogue.
- A talk folder's README.md (`folder_readmes`) is rendered from the merged
  catalogue as a whole.

The README is merged on its own, whether git merges the catalogue before it,
after it, or not at all (when only one side changed it): git gives a driver
no other file of the merge, and keeps the merged ones to itself until it has
merged them all. So the README driver finds, for each version of the README,
the catalogue it was rendered from in the repository's history (a commit
holding that README, whose catalogue renders it again byte for byte), merges
those three catalogues as the catalogue driver does, and renders the result.
When a side left the block as it was, the other side's block is the merged
one, and no history is read.

Whatever goes wrong, git never takes OURS in silence: the file is merged as
text by `git merge-file` instead, with a note saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from talkcat.errors import Problem, TalkcatError, plural
from talkcat.repository import DRIVER
from talkcat.said import Said

if TYPE_CHECKING:
    from talkcat.config import Settings
    from talkcat.merge import Version
    from talkcat.readme import Block
    from talkcat.store import Catalogue
    from talkcat.validate import Rules

VERSIONS = ("base", "ours", "theirs")


def merge_driver(
    base: Annotated[Path, typer.Argument(metavar="BASE", help="The common ancestor's version (git's %O).")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="Ours (git's %A); the result is written here.")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="Theirs (git's %B).")],
    path: Annotated[str, typer.Argument(metavar="PATH", help="The file's path in the repository (git's %P).")],
    marker_size: Annotated[
        int, typer.Option("--marker-size", help="How long conflict markers are (git's %L).", metavar="N", min=7)
    ] = 7,
) -> Said:
    """Merge a catalogue talk by talk, or a README with its block rendered from the merged catalogue (run by git).

    Set up by `talkcat init`: .gitattributes marks the files `merge=talkcat`,
    and .git/config runs `talkcat merge-driver --marker-size %L %O %A %B %P`.
    Exit 0: merged; 1: conflicts are marked in the file for you to resolve.
    """
    files = (base, ours, theirs)
    root = Path.cwd()
    try:
        merge = _merge_catalogue if _is_catalogue(path) else _merge_readme
        outcome = merge(files, path, root, marker_size)
    except Exception as exc:  # noqa: BLE001 - anything, even a bug: git must never take ours in silence
        reason = str(exc) if isinstance(exc, TalkcatError) else f"talkcat failed ({type(exc).__name__}: {exc})"
        outcome = _as_text(files, path, root, marker_size, reason.replace("\n", "; "))
    from talkcat import store

    if outcome.text is not None:
        store.write_text(ours, outcome.text)
    said = Said()
    said.note(*(f"talkcat merge-driver: {path}: {note}" for note in outcome.notes))
    if outcome.problems:
        raise TalkcatError(outcome.problems, hint=outcome.hint).after(said)
    return said


@dataclass
class _Outcome:
    """What the driver writes into OURS (None: git merge-file wrote it), what it says, the conflicts left."""

    text: str | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    hint: str | None = None


def _is_catalogue(path: str) -> bool:
    return path.endswith((".yaml", ".yml"))


def _read(files: Sequence[Path], path: str) -> list[str]:
    from talkcat import store

    return [store.decode(store.read_bytes(file), Path(path)) for file in files]


def _as_text(files: Sequence[Path], path: str, root: Path, marker_size: int, reason: str) -> _Outcome:
    """git's own text merge, into OURS, with a note saying why."""
    from talkcat import conflicts, repository, store

    base, ours, theirs = files
    _, count = repository.merge_file(ours, base, theirs, root, marker_size=marker_size)
    outcome = _Outcome(None, notes=[f"{reason}; merged as text by git merge-file"])
    if count:
        try:
            found = conflicts.problems(store.read_text(ours), path) if _is_catalogue(path) else []
        except TalkcatError:
            found = []
        outcome.problems = found or [
            Problem(path, None, None, f"{plural(count, 'merge conflict')} left by git merge-file")
        ]
        outcome.hint = f"resolve them in {path}, then `git add {path}`"
    return outcome


# -- the catalogue -------------------------------------------------------------


def _rules(chosen: Settings) -> Rules:
    from talkcat.validate import Rules

    # Nothing is checked on disk: in the middle of a merge the work tree holds neither side.
    return Rules(repo_root=None, heading_level=chosen.layout.talk_level, markers=chosen.markers)


def _versions(texts: Sequence[str | None], path: str, rules: Rules) -> list[Version | None] | str:
    """Each text parsed (None for an empty base: there was none); a reason to merge as text instead."""
    from talkcat import store
    from talkcat.merge import Version

    versions: list[Version | None] = []
    for which, text in zip(VERSIONS, texts):
        if text is None or (which == "base" and not text.strip()):
            versions.append(None)
            continue
        checked = store.parse_catalogue(text, Path(path), rules).checked
        if checked.problems:
            return f"{which} is not a valid catalogue ({checked.problems[0]})"
        versions.append(Version(text, checked))
    return versions


def _merge_catalogue(files: Sequence[Path], path: str, root: Path, marker_size: int) -> _Outcome:
    from talkcat import conflicts, merge, store
    from talkcat.commands import options

    rules = _rules(options.settings())
    versions = _versions(_read(files, path), path, rules)
    if isinstance(versions, str):
        return _as_text(files, path, root, marker_size, versions)
    base, ours, theirs = versions
    if ours is None or theirs is None:
        return _as_text(files, path, root, marker_size, "a side has no catalogue")
    result = merge.merge(
        base,
        ours,
        theirs,
        lambda text: store.parse_catalogue(text, Path(path), rules).checked,
        path=path,
        marker_size=marker_size,
    )
    outcome = _Outcome(result.text)
    if result.conflicts:
        outcome.problems = conflicts.problems(result.text, path)
        outcome.hint = (
            f"both sides changed these talks: in {path}, keep one side of each conflict and delete the "
            f"<<<<<<< ======= >>>>>>> lines (`talkcat validate` names any left), then `git add {path}`"
        )
    return outcome


# -- the READMEs -----------------------------------------------------------------


@dataclass(frozen=True)
class _Readme:
    """How a README is merged: what of it talkcat owns, and how to render that from a catalogue."""

    contents: list[str | None]  # what talkcat owns of each version (LF): the block, or the whole folder README
    render: Callable[[Catalogue], str | None]


class _AsText(Exception):
    """This README is better merged as text (the reason is the message)."""


def _merge_readme(files: Sequence[Path], path: str, root: Path, marker_size: int) -> _Outcome:
    chosen = _settings()
    texts = _read(files, path)
    blocks = [_block(text, path, chosen.markers) for text in texts]
    if blocks[1] is not None or blocks[2] is not None:
        return _merge_root_readme(files, texts, blocks, path, root, chosen, marker_size)
    owned = [_owned_whole(text) for text in texts]
    if owned[1] is None or owned[2] is None:
        return _as_text(files, path, root, marker_size, "no talks block talkcat wrote (or one edited by hand since)")
    rules = _rules(chosen)
    folder = Path(path).parent.as_posix()

    def render(catalogue: Catalogue) -> str | None:
        from talkcat.commands.sync_readme import rendered_folder_readme

        return rendered_folder_readme(catalogue, chosen.layout, root, folder)

    content, notes = _merged_content(_Readme(owned, render), files, path, root, chosen, rules)
    if content is None:
        return _Outcome(texts[1], [_pending(path)], notes, _PENDING_HINT)
    from talkcat.commands.sync_readme import in_the_style_of

    outcome = _Outcome(in_the_style_of(texts[1], content), notes=notes)
    if notes:
        outcome.problems, outcome.hint = [_pending(path)], _PENDING_HINT
    return outcome


def _merge_root_readme(
    files: Sequence[Path],
    texts: list[str],
    blocks: list[Block | None],
    path: str,
    root: Path,
    chosen: Settings,
    marker_size: int,
) -> _Outcome:
    from talkcat import readme, repository

    contents = [None if block is None else readme.block_content(text, block) for text, block in zip(texts, blocks)]

    def render(catalogue: Catalogue) -> str | None:
        from talkcat.commands.sync_readme import rendered_block

        return rendered_block(catalogue, chosen, chosen.layout, Path(path))

    try:
        content, notes = _merged_content(_Readme(contents, render), files, path, root, chosen, _rules(chosen))
    except _AsText as exc:
        return _as_text(files, path, root, marker_size, str(exc))
    outside = [text if block is None else readme.replace_block(text, block, "") for text, block in zip(texts, blocks)]
    merged, count = repository.merge_texts(outside[1], outside[0], outside[2], root, marker_size=marker_size)
    outcome = _Outcome(merged, notes=notes)
    try:
        block = readme.find_block(merged, path, chosen.markers)
    except TalkcatError:
        block = None
    if block is not None:
        outcome.text = readme.replace_block(merged, block, content if content is not None else contents[1] or "")
    if count:
        outcome.problems.append(Problem(path, None, None, f"{plural(count, 'merge conflict')} outside the talks block"))
        outcome.hint = f"resolve them in {path}, then `git add {path}`"
    if content is None or notes or block is None:
        outcome.problems.append(_pending(path))
        outcome.hint = _PENDING_HINT if not count else f"{outcome.hint}; then `talkcat sync-readme`"
    return outcome


def _pending(path: str) -> Problem:
    return Problem(path, None, None, "its talks block waits for the merged catalogue")


_PENDING_HINT = (
    "once the catalogue is merged (resolve its conflicts, if any), run `talkcat sync-readme` and `git add` the README"
)


def _settings() -> Settings:
    from talkcat.commands import options

    return options.settings()


def _block(text: str, path: str, markers: tuple[str, str]) -> Block | None:
    from talkcat import readme

    try:
        return readme.find_block(text, path, markers)
    except TalkcatError:
        return None


def _owned_whole(text: str) -> str | None:
    """A folder README's text (LF, no BOM) when talkcat wrote it all and it is unchanged since."""
    from talkcat import readme, store

    content = text.removeprefix(store.BOM).replace("\r\n", "\n")
    return content if readme.own(content) else None


def _merged_content(
    owned: _Readme, files: Sequence[Path], path: str, root: Path, chosen: Settings, rules: Rules
) -> tuple[str | None, list[str]]:
    """What talkcat owns of the merged README (None: it cannot be told), and notes on why it is not final."""
    base, ours, theirs = owned.contents
    if ours == theirs or theirs == base:
        return ours, []
    if ours == base:
        return theirs, []
    # Both sides changed the talks: render the merged catalogue.
    from talkcat import merge, readme, store

    if ours is None or theirs is None:
        return None, ["one side has no talks block"]
    if any(content is not None and not readme.own(content) for content in owned.contents):
        # What was typed there would be lost under a rendered block: git's text merge keeps it.
        raise _AsText("a side's talks block was changed by hand since talkcat wrote it")
    data = _in_repository(chosen.data, root)
    if data is None:
        return None, [f"the catalogue {chosen.data} is outside the repository"]
    catalogues = _catalogues_behind(owned, files, path, data, root, rules)
    if isinstance(catalogues, str):
        return None, [catalogues]
    versions = _versions(catalogues, data, rules)
    if isinstance(versions, str):
        return None, [versions]
    base_version, ours_version, theirs_version = versions
    assert ours_version is not None and theirs_version is not None
    result = merge.merge(
        base_version,
        ours_version,
        theirs_version,
        lambda text: store.parse_catalogue(text, Path(data), rules).checked,
        path=data,
    )
    content = owned.render(store.parse_catalogue(result.clean, chosen.data, rules))
    if result.conflicts:
        return content, [f"{data} has conflicts: the block shows ours' side of them"]
    if content is None:
        return None, ["the merged catalogue has no talk for it"]
    return content, []


def _catalogues_behind(
    owned: _Readme, files: Sequence[Path], path: str, data: str, root: Path, rules: Rules
) -> list[str | None] | str:
    """For each version of the README, the catalogue it was rendered from, found in the history."""
    from talkcat import repository, store

    commits = repository.commits_changing(path, root)
    blobs = repository.blobs_at(commits, path, root)
    found: list[str | None] = []
    for which, file, content in zip(VERSIONS, files, owned.contents):
        if content is None:
            found.append(None)  # no block there yet: no talks
            continue
        wanted = repository.blob_id(store.read_bytes(file), root)
        text = None
        for commit, blob in zip(commits, blobs):
            if blob != wanted:
                continue
            data_bytes = repository.read_blob(commit, data, root)
            candidate = None if data_bytes is None else _decoded(data_bytes)
            if candidate is not None and _renders(candidate, content, owned, data, rules):
                text = candidate
                break
        if text is None:
            return f"found no commit whose {data} renders {which}' talks block (it may be out of sync)"
        found.append(text)
    return found


def _decoded(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _renders(text: str, content: str, owned: _Readme, data: str, rules: Rules) -> bool:
    from talkcat import store

    catalogue = store.parse_catalogue(text, Path(data), rules)
    return not catalogue.problems and owned.render(catalogue) == content


def _in_repository(data: Path, root: Path) -> str | None:
    """The catalogue's path from the top of the repository, as git names it; None outside it."""
    import os

    relative = Path(os.path.relpath(os.path.abspath(data), root)).as_posix()
    return None if relative.startswith("../") or relative == ".." else relative


# -- set up by init ----------------------------------------------------------------

ATTRIBUTES_NAME = ".gitattributes"
DRIVER_NAME = "talkcat: the catalogue talk by talk, a README's talks rendered from the merged catalogue"
# Where talkcat is not on PATH (another shell, a GUI), git merges as it would without the driver:
# a driver that cannot run would leave ours in the file, marked as a conflict, and theirs' talks gone.
DRIVER_COMMAND = (
    "if command -v talkcat >/dev/null 2>&1; then talkcat merge-driver --marker-size %L %O %A %B %P; "
    "else echo 'talkcat is not on PATH: %P merged as text' >&2; "
    "git merge-file --marker-size=%L -L ours -L base -L theirs %A %O %B; fi"
)


@dataclass
class Setup:
    """What init changes so that git merges with talkcat: .gitattributes, and the driver in .git/config."""

    files: list[tuple[Path, str, str]] = field(default_factory=list)  # as init's changes: path, new text, what
    config: dict[str, str] = field(default_factory=dict)  # git config key -> value
    where: str = ".git/config"

    def plan(self) -> list[str]:
        if not self.config:
            return []
        return [f"{self.where}: add the merge driver {DRIVER} (not committed: `talkcat init` sets it up in each clone)"]

    def apply(self, root: Path) -> None:
        from talkcat import repository

        for key, value in self.config.items():
            repository.config_set(key, value, root)


def setup(root: Path, data: Path, readmes: Sequence[Path]) -> Setup:
    """The merge driver's setup that this repository lacks (nothing outside a git repository)."""
    from talkcat import config, repository, scaffold, store

    found = Setup()
    git = repository.git_dir(root)
    if git is None:
        return found
    top = _in_repository(data, root)
    paths = [path for path in (top, *(_in_repository(readme, root) for readme in readmes)) if path is not None]
    # Every README.md: a talk folder's too (folder_readmes); the driver merges any other as git would.
    patterns = [scaffold.attributes_pattern(path) for path in paths if path != "README.md"] + ["README.md"]
    attributes = config.near(root / ATTRIBUTES_NAME, Path.cwd())
    text = store.read_text(attributes) if attributes.exists() else None
    new = scaffold.gitattributes_with_driver(text, patterns, DRIVER)
    if new is not None:
        what = "create" if text is None else "add"
        listed = " and ".join([", ".join(patterns[:-1]), patterns[-1]] if len(patterns) > 1 else patterns)
        found.files.append(
            (attributes, new, f"{what}: merge={DRIVER} for {listed}, so that branches merge talk by talk")
        )
    wanted = {f"merge.{DRIVER}.name": DRIVER_NAME, f"merge.{DRIVER}.driver": DRIVER_COMMAND}
    found.config = {key: value for key, value in wanted.items() if repository.config_get(key, root) != value}
    found.where = config.near(git / "config", Path.cwd()).as_posix() if git.parent == root else "git config"
    return found
