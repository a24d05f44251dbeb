"""`talkcat schema`: the catalogue's JSON Schema, for editors and other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from talkcat.said import Said


def print_schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write it to this file instead of stdout.", metavar="PATH", show_default=False
        ),
    ] = None,
) -> Said:
    """Print the JSON Schema (draft 2020-12) of the catalogue, built from what validate checks."""
    from talkcat.commands import options
    from talkcat.schema import schema_text
    from talkcat.validate import Rules

    # The configured README markers are what a title or description must not hold.
    said = Said()
    text = schema_text(Rules(markers=options.settings().markers))
    if output is None:
        said.out(text, end="")
        return said
    from talkcat import store

    wrote = store.write_output(output, text)
    said.note(f"{'wrote' if wrote else 'unchanged:'} {output}")
    return said
