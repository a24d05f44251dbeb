"""The three-way merge of catalogue texts (`talkcat.merge`) and the conflicts it leaves (`talkcat.conflicts`).

Pure: texts in, text out. The end-to-end merges with real git are in
test_merge_driver.py; here, each rule on small texts, and a property test:
random add/edit/remove sequences on two branches, merged, against a model
that knows only the rules (ids, fields, three values each).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from textwrap import dedent
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talkcat import conflicts, edit, merge, store
from talkcat.model import Talk
from talkcat.validate import Checked
from talkcat.yamlwrite import dump_entry

PATH = Path("data/talks.yaml")


def parse(text: str) -> Checked:
    return store.parse_catalogue(text, PATH).checked


def version(text: str) -> merge.Version:
    checked = parse(text)
    assert not checked.problems, checked.problems
    return merge.Version(text, checked)


def merged(base: str | None, ours: str, theirs: str) -> merge.Result:
    return merge.merge(version(base) if base is not None else None, version(ours), version(theirs), parse)


BASE = dedent(
    """\
    talks:
    - title: Second
      date: 2023-05-01
      event: Conf B
      location: Berlin

    - title: First
      date: 2022-01-01
      event: Conf A
    """
)


def test_theirs_addition_goes_in_at_its_date_with_its_own_lines() -> None:
    theirs = BASE.replace(
        "- title: First", "- title: Between  # new\n  date: '2022-06-01'\n  event: Conf C\n\n- title: First"
    )
    result = merged(BASE, BASE, theirs)
    assert result.text == BASE.replace(
        "- title: First", "- title: Between  # new\n  date: '2022-06-01'\n  event: Conf C\n\n- title: First"
    )
    assert [t.title for t in result.talks] == ["Second", "Between", "First"]
    assert result.conflicts == []


def test_ours_bytes_stay_when_theirs_changes_another_field() -> None:
    ours = BASE.replace("location: Berlin", "location: 'Berlin'   # the old venue")
    theirs = BASE.replace("event: Conf A", "event: Conf A\n  video: https://youtu.be/x")
    result = merged(BASE, ours, theirs)
    assert result.text == ours.replace("event: Conf A", "event: Conf A\n  video: https://youtu.be/x")


def test_both_sides_adding_the_same_talk_keep_one_and_merge_its_fields() -> None:
    added = "- id: talk-c\n  title: Third\n  date: 2024-01-01\n  event: Conf C\n"
    ours = BASE.replace("talks:\n", "talks:\n" + added + "  location: Rome\n")
    theirs = BASE.replace("talks:\n", "talks:\n" + added + "  tags: [x]\n")
    result = merged(BASE, ours, theirs)
    assert result.conflicts == []
    assert result.text == ours.replace("  location: Rome\n", "  location: Rome\n  tags:\n  - x\n")


def test_no_base_both_sides_added_the_file() -> None:
    ours = "talks:\n- title: A\n  date: 2024-01-02\n  event: E\n"
    theirs = "talks:\n- title: B\n  date: 2024-01-03\n  event: F\n"
    result = merged(None, ours, theirs)
    assert (
        result.text
        == "talks:\n- title: B\n  date: 2024-01-03\n  event: F\n- title: A\n  date: 2024-01-02\n  event: E\n"
    )


def test_a_retitled_talk_is_still_itself() -> None:
    ours = BASE.replace("title: Second", "title: Second, retitled")
    theirs = BASE.replace("location: Berlin", "location: Munich")
    result = merged(BASE, ours, theirs)
    assert result.conflicts == []
    assert result.text == ours.replace("location: Berlin", "location: Munich")


def test_a_field_changed_both_ways_is_marked_around_its_lines_only() -> None:
    ours = BASE.replace("location: Berlin", "location: Munich")
    theirs = BASE.replace("location: Berlin", "location: Hamburg").replace("event: Conf A", "event: Conf A2")
    result = merged(BASE, ours, theirs)
    assert result.text == dedent(
        """\
        talks:
        - title: Second
          date: 2023-05-01
          event: Conf B
        <<<<<<< ours
          location: Munich
        =======
          location: Hamburg
        >>>>>>> theirs

        - title: First
          date: 2022-01-01
          event: Conf A2
        """
    )
    assert result.clean == ours.replace("event: Conf A", "event: Conf A2")
    assert conflicts.resolve(result.text, "ours") == result.clean
    assert conflicts.resolve(result.text, "theirs") == result.clean.replace("Munich", "Hamburg")
    assert [str(p) for p in conflicts.problems(result.text, "data/talks.yaml")] == [
        "data/talks.yaml:5:1: merge conflict in 'Second' (2023-05-01-second), "
        "location: 'Munich' in ours, 'Hamburg' in theirs"
    ]


def test_two_fields_of_one_talk_changed_both_ways_are_two_conflicts() -> None:
    ours = BASE.replace("event: Conf B\n  location: Berlin", "event: Conf B1\n  location: Munich")
    theirs = BASE.replace("event: Conf B\n  location: Berlin", "event: Conf B2\n  location: Hamburg")
    result = merged(BASE, ours, theirs)
    assert [(c.field, c.ours, c.theirs) for c in result.conflicts] == [
        ("event", "Conf B1", "Conf B2"),
        ("location", "Munich", "Hamburg"),
    ]
    assert (
        "<<<<<<< ours\n  event: Conf B1\n  location: Munich\n=======\n  event: Conf B2\n  location: Hamburg\n"
        in result.text
    )
    assert [p.message for p in conflicts.problems(result.text, "x")] == [
        "merge conflict in 'Second' (2023-05-01-second), event: 'Conf B1' in ours, 'Conf B2' in theirs",
        "merge conflict in 'Second' (2023-05-01-second), location: 'Munich' in ours, 'Hamburg' in theirs",
    ]


def test_a_description_conflict_marks_only_the_lines_that_differ() -> None:
    base = BASE.replace(
        "  location: Berlin\n", "  location: Berlin\n  description: |-\n    One.\n    Two.\n    Three.\n"
    )
    result = merged(base, base.replace("Two.", "Two, ours."), base.replace("Two.", "Two, theirs."))
    assert (
        "    One.\n<<<<<<< ours\n    Two, ours.\n=======\n    Two, theirs.\n>>>>>>> theirs\n    Three.\n" in result.text
    )
    assert [p.message for p in conflicts.problems(result.text, "x")] == [
        "merge conflict in 'Second' (2023-05-01-second), "
        "description: 'One.' (3 lines) in ours, 'One.' (3 lines) in theirs"
    ]


def test_a_longer_marker_size_as_git_asks() -> None:
    ours = BASE.replace("location: Berlin", "location: Munich")
    theirs = BASE.replace("location: Berlin", "location: Hamburg")
    result = merge.merge(version(BASE), version(ours), version(theirs), parse, marker_size=9)
    assert "<<<<<<<<< ours\n  location: Munich\n=========\n  location: Hamburg\n>>>>>>>>> theirs\n" in result.text
    assert len(conflicts.problems(result.text, "x")) == 1


def test_a_flow_mapping_talk_is_rewritten_as_a_whole_when_theirs_changes_it() -> None:
    base = "talks:\n- {title: A, date: 2024-01-02, event: E}\n"
    result = merged(base, base, "talks:\n- {title: A, date: 2024-01-02, event: E, location: Rome}\n")
    assert result.text == "talks:\n- title: A\n  date: 2024-01-02\n  event: E\n  location: Rome\n"


def test_git_diff3_hunks_and_unreadable_sides_are_still_named() -> None:
    text = dedent(
        """\
        talks:
        - title: A
          date: 2024-01-02
          event: E
        <<<<<<< HEAD
          location: Rome
        ||||||| base
          location: Milan
        =======
          location: Turin
        >>>>>>> feature
        """
    )
    assert [p.message for p in conflicts.problems(text, "x")] == [
        "merge conflict in 'A' (2024-01-02-a), location: 'Rome' in ours, 'Turin' in theirs"
    ]
    broken = "talks:\n<<<<<<< HEAD\n- title: [A\n=======\n- title: B\n  date: 2024-01-01\n  event: E\n>>>>>>> x\n"
    assert [str(p) for p in conflicts.problems(broken, "x")] == [
        "x:2:1: merge conflict: keep what each side should keep between the <<<<<<< and >>>>>>> lines"
    ]
    assert conflicts.problems("talks: []\n<<<<<<< only an opener\n", "x") == []


# -- the property: random branches against a model ---------------------------------

DATES = [dt.date(2024, 5, day) for day in (1, 2, 3)] + [dt.date(2023, 1, 9)]
LOCATIONS = ["Berlin", "Online", "Rome, Italy"]
TAGS = [["ml"], ["ml", "python"]]


@st.composite
def _talk(draw: st.DrawFn, number: int) -> dict[str, Any]:
    """A talk whose title and event are its own: no two talks are alike but by id."""
    entry: dict[str, Any] = {}
    if draw(st.booleans()):
        entry["id"] = f"talk-{number}"
    entry["title"] = f"Talk {number}"
    entry["date"] = draw(st.sampled_from(DATES))
    entry["event"] = f"Event {number}"
    if draw(st.booleans()):
        entry["location"] = draw(st.sampled_from(LOCATIONS))
    if draw(st.booleans()):
        entry["tags"] = draw(st.sampled_from(TAGS))
    return entry


@st.composite
def _edits(draw: st.DrawFn, talks: dict[str, dict[str, Any]], pool: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A branch: the base's talks after a few random adds, edits and removals."""
    state = {slug: dict(entry) for slug, entry in talks.items()}
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["add", "edit", "remove"]))
        if action == "add":
            new = dict(draw(st.sampled_from(pool)))
            if draw(st.booleans()):
                new["location"] = draw(st.sampled_from(LOCATIONS))
            if _slug(new) not in state:
                state[_slug(new)] = new
        elif state:
            slug = draw(st.sampled_from(sorted(state)))
            if action == "remove":
                del state[slug]
                continue
            # A talk without an id keeps its title and date, which make it.
            names = ["location", "tags", "video"] + (["title"] if "id" in state[slug] else [])
            name = draw(st.sampled_from(names))
            values: dict[str, list[Any]] = {
                "location": [None, *LOCATIONS],
                "tags": [None, *TAGS],
                "video": [None, "https://youtu.be/a", "https://youtu.be/b"],
                "title": [f"{state[slug]['title']} (ours)", f"{state[slug]['title']} (theirs)"],
            }
            value = draw(st.sampled_from(values[name]))
            if value is None:
                state[slug].pop(name, None)
            else:
                state[slug][name] = value
    return state


