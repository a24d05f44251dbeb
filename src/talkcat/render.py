"""Talks -> the markdown between the README markers: a heading, a table, a description."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import astuple, dataclass, replace
from typing import Any
from urllib.parse import quote

from talkcat.markdown import format_link, shift_headings
from talkcat.model import Link, Talk, sort_talks

# Column header -> Talk attribute; the order is the table's. The importer reads
# the same names back.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Event", "event"),
    ("Location", "location"),
    ("Date", "date"),
    ("Link", "link"),
    ("Video", "video"),
    ("Slides", "slides"),
)
COLUMN_ATTRIBUTES = tuple(attribute for _, attribute in COLUMNS)
DEFAULT_LABELS = {attribute: name for name, attribute in COLUMNS}
SORTS = ("newest", "oldest")
DATE_RANGE_SEPARATOR = " – "  # an en dash with spaces
CHART_TITLE = "Talks per year"
CHART_Y_AXIS = "Talks"


@dataclass(frozen=True)
class Layout:
    """How the block looks: what the configuration can change, and the importer reads back."""

    columns: tuple[str, ...] = COLUMN_ATTRIBUTES
    labels: tuple[tuple[str, str], ...] = ()  # (attribute, header) where not the default
    heading_level: int = 3  # of the block's top headings: talks, or years when grouped
    sort: str = "newest"
    group_by_year: bool = False
    chart: bool = False

    @property
    def talk_level(self) -> int:
        """The level of a talk's heading: one below the year's when grouped."""
        return self.heading_level + 1 if self.group_by_year else self.heading_level

    def header(self, attribute: str) -> str:
        """The column's header (also the label of an unlabelled path link in it)."""
        return dict(self.labels).get(attribute, DEFAULT_LABELS[attribute])

    def ordered(self, talks: Sequence[Talk]) -> list[Talk]:
        """The talks in the block's order: newest or oldest first."""
        return sort_talks(talks, reverse=self.sort == "oldest")

    def key(self) -> tuple[Any, ...]:
        """Everything the rendered text depends on, as plain data for the cache key."""
        return astuple(self)


def render_block(talks: Sequence[Talk], *, heading_level: int = 3, layout: Layout | None = None) -> str:
    """The text between the marker lines: "" for no talks, else LF-terminated markdown."""
    if layout is None:
        layout = Layout(heading_level=heading_level)
    if not 1 <= layout.heading_level <= layout.talk_level <= 6:
        raise ValueError(f"heading_level must be 1..6, not {layout.talk_level}")
    ordered = layout.ordered(talks)
    if not ordered:
        return ""
    sections = [render_chart(ordered)] if layout.chart else []
    year = None
    for talk in ordered:
        if layout.group_by_year and talk.date.year != year:
            year = talk.date.year
            sections.append(f"{'#' * layout.heading_level} {year}\n")
        sections.append(render_talk(talk, layout=layout))
    return "\n".join(sections)


def render_chart(talks: Sequence[Talk]) -> str:
    """A Mermaid bar chart of talks per year (GitHub draws it), as a fenced block."""
    from talkcat.stats import talks_per_year

    per_year = talks_per_year(talks)
    years = ", ".join(f'"{year}"' for year, _ in per_year)
    counts = ", ".join(str(n) for _, n in per_year)
    most = max((n for _, n in per_year), default=0)
    # From 0: an axis starting at the smallest count would draw that year without a bar.
    return (
        "```mermaid\n"
        "xychart-beta\n"
        f'    title "{CHART_TITLE}"\n'
        f"    x-axis [{years}]\n"
        f'    y-axis "{CHART_Y_AXIS}" 0 --> {most}\n'
        f"    bar [{counts}]\n"
        "```\n"
    )


def render_talk(talk: Talk, *, heading_level: int = 3, layout: Layout | None = None) -> str:
    """One talk: heading, blank line, table, and the description after a blank line."""
    if layout is None:
        layout = Layout(heading_level=heading_level)
    level = layout.talk_level
    parts = [f"{'#' * level} {talk.title}\n", render_table(talk, layout)]
    description = _description(talk.description, level - 1)
    if description:
        parts.append(description)
    return "\n".join(parts)


