"""The event-based loader: YAML 1.2 meanings, marks, and what it refuses."""

from __future__ import annotations

import datetime as dt
from textwrap import dedent

import pytest

from talkcat import yamlread


def load(text: str) -> yamlread.Document:
    return yamlread.load(dedent(text), "t.yaml")


def test_yaml_1_2_scalars() -> None:
    doc = load(
        """\
        a: NO
        b: yes
        c: true
        d: 2023-04-19
        e: '2023-04-19'
        f: 12
        g: 0o17
        h: 1.5
        i: ~
        j:
        k: 2023-02-30
        l: "C# #1"
        """
    )
    assert doc.problems == []
    assert doc.data == {
        "a": "NO",
        "b": "yes",
        "c": True,
        "d": dt.date(2023, 4, 19),
        "e": "2023-04-19",
        "f": 12,
        "g": 15,
        "h": 1.5,
        "i": None,
        "j": None,
        "k": "2023-02-30",
        "l": "C# #1",
    }


def test_marks_are_one_based_key_and_value_positions() -> None:
    doc = load(
        """\
        talks:
        - title: A
          date: 2023-01-01
        """
    )
    line, col, children = doc.mark
    assert (line, col) == (1, 1)
    assert isinstance(children, dict)
    key_mark, value_mark = children["talks"]
    assert key_mark[:2] == (1, 1)
    entries = value_mark[2]
    assert isinstance(entries, list)
    assert entries[0][:2] == (2, 3)
    entry_children = entries[0][2]
    assert isinstance(entry_children, dict)
    assert entry_children["date"][1][:2] == (3, 9)


def test_malformed_yaml_is_a_problem_with_position() -> None:
    doc = load("talks:\n- title: a: b\n")
    assert [str(p) for p in doc.problems] == [
        "t.yaml:2:11: invalid YAML: mapping values are not allowed in this context"
    ]
    assert doc.data is None


def test_unknown_tags_are_refused_and_nothing_is_constructed() -> None:
    doc = load("a: !!python/object/apply:os.system ['echo hi']\nb: !custom x\n")
    assert [str(p) for p in doc.problems] == [
        "t.yaml:1:4: the tag !!python/object/apply:os.system is not allowed in a catalogue",
        "t.yaml:2:4: the tag !custom is not allowed in a catalogue",
    ]


def test_aliases_are_refused_so_an_alias_bomb_costs_nothing() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 30):
        prev = chr(ord("a") + n - 1) if n < 26 else f"a{n - 1}"
        name = chr(ord("a") + n) if n < 26 else f"a{n}"
        lines.append(f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    doc = yamlread.load("\n".join(lines) + "\n", "bomb.yaml")
    assert len(doc.problems) == 29  # one per anchor, at its first use
    assert all("aliases are not supported" in p.message for p in doc.problems)


def test_duplicate_keys_name_the_first() -> None:
    doc = load("a: 1\nb: 2\na: 3\n")
    assert [str(p) for p in doc.problems] == ["t.yaml:3:1: duplicate key 'a' (first at line 1)"]
    assert doc.data == {"a": 1, "b": 2}


def test_a_second_document_is_refused() -> None:
    doc = load("a: 1\n---\nb: 2\n")
    assert [str(p) for p in doc.problems] == [
        "t.yaml:2:1: a catalogue is one YAML document; found a second one"
    ]


@pytest.mark.parametrize("text", ["", "# only a comment\n"])
def test_empty_documents_load_as_none(text: str) -> None:
    doc = load(text)
    assert doc.data is None
    assert doc.problems == []


def test_tabs_for_indentation_are_a_yaml_error() -> None:
    doc = load("talks:\n\t- title: x\n")
    assert len(doc.problems) == 1
    assert doc.problems[0].line == 2


def test_the_parser_in_use_is_named() -> None:
    assert yamlread.parser_name() == "C (ruamel.yaml.clib)"


def test_a_character_yaml_refuses_is_located() -> None:
    doc = load("talks:\n- title: A\x07talk\n")
    assert [str(p) for p in doc.problems] == [
        "t.yaml:2:11: invalid YAML: unacceptable character #x0007: control characters are not allowed"
    ]


def test_deep_nesting_stops_at_a_hundred_levels() -> None:
    doc = load("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert [str(p) for p in doc.problems] == [
        "t.yaml:1:103: nested more than 100 levels deep; a catalogue needs four"
    ]
    assert load("a: " + "[" * 99 + "]" * 99 + "\n").problems == []


def test_a_number_too_long_for_int_is_still_a_number() -> None:
    doc = load("a: 1" + "0" * 5000 + "\nb: 1" + "0" * 4000 + "\n")
    assert doc.problems == []
    assert isinstance(doc.data["a"], float) and doc.data["b"] == 10**4000


def test_no_module_of_talkcat_can_construct_objects_from_yaml() -> None:
    # The catalogue is read by yamlread alone, from parser events; nothing
    # in talkcat may reach for a loader that builds objects from tags.
    from pathlib import Path

    import talkcat

    unsafe = ("typ=\"unsafe\"", "typ='unsafe'", "UnsafeLoader", "FullLoader", "yaml.load(", "pickle", "eval(", "exec(")
    for path in Path(talkcat.__file__).parent.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert [word for word in unsafe if word in source] == [], path
    assert "YAML(" not in Path(yamlread.__file__).read_text(encoding="utf-8").replace('YAML(typ="safe", pure=True)', "")
