"""Find and replace the marked block of a README: pure `str -> str`.

Only the lines between the marker lines change. A marker is a line of its
own (up to three spaces of indent, as markdown allows for an HTML block);
one inside a fenced code block is text, so a README can show the markers in
an example. The file's line endings and BOM are kept as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from talkcat.errors import TalkcatError
from talkcat.lines import newline
from talkcat.validate import END_MARKER, START_MARKER

if TYPE_CHECKING:
    from markdown_it.token import Token


class NoBlock(TalkcatError):
    """The README has neither marker: there is no block (yet)."""


@dataclass(frozen=True)
class Block:
    start: int  # offset of the first character after the start marker's line
    end: int  # offset of the end marker's line
    first_line: int  # 1-based line number of the block's first line
    newline: str  # the start marker line's ending: "\n" or "\r\n"


def find_block(
    text: str,
    path: str,
    markers: tuple[str, str] = (START_MARKER, END_MARKER),
    *,
    in_code: frozenset[int] | None = None,
) -> Block:
    """Locate the block; missing, duplicated or inverted markers are a TalkcatError.

    `in_code` is `code_lines(text)`, when the caller already knows it.
    """
    start_marker, end_marker = markers
    fenced = code_lines(text) if in_code is None else in_code
    starts: list[int] = []
    ends: list[int] = []
    where: dict[int, tuple[int, str]] = {}
    as_text: list[int] = []  # lines holding a marker's text that is no marker: for the hint
    for number, offset, line in _lines_with(text, markers):
        content = line.rstrip("\r\n")
        stripped = content.strip()
        if stripped not in markers or len(content) - len(content.lstrip(" ")) > 3:
            as_text.append(number)
            continue
        if number in fenced:
            as_text.append(number)
            continue
        (starts if stripped == start_marker else ends).append(number)
        where[number] = (offset, line)
    _check_markers(starts, ends, path, markers, as_text)
    start, end = starts[0], ends[0]
    offset, marker_line = where[start]
    return Block(offset + len(marker_line), where[end][0], start + 2, newline(marker_line))


# Line breaks str.splitlines honours besides \n and \r\n (and \r alone).
_RARE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _lines_with(text: str, needles: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(0-based number, offset, line with its ending) of each line holding a needle.

    The lines are `text.splitlines(keepends=True)`'s. A README of 10,000 talks
    has 300,000 lines and two markers: look only around the markers, with str
    methods that run at memchr speed (a regex over 10 MB takes 0.1 s, a Python
    loop over its lines longer).
    """
    rare = [ch for ch in _RARE_BREAKS if ch in text]
    lone_cr = text.count("\r") != text.count("\r\n")
    breaks = ["\n", *rare, *(["\r"] if lone_cr else [])]
    line_starts = set()
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            line_starts.add(max(text.rfind(ch, 0, at) for ch in breaks) + 1)
            at = text.find(needle, at + 1)
    found, number, counted = [], 0, 0
    for start in sorted(line_starts):
        number += _count_breaks(text, counted, start, breaks)
        counted = start
        ends = [at for at in (text.find(ch, start) for ch in breaks) if at >= 0]
        end = min(ends) + 1 if ends else len(text)
        if text.startswith("\r\n", end - 1):
            end += 1
        found.append((number, start, text[start:end]))
    return found


def _count_breaks(text: str, start: int, end: int, breaks: list[str]) -> int:
    """How many of splitlines' line breaks `text[start:end]` holds (\\r\\n is one)."""
    count = sum(text.count(ch, start, end) for ch in breaks)
    if "\r" in breaks:
        count -= text.count("\r\n", start, end)
    return count


