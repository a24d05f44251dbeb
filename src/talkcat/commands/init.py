"""`talkcat init`: a catalogue, a README block and the pre-commit hooks for a new user."""

from __future__ import annotations

import os
import posixpath
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from talkcat.commands.common import InputOption
from talkcat.commands.options import DataOption, ReadmeOption
from talkcat.errors import TalkcatError, plural
from talkcat.said import Said

if TYPE_CHECKING:
    from collections.abc import Sequence

    from talkcat.config import Settings

PRE_COMMIT_NAME = ".pre-commit-config.yaml"
SCHEMA_NAME = "talks.schema.json"
HOOK_CHOICE = (
    "the hook: `repo: local`, running the talkcat installed here on every commit "
    "(no talkcat release is published for a `rev:` to pin)"
)
Change = tuple[Path, str, str]  # the file, its new text, what init does to it


def init(
    data: DataOption = None,
    readme: ReadmeOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Go ahead without asking.")] = False,
    ask: InputOption = None,
) -> Said:
    """Set up a repository: data/talks.yaml, a Talks section in the README, the pre-commit hooks."""
    from talkcat import store
    from talkcat.cli import confirm
    from talkcat.commands import common, merge_driver, migration, options
    from talkcat.errors import Declined

    said = Said()

    chosen = options.settings()
    data = options.data_path(data, chosen)
    readmes = options.readme_paths(readme, chosen)
    git_root = store.find_git_root(Path.cwd())
    root = git_root or Path.cwd()
    changes = [
        *_catalogue_changes(data, chosen),
        # A new README is titled with the project's name, wherever init was run from.
        *_readme_changes(readmes, chosen, root.name),
    ]
    hooks, notes = _hook_changes(root, chosen, data, readmes)
    changes += hooks
    merging = merge_driver.setup(root, data, readmes)
    changes += merging.files
    kept = _hand_kept(readmes, chosen, data) + _talk_folders(root, readmes, chosen, data)
    others = migration.other_writers(root, chosen, data, readmes)
    if not changes and not merging.config:
        said.note("nothing to do: the catalogue, the README and the hook are set up")
        said.note(*(f"{path}: {what}" for path, what, _ in kept), *others)
        return said
    said.note("talkcat init " + ("would change:" if dry_run else "changes:"))
    said.note(*(f"  {path}: {what}" for path, _, what in changes), *(f"  {line}" for line in merging.plan()))
    said.note(*(f"  {path}: {what}" for path, what, _ in kept), *notes, *others)
    if dry_run:
        return said
    with said.kept():
        before = [store.snapshot(path) for path, _, _ in changes]  # written only over these, after the question
        if not yes and common.interactive(ask) and not confirm(said, "Go ahead?", default=True):
            raise Declined("nothing was changed")
        # Each is checked before any is written: a README that cannot be written leaves the catalogue unmade.
        store.write_files([(path, text, old) for (path, text, _), old in zip(changes, before)], make_folders=True)
        merging.apply(root)
    said.note(_next_steps(git_root is not None, [command for _, _, command in kept]))
    return said


def _next_steps(in_git: bool, imports: Sequence[str]) -> str:
    # Talk folders first, when there are both: the README's block was most likely made from them.
    ordered = sorted(imports, key=lambda command: "--folders" not in command)
    commands = " (or ".join(f"`{command}`" for command in ordered) + ")" * (len(ordered) - 1)
    first = f"done. Next: {commands or '`talkcat add` (or `talkcat import OLD_README`)'}"
    if in_git:
        return f"{first}, `talkcat sync-readme`, and `pre-commit install` to run the hook on every commit"
    # `pre-commit install` would only fail here: "git failed. Is it installed, and are you in a Git repository?"
    return (
        f"{first} and `talkcat sync-readme`; this folder is not in a git repository, so no hook can run: "
        "`git init`, then `pre-commit install`"
    )


def _hand_kept(readmes: list[Path], chosen: Settings, data: Path) -> list[tuple[Path, str, str]]:
    """The READMEs whose block already lists talks the catalogue lacks: they are to be imported, not replaced.

    Each as (README, what init says of it, the import that reads it).
    """
    from talkcat import readme
    from talkcat.importer import read_block

    if _holds_talks(data):
        return []
    found = []
    for path in readmes:
        text = _read_if_there(path)
        if text is None:
            continue
        try:
            block = readme.find_block(text, str(path), chosen.markers)
        except TalkcatError:
            continue  # no block yet (init adds one), or bad markers (sync-readme says which)
        content, _ = readme.unstamped(readme.block_content(text, block))
        if not content.strip():
            continue
        try:
            count = plural(len(read_block(content, layout=chosen.layout)), "talk")
            what = f"holds {count} between the markers: run `talkcat import {path}` before the first sync"
        except TalkcatError:
            what = "holds text between the markers that talkcat did not write: sync-readme will not replace it"
        found.append((path, what, f"talkcat import {shlex.quote(str(path))}"))
    return found


