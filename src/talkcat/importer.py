"""README markdown -> catalogue entries: the inverse of render.py.

Entries are plain dicts in catalogue key order, as the YAML side writes them;
empty values are left out.
"""

from __future__ import annotations

import bisect
import datetime as dt
import posixpath
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urljoin

from talkcat.errors import Problem, TalkcatError
from talkcat.markdown import inline_children, parse_autolink, parse_blocks, parse_link, shift_headings
from talkcat.model import FIELD_NAMES, Link
from talkcat.render import COLUMN_ATTRIBUTES, DEFAULT_LABELS, Layout

if TYPE_CHECKING:
    from pathlib import Path

    from markdown_it.token import Token

_EN_DASH = "–"
_YEAR = re.compile(r"[0-9]{4}")
_DESCRIPTION_LINE = re.compile(r"description line ([0-9]+): ")
_ROW_FIELDS = ("event", "date", "end_date", "location", "link", "video", "slides")


class NotATalk(TalkcatError):
    """A folder's README that is no talk: no `# Title` first, or no table under it."""


@dataclass(frozen=True)
class ImportedTalk:
    """A talk's catalogue entry, and the file and lines its fields were read from."""

    entry: dict[str, Any]
    path: str
    lines: dict[str, int]  # field -> 1-based file line (a description: its first line)

    def locate(self, field: str, message: str, *, name_field: bool = False) -> Problem:
        """A catalogue problem with `field` of this talk, moved to where the field was read.

        `name_field` puts the field's name before a message that does not give it.
        """
        line = self.lines.get(field, self.lines["title"])
        described = _DESCRIPTION_LINE.match(message) if field == "description" else None
        if described:
            line += int(described[1]) - 1
            message = "description: " + message[described.end() :]
        elif name_field:
            message = f"{field} {message}"
        return Problem(self.path, line, None, message)


@dataclass(frozen=True)
class _Context:
    """Where the markdown comes from, and how its talks are laid out."""

    path: str
    first_line: int  # the file line of the text's line 0
    heading_level: int  # of the talks' headings
    base_url: str | None = None
    folder: str | None = None  # set for a folder README: relative targets are inside it
    layout: Layout = Layout()

    def column(self, attribute: str) -> str:
        return self.layout.header(attribute)

    def attribute(self, header: str) -> str | None:
        """The attribute a column header names: the configured header, else the default one."""
        name = header.strip().casefold()
        for attribute in COLUMN_ATTRIBUTES:
            if self.layout.header(attribute).casefold() == name:
                return attribute
        for attribute in COLUMN_ATTRIBUTES:
            if DEFAULT_LABELS[attribute].casefold() == name:
                return attribute
        return None

    def error(self, message: str, line: int, kind: type[TalkcatError] = TalkcatError) -> TalkcatError:
        """A TalkcatError (or `kind` of it) at a 0-based line of the text."""
        return kind(message, path=self.path, line=self.first_line + line)


@dataclass(frozen=True)
class _Table:
    header: list[tuple[str, int]]  # (cell, line)
    rows: list[tuple[list[Token], int]]  # (each cell's inline token, line)
    end_line: int  # the first line after the table
    line: int


def read_readme(
    text: str,
    *,
    path: str,
    markers: tuple[str, str],
    layout: Layout | None = None,
    base_url: str | None = None,
) -> list[ImportedTalk]:
    """The talks of a README's block, as `read_block` reads them, from one parse of the README.

    A 20,000-talk README takes seconds to parse: the parse that tells the real
    markers from ones in code is the one the talks are read from.
    """
    from talkcat import readme

    tokens = parse_blocks(text)
    block = readme.find_block(text, path, markers, in_code=readme.code_lines_in(text, tokens))
    # The block's lines, without the stamp line talkcat wrote after them (and
    # the blank line before it): each line a copy of its own, the block as a
    # whole never, since a 20,000-talk README's text takes 90 MB in memory.
    lines = _lines(text[block.start : block.end])
    if len(lines) > 2 and readme.unstamped(lines[-2] + "\n")[1] is not None:
        lines[-3:] = [""] if len(lines) > 3 and lines[-3] == "" else [lines[-3], ""]
    first = len(_lines(text[: block.start])) - 1
    own = _block_tokens(tokens, first, len(lines) - 1)
    del tokens
    return read_block(lines, layout=layout, base_url=base_url, path=path, first_line=block.first_line, tokens=own)


