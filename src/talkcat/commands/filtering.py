"""The options `list` and `search` share: filters, output format, and printing the result."""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from talkcat.commands import completion
from talkcat.commands.options import splice
from talkcat.errors import plural
from talkcat.said import on_terminal

if TYPE_CHECKING:
    from pathlib import Path

    from talkcat.filters import Filters
    from talkcat.model import Talk
    from talkcat.said import Said
    from talkcat.search import Index
    from talkcat.store import Catalogue


class OutputFormat(str, enum.Enum):
    table = "table"
    plain = "plain"
    markdown = "markdown"
    csv = "csv"
    json = "json"


YearOption = Annotated[
    list[int] | None,
    typer.Option("--year", help="Only talks of this year (repeat for several).", metavar="YYYY", show_default=False),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since", help="Only talks on or after this day (YYYY-MM-DD or today).", metavar="DATE", show_default=False
    ),
]
UntilOption = Annotated[
    str | None,
    typer.Option(
        "--until", help="Only talks on or before this day (YYYY-MM-DD or today).", metavar="DATE", show_default=False
    ),
]
EventOption = Annotated[
    str | None,
    typer.Option(
        "--event",
        help="Only talks whose event contains this text (any case, any accents).",
        metavar="TEXT",
        show_default=False,
        autocompletion=completion.events,
    ),
]
LocationOption = Annotated[
    str | None,
    typer.Option(
        "--location",
        help="Only talks whose location contains this text (any case, any accents).",
        metavar="TEXT",
        show_default=False,
    ),
]
OnlineOption = Annotated[
    bool | None,
    typer.Option("--online/--in-person", help="Only online talks, or only talks given at a place.", show_default=False),
]
KindOption = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        help="Only talks of this kind (repeat for several).",
        metavar="KIND",
        show_default=False,
        autocompletion=completion.kinds,
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        help="Only talks with this tag (repeat: all must match).",
        metavar="TAG",
        show_default=False,
        autocompletion=completion.tags,
    ),
]
VideoOption = Annotated[
    bool | None,
    typer.Option("--has-video/--no-video", help="Only talks with a video, or only those without.", show_default=False),
]
SlidesOption = Annotated[
    bool | None,
    typer.Option("--has-slides/--no-slides", help="Only talks with slides, or only those without.", show_default=False),
]
UpcomingOption = Annotated[
    bool | None,
    typer.Option("--upcoming/--past", help="Only talks from today on, or only those before today.", show_default=False),
]
FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        help=(
            "table (the default on a terminal), plain (the default otherwise: id, date, title, event, "
            "location, tab-separated), markdown, csv or json."
        ),
        case_sensitive=False,
        show_default=False,
    ),
]


def build_filters(
    years: list[int] | None,
    since: str | None,
    until: str | None,
    event: str | None,
    location: str | None,
    online: bool | None,
    kinds: list[str] | None,
    tags: list[str] | None,
    video: bool | None,
    slides: bool | None,
    upcoming: bool | None,
) -> Filters:
    import datetime as dt

    from talkcat.commands.common import check_kind, parse_date
    from talkcat.filters import Filters

    return Filters(
        today=dt.date.today(),
        years=frozenset(years or ()),
        since=parse_date(since, "--since") if since is not None else None,
        until=parse_date(until, "--until") if until is not None else None,
        event=event,
        location=location,
        online=online,
        kinds=frozenset(check_kind(kind) for kind in kinds or ()),
        tags=tuple(tags or ()),
        video=video,
        slides=slides,
        upcoming=upcoming,
    )


_FILTER_OPTIONS = (
    ("year", YearOption),
    ("since", SinceOption),
    ("until", UntilOption),
    ("event", EventOption),
    ("location", LocationOption),
    ("online", OnlineOption),
    ("kind", KindOption),
    ("tag", TagOption),
    ("video", VideoOption),
    ("slides", SlidesOption),
    ("upcoming", UpcomingOption),
)
F = TypeVar("F", bound=Callable[..., Any])


def takes_filters(command: F) -> F:
    """Give `command` every list filter as an option, where its `filters` parameter stands.

    The command receives them built into one `Filters` (a bad --since is a
    usage error before it runs), so list, search, stats and export declare
    and check the filters in one place.
    """
    return splice(command, "filters", _FILTER_OPTIONS, lambda values: build_filters(*values.values()))


