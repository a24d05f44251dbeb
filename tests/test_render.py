"""render_block: the exact block text, cell formats, the seed golden file and its losslessness.

The golden file `tests/golden/seed_block.md` is the seed README's block,
imported and rendered again. It is never rewritten by the tests; to
regenerate it on purpose, delete it and run (from the repository root):

    rm tests/golden/seed_block.md && python tests/test_render.py
"""

from __future__ import annotations

import datetime as dt
import sys
import textwrap

import pytest
from helpers import GOLDEN, cells_by_talk, parse_block
from hypothesis import given, settings
from hypothesis import strategies as st

from talkcat.model import Talk
from talkcat.render import github_table, render_block, render_table

SEED_README = GOLDEN / "seed_readme.md"  # a copy of /work/shared/seeds/000_6acdbb613ddca7f9.txt
SEED_BLOCK_GOLDEN = GOLDEN / "seed_block.md"
START, END = "<!-- TALKS -->\n", "<!-- //TALKS -->"


def seed_block() -> tuple[str, int]:
    """The seed's text between the markers, and the file line it starts on."""
    text = SEED_README.read_text(encoding="utf-8")
    before, rest = text.split(START)
    return rest.split(END)[0], before.count("\n") + 2


def render_seed() -> str:
    block, first_line = seed_block()
    entries = parse_block(block, path=str(SEED_README), first_line=first_line)
    return render_block([Talk.from_mapping(e) for e in entries])


def talk(**fields: object) -> Talk:
    values: dict[str, object] = {"title": "T", "date": dt.date(2024, 1, 2), "event": "E"}
    values.update(fields)
    return Talk.from_mapping(values)


