"""`talkcat validate`: report every problem in the catalogue."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from talkcat.commands.options import DataOption, NoCacheOption
from talkcat.errors import EXIT_INVALID


class ValidateFormat(str, enum.Enum):
    text = "text"
    json = "json"


def validate(
    data: DataOption = None,
    output_format: Annotated[
        ValidateFormat,
        typer.Option("--format", help="text: one `path:line:col: message` per line; json: for machines."),
    ] = ValidateFormat.text,
    no_cache: NoCacheOption = False,
) -> None:
    """Check the catalogue and report every problem, one per line."""
    from talkcat.commands.common import target
    from talkcat.store import load_catalogue

    data, rules = target(data)
    catalogue = load_catalogue(data, rules, cache=not no_cache)
    problems = catalogue.problems
    if output_format is ValidateFormat.json:
        report = {
            "path": str(data),
            "valid": not problems,
            "talks": len(catalogue.checked.talks),
            "problems": [p.to_json() for p in problems],
        }
        import json

        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            typer.echo(str(problem))
        count = len(catalogue.checked.talks)
        if problems:
            typer.echo(f"{len(problems)} problem(s) in {data}", err=True)
        else:
            typer.echo(f"{data}: {count} talk(s), all valid", err=True)
    if problems:
        raise typer.Exit(EXIT_INVALID)
