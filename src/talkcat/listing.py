"""Talks as text for `list` and `search`: plain lines, markdown, CSV, JSON, a rich table.

Pure: each function returns what to print. Heavy libraries (rich) are
imported only by the format that needs them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from talkcat.model import FIELDS, Talk

if TYPE_CHECKING:
    from rich.table import Table

FORMATS = ("table", "plain", "markdown", "csv", "json")
# A column per field; a link's label in a column of its own, after it.
CSV_COLUMNS = tuple(
    column for f in FIELDS for column in ((f.name, f"{f.name}_label") if f.type == "link" else (f.name,))
)
LIST_SEPARATOR = "; "  # joins tags and speakers in a CSV cell

# Where a search hit matched, one tuple of field names per talk (search only).
Matched = Sequence[tuple[str, ...]]


def entry(talk: Talk) -> dict[str, Any]:
    """A talk as JSON-ready data: its id, then its fields as in the catalogue, dates in ISO form."""
    out: dict[str, Any] = {"id": talk.slug}
    out.update(talk.to_mapping())
    out["date"] = talk.date.isoformat()
    if talk.end_date is not None:
        out["end_date"] = talk.end_date.isoformat()
    return out


def json_objects(talks: Sequence[Talk]) -> list[bytes]:
    """Each talk's line of the JSON output, in UTF-8: bytes, which a cache can keep
    and the output can be joined from without decoding or encoding 20 MB again."""
    encode = _JSON.encode
    return [encode(entry(talk)).encode("utf-8") for talk in talks]


def to_json(objects: Sequence[bytes], matched: Matched | None = None) -> bytes:
    """A JSON array of the talks' `json_objects`, one talk a line: easy to read and to
    diff, and fast (no `indent`, which would turn off the json module's C encoder)."""
    if not objects:
        return b"[]\n"
    if matched is not None:
        # The key json.dumps would have added last, spliced in before the closing brace.
        encode = _JSON.encode
        objects = [
            b'%s, "matched": %s}' % (text[:-1], encode(list(fields)).encode("utf-8"))
            for text, fields in zip(objects, matched)
        ]
    # The brackets go onto the first and last objects: one join copies 20 MB once.
    parts = list(objects)
    parts[0] = b"[\n" + parts[0]
    parts[-1] += b"\n]\n"
    return b",\n".join(parts)


_JSON = json.JSONEncoder(ensure_ascii=False)


def to_plain(talks: Sequence[Talk], matched: Matched | None = None) -> str:
    """One line a talk: id, date, title, event, location (and where it matched), tab-separated."""
    lines = []
    for number, talk in enumerate(talks):
        cells = [talk.slug, talk.date.isoformat(), talk.title, talk.event, talk.location or ""]
        if matched is not None:
            cells.append(",".join(matched[number]))
        lines.append("\t".join(cells) + "\n")
    return "".join(lines)


def to_csv(talks: Sequence[Talk], matched: Matched | None = None) -> str:
    """RFC 4180: a header row, every field, CRLF line ends, quotes where needed."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([*CSV_COLUMNS, *(["matched"] if matched is not None else [])])
    for number, talk in enumerate(talks):
        row = _csv_row(talk)
        if matched is not None:
            row.append(LIST_SEPARATOR.join(matched[number]))
        writer.writerow(row)
    return buffer.getvalue()


def _csv_row(talk: Talk) -> list[str]:
    row: list[str] = []
    for f in FIELDS:
        value: Any = talk.slug if f.name == "id" else getattr(talk, f.name)
        if f.type == "link":
            row += [value.url, value.label or ""] if value is not None else ["", ""]
        elif isinstance(value, tuple):
            row.append(LIST_SEPARATOR.join(value))
        elif isinstance(value, dt.date):
            row.append(value.isoformat())
        else:
            row.append(value or "")
    return row


def to_markdown(talks: Sequence[Talk], matched: Matched | None = None) -> str:
    """A GitHub markdown table, as the README's: date, title, event, location, video, slides."""
    from talkcat.render import escape_cell, format_link_cell, github_table

    headers = ["Date", "Title", "Event", "Location", "Video", "Slides"]
    if matched is not None:
        headers.append("Matched")
    rows = []
    for number, talk in enumerate(talks):
        row = [
            talk.date.isoformat(),
            talk.title,
            talk.event,
            talk.location or "",
            format_link_cell(talk.video, "Video"),
            format_link_cell(talk.slides, "Slides"),
        ]
        if matched is not None:
            row.append(", ".join(matched[number]))
        rows.append([escape_cell(cell) for cell in row])
    return github_table(headers, rows)


def short_ids(ids: Sequence[str]) -> dict[str, str]:
    """Each id -> its shortest start, cut where a word ends, that no other id starts with.

    `talkcat edit` and `remove` take such a start for the whole id: the table
    shows it (`2022-09-01-increase` for a 100-character id), and a start that
    is a whole id of its own stays whole.
    """
    ordered = sorted(set(ids))
    short: dict[str, str] = {}
    for number, talk_id in enumerate(ordered):
        # Sorted, the ids sharing the longest start with this one are its neighbours.
        shared = max(
            (_common_start(talk_id, ordered[other]) for other in (number - 1, number + 1) if 0 <= other < len(ordered)),
            default=0,
        )
        # An id derived from a date keeps the date and a word: `2023` alone would read as a year.
        if _DATED.match(talk_id):
            shared = max(shared, 11)
        end = talk_id.find("-", shared + 1)
        short[talk_id] = talk_id if end == -1 else talk_id[:end]
    return short


_DATED = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:-|\Z)")