def _block_tokens(tokens: list[Token], first: int, count: int) -> list[Token] | None:
    """The tokens of the `count` lines from markdown line `first`, numbered from there.

    The README's tokens between the marker lines are those the block alone
    parses to when the start marker is a block of its own at the top level
    (an HTML block ends at its line, so the block starts afresh); else None.
    """
    start = next((n for n, t in enumerate(tokens) if t.level == 0 and t.map and t.map[1] >= first), len(tokens))
    marker = tokens[start] if start < len(tokens) else None
    if marker is None or marker.type != "html_block" or marker.map != [first - 1, first]:
        return None
    start += 1
    own = []
    for token in tokens[start:]:
        if token.map is not None:
            if token.level == 0 and token.map[0] >= first + count:
                break  # the end marker, or the stamp line after the content
            token.map = [token.map[0] - first, token.map[1] - first]
        own.append(token)
    return own


def read_block(
    block: str | list[str],
    *,
    heading_level: int = 3,
    layout: Layout | None = None,
    base_url: str | None = None,
    path: str = "README.md",
    first_line: int = 1,
    tokens: list[Token] | None = None,
) -> list[ImportedTalk]:
    """The talks of a README block (the text between the markers), in README order.

    `layout` says how the block was rendered: its headings' level, year
    headings, column headers. A Mermaid chart before the first talk is skipped.
    `block` may be its lines already (split at markdown's line breaks), and
    `tokens` the block's tokens (`markdown.parse_blocks`), where the caller has them.
    """
    if layout is None:
        layout = Layout(heading_level=heading_level)
    if not 1 <= layout.heading_level <= layout.talk_level <= 6:
        raise ValueError(f"heading_level must be 1..6, not {layout.talk_level}")
    level = layout.talk_level
    context = _Context(path, first_line, level, base_url, layout=layout)
    lines = _lines(block) if isinstance(block, str) else block
    if tokens is None:
        tokens = parse_blocks("\n".join(lines))
    first = 1 if tokens and _is_chart(tokens[0]) else 0
    starts: list[int] = []
    bounds: list[int] = []  # where a talk's tokens end: the next talk or year heading
    for number in range(first, len(tokens)):
        token = tokens[number]
        if _is_talk_heading(token, level):
            starts.append(number)
            bounds.append(number)
        elif layout.group_by_year and _is_talk_heading(token, layout.heading_level):
            _check_year_heading(context, tokens, number)
            bounds.append(number)
    if len(tokens) > first and (not bounds or bounds[0] != first):
        expected = f"{'#' * layout.heading_level} Year" if layout.group_by_year else f"{'#' * level} Title"
        raise context.error(f"text before the first talk heading ({expected})", _line(tokens[first]))
    talks = []
    for start in starts:
        after = bisect.bisect_right(bounds, start)  # the next talk or year heading
        end = bounds[after] if after < len(bounds) else len(tokens)
        end_line = _line(tokens[end]) if end < len(tokens) else len(lines)
        talks.append(_read_talk(context, tokens[start:end], lines, end_line))
    return talks


def locate_problems(
    problems: Sequence[Problem], talks: Sequence[ImportedTalk], *, unnamed: Collection[Problem] = ()
) -> list[Problem]:
    """Problems of the catalogue written from `talks`, each moved to the source line of its talk's field.

    `unnamed` are problems whose message does not name the field (a path missing on disk).
    """
    located = []
    for problem in problems:
        if problem.entry is None or not 0 <= problem.entry < len(talks):
            located.append(problem)  # about no talk: not something import writes
            continue
        talk = talks[problem.entry]
        located.append(talk.locate(problem.field or "title", problem.message, name_field=problem in unnamed))
    return located


