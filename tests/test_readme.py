"""Finding and replacing the TALKS block, byte for byte."""

from __future__ import annotations

from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talkcat.errors import TalkcatError
from talkcat.readme import block_content, code_lines, find_block, holds, replace_block

START, END = "<!-- TALKS -->", "<!-- //TALKS -->"


def replace(text: str, content: str) -> str:
    return replace_block(text, find_block(text, "README.md"), content)


def test_replaces_only_the_lines_between_the_markers() -> None:
    text = "# Me\n\n<!-- TALKS -->\nold\nlines\n<!-- //TALKS -->\n\n## After\n"
    assert replace(text, "new\n") == "# Me\n\n<!-- TALKS -->\nnew\n<!-- //TALKS -->\n\n## After\n"


def test_an_empty_block() -> None:
    text = "<!-- TALKS -->\nold\n<!-- //TALKS -->"
    assert replace(text, "") == "<!-- TALKS -->\n<!-- //TALKS -->"


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeff# Me\r\n<!-- TALKS -->\r\nold\r\n<!-- //TALKS -->\r\ntail\r\n"
    assert replace(text, "a\n\nb\n") == "\ufeff# Me\r\n<!-- TALKS -->\r\na\r\n\r\nb\r\n<!-- //TALKS -->\r\ntail\r\n"


def test_block_content_and_first_line() -> None:
    text = "x\n<!-- TALKS -->\r\none\r\ntwo\r\n<!-- //TALKS -->\r\n"
    block = find_block(text, "README.md")
    assert block.first_line == 3
    assert block_content(text, block) == "one\ntwo\n"


def test_markers_in_a_fenced_code_block_are_text() -> None:
    text = dedent(
        """\
        Put these in your README:

        ```markdown
        <!-- TALKS -->
        <!-- //TALKS -->
        ```

        <!-- TALKS -->
        old
        <!-- //TALKS -->
        """
    )
    assert replace(text, "new\n").endswith("```\n\n<!-- TALKS -->\nnew\n<!-- //TALKS -->\n")


def test_code_blocks_are_found_on_the_lines_splitlines_counts() -> None:
    # A form feed or U+2028 ends a line for str.splitlines, not for markdown:
    # the fence must still be placed on the right lines.
    for odd in ("\x0c", "\u2028", "a\x0cb\u2028c"):
        text = f"{odd}\n<!-- TALKS -->\nx\n```\n```\n<!-- //TALKS -->\n\t0\n"
        assert replace(text, "y\n") == f"{odd}\n<!-- TALKS -->\ny\n<!-- //TALKS -->\n\t0\n"
        text = f"{odd}\n```\n<!-- TALKS -->\n<!-- //TALKS -->\n```\n<!-- TALKS -->\n<!-- //TALKS -->\n"
        assert replace(text, "y\n").endswith("```\n<!-- TALKS -->\ny\n<!-- //TALKS -->\n")


def test_indented_four_spaces_is_code_not_a_marker() -> None:
    text = "    <!-- TALKS -->\n<!-- TALKS -->\n<!-- //TALKS -->\n"
    assert replace(text, "x\n") == "    <!-- TALKS -->\n<!-- TALKS -->\nx\n<!-- //TALKS -->\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# Me\n", "README.md: no <!-- TALKS --> ... <!-- //TALKS --> block"),
        ("a\n<!-- TALKS -->\nb\n", "README.md:2: <!-- TALKS --> has no <!-- //TALKS --> after it"),
        ("a\n<!-- //TALKS -->\n", "README.md:2: <!-- //TALKS --> has no <!-- TALKS --> before it"),
        (
            "<!-- //TALKS -->\n<!-- TALKS -->\n",
            "README.md:1: <!-- //TALKS --> comes before <!-- TALKS --> (line 2)",
        ),
        (
            "<!-- TALKS -->\n<!-- TALKS -->\n<!-- //TALKS -->\n<!-- //TALKS -->\n",
            "README.md:2: a second <!-- TALKS --> (the first is at line 1)",
        ),
        (
            "<!-- TALKS -->\n<!-- //TALKS -->\n<!-- //TALKS -->\n",
            "README.md:3: a second <!-- //TALKS --> (the first is at line 2)",
        ),
        ("```\n<!-- TALKS -->\n<!-- //TALKS -->\n```\n", "README.md: no <!-- TALKS --> ... <!-- //TALKS --> block"),
    ],
)
def test_bad_markers(text: str, message: str) -> None:
    with pytest.raises(TalkcatError) as info:
        find_block(text, "README.md")
    assert str(info.value) == message


