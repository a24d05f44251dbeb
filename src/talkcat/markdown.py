"""Markdown structure, read with markdown-it: heading levels and links in table cells.

markdown-it-py is imported lazily (it costs ~50 ms), so that importing this
module stays cheap for commands that never touch markdown.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from talkcat.lines import split as split_lines  # markdown-it breaks lines where talkcat does

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MIN_LEVEL = 1
MAX_LEVEL = 6


# Backslash runs that touch a bracket (or the label's end): see `_escape_label`.
_BACKSLASHES_BEFORE_BRACKET = re.compile(r"(\\*)([\[\]]|\Z)")


@functools.cache
def parser(tables: bool = True, inline: bool = True) -> MarkdownIt:
    """The one CommonMark parser, with GitHub's tables, built on first use.

    Without `inline` it reads only the block structure, in half the time; `tables`
    off is for what tables cannot change (see `open_block`).
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    if tables:
        md.enable("table")
    if not inline:
        md.core.ruler.disable(["inline", "text_join"])
    return md


def parse(text: str) -> list[Token]:
    """The block tokens of `text`; `token.map` lines are 0-based lines of `text`."""
    return parser().parse(text)


def parse_blocks(text: str) -> list[Token]:
    """`parse`'s tokens without their inline children: the block structure only, in half the time.

    Each `inline` token keeps its source as `content`; `inline_children` parses one when needed.
    """
    return parser(inline=False).parse(text)


def inline_children(token: Token) -> list[Token]:
    """An `inline` token's children: the ones a full parse made, else parsed now from its content."""
    if token.children or not token.content:
        return token.children or []
    return _inline_children(token.content)  # a block parse leaves them empty


def heading_levels(text: str) -> list[tuple[int, int]]:
    """(level, 0-based line) of every ATX heading, nested ones included, in order.

    Setext headings (`Title` over `===`) are not listed: they are never shifted.
    """
    return [(level, line) for level, line, _ in headings(text)]


def headings(text: str) -> list[tuple[int, int, bool]]:
    """(level, 0-based line, nested) of every ATX heading; nested: inside a list or quote."""
    if "#" not in text:
        return []  # no ATX heading without a `#`: rendering pyvideo's talks takes 3 s, not 6
    return [
        (len(token.markup), token.map[0], token.level > 0)
        for token in parse(text)
        if token.type == "heading_open" and token.markup.startswith("#") and token.map
    ]


def open_block(text: str) -> tuple[int, str] | None:
    """(0-based line, "fence" or "html_block") of a block `text` leaves open.

    A fenced code block or an HTML block (`<!--`, `<pre>`, ...) that `text`
    never closes would run on in the README and swallow the talks that follow;
    None when every block is closed. Read without tables: a table ends where any other
    block starts, so it can neither open nor close a fence or an HTML block, and skipping
    it reads a template's 23-million-character output in 5 s instead of 13.
    """
    probe_line = len(split_lines(text + "\n\n"))
    for token in parser(tables=False, inline=False).parse(text + "\n\n# probe\n"):
        if token.level == 0 and token.map and token.map[0] <= probe_line < token.map[1]:
            return None if token.type == "heading_open" else (token.map[0], token.type)
    return None  # pragma: no cover - the probe line is always in some block


def shift_headings(text: str, by: int, found: list[tuple[int, int]] | None = None) -> str:
    """Move every ATX heading `by` levels (negative: up); every other byte is kept.

    Only real headings move: `#` in code, HTML blocks or prose is text. Setext
    headings are left as they are. Raises ValueError when a level would leave 1..6.
    `found`: `heading_levels(text)`, where a parse already found them.
    """
    if by == 0:
        return text
    headings = heading_levels(text) if found is None else found
    for level, line in headings:
        if not MIN_LEVEL <= level + by <= MAX_LEVEL:
            raise ValueError(f"line {line + 1}: a level-{level} heading moved by {by} would be level {level + by}")
    lines = split_lines(text)
    for level, line in headings:
        lines[line] = _shift_line(lines[line], level, by)
    return "".join(lines)