def _talk_folders(root: Path, readmes: list[Path], chosen: Settings, data: Path) -> list[tuple[Path, str, str]]:
    """Talk folders whose README.md is their talk (the older layout): `import --folders` reads them.

    Once imported, `folder_readmes` keeps those READMEs in sync; before, init says so.
    """
    from collections import Counter

    from talkcat import config, store
    from talkcat.importer import is_talk_readme

    if chosen.folder_readmes or _holds_talks(data):
        return []
    own = {os.path.abspath(path) for path in readmes}
    talks = []
    for name in store.repository_files(root, 20_000):
        path = root / name
        if posixpath.basename(name) != "README.md" or "/" not in name or os.path.abspath(path) in own:
            continue
        text = store.read_small_text(path, 1 << 20)
        # Not notes, nor a project's README, nor one import would name the trouble of.
        if text is not None and is_talk_readme(text, posixpath.dirname(name), name):
            talks.append(path)
    if not talks:
        return []
    # The folder holding the talk folders (most of them, where they are spread out).
    parent, _ = Counter(path.parent.parent for path in talks).most_common(1)[0]
    shown = config.near(parent, Path.cwd())
    first = config.near(talks[-1], Path.cwd())
    more = f" and {plural(len(talks) - 1, 'more talk folder')}" if len(talks) > 1 else ""
    command = f"talkcat import --folders {shlex.quote(str(shown))}"
    them = "them" if more else "it"
    what = (
        f"the README of a talk{more}: `{command}` reads {them},"
        f" and from then on keeps {them} in sync (folder_readmes = true)"
    )
    return [(first, what, command)]


def _holds_talks(data: Path) -> bool:
    from talkcat import store

    try:
        return bool(store.load_catalogue(data).checked.talks) if data.exists() else False
    except TalkcatError:
        return True  # validate says what is wrong with it; nothing to import into


def _catalogue_changes(data: Path, chosen: Settings) -> list[Change]:
    from talkcat import store

    if data.exists() or data.is_symlink():
        store.read_bytes(data)  # a folder or a FIFO in its place is said so, as every command says it
        return []
    from talkcat import scaffold, schema
    from talkcat.validate import Rules

    changes: list[Change] = []
    # Editors check entries as they are typed against the schema beside the
    # catalogue: the one `talkcat schema` prints, for the configured markers.
    schema_path = data.parent / SCHEMA_NAME
    if not schema_path.exists():
        text = schema.schema_text(Rules(markers=chosen.markers))
        changes.append((schema_path, text, "create: the catalogue's JSON Schema, for editors"))
    header = schema.modeline(data, schema_path)
    changes.append((data, scaffold.catalogue_text(header), "create, with no talks yet"))
    return changes


def _readme_changes(readmes: list[Path], chosen: Settings, title: str) -> list[Change]:
    from talkcat import scaffold

    changes: list[Change] = []
    for path in readmes:
        text = _read_if_there(path)
        new_text = scaffold.readme_with_section(text, str(path), title, chosen.markers)
        if new_text is not None:
            what = "create, with a Talks section" if text is None else "add a Talks section at the end"
            changes.append((path, new_text, what))
    return changes


def _hook_changes(root: Path, chosen: Settings, data: Path, readmes: list[Path]) -> tuple[list[Change], list[str]]:
    """The hook added to the config at the top of the work tree (the only one pre-commit reads); notes."""
    import shutil

    from talkcat import config, scaffold

    path = config.near(root / PRE_COMMIT_NAME, Path.cwd())
    text = _read_if_there(path)
    there = _settings_at(root)
    args = _hook_args(root, there, data, readmes)
    new_text = scaffold.precommit_with_hook(text, str(path), args)
    if new_text is None:
        return [], []
    what = "create, with talkcat's hook" if text is None else "add talkcat's hook to `repos:`"
    notes = [HOOK_CHOICE]
    if shutil.which("talkcat") is None:
        notes.append(
            "warning: `talkcat` is not on PATH, so the hook cannot run it: install talkcat "
            "where you run `git commit` (or activate the environment that has it)"
        )
    if shutil.which("pre-commit") is None:
        notes.append(
            "warning: `pre-commit` is not on PATH, and it runs the hook: install it "
            "(`pipx install pre-commit`, or `pip install pre-commit`) before `pre-commit install`"
        )
    unseen = _unseen_settings(chosen, there)
    return [(path, new_text, what)], notes + ([unseen] if unseen else [])


def _unseen_settings(chosen: Settings, there: Settings) -> str | None:
    """A warning when the hook, run at the top, would render the block otherwise than `chosen` says."""
    mine = (chosen.markers, chosen.layout, _absolute(chosen.template))
    if mine == (there.markers, there.layout, _absolute(there.template)):
        return None
    # No flag carries these, as --data and --readme carry the paths.
    seen = f"talkcat reads {there.path}" if there.path else "talkcat finds no config"
    return (
        f"warning: pre-commit runs the hook at the top of the repository, where {seen}: "
        f"the README settings of {chosen.path} will not apply to it"
    )


def _read_if_there(path: Path) -> str | None:
    from talkcat import store

    return store.read_text(path) if path.exists() or path.is_symlink() else None


def _hook_args(root: Path, there: Settings, data: Path, readmes: list[Path]) -> tuple[str, ...]:
    """What the hook, run by pre-commit at `root` where talkcat finds `there`, must be told to see these files."""
    from talkcat import config

    data_args = () if _same([there.data], [data]) else ("--data", config.from_top(data, root))
    if _same(there.readmes, readmes):
        return data_args
    return data_args + tuple(arg for path in readmes for arg in ("--readme", config.from_top(path, root)))


def _same(these: Sequence[Path], those: Sequence[Path]) -> bool:
    return [_absolute(p) for p in these] == [_absolute(p) for p in those]


def _absolute(path: Path | None) -> str | None:
    return None if path is None else os.path.abspath(path)


def _settings_at(root: Path) -> Settings:
    """The settings talkcat finds when pre-commit runs it at `root`; paths from the current folder."""
    from talkcat import config, store

    return config.located(store.find_config(root), root, Path.cwd())
