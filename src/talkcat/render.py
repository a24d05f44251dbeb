"""Talks -> the markdown between the README markers: a heading, a table, a description."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import quote

from talkcat.markdown import format_link, shift_headings
from talkcat.model import Link, Talk, sort_newest_first

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
DATE_RANGE_SEPARATOR = " – "  # an en dash with spaces


def render_block(talks: Sequence[Talk], *, heading_level: int = 3) -> str:
    """The text between the marker lines: "" for no talks, else LF-terminated markdown."""
    if not 1 <= heading_level <= 6:
        raise ValueError(f"heading_level must be 1..6, not {heading_level}")
    sections = [render_talk(t, heading_level=heading_level) for t in sort_newest_first(list(talks))]
    return "\n".join(sections)


def render_talk(talk: Talk, *, heading_level: int = 3) -> str:
    """One talk: heading, blank line, table, and the description after a blank line."""
    parts = [f"{'#' * heading_level} {talk.title}\n", render_table(talk)]
    description = _description(talk.description, heading_level - 1)
    if description:
        parts.append(description)
    return "\n".join(parts)


def render_table(talk: Talk) -> str:
    """The talk's one-row table, LF-terminated."""
    from tabulate import tabulate

    headers = [name for name, _ in COLUMNS]
    row = [_escape_cell(_cell(talk, name, attribute)) for name, attribute in COLUMNS]
    return str(tabulate([row], headers=headers, tablefmt="github", disable_numparse=True)) + "\n"


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


def _escape_cell(text: str) -> str:
    # GFM splits a row at every `|` that has no backslash before it, even in
    # code spans; markdown-it gives the cell back with each `\|` turned to `|`.
    return text.replace("|", "\\|")


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