def render_folder_readme(talk: Talk, layout: Layout | None = None) -> str:
    """The README.md of the talk's slides folder: `# Title`, the table, the description.

    The layout `talkcat import --folders` reads, and the block's columns and
    headers, but for Slides: the folder is the slides.
    """
    layout = layout or Layout()
    columns = tuple(column for column in layout.columns if column != "slides")
    return render_talk(talk, layout=replace(layout, heading_level=1, group_by_year=False, columns=columns))


def render_table(talk: Talk, layout: Layout | None = None) -> str:
    """The talk's one-row table, LF-terminated."""
    layout = layout or Layout()
    headers = [layout.header(attribute) for attribute in layout.columns]
    row = [escape_cell(_cell(talk, name, attribute)) for name, attribute in zip(headers, layout.columns)]
    return github_table(headers, [row])


def github_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table as `tabulate(rows, headers, tablefmt="github", disable_numparse=True)` writes it.

    Byte for byte tabulate's output (tests/test_render.py holds the two
    together), without its cost: tabulate takes 130 us a table sorting out
    column types, 3 s of a 20,000-talk README. And widths are counted in
    characters, always: tabulate counts display cells when wcwidth happens to
    be installed, and a README must not change with the machine that syncs it.
    """
    rows = [[cell.strip() for cell in row] for row in rows]  # as tabulate does (headers are kept as they are)
    # tabulate pads a header by at least 2 more than its text.
    widths = [max(len(header) + 2, *(len(row[number]) for row in rows)) for number, header in enumerate(headers)]
    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    lines = [_table_line(headers, widths), rule, *(_table_line(row, widths) for row in rows)]
    return "".join(line + "\n" for line in lines)


def _table_line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths)) + " |"


def escape_cell(text: str) -> str:
    """A table cell's text, its `|` escaped.

    GFM splits a row at every `|` that has no backslash before it, even in
    code spans; markdown-it gives the cell back with each `\\|` turned to `|`.
    """
    return text.replace("|", "\\|")


def format_dates(date: dt.date, end_date: dt.date | None) -> str:
    """`YYYY-MM-DD`, or `YYYY-MM-DD – YYYY-MM-DD` for a talk over several days."""
    if end_date is None:
        return date.isoformat()
    return f"{date.isoformat()}{DATE_RANGE_SEPARATOR}{end_date.isoformat()}"


def format_link_cell(link: Link | None, column: str) -> str:
    """A link cell: `[label](url)`, a bare URL, or `[Column](percent-encoded path)`."""
    if link is None:
        return ""
    if link.is_url:
        return link.url if link.label is None else format_link(link.label, link.url)
    # A path in the repository: encoded so spaces and parentheses survive in
    # the destination, and labelled with the column's name when unlabelled
    # (the importer turns that label back into a bare path).
    return format_link(link.label or column, quote(link.url, safe="/"))


def _cell(talk: Talk, column: str, attribute: str) -> str:
    if attribute == "date":
        return format_dates(talk.date, talk.end_date)
    if attribute in ("event", "location"):
        value: str | None = getattr(talk, attribute)
        return value or ""
    link: Link | None = getattr(talk, attribute)
    return format_link_cell(link, column)


def _description(description: str | None, shift: int) -> str:
    """The description shifted under the talk heading, without blank lines around it."""
    if not description:
        return ""
    # The block is LF text; whoever writes the file restores its newline style.
    text = description.replace("\r\n", "\n").replace("\r", "\n")
    lines = shift_headings(text, shift).split("\n")
    # Blank as markdown sees it: spaces and tabs only.
    while lines and not lines[-1].strip(" \t"):
        lines.pop()
    while lines and not lines[0].strip(" \t"):
        lines.pop(0)
    return "".join(line + "\n" for line in lines)
