"""Line breaks as editors and `grep -n` count them: at `\n`, `\r\n` and `\r`.

So do the YAML parser's line numbers (see yamlread) and markdown-it; and a
file's own newline, which whatever talkcat writes into it keeps, is that of
its first line.
"""

from __future__ import annotations

import re

BREAK = re.compile(r"\r\n|[\n\r]")
# Characters str.splitlines breaks at that these line breaks do not.
NOT_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def newline(text: str) -> str:
    """The text's line ending, from its first line: CRLF or LF (LF for a text of one line)."""
    found = BREAK.search(text)
    return "\r\n" if found is not None and found.group() == "\r\n" else "\n"


def count(text: str) -> int:
    """How many line breaks `text` holds."""
    return len(BREAK.findall(text))


def split(text: str) -> list[str]:
    """The lines of `text`, each with its own line break (the last may have none)."""
    return _LINE.findall(text)
