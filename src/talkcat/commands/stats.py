"""`talkcat stats`: how many talks by year, kind, event, location and country."""

from __future__ import annotations

import enum
import sys
from typing import Annotated, Optional

import typer

from talkcat.commands.filtering import (
    EventOption,
    KindOption,
    LocationOption,
    OnlineOption,
    SinceOption,
    SlidesOption,
    TagOption,
    UntilOption,
    UpcomingOption,
    VideoOption,
    YearOption,
)
from talkcat.commands.options import DataOption, NoCacheOption


class StatsFormat(str, enum.Enum):
    chart = "chart"
    plain = "plain"
    json = "json"


def show_stats(
    year: YearOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    event: EventOption = None,
    location: LocationOption = None,
    online: OnlineOption = None,
    kind: KindOption = None,
    tag: TagOption = None,
    video: VideoOption = None,
    slides: SlidesOption = None,
    upcoming: UpcomingOption = None,
    output_format: Annotated[
        Optional[StatsFormat],
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
) -> None:
    """Count the talks by year, kind, event, location and country; filters combine."""
    from talkcat import filters as talk_filters
    from talkcat import stats
    from talkcat.commands import filtering

    chosen = filtering.build_filters(year, since, until, event, location, online, kind, tag, video, slides, upcoming)
    talks = talk_filters.apply(filtering.load_talks(data, no_cache).talks, chosen)
    counted = stats.count(talks)
    if output_format is None:
        output_format = StatsFormat.chart if sys.stdout.isatty() else StatsFormat.plain
    if output_format is StatsFormat.json:
        typer.echo(stats.to_json(counted), nl=False)
    elif output_format is StatsFormat.plain:
        typer.echo(stats.to_plain(counted), nl=False)
    else:
        from rich.console import Console

        console = Console(highlight=False)
        console.print(stats.to_chart(counted, console.width))
