"""`talkcat sync-readme`: render the catalogue into the README's TALKS block."""

from __future__ import annotations

from typing import Annotated

import typer

from talkcat.commands.options import DEFAULT_DATA, DEFAULT_README, DataOption, ReadmeOption
from talkcat.errors import EXIT_OUT_OF_DATE


def sync_readme(
    data: DataOption = DEFAULT_DATA,
    readme: ReadmeOption = DEFAULT_README,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 3 if the README is out of date.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print a unified diff of what would change.")
    ] = False,
) -> None:
    """Rewrite the README's TALKS block from the catalogue (only if it changed)."""
    from talkcat import readme as readme_block
    from talkcat import store
    from talkcat.render import render_block

    catalogue = store.load_catalogue(data)
    catalogue.require_valid()
    text = store.read_text(readme)
    block = readme_block.find_block(text, str(readme))
    new_text = readme_block.replace_block(text, block, render_block(catalogue.talks))
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


def _unified_diff(old: str, new: str, name: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
