"""`talkcat stats`: how many talks by year, kind, event, series, location and country."""

from __future__ import annotations

import enum
import sys
from typing import Annotated

import typer

from talkcat.commands.filtering import takes_filters
from talkcat.commands.options import DataOption, NoCacheOption
from talkcat.filters import Filters
from talkcat.said import Said, on_terminal


class StatsFormat(str, enum.Enum):
    chart = "chart"
    plain = "plain"
    json = "json"


@takes_filters
def show_stats(
    filters: Filters,
    output_format: Annotated[
        StatsFormat | None,
        typer.Option(
            "--format",
            help="chart (bars; the default on a terminal), plain (the default otherwise: "
            "`section<TAB>name<TAB>count` lines) or json.",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    data: DataOption = None,
    no_cache: NoCacheOption = False,
) -> Said:
    """Count the talks by year, kind, event, series (the event without its year), location and country."""
    from talkcat import filters as talk_filters
    from talkcat import stats
    from talkcat.commands import filtering

    said = Said()
    talks = talk_filters.apply(filtering.load_talks(data, no_cache, said).talks, filters)
    counted = stats.count(talks)
    if output_format is None:
        output_format = StatsFormat.chart if on_terminal(sys.stdout) else StatsFormat.plain
    if output_format is StatsFormat.json:
        said.out(stats.to_json(counted), end="")
    elif output_format is StatsFormat.plain:
        said.out(stats.to_plain(counted), end="")
    else:
        said.show(lambda width: stats.to_chart(counted, width))
    return said
