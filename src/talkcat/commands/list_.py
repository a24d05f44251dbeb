"""`talkcat list`: the talks, filtered and sorted."""

from __future__ import annotations

import enum
from typing import Annotated, Optional

import typer

from talkcat.commands.filtering import (
    EventOption,
    FormatOption,
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


class SortKey(enum.Enum):
    date = "date"
    title = "title"
    event = "event"


def list_talks(
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
    sort: Annotated[
        SortKey, typer.Option("--sort", help="date (newest first), title or event (A to Z).", case_sensitive=False)
    ] = SortKey.date,
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    limit: Annotated[
        Optional[int],
        typer.Option("--limit", help="Show at most N talks (0: all).", metavar="N", min=0, show_default=False),
    ] = None,
    output_format: FormatOption = None,
    data: DataOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """List the talks, newest first; filters combine (all must hold)."""
    from talkcat import filters as talk_filters
    from talkcat.commands import filtering

    chosen = filtering.build_filters(year, since, until, event, location, online, kind, tag, video, slides, upcoming)
    loaded = filtering.load_talks(data, no_cache)
    talks = talk_filters.apply(loaded.talks, chosen)
    talks = talk_filters.sort_talks(talks, sort.value, reverse)
    talks = talks[: filtering.limited(len(talks), limit)]
    if not talks:
        typer.echo("no talks match", err=True)
    filtering.show(loaded, talks, output_format)