def _shift_line(line: str, level: int, by: int) -> str:
    # Before a heading's opening run there can only be indentation and
    # container markers (`>`, `-`, `*`, `+`, `1.`, `1)`), none of them `#`:
    # so the first `#` on the line starts the run.
    start = line.index("#")
    return line[:start] + "#" * (level + by) + line[start + level :]


# Links in table cells.


def format_link(label: str, url: str) -> str:
    """`[label](url)`, escaped so that `parse_link` gives `label` and `url` back."""
    return f"[{_escape_label(label)}]({_destination(url)})"


def parse_link(text: str, children: list[Token] | None = None) -> tuple[str, str] | None:
    """(label source, URL) when `text` is exactly one inline link `[label](url)`.

    The label is the link text's source, with `format_link`'s escapes undone;
    the URL is the destination as written, backslash escapes and entities
    decoded but not percent-encoded (markdown-it's `href` is). None when the
    text is anything else; ValueError when the link has a title, which a
    catalogue link cannot hold. `children`: the text's inline tokens, where a
    parse already made them.
    """
    if not _is_one_link(_inline_children(text) if children is None else children):
        return None
    from markdown_it.helpers import parseLinkDestination, parseLinkLabel
    from markdown_it.rules_inline import StateInline

    state = StateInline(text, parser(), {}, [])
    label_end = parseLinkLabel(state, 0, True)
    pos = _skip_spaces(text, label_end + 2)  # past `](`
    destination = parseLinkDestination(text, pos, len(text))
    # `[label]()` is a link too: its destination is empty and not "ok".
    end = destination.pos if destination.ok else pos
    if _skip_spaces(text, end) != len(text) - 1:
        raise ValueError(f"the link {text!r} has a title, which the catalogue cannot keep")
    return _unescape_label(text[1:label_end]), destination.str


def parse_autolink(text: str, children: list[Token] | None = None) -> str | None:
    """The URL of `<url>` when `text` is exactly one autolink, else None (`children`: as for parse_link)."""
    children = _inline_children(text) if children is None else children
    if len(children) == 3 and children[0].type == "link_open" and children[0].markup == "autolink":
        return text[1:-1]
    return None


def _inline_children(text: str) -> list[Token]:
    tokens = parser().parseInline(text)
    return (tokens[0].children or []) if tokens else []


def _is_one_link(children: list[Token]) -> bool:
    if not children or children[0].type != "link_open" or children[0].markup == "autolink":
        return False
    # The link must close at the very end: nothing at nesting level 0 after it.
    depth = 0
    for index, child in enumerate(children):
        depth += child.nesting
        if depth == 0:
            return index == len(children) - 1
    return False


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n":
        pos += 1
    return pos


def _escape_label(label: str) -> str:
    # Brackets get a backslash so they cannot open or close a link; a backslash
    # run right before a bracket or the closing `]` is doubled so that it does
    # not escape it. Other backslashes are markdown the label means: kept.
    return _BACKSLASHES_BEFORE_BRACKET.sub(lambda m: m.group(1) * 2 + ("\\" + m.group(2) if m.group(2) else ""), label)


def _unescape_label(source: str) -> str:
    # The inverse of _escape_label: k backslashes before a bracket (or the end)
    # stand for k // 2. An unescaped balanced bracket from a hand-written
    # README (k = 0) is kept as it is.
    return _BACKSLASHES_BEFORE_BRACKET.sub(lambda m: m.group(1)[: len(m.group(1)) // 2] + m.group(2), source)


def _destination(url: str) -> str:
    """The link destination that markdown reads back as exactly `url`."""
    from markdown_it.helpers import parseLinkDestination

    if not url.startswith("<"):
        plain = parseLinkDestination(url, 0, len(url))
        if plain.ok and plain.pos == len(url) and plain.str == url:
            return url
    if "\n" in url or "\r" in url:
        raise ValueError(f"a URL cannot hold a line break: {url!r}")
    # The <...> form takes spaces and unbalanced parentheses; escaping `\`, `&`,
    # `<` and `>` keeps backslashes and entity-like text literal.
    return "<" + re.sub(r"([\\&<>])", r"\\\1", url) + ">"