def _slug(entry: dict[str, Any]) -> str:
    return Talk.from_mapping(entry).slug


def _text(base_text: str, base: dict[str, dict[str, Any]], state: dict[str, dict[str, Any]]) -> str:
    """The branch's catalogue, made from the base's text as `talkcat add`, `edit` and `remove` make it."""
    text = base_text
    for slug in [s for s in base if s not in state]:
        checked = parse(text)
        index = [t.slug for t in checked.talks if t is not None].index(slug)
        text = edit.remove_entry(text, checked.extents(), index)
    for slug, entry in state.items():
        checked = parse(text)
        talks = [t for t in checked.talks if t is not None]
        slugs = [t.slug for t in talks]
        if slug not in slugs:
            index = edit.position_for([t.date for t in talks], entry["date"])
            text = edit.insert_entry(text, checked.extents(), index, dump_entry(Talk.from_mapping(entry).to_mapping()))
            continue
        index = slugs.index(slug)
        old, new = talks[index].to_mapping(), Talk.from_mapping(entry).to_mapping()
        changes = {n: new.get(n, edit.UNSET) for n in {*old, *new} if old.get(n) != new.get(n)}
        if changes:
            text = edit.set_fields(text, checked.extents(), index, changes)
    return text


def _model(
    base: dict[str, dict[str, Any]], ours: dict[str, dict[str, Any]], theirs: dict[str, dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], set[tuple[str, str | None]]]:
    """The talks the merge must hold (ours' side of each conflict) and its conflicts, by the rules alone."""
    talks: dict[str, dict[str, Any]] = {}
    found: set[tuple[str, str | None]] = set()
    for slug in dict.fromkeys([*base, *ours, *theirs]):
        b, o, t = base.get(slug), ours.get(slug), theirs.get(slug)
        if o is not None and t is not None:
            was = Talk.from_mapping(b).to_mapping() if b is not None else {}
            mine, yours = Talk.from_mapping(o).to_mapping(), Talk.from_mapping(t).to_mapping()
            result = dict(mine)
            for name in {*was, *mine, *yours}:
                if mine.get(name) == yours.get(name) or yours.get(name) == was.get(name):
                    continue
                if mine.get(name) == was.get(name):
                    result[name] = yours[name] if name in yours else None
                else:
                    found.add((Talk.from_mapping(o).slug, name))
            talks[slug] = {name: value for name, value in result.items() if value is not None}
        elif b is not None and o is None and t is not None and t != b:
            found.add((slug, None))  # removed in ours, changed in theirs: ours' side has no talk
        elif b is not None and t is None and o is not None and o != b:
            found.add((slug, None))
            talks[slug] = Talk.from_mapping(o).to_mapping()
        elif b is None and (o or t) is not None:
            talks[slug] = Talk.from_mapping(o or t or {}).to_mapping()
    return talks, found