def _common_start(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b):
        if x != y:
            break
        length += 1
    return length


# Columns a narrow terminal gives up, first to last; the id and the title always stay
# (the id of a talk, derived from its date and title, starts with the date).
_DROP_ORDER = ("location", "event", "slides", "video", "matched", "date")
_MIN_WIDTHS = {
    "id": 8,
    "date": 10,
    "title": 12,
    "event": 8,
    "location": 8,
    "video": 1,
    "slides": 1,
    "matched": 16,
}


def table_columns(width: int, search: bool = False, id_width: int = 8) -> list[str]:
    """The columns that fit `width` characters (three go between two columns).

    `id_width`: what the Id column takes; on a wide terminal Video and Slides
    are headed in full, so they take their headers' widths.
    """
    columns = ["id", "date", "title", "event", "location", "video", "slides"] + (["matched"] if search else [])
    wide = width >= 80
    widths = {**_MIN_WIDTHS, "id": id_width, "video": 5 if wide else 1, "slides": 6 if wide else 1}
    for name in _DROP_ORDER:
        if sum(widths[c] for c in columns) + 3 * (len(columns) - 1) <= width:
            break
        if name in columns:
            columns.remove(name)
    return columns


def to_table(
    talks: Sequence[Talk],
    matched: Matched | None = None,
    marks: Sequence[str] = (),
    width: int = 80,
    ids: dict[str, str] | None = None,
) -> Table:
    """A rich table for `width` columns: long titles wrap inside their column, and a
    narrow terminal drops the location, then the event, then the marks, never
    breaking the table. Search words are highlighted. `ids` gives the id to show
    for each talk's (`short_ids` of the whole catalogue), else the whole id."""
    from rich.table import Table
    from rich.text import Text

    from talkcat.search import excerpt, marked_spans

    def text(value: str) -> Text:
        out = Text(value)
        for start, end in marked_spans(value, marks):
            out.stylize("bold yellow", start, end)
        return out

    def where(number: int) -> Text:
        out = Text()
        assert matched is not None
        for field in matched[number]:
            if out:
                out.append("; ")
            out.append(field)
            shown = _hidden_text(talk, field, columns)
            if shown:
                out.append(": ")
                out.append_text(text(excerpt(shown, marks, 50)))
        return out

    def shown(talk: Talk) -> str:
        return (ids or {}).get(talk.slug, talk.slug)

    wide = width >= 80
    longest_id = max(map(len, map(shown, talks)), default=2)
    id_width = min(24 if wide else 8, longest_id)
    columns = table_columns(width, matched is not None, id_width)
    table = Table(show_edge=False, pad_edge=False, highlight=False)
    headers = {
        # Whole on a wide terminal (they are typed back), folded on a narrow one.
        "id": ("Id", {"overflow": "fold", "min_width": id_width, "max_width": max(id_width, 24)}),
        "date": ("Date", {"no_wrap": True, "min_width": 10}),
        "title": ("Title", {"overflow": "fold", "ratio": 3, "min_width": 8}),
        "event": ("Event", {"overflow": "fold", "ratio": 2, "min_width": 6}),
        "location": ("Location", {"overflow": "fold", "ratio": 2, "min_width": 8}),
        "video": ("Video" if wide else "V", {"justify": "center", "no_wrap": True}),
        "slides": ("Slides" if wide else "S", {"justify": "center", "no_wrap": True}),
        # Wide enough for "description: " and a few words of the excerpt after it.
        "matched": ("Matched", {"overflow": "fold", "ratio": 4, "min_width": _MIN_WIDTHS["matched"]}),
    }
    for name in columns:
        header, options = headers[name]
        table.add_column(header, **options)  # type: ignore[arg-type]
    for number, talk in enumerate(talks):
        cells: dict[str, Text | str] = {
            "id": shown(talk),
            "date": talk.date.isoformat(),
            "title": text(talk.title),
            "event": text(talk.event),
            "location": text(talk.location or ""),
            "video": "✓" if talk.video else "",
            "slides": "✓" if talk.slides else "",
        }
        if matched is not None:
            cells["matched"] = where(number)
        table.add_row(*(cells[name] for name in columns))
    _fit(table, width)
    return table


def _fit(table: Table, width: int) -> None:
    """A table wider than the terminal gets widths of its own: the columns that wrap share what
    the others leave by their ratios, none below its least. Left to itself, rich squeezes the
    last column (search's Matched) to a few letters a line, whatever its min_width."""
    from rich.console import Console

    if (
        Console(width=1 << 20).measure(table).maximum <= width
    ):  # its natural width (a measure is clamped to the console)
        return
    left = width - 3 * (len(table.columns) - 1)
    for column in table.columns:
        if not column.ratio:  # the id (folded to its width), the date, the ticks: as wide as they need
            column.width = max(column.min_width or 0, len(str(column.header)), 1)
            left -= column.width
    share = sum(column.ratio or 0 for column in table.columns)
    for column in table.columns:
        if column.ratio:
            column.width = max(column.min_width or 1, left * column.ratio // share)


_SHOWN = ("title", "event", "location")  # the table's columns of searched fields


def _hidden_text(talk: Talk, field: str, columns: Sequence[str] = _SHOWN) -> str:
    """A matched field's text that the table's own `columns` do not show (a narrow terminal drops some)."""
    if field in columns:
        return ""
    value = getattr(talk, field)
    return ", ".join(value) if isinstance(value, tuple) else value or ""
