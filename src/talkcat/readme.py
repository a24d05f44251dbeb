"""Find and replace the marked block of a README: pure `str -> str`.

Only the lines between the marker lines change. A marker is a line of its
own (up to three spaces of indent, as markdown allows for an HTML block);
one inside a fenced code block is text, so a README can show the markers in
an example. The file's line endings and BOM are kept as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from talkcat.errors import TalkcatError
from talkcat.validate import END_MARKER, START_MARKER


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
    newline = "\r\n" if marker_line.endswith("\r\n") else "\n"
    return Block(offset + len(marker_line), where[end][0], start + 2, newline)


# Line breaks str.splitlines honours besides \n and \r\n (and \r alone).
_RARE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _lines_with(text: str, needles: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """(0-based number, offset, line with its ending) of each line holding a needle.

    The lines are `text.splitlines(keepends=True)`'s. A README of 10,000 talks
    has 300,000 lines and two markers: look only around the markers.
    """
    # A str scan per character runs at memchr speed; a regex over 10 MB takes 0.1 s.
    if any(ch in text for ch in _RARE_BREAKS) or text.count("\r") != text.count("\r\n"):
        found, offset = [], 0
        for number, line in enumerate(text.splitlines(keepends=True)):
            if any(needle in line for needle in needles):
                found.append((number, offset, line))
            offset += len(line)
        return found
    line_starts = set()
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            line_starts.add(text.rfind("\n", 0, at) + 1)
            at = text.find(needle, at + 1)
    found, number, counted = [], 0, 0
    for start in sorted(line_starts):
        number += text.count("\n", counted, start)
        counted = start
        end = text.find("\n", start) + 1 or len(text)
        found.append((number, start, text[start:end]))
    return found


def _check_markers(
    starts: list[int], ends: list[int], path: str, markers: tuple[str, str], as_text: list[int]
) -> None:
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
            hint=text_hint
            or f"put the two marker lines where the talks should go:\n{start_marker}\n{end_marker}",
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
        raise TalkcatError(
            f"{end_marker} has no {start_marker} before it", path=path, line=ends[0] + 1, hint=text_hint
        )
    if ends[0] < starts[0]:
        raise TalkcatError(
            f"{end_marker} comes before {start_marker} (line {starts[0] + 1})",
            path=path,
            line=ends[0] + 1,
        )


def has_code_fences(text: str) -> bool:
    """Could a marker line in `text` sit in a code block? (Only then is markdown-it needed.)"""
    return "```" in text or "~~~" in text


def code_lines(text: str) -> frozenset[int]:
    """0-based numbers of the lines in code blocks, where a marker is only text."""
    return _fenced_lines(text) if has_code_fences(text) else frozenset()


def _fenced_lines(text: str) -> frozenset[int]:
    """0-based numbers of the lines inside fenced or indented code blocks."""
    from markdown_it import MarkdownIt

    lines: set[int] = set()
    for token in MarkdownIt("commonmark").parse(text):
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(*token.map))
    if not any(ch in text for ch in _RARE_BREAKS):
        return frozenset(lines)
    # markdown-it breaks lines at \n, \r\n and \r only; the lines here are
    # str.splitlines' (as editors count them), which also break at a form
    # feed, U+2028 and the like. Number each markdown line's pieces as those.
    split, first, number = re.split(r"\r\n?|\n", text), [], 0
    for line in split:
        first.append(number)
        number += 1 + sum(line.count(ch) for ch in _RARE_BREAKS)
    return frozenset(
        piece
        for md_line in lines
        for piece in range(first[md_line], first[md_line] + 1 + sum(split[md_line].count(ch) for ch in _RARE_BREAKS))
    )


def replace_block(text: str, block: Block, content: str) -> str:
    """`text` with the block's lines replaced by `content` (LF-terminated lines)."""
    if block.newline != "\n":
        content = content.replace("\n", block.newline)
    return text[: block.start] + content + text[block.end :]


def block_content(text: str, block: Block) -> str:
    """The block's current lines, with LF line endings."""
    return text[block.start : block.end].replace("\r\n", "\n")