AS_TEXT = "a marker is a line of its own, outside code blocks, indented by at most 3 spaces"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("```\n<!-- TALKS -->\n<!-- //TALKS -->\n```\n", f"line 2 holds a marker as text: {AS_TEXT}"),
        ("x\n\n    <!-- TALKS -->\n    <!-- //TALKS -->\n", f"line 3 holds a marker as text: {AS_TEXT}"),
        ("See <!-- TALKS --> and <!-- //TALKS -->.\n", f"line 1 holds a marker as text: {AS_TEXT}"),
        ("<!-- TALKS -->\n```\n<!-- //TALKS -->\n```\n", f"line 3 holds a marker as text: {AS_TEXT}"),
        ("# Me\n", "put the two marker lines where the talks should go:\n<!-- TALKS -->\n<!-- //TALKS -->"),
    ],
)
def test_markers_that_are_only_text_are_pointed_at(text: str, hint: str) -> None:
    with pytest.raises(TalkcatError) as info:
        find_block(text, "README.md")
    assert info.value.hint == hint


lines = st.text(st.characters(blacklist_characters="\r\n"), max_size=30).filter(
    lambda s: s.strip() not in (START, END) and "`" not in s and "~" not in s
)


@given(
    before=st.lists(lines, max_size=5),
    after=st.lists(lines, max_size=5),
    old=st.lists(lines, max_size=5),
    new=st.lists(lines, max_size=5),
    crlf=st.booleans(),
)
def test_bytes_outside_the_markers_never_change(
    before: list[str], after: list[str], old: list[str], new: list[str], crlf: bool
) -> None:
    nl = "\r\n" if crlf else "\n"
    head = "".join(line + nl for line in before) + START + nl
    tail = END + nl + "".join(line + nl for line in after)
    text = head + "".join(line + nl for line in old) + tail
    content = "".join(line + "\n" for line in new)
    result = replace(text, content)
    assert result.startswith(head)
    assert result.endswith(tail)
    assert result == head + content.replace("\n", nl) + tail
    assert replace(result, content) == result


# Reading a README without the block talkcat would write (readme.code_lines'
# `expected`) finds the same block as reading all of it.

START, END = "<!-- TALKS -->", "<!-- //TALKS -->"
_AROUND = st.sampled_from(
    [
        "Text.\n",
        "\n",
        "```\n",
        "~~~~\n",
        "```md\n",
        "    indented\n",
        "- item\n",
        "  - nested\n",
        "> quote\n",
        "<pre>\n",
        "</pre>\n",
        "<!--\n",
        "-->\n",
        "<div>\n",
        f"{START}\n",
        f"{END}\n",
        f"  {START}\n",
        f"> {END}\n",
        f"- {START}\n",
        "a\u2028b\n",
        "c\x0cd\n",
        "e\r\n",
    ]
)
# What the built-in rendering writes: every block it opens, it closes.
_CLOSED = st.sampled_from(
    [
        "### Talk\n\n| A |\n|---|\n| b |\n\n",
        "Some text.\n\n",
        "```python\n# code\n```\n\n",
        "~~~\n```\n~~~\n\n",
        "- a\n- b\n\n",
        "> quoted\n\n",
        "<div>\nhtml\n</div>\n\n",
        "    indented code\n\n",
        "line\u2028with a break\n\n",
        "#### Sub\n\n",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    before=st.lists(_AROUND, max_size=6).map("".join),
    content=st.lists(_CLOSED, min_size=1, max_size=6).map("".join),
    after=st.lists(_AROUND, max_size=6).map("".join),
    crlf=st.booleans(),
)
def test_reading_around_the_expected_block_finds_what_reading_all_of_it_finds(
    before: str, content: str, after: str, crlf: bool
) -> None:
    text = f"{before}{START}\n{content}{END}\n{after}"
    if crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    markers = (START, END)

    def outcome(in_code: frozenset[int]) -> object:
        try:
            return find_block(text, "README.md", markers, in_code=in_code)
        except TalkcatError as exc:
            return [str(p) for p in exc.problems]

    full = outcome(code_lines(text, markers))
    assert outcome(code_lines(text, markers, expected=content)) == full


def test_a_start_marker_in_code_is_not_read_around() -> None:
    """In a fence, the block's own fences would close it: the whole README is read."""
    content = "```python\ncode\n```\n"
    text = f"```\n{START}\n{content}{END}\n```\n\n{START}\n{END}\n"
    # Without the content the example would end at line 4 and the second
    # pair of markers be the block; with it, line 5 closes the example.
    with pytest.raises(TalkcatError) as raised:
        find_block(text, "README.md", in_code=code_lines(text, expected=content))
    assert str(raised.value) == "README.md:6: <!-- //TALKS --> has no <!-- TALKS --> before it"


def test_lines_are_counted_as_splitlines_counts_them_around_rare_breaks() -> None:
    text = f"a\u2028b\x0cc\r\nd\re\n```\n{START}\n```\nx\u2029\n{START}\n{END}\n"
    block = find_block(text, "README.md", in_code=code_lines(text, expected=""))
    assert block.first_line == 12
    assert text.splitlines()[block.first_line - 2] == START


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_holds_compares_the_block_in_place(newline: str) -> None:
    text = f"intro{newline}{START}{newline}a{newline}b{newline}{END}{newline}"
    block = find_block(text, "README.md")
    assert holds(text, block, "a\nb\n")
    assert not holds(text, block, "a\nb\nc\n")
    assert not holds(text, block, "a\n")
