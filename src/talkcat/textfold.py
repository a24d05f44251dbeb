"""Text folded for matching: case- and accent-insensitive (`Zürich` -> `zurich`).

Folding is NFKD, then combining marks dropped, then casefold. Pure-ASCII
text (most of a catalogue) takes a fast path that gives the same result.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# A word: letters and digits of any script; `_` and punctuation separate words.
WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """`text` without case or accents; folding twice changes nothing more."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    if not text.isascii():
        text = _marks().sub("", text)
    return text.casefold()


@functools.cache
def _marks() -> re.Pattern[str]:
    """Every combining mark of the Basic Multilingual Plane, as one character class.

    Built on first use (about 5 ms) rather than written out, so it follows
    the Unicode version of the running Python.
    """
    ranges: list[list[int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.combining(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    parts = (re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile("[" + "".join(parts) + "]")
