"""Heading shifts and table-cell links, on small markdown strings."""

from __future__ import annotations

import sys
import textwrap

import pytest

from talkcat.markdown import (
    format_link,
    heading_levels,
    headings,
    parse_autolink,
    parse_link,
    shift_headings,
)


def md(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_shift_moves_atx_headings_down_and_keeps_other_bytes() -> None:
    text = md(
        """
        # Top
        Text with C# in it.
        ## Sub ##
           ### Indented three
        """
    )
    assert shift_headings(text, 2) == md(
        """
        ### Top
        Text with C# in it.
        #### Sub ##
           ##### Indented three
        """
    )


def test_shift_up() -> None:
    assert shift_headings("### A\n\n#### B\n", -2) == "# A\n\n## B\n"


def test_shift_leaves_code_fences_alone() -> None:
    text = md(
        """
        # Title

        ```python
        # a comment, not a heading
        x = 1  # neither
        ```

        ~~~
        ## nor this
        ~~~
        """
    )
    shifted = shift_headings(text, 1)
    assert shifted == text.replace("# Title", "## Title", 1)


def test_shift_leaves_indented_code_alone() -> None:
    text = "Para.\n\n    # code\n    ## code\n\n# Real\n"
    assert shift_headings(text, 1) == "Para.\n\n    # code\n    ## code\n\n## Real\n"


def test_shift_leaves_html_blocks_alone() -> None:
    text = "<div>\n# inside html\n</div>\n\n<!--\n# commented out\n-->\n"
    assert shift_headings(text, 1) == text


def test_shift_leaves_prose_alone() -> None:
    # `#x` is not a heading (no space), and `C# is` is mid-line.
    text = "C# is a language.\n#hashtag\nand \\# escaped\n"
    assert shift_headings(text, 3) == text


def test_shift_reaches_block_quotes_and_list_items() -> None:
    text = md(
        """
        > # Quoted
        > text

        - # In a list
        - item
          ## Nested under the item

        1. ### Numbered
        """
    )
    assert shift_headings(text, 1) == md(
        """
        > ## Quoted
        > text

        - ## In a list
        - item
          ### Nested under the item

        1. #### Numbered
        """
    )


def test_setext_headings_are_not_shifted() -> None:
    text = "Title\n=====\n\nSub\n---\n\n# Atx\n"
    assert shift_headings(text, 1) == "Title\n=====\n\nSub\n---\n\n## Atx\n"
    assert heading_levels(text) == [(1, 6)]


def test_shift_keeps_crlf_and_odd_line_breaks() -> None:
    # \v and U+2028 are text to markdown, not line breaks: lines must not be miscounted.
    text = "a\u2028b\v\r\n# H\r\nc\r# I\n"
    assert shift_headings(text, 1) == "a\u2028b\v\r\n## H\r\nc\r## I\n"


def test_shift_empty_heading_and_zero() -> None:
    assert shift_headings("#\n", 1) == "##\n"
    assert shift_headings("# x\n", 0) == "# x\n"


@pytest.mark.parametrize(("text", "by"), [("###### Deep\n", 1), ("# Top\n", -1), ("> ## q\n", -2)])
def test_shift_out_of_range_raises(text: str, by: int) -> None:
    with pytest.raises(ValueError, match="would be level"):
        shift_headings(text, by)


def test_heading_levels_lists_atx_headings_with_lines() -> None:
    text = md(
        """
        # One
        ```
        # not
        ```
        > ### Three

        ##### Five
        """
    )
    assert heading_levels(text) == [(1, 0), (3, 4), (5, 6)]
    assert headings(text) == [(1, 0, False), (3, 4, True), (5, 6, False)]


@pytest.mark.parametrize(
    ("label", "url", "written"),
    [
        ("Slides", "https://x.org/a", "[Slides](https://x.org/a)"),
        ("a [b] c", "https://x.org/", r"[a \[b\] c](https://x.org/)"),
        ("ends in \\", "https://x.org/", r"[ends in \\](https://x.org/)"),
        ("C:\\path", "https://x.org/", r"[C:\path](https://x.org/)"),
        ("*em* `code`", "https://x.org/", "[*em* `code`](https://x.org/)"),
        ("wiki", "https://x.org/A_(b)", "[wiki](https://x.org/A_(b))"),
        ("open", "https://x.org/a(b", r"[open](<https://x.org/a(b>)"),
        ("entity", "https://x.org/?a&amp;b", r"[entity](<https://x.org/?a\&amp;b>)"),
    ],
)
def test_format_link_and_parse_link_round_trip(label: str, url: str, written: str) -> None:
    assert format_link(label, url) == written
    assert parse_link(written) == (label, url)


def test_parse_link_reads_source_not_normalised_href() -> None:
    # markdown-it's href would be percent-encoded: `%C3%A9` and `%20`.
    assert parse_link("[é](https://x.org/é)") == ("é", "https://x.org/é")
    assert parse_link("[a](<b c>)") == ("a", "b c")
    assert parse_link("[Slides](2023-04-19%20Community%20Talk/)") == (
        "Slides",
        "2023-04-19%20Community%20Talk/",
    )


@pytest.mark.parametrize(
    "text", ["plain", "[a](b) and more", "x [a](b)", "[a][ref]", "![img](x.png)", "<https://x.org>"]
)
def test_parse_link_rejects_anything_but_one_link(text: str) -> None:
    assert parse_link(text) is None


def test_parse_link_rejects_titles() -> None:
    with pytest.raises(ValueError, match="title"):
        parse_link('[a](https://x.org "A title")')


def test_parse_autolink() -> None:
    assert parse_autolink("<https://x.org/a>") == "https://x.org/a"
    assert parse_autolink("https://x.org/a") is None
    assert parse_autolink("[a](https://x.org/a)") is None


def test_importing_markdown_module_does_not_load_markdown_it() -> None:
    # Checked in a fresh interpreter: this one has loaded markdown_it already.
    import subprocess

    code = "import sys, talkcat.markdown; print('markdown_it' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
