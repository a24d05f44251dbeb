"""Counts of talks by year, kind, event, series, location and country: pure, data in, text out."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from talkcat.errors import plural
from talkcat.model import Talk
from talkcat.textfold import fold

if TYPE_CHECKING:
    from rich.console import RenderableType

Counts = tuple[tuple[str, int], ...]
SECTIONS = ("year", "kind", "event", "series", "location", "country")
ONLINE_COUNTRY = "Online"
_BAR = "█"
_LABEL_WIDTH = 32  # longer names are cut with an ellipsis in the terminal chart
_BAR_WIDTH = 40  # the longest bar, on a wide enough terminal


@dataclass(frozen=True)
class Stats:
    """How many talks, and the counts of each section, in display order."""

    total: int
    sections: tuple[tuple[str, Counts], ...]


def talks_per_year(talks: Sequence[Talk]) -> list[tuple[int, int]]:
    """(year, count), oldest first, every year from the first to the last (0 for a gap)."""
    counts: dict[int, int] = {}
    for talk in talks:
        counts[talk.date.year] = counts.get(talk.date.year, 0) + 1
    if not counts:
        return []
    # An empty year stays on the axis: leaving it out would draw a busier past.
    return [(year, counts.get(year, 0)) for year in range(min(counts), max(counts) + 1)]


def country(location: str | None) -> str | None:
    """The part after the last comma (all of it without a comma); `Online` for online talks."""
    if location is None or not location.strip():
        return None
    if fold(location.strip()) == fold(ONLINE_COUNTRY):
        return ONLINE_COUNTRY
    return location.rsplit(",", 1)[-1].strip() or None


# A year in an event's name: `PyData Global 2022`, `2023 EuroPython`, `SciPy 2019: Austin`,
# `JupyterCon (2020)`; not `PyCon 2020/21` or `Web 2.0`.
_YEAR = re.compile(r"\s*(?:\((?:19|20)[0-9]{2}\)|\[(?:19|20)[0-9]{2}\]|(?<![\w/.])(?:19|20)[0-9]{2}(?![\w/]))")


def series(event: str) -> str:
    """The event without its year: `PyData Global 2022` and `Pydata Global 2021` are one series."""
    name = " ".join(_YEAR.sub("", event).split()).strip(" ,:;–—-")
    return name or event


def count(talks: Sequence[Talk]) -> Stats:
    """Every section's counts; talks without a location are left out of location and country."""
    years: Counts = tuple((str(year), n) for year, n in talks_per_year(talks))
    return Stats(
        len(talks),
        (
            ("year", years),
            ("kind", _ranked(talk.kind for talk in talks)),
            ("event", _ranked(talk.event for talk in talks)),
            ("series", _ranked(series(talk.event) for talk in talks)),
            ("location", _ranked((talk.location or "").strip() or None for talk in talks)),
            ("country", _ranked(country(talk.location) for talk in talks)),
        ),
    )


def _ranked(values: Iterable[str | None]) -> Counts:
    """Most frequent first, then A to Z; spellings differing only in case or accents are one."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}  # folded -> the first spelling seen
    for value in values:
        if value is None:
            continue
        key = fold(value)
        shown.setdefault(key, value)
        counts[key] = counts.get(key, 0) + 1
    order = sorted(counts, key=lambda key: (-counts[key], key))
    return tuple((shown[key], counts[key]) for key in order)


def to_plain(stats: Stats) -> str:
    """`total<TAB>N`, then `section<TAB>name<TAB>count` lines: for grep, cut and awk."""
    lines = [f"total\t{stats.total}\n"]
    for section, counts in stats.sections:
        lines.extend(f"{section}\t{name}\t{n}\n" for name, n in counts)
    return "".join(lines)


def to_json(stats: Stats) -> str:
    """`{"total": N, "year": {"2019": 1, ...}, "kind": {...}, ...}`, sections in display order."""
    report: dict[str, object] = {"total": stats.total}
    for section, counts in stats.sections:
        report[section] = dict(counts)
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def to_chart(stats: Stats, width: int) -> RenderableType:
    """A bar chart per section for the terminal, `width` columns wide."""
    from rich.cells import cell_len, set_cell_size
    from rich.console import Group
    from rich.text import Text

    parts: list[Text] = [Text(plural(stats.total, "talk"), style="bold")]
    for section, counts in stats.sections:
        if not counts:
            continue
        parts.append(Text())
        parts.append(Text(f"by {section}", style="bold"))
        label_width = min(_LABEL_WIDTH, max(cell_len(name) for name, _ in counts))
        count_width = max(len(str(n)) for _, n in counts)
        bar_width = max(1, min(_BAR_WIDTH, width - label_width - count_width - 2))
        most = max(n for _, n in counts)
        for name, n in counts:
            if cell_len(name) > label_width:
                name = set_cell_size(name, label_width - 1) + "…"
            line = Text(f"{set_cell_size(name, label_width)} {n:>{count_width}}")
            if n:
                # A talk always shows: a bar of at least one block.
                line.append(" ")
                line.append(_BAR * max(1, round(n * bar_width / most)), style="cyan")
            parts.append(line)
    return Group(*parts)
