"""`talkcat search QUERY...`: find talks by their words, best match first."""

from __future__ import annotations

from typing import Annotated

import typer

from talkcat.commands.filtering import FormatOption, takes_filters
from talkcat.commands.options import DataOption, NoCacheOption
from talkcat.filters import Filters
from talkcat.said import Said
from talkcat.search import FIELDS, prefix_help

QUERY_HELP = (
    f"Words that must all match, in the {', '.join(FIELDS)}; any case, any accents; `reproducib` finds "
    '`reproducible`; a word of five letters or more may have one typo. "Quoted words" (or one shell argument '
    f"holding spaces) must follow each other. {prefix_help()} narrow a word to one field; year:2023 keeps "
    "that year's talks."
)


@takes_filters
def search_talks(
    query: Annotated[list[str], typer.Argument(help=QUERY_HELP, metavar="QUERY...", show_default=False)],
    filters: Filters,
    limit: Annotated[int, typer.Option("--limit", help="Show at most N matches (0: all).", metavar="N", min=0)] = 20,
    output_format: FormatOption = None,
    data: DataOption = None,
    no_cache: NoCacheOption = False,
) -> Said:
    """Search the talks' text; best matches first (title, then event and tags, then description)."""
    from talkcat import search
    from talkcat.commands import filtering

    parsed = search.parse_query(query)
    said = Said()
    loaded = filtering.load_talks(data, no_cache, said)
    among = loaded.kept(filters)
    hits = loaded.search_index(among).search(parsed)
    shown = hits[: filtering.limited(len(hits), limit)]
    if not hits:
        said.note("no talks match")
    elif len(shown) < len(hits):
        said.note(f"showing the best {len(shown)} of {len(hits)} matches (--limit 0 shows all)")
    marks = shown[0].marks if shown else ()
    positions = [among[hit.position] for hit in shown]
    filtering.show(said, loaded, positions, output_format, [hit.fields for hit in shown], marks)
    return said