@dataclass
class Loaded:
    """A catalogue's valid talks, and what `list` and `search` derive from all of them,
    remembered in the cache for the catalogue's content. Talks are named by their
    positions in `talks`: those filters keep, in the order asked for."""

    catalogue: Catalogue
    talks: Sequence[Talk]
    cache: bool

    def kept(self, filters: Filters) -> Sequence[int]:
        """The positions of the talks the filters keep, in catalogue order."""
        from talkcat import filters as talk_filters

        return talk_filters.kept(self.talks, filters)

    def chosen(self, filters: Filters, key: str = "date", reverse: bool = False) -> list[int]:
        """The positions of the talks the filters keep, sorted by `key` (see `filters.order`)."""
        from talkcat import filters as talk_filters

        return talk_filters.order(self.talks, self.kept(filters), key, reverse, self.dates())

    def pick(self, positions: Sequence[int]) -> list[Talk]:
        return [self.talks[i] for i in positions]

    def dates(self) -> Sequence[int] | None:
        """Every talk's `date.toordinal()`, from the cache (None without it): a date order,
        and the ranking of search results, then read only the talks they show."""
        from talkcat import store

        if not self.cache:
            return None
        return store.derived(self.catalogue, "dates", (), lambda: [talk.date.toordinal() for talk in self.talks])

    def json_objects(self, positions: Sequence[int]) -> list[bytes]:
        """The line of JSON output of each talk at `positions`."""
        from talkcat import listing, store

        if not self.cache:
            return listing.json_objects(self.pick(positions))
        objects = store.derived(self.catalogue, "json", (), lambda: listing.json_objects(self.talks))
        return [objects[i] for i in positions]

    def search_index(self, among: Sequence[int]) -> Index:
        """A search index of the talks at `among`, its folded texts from the cache; a hit's
        position is one in `among`."""
        from talkcat import search, store

        if not self.cache:
            return search.Index(self.pick(among))
        columns, vocabularies = store.derived(self.catalogue, "search", (), lambda: search.prepare(self.talks))
        if len(among) == len(self.talks):
            return search.Index(self.talks, columns, vocabularies, self.dates())
        # Filters left out some talks: the vocabularies (of all) no longer fit.
        return search.Index(self.pick(among), search.pick(columns, among))


def load_talks(data: Path | None, no_cache: bool, said: Said) -> Loaded:
    """The catalogue's valid talks; problems elsewhere in it are a warning, not a stop."""
    from talkcat import store
    from talkcat.commands.common import target

    data, rules = target(data)
    catalogue = store.load_catalogue(data, rules, cache=not no_cache)
    if catalogue.problems:
        if not catalogue.talks:
            catalogue.require_valid()
        skipped = len(catalogue.checked.talks) - len(catalogue.talks)  # counted, not decoded
        said.note(
            f"warning: {plural(len(catalogue.problems), 'problem')} in {data}; {plural(skipped, 'talk')} left out "
            f"(see `talkcat validate --data {data}`)"
        )
    return Loaded(catalogue, catalogue.talks, not no_cache)


def limited(count: int, limit: int | None) -> int:
    """How many to show: all for no limit (or 0)."""
    return count if not limit else min(count, limit)


def show(
    said: Said,
    loaded: Loaded,
    positions: Sequence[int],
    output_format: OutputFormat | None,
    matched: list[tuple[str, ...]] | None = None,
    marks: tuple[str, ...] = (),
) -> None:
    """The talks at `positions` in the format asked for (a table on a terminal, else plain lines)."""
    from talkcat import listing

    if output_format is None:
        output_format = OutputFormat.table if on_terminal(sys.stdout) else OutputFormat.plain
    if output_format is OutputFormat.json:
        said.out(listing.to_json(loaded.json_objects(positions), matched), end="")
        return
    if not positions:
        return
    talks = loaded.pick(positions)
    if output_format is OutputFormat.table:
        ids = listing.short_ids([talk.slug for talk in loaded.talks])  # short, yet telling apart all the talks
        said.show(lambda width: listing.to_table(talks, matched, marks, width, ids))
    elif output_format is OutputFormat.plain:
        said.out(listing.to_plain(talks, matched), end="")
    elif output_format is OutputFormat.markdown:
        said.out(listing.to_markdown(talks, matched), end="")
    else:
        said.out(listing.to_csv(talks, matched), end="")