def _check_markers(starts: list[int], ends: list[int], path: str, markers: tuple[str, str], as_text: list[int]) -> None:
    start_marker, end_marker = markers
    # Someone who sees the markers in the file is told why they do not count.
    text_hint = (
        f"line {as_text[0] + 1} holds a marker as text: a marker is a line of its own, "
        "outside code blocks, indented by at most 3 spaces"
        if as_text
        else None
    )
    if not starts and not ends:
        raise NoBlock(
            f"no {start_marker} ... {end_marker} block",
            path=path,
            hint=text_hint or f"put the two marker lines where the talks should go:\n{start_marker}\n{end_marker}",
        )
    if len(starts) > 1:
        raise TalkcatError(
            f"a second {start_marker} (the first is at line {starts[0] + 1})",
            path=path,
            line=starts[1] + 1,
        )
    if len(ends) > 1:
        raise TalkcatError(
            f"a second {end_marker} (the first is at line {ends[0] + 1})",
            path=path,
            line=ends[1] + 1,
        )
    if not ends:
        raise TalkcatError(
            f"{start_marker} has no {end_marker} after it", path=path, line=starts[0] + 1, hint=text_hint
        )
    if not starts:
        raise TalkcatError(f"{end_marker} has no {start_marker} before it", path=path, line=ends[0] + 1, hint=text_hint)
    if ends[0] < starts[0]:
        raise TalkcatError(
            f"{end_marker} comes before {start_marker} (line {starts[0] + 1})",
            path=path,
            line=ends[0] + 1,
        )


def has_code_fences(text: str) -> bool:
    """Could a marker line in `text` sit in a code block? (Only then is markdown-it needed.)"""
    return "```" in text or "~~~" in text


def code_lines(
    text: str, markers: tuple[str, str] = (START_MARKER, END_MARKER), expected: str | None = None
) -> frozenset[int]:
    """0-based numbers of the lines in code blocks, where a marker is only text.

    `expected` is the block talkcat would write, when it is known to close
    every code and HTML block it opens (the built-in rendering of a valid
    catalogue). Where the README's block holds exactly that, between marker
    lines that are not in code, the README is read without it: the lines
    around it parse the same, and a 20,000-talk README is read in
    milliseconds instead of seconds.
    """
    if not has_code_fences(text):
        return frozenset()
    for marker_line, cut_start, cut_end in _expected_blocks(text, markers, expected):
        lines, tops = _block_lines(text[:cut_start] + text[cut_end:])
        if marker_line not in tops:
            continue  # the start marker is in code, a list, an HTML block: what follows it does not parse alone
        breaks = ["\n", "\r", *_RARE_BREAKS]
        cut_lines = _count_breaks(text, cut_start, cut_end, breaks)
        return frozenset(n if n <= marker_line else n + cut_lines for n in lines)
    return _block_lines(text)[0]


def _expected_blocks(text: str, markers: tuple[str, str], expected: str | None) -> list[tuple[int, int, int]]:
    """(start marker's line, block start, block end) of each block holding exactly `expected`."""
    if not expected:
        return []
    start_marker, end_marker = markers
    found = []
    candidates = _lines_with(text, markers)
    # Marker lines as talkcat's own README shows them: nothing else on the line.
    ends = {offset for _, offset, line in candidates if line.rstrip("\r\n") == end_marker}
    for number, offset, line in candidates:
        if line.rstrip("\r\n") != start_marker:
            continue
        content = expected.replace("\n", newline(line))
        cut_start = offset + len(line)
        if cut_start + len(content) in ends and text.startswith(content, cut_start):
            found.append((number, cut_start, cut_start + len(content)))
    return found


def code_lines_in(text: str, tokens: list[Token]) -> frozenset[int]:
    """`code_lines(text)`, from the block tokens of `text` that a caller has parsed already."""
    return _block_lines(text, tokens)[0]


