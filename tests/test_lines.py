"""Line breaks: one rule for where lines end, and one for a file's own newline."""

from __future__ import annotations

from pathlib import Path

import pytest

from talkcat.lines import count, newline, split


def test_lines_end_at_lf_crlf_and_cr_only() -> None:
    assert split("a\r\nb\rc\nd\x0be\u2028f") == ["a\r\n", "b\r", "c\n", "d\x0be\u2028f"]
    assert split("") == []
    assert count("a\r\nb\rc\nd\x85") == 3


def test_newline_style() -> None:
    assert newline("a\r\nb\n") == "\r\n"
    assert newline("a\nb\r\n") == "\n"
    assert newline("") == "\n"


@pytest.mark.parametrize("first, later", [("\n", "\r\n"), ("\r\n", "\n")])
def test_every_writer_keeps_the_line_ending_of_a_files_first_line(first: str, later: str) -> None:
    from talkcat import config, scaffold
    from talkcat.commands.sync_readme import in_the_style_of

    mixed = f"# Notes{first}text{later}"
    readme = scaffold.readme_with_section(mixed, "README.md", "x")
    assert (
        readme == f"# Notes{first}text{first}{first}## Talks{first}{first}<!-- TALKS -->{first}<!-- //TALKS -->{first}"
    )
    setting = config.with_setting(f"a = 1{first}b = 2{later}", Path("talkcat.toml"), "c", "3")
    assert setting == f"a = 1{first}b = 2{later}c = 3{first}"
    assert in_the_style_of(mixed, "# T\n\nx\n") == f"# T{first}{first}x{first}"
    assert newline(mixed) == first
