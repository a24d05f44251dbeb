"""`talkcat list`: the talks, filtered and sorted."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from talkcat.commands.filtering import FormatOption, takes_filters
from talkcat.commands.options import DataOption, NoCacheOption
from talkcat.filters import Filters
from talkcat.said import Said


class SortKey(enum.Enum):
    date = "date"
    title = "title"
    event = "event"


@takes_filters
def list_talks(
    filters: Filters,
    sort: Annotated[
        SortKey, typer.Option("--sort", help="date (newest first), title or event (A to Z).", case_sensitive=False)
    ] = SortKey.date,
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", help="Show at most N talks (0: all).", metavar="N", min=0, show_default=False),
    ] = None,
    output_format: FormatOption = None,
    data: DataOption = None,
    no_cache: NoCacheOption = False,
) -> Said:
    """List the talks, newest first; filters combine (all must hold)."""
    from talkcat.commands import filtering

    said = Said()
    loaded = filtering.load_talks(data, no_cache, said)
    chosen = loaded.chosen(filters, sort.value, reverse)
    chosen = chosen[: filtering.limited(len(chosen), limit)]
    if not chosen:
        said.note("no talks match")
    filtering.show(said, loaded, chosen, output_format)
    return said
