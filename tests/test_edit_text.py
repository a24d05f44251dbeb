"""`talkcat.edit`: entries spliced into, cut from and edited in a catalogue's text, nothing else moved."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talkcat import edit
from talkcat.model import Talk
from talkcat.store import parse_catalogue
from talkcat.validate import Rules
from talkcat.yamlwrite import dump_entry

NEW = dump_entry({"title": "New", "date": dt.date(2023, 6, 1), "event": "X"})

COMMENTED = dedent(
    """\
    # My talks, newest first.
    talks:
    # 2024
    - title: B  # the newest
      date: 2024-05-01
      event: 'PyCon'
      tags: [a, b]

    # 2023
    - title: "A"
      date: 2023-01-01
      event: EuroPython
      description: |
        Hello

        ## Not a comment
    """
)


def parsed(text: str) -> Any:
    catalogue = parse_catalogue(text, Path("talks.yaml"), Rules(repo_root=None))
    assert catalogue.problems == []
    return catalogue


def lines(text: str) -> list[edit.Extent]:
    return parsed(text).checked.extents()


def talks(text: str) -> list[Talk]:
    return list(parsed(text).talks)


def test_position_is_newest_first_after_the_same_day() -> None:
    dates = [dt.date(2024, 1, 1), dt.date(2023, 1, 1), dt.date(2023, 1, 1), dt.date(2022, 1, 1)]
    assert edit.position_for(dates, dt.date(2025, 1, 1)) == 0
    assert edit.position_for(dates, dt.date(2023, 1, 1)) == 3
    assert edit.position_for(dates, dt.date(2023, 6, 1)) == 1
    assert edit.position_for(dates, dt.date(2000, 1, 1)) == 4
    assert edit.position_for([], dt.date(2000, 1, 1)) == 0


def test_insert_at_the_top_goes_above_the_first_heading_comment() -> None:
    out = edit.insert_entry(COMMENTED, lines(COMMENTED), 0, NEW)
    assert out == COMMENTED.replace(
        "talks:\n# 2024\n", "talks:\n- title: New\n  date: 2023-06-01\n  event: X\n\n# 2024\n"
    )


def test_insert_in_the_middle_keeps_the_next_entrys_comment_with_it() -> None:
    out = edit.insert_entry(COMMENTED, lines(COMMENTED), 1, NEW)
    assert out == COMMENTED.replace(
        "  tags: [a, b]\n\n# 2023\n",
        "  tags: [a, b]\n\n- title: New\n  date: 2023-06-01\n  event: X\n\n# 2023\n",
    )


def test_insert_at_the_end_follows_the_blank_line_style() -> None:
    out = edit.insert_entry(COMMENTED, lines(COMMENTED), 2, NEW)
    assert out == COMMENTED + "\n- title: New\n  date: 2023-06-01\n  event: X\n"


def test_no_blank_lines_between_entries_means_none_added() -> None:
    text = "talks:\n- title: B\n  date: 2024-01-01\n  event: E\n- title: A\n  date: 2022-01-01\n  event: E\n"
    out = edit.insert_entry(text, lines(text), 1, NEW)
    assert out == text.replace("- title: A", NEW + "- title: A")


@pytest.mark.parametrize("index", [0, 1, 2])
def test_insert_then_remove_gives_the_text_back(index: int) -> None:
    out = edit.insert_entry(COMMENTED, lines(COMMENTED), index, NEW)
    assert [t.title for t in talks(out)] == [["New", "B", "A"], ["B", "New", "A"], ["B", "A", "New"]][index]
    assert edit.remove_entry(out, lines(out), index) == COMMENTED


def test_remove_the_first_entry_leaves_its_neighbours_comments() -> None:
    out = edit.remove_entry(COMMENTED, lines(COMMENTED), 0)
    assert out == COMMENTED.replace(
        "- title: B  # the newest\n  date: 2024-05-01\n  event: 'PyCon'\n  tags: [a, b]\n\n", ""
    )


def test_remove_the_last_entry_takes_the_blank_line_before_it() -> None:
    out = edit.remove_entry(COMMENTED, lines(COMMENTED), 1)
    assert out == COMMENTED.split('- title: "A"')[0]
    assert [t.title for t in talks(out)] == ["B"]


def test_remove_the_only_entry_leaves_an_empty_list() -> None:
    text = "# header\ntalks:  # mine\n- title: A\n  date: 2022-01-01\n  event: E\n# trailing\n"
    assert edit.remove_entry(text, lines(text), 0) == "# header\ntalks: []  # mine\n# trailing\n"


@pytest.mark.parametrize(
    ("empty", "filled"),
    [
        ("talks: []\n", "talks:\n" + NEW),
        ("talks: []  # none yet\n", "talks:  # none yet\n" + NEW),
        ("# c\ntalks:\n# add talks below\n", "# c\ntalks:\n" + NEW + "# add talks below\n"),
        ("talks: []", "talks:\n" + NEW),
    ],
)
def test_first_entry_of_an_empty_list(empty: str, filled: str) -> None:
    out = edit.insert_entry(empty, [], 0, NEW)
    assert out == filled
    assert [t.title for t in talks(out)] == ["New"]


def test_empty_list_round_trip() -> None:
    text = "talks: []  # none yet\n"
    out = edit.insert_entry(text, [], 0, NEW)
    assert edit.remove_entry(out, lines(out), 0) == text


def test_an_odd_empty_list_is_refused() -> None:
    with pytest.raises(edit.LayoutError, match="cannot add to"):
        edit.insert_entry("talks:\n  []\n", [], 0, NEW)


@pytest.mark.parametrize("properties", ["&all", "!!seq", "&all !!seq"])
def test_an_anchor_or_tag_on_the_list_stays_where_it_is(properties: str) -> None:
    # Removing the only talk under `talks: &all` wrote `talks: [] &all`, which is not YAML.
    text = f"talks: {properties}  # mine\n- title: A\n  date: 2022-01-01\n  event: E\n"
    empty = edit.remove_entry(text, lines(text), 0)
    assert empty == f"talks: {properties} []  # mine\n"
    assert talks(empty) == []
    assert edit.insert_entry(empty, [], 0, NEW) == f"talks: {properties}  # mine\n" + NEW


def test_indented_list_gets_an_indented_entry() -> None:
    text = "talks:\n  - title: B\n    date: 2024-01-01\n    event: E\n"
    out = edit.insert_entry(text, lines(text), 1, NEW)
    assert out == text + "  - title: New\n    date: 2023-06-01\n    event: X\n"
    assert edit.remove_entry(out, lines(out), 1) == text


def test_crlf_file_keeps_crlf() -> None:
    text = "talks:\r\n- title: B\r\n  date: 2024-01-01\r\n  event: E\r\n"
    out = edit.insert_entry(text, lines(text), 1, NEW)
    assert out == text + NEW.replace("\n", "\r\n")
    assert edit.remove_entry(out, lines(out), 1) == text
    edited = edit.set_fields(text, lines(text), 0, {"location": "Online"})
    assert edited == text + "  location: Online\r\n"


def test_bom_is_kept() -> None:
    text = "\ufefftalks: []\n"
    out = edit.insert_entry(text, [], 0, NEW)
    assert out == "\ufefftalks:\n" + NEW
    assert edit.remove_entry(out, lines(out), 0) == text


def test_file_without_final_newline_round_trips() -> None:
    text = "talks:\n- title: B\n  date: 2024-01-01\n  event: E"
    out = edit.insert_entry(text, lines(text), 1, NEW)
    assert out == text + "\n" + NEW[:-1]
    assert edit.remove_entry(out, lines(out), 1) == text
    assert edit.set_fields(text, lines(text), 0, {"event": "F"}) == text[:-1] + "F"


def test_dash_on_its_own_line() -> None:
    text = (
        "talks:\n-\n  title: B\n  date: 2024-01-01\n  event: E\n-   # odd\n  title: A\n  date: 2022-01-01\n  event: E\n"
    )
    out = edit.insert_entry(text, lines(text), 1, NEW)
    assert out == text.replace("-   # odd", NEW + "-   # odd")
    assert edit.remove_entry(out, lines(out), 1) == text
    assert edit.remove_entry(text, lines(text), 0) == text.replace(
        "-\n  title: B\n  date: 2024-01-01\n  event: E\n", ""
    )


def test_flow_sequence_is_not_spliced() -> None:
    text = "talks: [{title: A, date: 2022-01-01, event: E}]\n"
    with pytest.raises(edit.LayoutError, match="block list"):
        edit.insert_entry(text, lines(text), 0, NEW)


def test_set_replaces_only_the_value_and_keeps_the_comment() -> None:
    out = edit.set_fields(COMMENTED, lines(COMMENTED), 0, {"title": "B, again: yes", "event": "PyCon DE"})
    assert out == COMMENTED.replace("- title: B  # the newest", "- title: 'B, again: yes'  # the newest").replace(
        "event: 'PyCon'", "event: PyCon DE"
    )


def test_set_adds_keys_in_field_order() -> None:
    changes = {
        "location": "Zürich",
        "id": "bee",
        "end_date": dt.date(2024, 5, 2),
        "video": {"label": "Watch", "url": "https://example.org/v"},
    }
    out = edit.set_fields(COMMENTED, lines(COMMENTED), 0, changes)
    assert out == COMMENTED.replace(
        "- title: B  # the newest\n  date: 2024-05-01\n  event: 'PyCon'\n  tags: [a, b]\n",
        "- id: bee\n  title: B  # the newest\n  date: 2024-05-01\n  end_date: 2024-05-02\n"
        "  event: 'PyCon'\n  location: Zürich\n  tags: [a, b]\n  video:\n    label: Watch\n"
        "    url: https://example.org/v\n",
    )


def test_set_a_list_and_a_description() -> None:
    out = edit.set_fields(COMMENTED, lines(COMMENTED), 0, {"tags": ["x"]})
    assert out == COMMENTED.replace("  tags: [a, b]\n", "  tags:\n  - x\n")
    out = edit.set_fields(COMMENTED, lines(COMMENTED), 1, {"description": "Two\nlines\n"})
    assert out == COMMENTED.replace("    Hello\n\n    ## Not a comment\n", "    Two\n    lines\n")


def test_unset_a_key_and_the_key_on_the_dash_line() -> None:
    out = edit.set_fields(COMMENTED, lines(COMMENTED), 0, {"tags": edit.UNSET})
    assert out == COMMENTED.replace("  tags: [a, b]\n", "")
    text = "talks:\n- id: x\n  title: A\n  date: 2022-01-01\n  event: E\n"
    assert edit.set_fields(text, lines(text), 0, {"id": edit.UNSET}) == text.replace("id: x\n  ", "")


def test_unset_keeps_the_comment_above_the_next_key() -> None:
    text = "talks:\n- title: A\n  location: Here\n  # when\n  date: 2022-01-01\n  event: E\n"
    out = edit.set_fields(text, lines(text), 0, {"location": edit.UNSET})
    assert out == "talks:\n- title: A\n  # when\n  date: 2022-01-01\n  event: E\n"


def test_flow_mapping_entry_needs_a_rewrite() -> None:
    text = "talks:\n- {title: A, date: 2022-01-01, event: E}\n# after\n"
    with pytest.raises(edit.LayoutError, match="block mapping"):
        edit.set_fields(text, lines(text), 0, {"event": "F"})
    entry = dump_entry({"title": "A", "date": dt.date(2022, 1, 1), "event": "F"})
    out = edit.rewrite_entry(text, lines(text), 0, entry)
    assert out == "talks:\n- title: A\n  date: 2022-01-01\n  event: F\n# after\n"


_TITLES = st.text(alphabet="abc :#'\"-é", min_size=1, max_size=12).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(
    # A title ending in ` #` is refused: a markdown heading would drop it.
    title=_TITLES.filter(lambda t: not re.search(r"(^|\s)#+\Z", t)),
    day=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2025, 12, 31)),
    tags=st.lists(_TITLES, max_size=2),
    layout=st.sampled_from([COMMENTED, "talks: []\n", COMMENTED.replace("\n", "\r\n")]),
)
def test_any_added_entry_lands_by_date_and_comes_out_again(
    title: str, day: dt.date, tags: list[str], layout: str
) -> None:
    before = talks(layout)
    entry: dict[str, Any] = {"id": "new-one", "title": title, "date": day, "event": "E"}
    if tags:
        entry["tags"] = tags
    index = edit.position_for([t.date for t in before], day)
    out = edit.insert_entry(layout, lines(layout), index, dump_entry(entry))
    assert talks(out) == [*before[:index], Talk.from_mapping(entry), *before[index:]]
    assert edit.remove_entry(out, lines(out), index) == layout


# Values whose lines look like something else: the parser's end marks say where they end.
HASH_LINES = {
    "double-quoted": '  description: "Intro\n\n## Outline"\n',
    "single-quoted": "  description: 'Intro\n\n## Outline\n  more'\n",
    "single-quoted, ending on it": "  description: 'Intro\n\n## Outline'\n",
}


@pytest.mark.parametrize("value", HASH_LINES.values(), ids=HASH_LINES.keys())
def test_a_value_line_starting_with_a_hash_is_part_of_its_talk(value: str) -> None:
    text = (
        "talks:\n- title: A\n  date: 2024-01-01\n  event: E\n"
        + value
        + "# 2023\n- title: B\n  date: 2023-01-01\n  event: E\n"
    )
    assert [t.title for t in talks(text)] == ["A", "B"]
    removed = edit.remove_entry(text, lines(text), 0)
    assert removed == "talks:\n# 2023\n- title: B\n  date: 2023-01-01\n  event: E\n"
    edited = edit.set_fields(text, lines(text), 0, {"description": "New"})
    assert edited == text.replace(value, "  description: New\n")
    added = edit.insert_entry(text, lines(text), 1, NEW)
    assert added == text.replace("# 2023\n", NEW + "# 2023\n")


def test_a_kept_trailing_blank_line_stays_with_its_description() -> None:
    # `|+` keeps the blank lines after its text: adding or removing a talk next to it
    # must leave them in the value (today: "please report this").
    text = (
        "talks:\n- title: A\n  date: 2024-01-01\n  event: E\n  description: |+\n    Text\n\n"
        "- title: B\n  date: 2023-01-01\n  event: E\n"
    )
    before = talks(text)
    assert before[0].description == "Text\n\n"
    added = edit.insert_entry(text, lines(text), 1, NEW)
    new = Talk.from_mapping({"title": "New", "date": dt.date(2023, 6, 1), "event": "X"})
    assert talks(added) == [before[0], new, before[1]]
    assert edit.remove_entry(added, lines(added), 1) == text
    removed = edit.remove_entry(text, lines(text), 1)
    assert talks(removed) == [before[0]]
    assert removed == "talks:\n- title: A\n  date: 2024-01-01\n  event: E\n  description: |+\n    Text\n\n"
    assert edit.set_fields(text, lines(text), 0, {"event": "F"}) == text.replace("event: E\n  desc", "event: F\n  desc")


def test_kept_blank_lines_that_end_the_file_stay_with_the_last_talk() -> None:
    # The parser's end mark then sits past the last line break: adding after that talk,
    # removing or rewriting it raised an IndexError (a traceback from `talkcat add`).
    text = "talks:\n- title: A\n  date: 2024-01-01\n  event: E\n  description: |+\n    Text\n\n\n"
    before = talks(text)
    assert before[0].description == "Text\n\n\n"
    added = edit.insert_entry(text, lines(text), 1, NEW)
    new = Talk.from_mapping({"title": "New", "date": dt.date(2023, 6, 1), "event": "X"})
    assert talks(added) == [before[0], new]
    assert edit.remove_entry(added, lines(added), 1) == text
    assert talks(edit.rewrite_entry(text, lines(text), 0, NEW)) == [new]
    assert edit.remove_entry(text, lines(text), 0) == "talks: []\n"


def test_a_change_that_would_reach_beyond_its_talk_is_refused() -> None:
    text = "talks:\n- title: A\n  date: 2024-01-01\n  event: E\n- title: B\n  date: 2023-01-01\n  event: E\n"
    (first, _, _), second = lines(text)
    # Extents that claim the first talk runs into the second, as a misread would.
    wrong = [(first, 6, 1), second]
    with pytest.raises(edit.LayoutError, match="would reach beyond the talk") as info:
        edit.remove_entry(text, wrong, 0)
    assert info.value.problems[0].line == 2
    with pytest.raises(edit.LayoutError, match="would reach beyond the talk"):
        edit.rewrite_entry(text, wrong, 0, NEW)