@st.composite
def _branches(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
    count = draw(st.integers(0, 4))
    base = {}
    for number in range(count):
        entry = draw(_talk(number))
        base[_slug(entry)] = entry
    pool = [draw(_talk(number)) for number in range(100, 103)]
    entries = sorted(base.values(), key=lambda e: e["date"], reverse=True)
    gap = draw(st.sampled_from(["", "\n", "\n# a comment between talks\n"]))
    body = gap.join(dump_entry(Talk.from_mapping(e).to_mapping()) for e in entries)
    text = "# my talks\ntalks:\n" + body if entries else "talks: []\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text, base, draw(_edits(base, pool)), draw(_edits(base, pool))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_branches())
def test_random_branches_merge_as_the_model_says(
    branches: tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]],
) -> None:
    base_text, base, ours, theirs = branches
    ours_text, theirs_text = _text(base_text, base, ours), _text(base_text, base, theirs)
    result = merged(base_text, ours_text, theirs_text)
    expected, found = _model(base, ours, theirs)
    assert {(c.slug, c.field) for c in result.conflicts} == found
    assert {t.slug: t.to_mapping() for t in result.talks} == {Talk.from_mapping(e).slug: e for e in expected.values()}
    assert list(parse(result.clean).talks) == result.talks
    dates = [t.date for t in result.talks]
    assert dates == sorted(dates, reverse=True)  # newest first, theirs' talks in among ours
    newline = "\r\n" if "\r\n" in base_text else "\n"
    assert result.text.count("\n") == result.text.count(newline)
    if not found:
        assert result.text == result.clean
        return
    # Taking ours' side of every conflict gives the clean text; theirs' side, a valid catalogue with theirs' values.
    assert conflicts.resolve(result.text, "ours") == result.clean
    theirs_side = parse(conflicts.resolve(result.text, "theirs"))
    assert not theirs_side.problems
    messages = [p.message for p in conflicts.problems(result.text, "data/talks.yaml")]
    for slug, name in found:
        where = f"({slug}), {name}:" if name is not None else f"({slug}):"
        assert any(where in message for message in messages), (where, messages)


def test_a_talk_that_only_looks_like_a_removed_one_is_not_taken_for_it() -> None:
    # Ours removed Old talk and added another talk on that day of that event; theirs
    # added a video to Old talk. Matched by "two of title, date and event", the video
    # went to the new talk, with no conflict; by id, it is a removed-and-changed conflict.
    base = "talks:\n- title: Old talk\n  date: 2024-05-01\n  event: PyCon DE 2024\n  location: Berlin\n"
    ours = "talks:\n- title: 'Lightning: new thing'\n  date: 2024-05-01\n  event: PyCon DE 2024\n  kind: lightning\n"
    theirs = base + "  video: https://youtu.be/OLDTALK\n"
    result = merged(base, ours, theirs)
    assert [(c.slug, c.field) for c in result.conflicts] == [("2024-05-01-old-talk", None)]
    assert "video: https://youtu.be/OLDTALK" not in result.clean
    assert [t.title for t in _talks_in(result.clean)] == ["Lightning: new thing"]


def _talks_in(text: str) -> list[Talk]:
    return [t for t in parse(text).talks if t is not None]
