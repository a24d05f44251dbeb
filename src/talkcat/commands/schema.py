"""`talkcat schema`: the catalogue's JSON Schema, for editors and other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def print_schema(
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="Write it to this file instead of stdout.", metavar="PATH", show_default=False),
    ] = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of the catalogue, built from what validate checks."""
    from talkcat.schema import schema_text

    text = schema_text()
    if output is None:
        typer.echo(text, nl=False)
        return
    from talkcat import store

    wrote = store.write_output(output, text)
    typer.echo(f"{'wrote' if wrote else 'unchanged:'} {output}", err=True)