def _is_chart(token: Token) -> bool:
    """The Mermaid chart `render_chart` puts before the talks."""
    return token.type == "fence" and token.info.strip() == "mermaid" and token.content.startswith("xychart-beta")


def _check_year_heading(context: _Context, tokens: list[Token], number: int) -> None:
    """A year heading holds a year, and a talk heading (or the next year) follows it."""
    title = tokens[number + 1].content
    if not _YEAR.fullmatch(title):
        raise context.error(f"a year heading must be a year (YYYY), not {title!r}", _line(tokens[number]))
    after = number + 3
    levels = (context.heading_level, context.layout.heading_level)
    if after < len(tokens) and not any(_is_talk_heading(tokens[after], level) for level in levels):
        raise context.error(
            f"text after the year heading {title!r}; a talk heading ({'#' * context.heading_level} Title) must follow",
            _line(tokens[after]),
        )


def read_folder_readme(text: str, folder: str, *, path: str, base_url: str | None = None) -> ImportedTalk:
    """The talk of an old-layout folder README: `# Title`, the table, the description.

    `folder` is the folder's path from the repository root (POSIX, `` for the
    root). Relative link targets are taken as relative to the folder; `slides`
    is the folder itself unless the table has a Slides cell. With `base_url`
    (the repository root's URL) the folder and the links in it become URLs, as
    in `read_block`, the folder percent-encoded as `render` writes a path.
    """
    folder = folder.strip("/")
    if base_url is not None and folder:
        base_url = urljoin(base_url, quote(folder + "/", safe="/"))
    context = _Context(path, 1, 1, base_url=base_url, folder=folder)
    lines = _lines(text)
    tokens = parse_blocks("\n".join(lines))
    if not tokens or not _is_talk_heading(tokens[0], 1):
        raise context.error(
            "a talk folder's README must start with `# Title`", _line(tokens[0]) if tokens else 0, NotATalk
        )
    talk = _read_talk(context, tokens, lines, len(lines))
    if "slides" in talk.entry:
        return talk
    slides: str | dict[str, str]
    if base_url is not None:
        slides = {"label": context.column("slides"), "url": base_url}
    else:
        slides = folder + "/" if folder else "./"
    entry = {**talk.entry, "slides": slides}
    entry = {name: entry[name] for name in FIELD_NAMES if name in entry}
    # The folder is named by the README as a whole: its heading.
    return ImportedTalk(entry, talk.path, {**talk.lines, "slides": talk.lines["title"]})


def read_folders(
    readmes: Sequence[tuple[str, Path, str]], where: str, base_url: str | None = None
) -> tuple[list[ImportedTalk], list[Problem]]:
    """The talks of `store.folder_readmes`, the folders being at `where` (POSIX, from the repository
    root); and a note for each README that is no talk."""
    import shlex

    talks: list[ImportedTalk] = []
    notes: list[Problem] = []
    for name, path, text in readmes:
        try:
            talks.append(_folder_talk(text, posixpath.join(where, name), str(path), base_url))
        except NotATalk as exc:
            problem = exc.problems[0]
            message = f"note: skipped, not a talk ({problem.message}); --exclude {shlex.quote(name)} says so"
            notes.append(Problem(problem.path, problem.line, None, message))
    return talks, notes


def is_talk_readme(text: str, folder: str, path: str) -> bool:
    """Whether a folder's README.md is its talk, as `import --folders` would read it."""
    try:
        _folder_talk(text, folder, path)
    except TalkcatError:
        return False
    return True


def _folder_talk(text: str, folder: str, path: str, base_url: str | None = None) -> ImportedTalk:
    from talkcat.readme import unstamped

    text, _ = unstamped(text.replace("\r\n", "\n"))  # the stamp of a README talkcat wrote
    return read_folder_readme(text, folder, path=path, base_url=base_url)


