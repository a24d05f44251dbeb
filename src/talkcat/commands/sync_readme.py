"""`talkcat sync-readme`: render the catalogue into the README's TALKS block."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from talkcat.commands.options import (
    DataOption,
    GroupByYearOption,
    HeadingLevelOption,
    NoCacheOption,
    ReadmeOption,
    SortOrder,
)
from talkcat.errors import OutOfDate, Problem, TalkcatError, plural
from talkcat.ownership import Finding
from talkcat.said import Said

if TYPE_CHECKING:
    from talkcat.config import Settings
    from talkcat.model import Talk
    from talkcat.readme import Block
    from talkcat.render import Layout
    from talkcat.store import Catalogue, Expected


def sync_readme(
    data: DataOption = None,
    readme: ReadmeOption = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 3 if the README is out of date.")] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print a unified diff of what would change.")
    ] = False,
    no_cache: NoCacheOption = False,
    heading_level: HeadingLevelOption = None,
    group_by_year: GroupByYearOption = None,
    sort: Annotated[
        SortOrder | None,
        typer.Option(
            "--sort",
            help="newest or oldest first. (default: `sort` in the config, else newest)",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    chart: Annotated[
        bool | None,
        typer.Option(
            "--chart/--no-chart",
            help="Open the block with a Mermaid chart of talks per year. (default: `chart` in the config, else off)",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the block even where it holds talks or edits that are not in the catalogue (they are lost).",
        ),
    ] = False,
) -> Said:
    """Rewrite the README's TALKS block from the catalogue (only if it changed).

    A block holding what talkcat did not write (talks typed by hand, a fix
    made in the README) is left alone unless --force: import it first.
    """
    from talkcat import readme as readme_block
    from talkcat import store
    from talkcat.commands import options

    said = Said()
    chosen = options.settings()
    data = options.data_path(data, chosen)
    layout = options.layout(chosen, heading_level, group_by_year, sort, chart)
    catalogue = store.load_catalogue(data, options.rules(data, chosen, layout), cache=not no_cache)
    store.check_tracked(catalogue)  # validate's git checks: this is the one hook
    said.notes(catalogue.warnings)
    with said.kept():
        _require_valid(catalogue)
        texts = [(path, *store.read_readme(path)) for path in options.readme_paths(readme, chosen)]
        template = store.read_text(chosen.template) if chosen.template is not None else None
        content, digest = store.derived(
            catalogue,
            "render",
            _render_key(layout, chosen, template),
            lambda: _rendered(catalogue, layout, chosen, template),
            cache=not no_cache,
        )
        writes: list[_Write] = []
        refusal = _Refusal()
        for path, text, readme_digest in texts:
            expected = readme_block.stamped(content, _source(data, path.parent), digest)
            # The built-in rendering of a valid catalogue closes every code block
            # it opens, so a README already holding it can be read without it.
            block = store.find_readme_block(
                text,
                path,
                chosen.markers,
                cache=not no_cache,
                expected=expected if template is None else None,
                digest=readme_digest,
            )
            if readme_block.holds(text, block, expected):
                said.note(f"{path} is up to date")
                continue
            if not force:
                refusal.add(
                    path,
                    _review(readme_block.block_content(text, block), catalogue, layout, path, block, data, template),
                )
            done = f"{path} updated ({plural(len(catalogue.talks), 'talk')})"
            writes.append(_Write(path, text, readme_block.replace_block(text, block, expected), done, readme_digest))
        if chosen.folder_readmes:
            folder_writes, current = _folder_readmes(catalogue, layout, data, refusal, force)
            writes += folder_writes
            if current:
                said.note(f"{plural(current, 'talk folder README')} up to date")
        for write in writes if diff else ():
            # What a sync would change, shown even where it refuses: what --force would lose.
            said.out(_unified_diff(write.old, write.new, str(write.path)), end="")
        if refusal.problems:
            hint = refusal.hint or _refusal_hint(refusal.foreign, catalogue, refusal.first)
            raise TalkcatError(refusal.problems, hint=hint)
        for write in writes:
            if check:
                said.note(f"{write.path} is out of date; run `talkcat sync-readme` to update it")
        if check and writes:
            raise OutOfDate([])  # each README said so above
        if diff or not writes:
            return said
        # Each file is checked before any is written, and written only if it still
        # holds what was read (an editor's autosave during the hook is kept).
        store.write_files([(write.path, write.new, write.read) for write in writes])
        said.note(*(write.done for write in writes))
    return said


@dataclass(frozen=True)
class _Write:
    """A file sync-readme rewrites: its text now, its new text, and what to say once it is written."""

    path: Path
    old: str
    new: str
    done: str
    read: Expected  # what the file held when it was read: a change since stops the write


@dataclass
class _Refusal:
    """What would be lost, file by file: when there is any, nothing is written."""

    problems: list[Problem] = field(default_factory=list)
    foreign: bool = False  # talks the catalogue never had, not edits of its own
    first: str | None = None  # what imports the first file that holds what talkcat did not write
    hint: str | None = None  # a finding's own advice, where it has one

    def add(self, path: Path, finding: Finding, *, folder: bool = False) -> None:
        if not finding:
            return
        self.problems += finding.problems
        self.foreign = self.foreign or finding.foreign
        self.hint = self.hint or finding.hint
        self.first = self.first or (
            f"--folders {shlex.quote(str(path.parent.parent))}" if folder else shlex.quote(str(path))
        )


def _folder_readmes(
    catalogue: Catalogue, layout: Layout, data: Path, refusal: _Refusal, force: bool
) -> tuple[list[_Write], int]:
    """The README.md of each talk's slides folder, in sync with its talk; and how many already are."""
    from talkcat import config, store
    from talkcat import readme as readme_block
    from talkcat.ownership import review_folder_readme
    from talkcat.render import render_folder_readme

    assert catalogue.rules is not None and catalogue.rules.repo_root is not None
    root, cwd = catalogue.rules.repo_root, Path.cwd()
    writes: list[_Write] = []
    current = 0
    owners: dict[str, Talk] = {}
    for talk in catalogue.talks:
        folder = talk_folder(talk, root)
        if folder is None:
            continue
        path = config.near(root / folder / "README.md", cwd)
        if folder in owners:
            message = (
                f"{talk.title!r} and {owners[folder].title!r} both have this folder as their slides:"
                " its README can show only one"
            )
            refusal.add(path, Finding([Problem(str(path), None, None, message)], foreign=False))
            continue
        owners[folder] = talk
        expected = readme_block.stamped(render_folder_readme(talk, layout), _source(data, root / folder))
        there = store.read_if_exists(path)
        old = None if there is None else store.decode(there, path)
        new = in_the_style_of(old, expected)
        if old == new:
            current += 1
            continue
        if old is not None and not force:
            text = old.removeprefix(store.BOM).replace("\r\n", "\n")
            finding = review_folder_readme(text, talk, folder, path=str(path), catalogue=str(data), layout=layout)
            refusal.add(path, finding, folder=True)
        writes.append(_Write(path, old or "", new, f"{path} updated", store.ABSENT if there is None else there))
    return writes, current