def md(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_no_talks_is_empty() -> None:
    assert render_block([]) == ""


def test_block_layout_is_exact() -> None:
    talks = [
        talk(title="Old", date=dt.date(2020, 5, 1), event="PyCon", description="Body.\n\n\n"),
        talk(title="New", date=dt.date(2024, 3, 4), event="EuroPython", location="Prague"),
    ]
    assert render_block(talks) == md(
        """
        ### New

        | Event      | Location   | Date       | Link   | Video   | Slides   |
        |------------|------------|------------|--------|---------|----------|
        | EuroPython | Prague     | 2024-03-04 |        |         |          |

        ### Old

        | Event   | Location   | Date       | Link   | Video   | Slides   |
        |---------|------------|------------|--------|---------|----------|
        | PyCon   |            | 2020-05-01 |        |         |          |

        Body.
        """
    )


def test_same_day_talks_keep_catalogue_order() -> None:
    day = dt.date(2022, 2, 2)
    block = render_block([talk(title="First", date=day), talk(title="Second", date=day)])
    assert block.index("### First") < block.index("### Second")


def test_heading_level_applies_to_title_and_description() -> None:
    block = render_block([talk(description="## Part\n\n```\n# code\n```")], heading_level=2)
    assert block.startswith("## T\n\n")
    assert "\n### Part\n\n```\n# code\n```\n" in block


def test_description_headings_shift_by_default_level() -> None:
    block = render_block([talk(description="Intro\n\n### Sub\n> ## Quoted")])
    assert block.endswith("\nIntro\n\n##### Sub\n> #### Quoted\n")


def test_bad_heading_level() -> None:
    with pytest.raises(ValueError):
        render_block([talk()], heading_level=7)


def row(t: Talk) -> str:
    return render_table(t).splitlines()[2]


def test_date_range_uses_en_dash() -> None:
    assert "| 2024-01-02 – 2024-01-04 |" in row(talk(end_date=dt.date(2024, 1, 4)))


def test_link_cells() -> None:
    t = talk(
        link={"label": "Site", "url": "https://x.org/talk"},
        video="https://youtu.be/abc",
        slides="2023-04-19 Community Talk/",
    )
    cells = [c.strip() for c in row(t).split(" | ")]
    assert cells[3:] == [
        "[Site](https://x.org/talk)",
        "https://youtu.be/abc",
        "[Slides](2023-04-19%20Community%20Talk/) |",
    ]


def test_relative_path_with_label_and_in_other_columns() -> None:
    t = talk(slides={"label": "Deck (PDF)", "url": "decks/a (1).pdf"}, video="rec/talk.mp4")
    assert "[Deck (PDF)](decks/a%20%281%29.pdf)" in row(t)
    assert "[Video](rec/talk.mp4)" in row(t)


def test_pipes_and_brackets_are_escaped() -> None:
    t = talk(event="A|B", location="x \\| y", link={"label": "see [1] | more", "url": "https://x.org/?q=a|b"})
    line = row(t)
    assert "| A\\|B " in line
    assert "| x \\\\| y " in line
    assert "[see \\[1\\] \\| more](https://x.org/?q=a\\|b)" in line


def test_cell_text_is_not_reformatted_by_tabulate() -> None:
    # Without disable_numparse tabulate would print 1e5 as 100000.0 and right-align.
    assert "| 1e5 " in row(talk(event="1e5", location="007"))
    assert "| 007 " in row(talk(event="1e5", location="007"))


def test_seed_matches_golden_file() -> None:
    assert SEED_BLOCK_GOLDEN.exists(), __doc__
    assert render_seed() == SEED_BLOCK_GOLDEN.read_text(encoding="utf-8")


def test_rendering_the_seed_twice_is_stable() -> None:
    first = render_seed()
    again = render_block([Talk.from_mapping(e) for e in parse_block(first)])
    assert again == first


def test_seed_round_trip() -> None:
    block, _ = seed_block()
    entries = parse_block(block)
    assert parse_block(render_block([Talk.from_mapping(e) for e in entries])) == entries


def test_seed_cells_are_kept_unchanged() -> None:
    original, _ = seed_block()
    rendered = cells_by_talk(render_seed())
    originals = cells_by_talk(original)
    assert len(rendered) == len(originals) == 5
    for before, after in zip(originals, rendered):
        for column, cell in before.items():
            assert after[column] == cell.strip(), column


def test_seed_description_lines_are_kept_in_order() -> None:
    original, _ = seed_block()
    rendered_lines = render_seed().split("\n")
    position = 0
    for line in original.split("\n"):
        # Every line comes back as it was, trailing spaces too (two would be a
        # hard break). Blank lines may be dropped or added between parts;
        # table rows are re-padded and compared cell by cell above.
        if line.strip() and not line.startswith("|"):
            position = rendered_lines.index(line, position) + 1


def _write_golden() -> None:
    if SEED_BLOCK_GOLDEN.exists():
        sys.exit(f"{SEED_BLOCK_GOLDEN} exists: delete it first to regenerate it on purpose")
    SEED_BLOCK_GOLDEN.write_text(render_seed(), encoding="utf-8", newline="\n")
    print(f"wrote {SEED_BLOCK_GOLDEN}")


if __name__ == "__main__":
    _write_golden()


# The README's tables (and `list --format markdown`) are tabulate's "github" tables, written without its cost.

_CELL_TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30)


@settings(max_examples=500, deadline=None)
@given(
    headers=st.lists(_CELL_TEXT, min_size=1, max_size=7),
    cells=st.lists(st.lists(_CELL_TEXT, min_size=7, max_size=7), min_size=1, max_size=4),
)
def test_github_table_is_tabulates_output(headers: list[str], cells: list[list[str]]) -> None:
    import tabulate

    rows = [row[: len(headers)] for row in cells]
    wide, tabulate.WIDE_CHARS_MODE = tabulate.WIDE_CHARS_MODE, False
    try:
        expected = tabulate.tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True) + "\n"
    finally:
        tabulate.WIDE_CHARS_MODE = wide
    assert github_table(headers, rows) == expected


def test_github_table_counts_characters_not_display_cells() -> None:
    """The same README on every machine, whether or not wcwidth is installed."""
    assert github_table(["Event", "Date"], [["東京", "2023-01-01"]]) == (
        "| Event   | Date       |\n|---------|------------|\n| 東京      | 2023-01-01 |\n"
    )
