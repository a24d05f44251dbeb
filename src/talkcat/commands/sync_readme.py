"""`talkcat sync-readme`: render the catalogue into the README's TALKS block."""

from __future__ import annotations

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
from talkcat.errors import EXIT_OUT_OF_DATE, plural

if TYPE_CHECKING:
    from talkcat.config import Settings
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
) -> None:
    """Rewrite the README's TALKS block from the catalogue (only if it changed)."""
    from talkcat import readme as readme_block
    from talkcat import store
    from talkcat.commands import options

    chosen = options.settings()
    data = options.data_path(data, chosen)
    layout = options.layout(chosen, heading_level, group_by_year, sort, chart)
    catalogue = store.load_catalogue(data, options.rules(data, chosen, layout), cache=not no_cache)
    catalogue.require_valid()
    texts = [(path, *store.read_readme(path)) for path in options.readme_paths(readme, chosen)]
    template = store.read_text(chosen.template) if chosen.template is not None else None
    content = store.derived(
        catalogue,
        "render",
        _render_key(layout, chosen, template),
        lambda: _render(catalogue, layout, chosen, template),
        cache=not no_cache,
    )
    # The built-in rendering of a valid catalogue closes every code block it
    # opens, so a README already holding it can be read without it.
    expected = content if template is None else None
    readmes = [
        (
            path,
            text,
            store.find_readme_block(
                text, path, chosen.markers, cache=not no_cache, expected=expected, digest=digest
            ),
        )
        for path, text, digest in texts
    ]
    out_of_date = False
    for path, text, block in readmes:
        if readme_block.holds(text, block, content):
            typer.echo(f"{path} is up to date", err=True)
            continue
        new_text = readme_block.replace_block(text, block, content)
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