def _block_lines(text: str, tokens: list[Token] | None = None) -> tuple[frozenset[int], frozenset[int]]:
    """(lines inside fenced or indented code blocks, top-level blocks of one line), 0-based."""
    from talkcat.markdown import parse_blocks

    code: set[int] = set()
    tops: set[int] = set()
    # Block structure is all it takes: 2.6x faster than a parse with inline rules.
    for token in parse_blocks(text) if tokens is None else tokens:
        if not token.map:
            continue
        if token.type in ("fence", "code_block"):
            code.update(range(*token.map))
        if token.level == 0 and token.nesting >= 0 and token.map[1] == token.map[0] + 1:
            tops.add(token.map[0])  # a top-level block of one line: what follows starts afresh
    if not any(ch in text for ch in _RARE_BREAKS):
        return frozenset(code), frozenset(tops)
    # markdown-it breaks lines at \n, \r\n and \r only; the lines here are
    # str.splitlines' (as editors count them), which also break at a form
    # feed, U+2028 and the like. Number each markdown line's pieces as those.
    split, first, number = re.split(r"\r\n?|\n", text), [], 0
    for line in split:
        first.append(number)
        number += 1 + sum(line.count(ch) for ch in _RARE_BREAKS)
    return (
        frozenset(
            piece
            for md_line in code
            for piece in range(
                first[md_line], first[md_line] + 1 + sum(split[md_line].count(ch) for ch in _RARE_BREAKS)
            )
        ),
        frozenset(first[md_line] for md_line in tops),
    )


def holds(text: str, block: Block, content: str) -> bool:
    """Whether the block already holds `content` (compared in place: no copy of a 20 MB README)."""
    if block.newline != "\n":
        content = content.replace("\n", block.newline)
    return block.end - block.start == len(content) and text.startswith(content, block.start)


def replace_block(text: str, block: Block, content: str) -> str:
    """`text` with the block's lines replaced by `content` (LF-terminated lines)."""
    if block.newline != "\n":
        content = content.replace("\n", block.newline)
    return text[: block.start] + content + text[block.end :]


def block_content(text: str, block: Block) -> str:
    """The block's current lines, with LF line endings."""
    return text[block.start : block.end].replace("\r\n", "\n")


# -- what talkcat wrote ------------------------------------------------------
#
# A block talkcat writes ends with a line holding a checksum of what it wrote
# above it. A later sync that finds the checksum right knows the block is its
# own and may replace it; a wrong checksum, or none, means someone else wrote
# or changed the text, and sync-readme first makes sure that nothing in it would
# be lost. The checksum is in the README itself, so it travels with every clone
# and branch (talkcat's cache does not). It is an HTML comment: GitHub and other
# renderers show nothing of it.

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_STAMP = re.compile(r"<!-- written by talkcat .*\(checksum ([0-9a-f]{16})\) -->\Z")


def checksum(content: str) -> str:
    """The checksum of a block's content (LF line endings), as its stamp line writes it."""
    from talkcat.cache import content_hash

    return content_hash(content.encode("utf-8"))[:16]


def stamped(content: str, source: str, digest: str | None = None) -> str:
    """`content` and its stamp line, which names the file to edit instead; nothing for no content.

    `digest` is `checksum(content)`, when the caller has it.
    """
    if not content:
        return ""
    if "--" in source or _CONTROL.search(source):
        source = "the catalogue"  # it would end the comment, or break its line
    digest = digest or checksum(content)
    return f"{content}\n<!-- written by talkcat from {source}: edit that file, not this block (checksum {digest}) -->\n"


def unstamped(content: str) -> tuple[str, str | None]:
    """A block's content without its stamp line, and the checksum the stamp recorded (None: no stamp)."""
    body = content.rstrip("\n")
    start = body.rfind("\n") + 1
    found = _STAMP.match(body, start)
    if found is None:
        return content, None
    head = content[:start]
    return (head[:-1] if head.endswith("\n\n") else head), found[1]


def own(content: str) -> bool:
    """Whether a block's content is exactly what talkcat wrote there (its checksum holds)."""
    body, recorded = unstamped(content)
    return recorded is not None and recorded == checksum(body)
