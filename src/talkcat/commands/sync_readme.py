"""`talkcat sync-readme`: render the catalogue into the README's TALKS block."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from talkcat.commands.options import (
    DEFAULT_DATA,
    DEFAULT_README,
    DataOption,
    NoCacheOption,
    ReadmeOption,
)
from talkcat.errors import EXIT_OUT_OF_DATE

if TYPE_CHECKING:
    from talkcat.store import Catalogue


def sync_readme(
    data: DataOption = DEFAULT_DATA,
    readme: ReadmeOption = DEFAULT_README,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 3 if the README is out of date.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print a unified diff of what would change.")
    ] = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Rewrite the README's TALKS block from the catalogue (only if it changed)."""
    from talkcat import readme as readme_block
    from talkcat import store

    catalogue = store.load_catalogue(data, cache=not no_cache)
    catalogue.require_valid()
    text = store.read_text(readme)
    block = store.find_readme_block(text, readme, cache=not no_cache)
    # No render settings yet beyond render_block's defaults: an empty key.
    content = store.derived(catalogue, "render", (), lambda: _render(catalogue), cache=not no_cache)
    new_text = readme_block.replace_block(text, block, content)
    if new_text == text:
        typer.echo(f"{readme} is up to date", err=True)
        return
    if diff:
        typer.echo(_unified_diff(text, new_text, str(readme)), nl=False)
    if check:
        typer.echo(f"{readme} is out of date; run `talkcat sync-readme` to update it", err=True)
        raise typer.Exit(EXIT_OUT_OF_DATE)
    if diff:
        return
    store.write_text(readme, new_text)
    typer.echo(f"{readme} updated ({len(catalogue.talks)} talks)", err=True)


def _render(catalogue: Catalogue) -> str:
    from talkcat.render import render_block

    return render_block(catalogue.talks)


def _unified_diff(old: str, new: str, name: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