def _lines(text: str) -> list[str]:
    # markdown-it reads \r\n and \r as line breaks too; token.map counts those lines.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _line(token: Token) -> int:
    return token.map[0] if token.map else 0


def _is_talk_heading(token: Token, level: int) -> bool:
    # Only top-level ATX headings: a `###` in a block quote belongs to a description.
    return token.type == "heading_open" and token.level == 0 and token.markup == "#" * level


def _read_talk(context: _Context, tokens: list[Token], lines: list[str], end_line: int) -> ImportedTalk:
    """One talk from its tokens (heading first) and the lines up to `end_line`."""
    heading_line = _line(tokens[0])
    title = tokens[1].content
    if not title:
        raise context.error("a talk heading without a title", heading_line)
    after_heading = tokens[3] if len(tokens) > 3 else None
    if after_heading is None or after_heading.type != "table_open":
        # In a folder's README, a heading without a table is some other text (notes, say).
        kind = NotATalk if context.folder is not None else TalkcatError
        raise context.error(f"the talk {title!r} has no table right after its heading", heading_line, kind)
    table = _read_table(tokens[3:])
    entry: dict[str, Any] = {"title": title}
    row, row_line = _read_row(context, title, table)
    entry.update(row)
    where = {"title": heading_line, **{name: row_line for name in _ROW_FIELDS if name in row}}
    # The description's ATX headings, from the tokens at hand: (level, line, nested).
    found = [
        (len(token.markup), token.map[0], token.level > 0)
        for token in tokens
        if token.type == "heading_open"
        and token.markup.startswith("#")
        and token.map
        and token.map[0] >= table.end_line
    ]
    description = _read_description(context, title, lines, table.end_line, end_line, found)
    if description:
        entry["description"], where["description"] = description
    entry = {name: entry[name] for name in FIELD_NAMES if name in entry}
    return ImportedTalk(entry, context.path, {name: context.first_line + line for name, line in where.items()})


def _read_table(tokens: list[Token]) -> _Table:
    """The header and body rows of the table that `tokens` start with."""
    header: list[tuple[str, int]] = []
    rows: list[tuple[list[Token], int]] = []
    in_body = False
    row_line = 0
    for token in tokens:
        if token.type == "table_close":
            break
        if token.type == "tbody_open":
            in_body = True
        elif token.type == "tr_open":
            row_line = _line(token)
            if in_body:
                rows.append(([], row_line))
        elif token.type == "inline":
            # markdown-it gives the cell's source, trimmed, with `\|` made `|`,
            # and its inline tokens: a link cell is read from those, not parsed again.
            if in_body:
                rows[-1][0].append(token)
            else:
                header.append((token.content, row_line))
    table_map = tokens[0].map or [0, 0]
    return _Table(header, rows, table_map[1], table_map[0])


def _read_row(context: _Context, title: str, table: _Table) -> tuple[dict[str, Any], int]:
    """The fields of the table's one row, and the row's line."""
    attributes = _read_header(context, table)
    if not table.rows:
        raise context.error(f"the table of {title!r} has no row", table.line)
    if len(table.rows) > 1:
        raise context.error(f"the table of {title!r} has more than one row", table.rows[1][1])
    cells, line = table.rows[0]
    values = {attribute: cell.content for attribute, cell in zip(attributes, cells) if cell.content}
    inline = dict(zip(attributes, cells))
    for attribute in ("event", "date"):
        if attribute not in values:
            raise context.error(f"{title!r} has no {context.column(attribute)}", line)
    entry: dict[str, Any] = {"event": values["event"]}
    entry["date"], end_date = _read_dates(context, values["date"], line)
    if end_date is not None:
        entry["end_date"] = end_date
    if "location" in values:
        entry["location"] = values["location"]
    for attribute in ("link", "video", "slides"):
        if attribute in values:
            entry[attribute] = _read_link(context, inline[attribute], attribute, line)
    return entry, line