def talk_folder(talk: Talk, root: Path) -> str | None:
    """The talk's slides folder, from the repository root, if its slides are one (not the root itself)."""
    from talkcat import store

    if talk.slides is None or talk.slides.is_url:
        return None
    folder = talk.slides.url.strip("/")
    while folder.startswith("./"):
        folder = folder[2:]
    if folder in ("", ".") or not store.is_folder(root / folder):
        return None
    return folder


def in_the_style_of(old: str | None, new: str) -> str:
    """`new` with the line endings and byte-order mark of the file it replaces."""
    from talkcat import store
    from talkcat.lines import newline

    if old is None:
        return new
    new = new.replace("\n", newline(old))
    return store.BOM + new if old.startswith(store.BOM) else new


def _require_valid(catalogue: Catalogue) -> None:
    """Stop on an invalid catalogue; under pre-commit, once: its talkcat-validate hook lists the problems."""
    import os

    if not catalogue.problems:
        return
    if os.environ.get("PRE_COMMIT") and _validate_hook_runs():
        count = plural(len(catalogue.problems), "problem")
        raise TalkcatError(
            f"{count}; nothing was written (the talkcat-validate hook lists them)", path=str(catalogue.path)
        )
    catalogue.require_valid()


def _validate_hook_runs() -> bool:
    """Whether the pre-commit config at the top of this repository runs talkcat's validate hook too."""
    from talkcat import store

    config = store.find_repo_root(Path.cwd()) / ".pre-commit-config.yaml"
    try:
        return "talkcat-validate" in store.read_text(config)
    except TalkcatError:
        return False


