"""`talkcat sync-readme`: render the catalogue into the README's TALKS block."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from talkcat.commands.options import (
    DataOption,
    GroupByYearOption,
    HeadingLevelOption,
    NoCacheOption,
    ReadmeOption,
    SortOrder,
)
from talkcat.errors import EXIT_OUT_OF_DATE, Problem, TalkcatError, plural

if TYPE_CHECKING:
    from talkcat.config import Settings
    from talkcat.ownership import Finding
    from talkcat.readme import Block
    from talkcat.render import Layout
    from talkcat.store import Catalogue


def sync_readme(
    data: DataOption = None,
    readme: ReadmeOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 3 if the README is out of date.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print a unified diff of what would change.")
    ] = False,
    no_cache: NoCacheOption = False,
    heading_level: HeadingLevelOption = None,
    group_by_year: GroupByYearOption = None,
    sort: Annotated[
        Optional[SortOrder],
        typer.Option(
            "--sort",
            help="newest or oldest first. (default: `sort` in the config, else newest)",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    chart: Annotated[
        Optional[bool],
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
) -> None:
    """Rewrite the README's TALKS block from the catalogue (only if it changed).

    A block holding what talkcat did not write (talks typed by hand, a fix
    made in the README) is left alone unless --force: import it first.
    """
    from talkcat import readme as readme_block
    from talkcat import store
    from talkcat.commands import options

    chosen = options.settings()
    data = options.data_path(data, chosen)
    layout = options.layout(chosen, heading_level, group_by_year, sort, chart)
    catalogue = store.load_catalogue(data, options.rules(data, chosen, layout), cache=not no_cache)
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
    changes: list[tuple[Path, str, str]] = []  # (README, its text, its new text)
    refused: list[Problem] = []
    foreign = False
    refused_in: Path | None = None  # the first README that holds what talkcat did not write
    for path, text, readme_digest in texts:
        expected = readme_block.stamped(content, _source(data, path), digest)
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
            typer.echo(f"{path} is up to date", err=True)
            continue
        if not force:
            finding = _review(readme_block.block_content(text, block), catalogue, layout, path, block, data, template)
            refused += finding.problems
            foreign = foreign or finding.foreign
            if finding and refused_in is None:
                refused_in = path
        changes.append((path, text, readme_block.replace_block(text, block, expected)))
    if refused:
        raise TalkcatError(refused, hint=_refusal_hint(foreign, catalogue, refused_in))
    out_of_date = False
    for path, text, new_text in changes:
        if diff:
            typer.echo(_unified_diff(text, new_text, str(path)), nl=False)
        if check:
            typer.echo(f"{path} is out of date; run `talkcat sync-readme` to update it", err=True)
            out_of_date = True
            continue
        if diff:
            continue
        store.write_text(path, new_text)
        typer.echo(f"{path} updated ({plural(len(catalogue.talks), 'talk')})", err=True)
    if out_of_date:
        raise typer.Exit(EXIT_OUT_OF_DATE)


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


def _source(data: Path, readme: Path) -> str:
    """The catalogue as the README's stamp names it: from the README's folder."""
    import os

    return Path(os.path.relpath(os.path.abspath(data), os.path.abspath(readme.parent))).as_posix()


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


def _refusal_hint(foreign: bool, catalogue: Catalogue, readme: Path | None) -> str:
    """What to do about a block that holds what talkcat did not write."""
    name = readme or "README.md"
    if foreign:
        command = f"talkcat import {name}" + (" --update" if catalogue.talks else "")
        return (
            "the block holds talks talkcat did not write; nothing was written. Take them into the "
            f"catalogue first: `{command}`; or pass --force to replace them (they are lost)"
        )
    return (
        "the block was changed since talkcat wrote it; nothing was written. Put the change into "
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