def _read_header(context: _Context, table: _Table) -> list[str]:
    """The attribute each column holds, checking the names."""
    attributes: list[str] = []
    for name, line in table.header:
        attribute = context.attribute(name)
        if attribute is None:
            names = ", ".join(context.column(attribute) for attribute in COLUMN_ATTRIBUTES)
            raise context.error(f"unknown column {name!r}; the columns are {names}", line)
        if attribute in attributes:
            raise context.error(f"the column {name!r} appears twice", line)
        attributes.append(attribute)
    return attributes


def _read_dates(context: _Context, text: str, line: int) -> tuple[dt.date, dt.date | None]:
    """`YYYY-MM-DD` or `YYYY-MM-DD – YYYY-MM-DD`."""
    parts = [part.strip() for part in text.split(_EN_DASH)]
    if len(parts) > 2:
        raise context.error(f"not a date or a date range: {text!r}", line)
    dates = [_read_date(context, part, line) for part in parts]
    return dates[0], dates[1] if len(dates) == 2 else None


def _read_date(context: _Context, text: str, line: int) -> dt.date:
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        date = None
    # fromisoformat also takes `20230419` and week dates; the README shows YYYY-MM-DD.
    if date is None or date.isoformat() != text:
        raise context.error(f"not an ISO date (YYYY-MM-DD): {text!r}", line)
    return date


def _read_link(context: _Context, token: Token, attribute: str, line: int) -> str | dict[str, str]:
    """A link cell (its inline token) as a catalogue value: a URL or path string, or {label, url}."""
    column = context.column(attribute)
    cell, children = token.content, inline_children(token)
    try:
        link = parse_link(cell, children)
    except ValueError as error:
        raise context.error(str(error), line) from None
    if link is None:
        url = parse_autolink(cell, children) or cell
        if Link(url).is_url and not any(ch.isspace() for ch in url):
            return url
        raise context.error(f"the {column} cell must be one link or a bare URL: {cell!r}", line)
    label, target = link
    if not target:
        raise context.error(f"the {column} link {cell!r} has no target", line)
    if Link(target).is_url:
        return {"label": label, "url": target}
    if context.base_url is not None:
        return {"label": label, "url": urljoin(context.base_url, target)}
    path = _repository_path(context, unquote(target))
    # `[Slides](folder/)` is how a bare path renders: give the bare path back.
    if label == column:
        return path
    return {"label": label, "url": path}


def _repository_path(context: _Context, target: str) -> str:
    if context.folder is None:
        return target
    joined = posixpath.normpath(posixpath.join(context.folder, target))
    return joined + "/" if target.endswith("/") and joined != "/" else joined


def _read_description(
    context: _Context, title: str, lines: list[str], start: int, end: int, found: list[tuple[int, int, bool]]
) -> tuple[str, int] | None:
    """The lines between the table and the next talk, headings shifted back up, and the first one's number.

    `found`: the ATX headings among those lines (level, line, nested), as the parse of the whole text saw them.
    """
    # Trailing spaces stay: two of them are a hard line break. Blank lines
    # (spaces and tabs only, as markdown sees them) around the text go.
    kept = lines[start:end]
    while kept and not kept[0].strip(" \t"):
        kept.pop(0)
        start += 1
    while kept and not kept[-1].strip(" \t"):
        kept.pop()
    if not kept:
        return None
    text = "\n".join(kept)
    by = context.heading_level - 1
    found = [(level, line - start, nested) for level, line, nested in found]
    for level, line, nested in found:
        if level - by < 1:
            raise context.error(
                f"a level-{level} heading in a description under level-{context.heading_level} talk headings",
                start + line,
            )
        if level - by == 1 and not nested:
            # Only a folder README gets here: in a block, such a heading starts the next talk.
            raise context.error(
                f"a second level-1 heading in the README of {title!r}; the description sits under "
                "its `# Title`, so its headings start at `##`: make this one `##` or deeper",
                start + line,
            )
    return shift_headings(text, -by, [(level, line) for level, line, _ in found]), start