def _source(data: Path, folder: Path) -> str:
    """The catalogue as the stamp of a README in `folder` names it: from that folder."""
    import os

    return Path(os.path.relpath(os.path.abspath(data), os.path.abspath(folder))).as_posix()


def _review(
    content: str, catalogue: Catalogue, layout: Layout, path: Path, block: Block, data: Path, template: str | None
) -> Finding:
    from talkcat.ownership import review_block

    return review_block(
        content,
        catalogue.talks,
        layout,
        path=str(path),
        first_line=block.first_line,
        catalogue=str(data),
        templated=template is not None,
    )


def _refusal_hint(foreign: bool, catalogue: Catalogue, source: str | None) -> str:
    """What to do about a README that holds what talkcat did not write."""
    if foreign:
        command = f"talkcat import {source or 'README.md'}" + (" --update" if catalogue.talks else "")
        return (
            "the README holds talks talkcat did not write; nothing was written. Take them into the "
            f"catalogue first: `{command}`; or pass --force to replace them (they are lost)"
        )
    return (
        "the README was changed since talkcat wrote it; nothing was written. Put the change into "
        f"{catalogue.path} with the command above, then sync again; or pass --force to discard it"
    )


def _render_key(layout: Layout, chosen: Settings, template: str | None) -> tuple[object, ...]:
    """Everything the block depends on besides the catalogue: a changed setting is a cache miss."""
    from talkcat.cache import content_hash

    if template is None:
        return ("builtin", layout.key())
    assert chosen.template is not None
    # The template's own text, not its mtime: an edit is always seen; and the
    # Jinja2 that renders it (only template users pay for importing it here).
    return (
        "template",
        str(chosen.template),
        content_hash(template.encode("utf-8")),
        layout.key(),
        _jinja2_version(),
    )


def _jinja2_version() -> str | None:
    try:
        import jinja2
    except ImportError:
        return None  # render_template will say what to install
    return str(jinja2.__version__)


def _rendered(catalogue: Catalogue, layout: Layout, chosen: Settings, template: str | None) -> tuple[str, str]:
    """The block's content, and its checksum: both kept in the cache."""
    from talkcat.readme import checksum

    content = _render(catalogue, layout, chosen, template)
    return content, checksum(content)


def _render(catalogue: Catalogue, layout: Layout, chosen: Settings, template: str | None) -> str:
    if template is not None:
        from talkcat.template import render_template

        assert chosen.template is not None
        return render_template(template, chosen.template, catalogue.talks, layout, chosen.markers)
    from talkcat.render import render_block

    return render_block(catalogue.talks, layout=layout)


def _unified_diff(old: str, new: str, name: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def rendered_block(catalogue: Catalogue, chosen: Settings, layout: Layout, readme: Path) -> str:
    """What sync-readme writes between the markers of `readme` from `catalogue`: the block and its stamp line."""
    from talkcat import readme as readme_block
    from talkcat import store

    template = store.read_text(chosen.template) if chosen.template is not None else None
    content, digest = _rendered(catalogue, layout, chosen, template)
    return readme_block.stamped(content, _source(catalogue.path, readme.parent), digest)


def rendered_folder_readme(catalogue: Catalogue, layout: Layout, root: Path, folder: str) -> str | None:
    """What sync-readme writes into `folder`/README.md from `catalogue` (LF, no BOM); None when no talk has it."""
    from talkcat import readme as readme_block
    from talkcat.render import render_folder_readme

    talks = [talk for talk in catalogue.talks if talk_folder(talk, root) == folder]
    if len(talks) != 1:
        return None
    return readme_block.stamped(render_folder_readme(talks[0], layout), _source(catalogue.path, root / folder))
