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
    line, col, children = doc.mark[:3]
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
    assert [str(p) for p in doc.problems] == ["t.yaml:2:1: a catalogue is one YAML document; found a second one"]


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


def test_only_the_parsers_errors_are_invalid_yaml_a_bug_is_not() -> None:
    # No file talkcat decodes holds a lone surrogate: text with one is a caller's bug, and must show
    # as an error, not be reported as "invalid YAML" at some line.
    with pytest.raises(UnicodeEncodeError):
        yamlread.load("talks:\n- title: \udc80\n", "t.yaml")


def test_deep_nesting_stops_at_a_hundred_levels() -> None:
    doc = load("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert [str(p) for p in doc.problems] == ["t.yaml:1:103: nested more than 100 levels deep; a catalogue needs four"]
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

    unsafe = ('typ="unsafe"', "typ='unsafe'", "UnsafeLoader", "FullLoader", "yaml.load(", "pickle", "eval(", "exec(")
    for path in Path(talkcat.__file__).parent.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert [word for word in unsafe if word in source] == [], path
    assert "YAML(" not in Path(yamlread.__file__).read_text(encoding="utf-8").replace('YAML(typ="safe", pure=True)', "")


def messages(text: str) -> list[str]:
    """What validation says about a catalogue's text, each problem as `line:col: message`."""
    from talkcat.validate import check_document

    checked = check_document(yamlread.load(dedent(text), "t.yaml"), "t.yaml")
    return [str(p).removeprefix("t.yaml:") for p in checked.problems]


def test_keys_that_are_not_strings_are_told_apart_and_shown_as_written() -> None:
    # True == 1 to Python, so `true:` and `1:` were one key, reported as "duplicate key 1";
    # a date key was shown as datetime.date(2024, 1, 1).
    assert messages(
        """\
        talks:
        - title: A
          date: 2024-01-01
          event: E
          true: x
          1: y
          2024-01-01: z
          0x1F: w
        """
    ) == [
        "5:3: unknown key true",
        "6:3: unknown key 1",
        "7:3: unknown key 2024-01-01",
        "8:3: unknown key 0x1F",
    ]


def test_a_huge_key_is_shortened_in_messages() -> None:
    key = "k" * 2_000_000  # longer than 1024: an explicit key (`? key`)
    problems = messages(f"talks:\n- title: A\n  date: 2024-01-01\n  event: E\n  ? {key}\n  : x\n  ? {key}\n  : y\n")
    assert problems == [
        f"5:5: unknown key '{'k' * 57}...'",
        f"7:5: duplicate key '{'k' * 57}...' (first at line 5)",
    ]


def test_a_tag_must_fit_its_value() -> None:
    doc = load(
        """\
        a: !!int hello
        b: !!int 12
        c: !!float 1
        d: !!str 12
        e: !!null x
        f: !!bool yes
        g: !!timestamp 2024-01-01
        h: !!timestamp soon
        i: !!float true
        """
    )
    assert [str(p) for p in doc.problems] == [
        "t.yaml:1:4: !!int hello is not an integer; drop the tag, or change the value",
        "t.yaml:5:4: !!null x is not null (~, null or nothing); drop the tag, or change the value",
        "t.yaml:6:4: !!bool yes is not true or false; drop the tag, or change the value",
        "t.yaml:8:4: !!timestamp soon is not a date; drop the tag, or change the value",
        "t.yaml:9:4: !!float true is not a number; drop the tag, or change the value",
    ]
    assert doc.data == {
        "a": None,
        "b": 12,
        "c": 1.0,
        "d": "12",
        "e": None,
        "f": None,
        "g": dt.date(2024, 1, 1),
        "h": None,
        "i": None,
    }
    assert type(doc.data["c"]) is float


def test_yaml_1_1_is_refused_not_read_with_1_2_rules() -> None:
    # Under 1.1, `on` would be true and 010 eight; talkcat reads 1.2 only, and says so.
    doc = load("%YAML 1.1\n---\na: on\n")
    assert [str(p) for p in doc.problems] == [
        "t.yaml:1:1: %YAML 1.1: talkcat reads YAML 1.2 only, where yes, no, on and off are strings "
        "and 010 is ten; write %YAML 1.2, or drop the line"
    ]
    assert load("%YAML 1.2\n---\na: on\n").problems == []


def test_an_unclosed_quote_is_traced_back_to_where_it_began() -> None:
    # The case: a quote left open on one line, closed by the apostrophe of
    # "Let's" many lines later, where the parser first notices.
    entries = [f"- title: Talk {n}\n  date: 2024-01-{n + 1:02d}\n  event: E\n" for n in range(20)]
    entries[3] = "- title: 'Unclosed\n  date: 2024-01-04\n  event: E\n"
    entries[15] = "- title: Let's talk\n  date: 2024-01-16\n  event: E\n"
    doc = yamlread.load("talks:\n" + "".join(entries), "t.yaml")
    assert [str(p) for p in doc.problems] == [
        "t.yaml:47:14: invalid YAML: did not find expected key (while parsing a block mapping that starts at "
        "line 11); the quoted value that starts at line 11 runs on to here: is a quote left open there?"
    ]


def test_a_list_item_missing_its_dash_is_one_problem_that_says_so() -> None:
    assert messages(
        """\
        talks:
        - title: A
          date: 2024-01-01
          event: E
          title: B
          date: 2024-01-02
          event: F
          location: Berlin
        """
    ) == [
        "5:3: duplicate key 'title' (first at line 2), and 2 more after it: "
        "if a new item starts here, it needs its `- ` (`- title: ...`)"
    ]
    # One key given twice is just that.
    assert messages("talks:\n- title: A\n  title: B\n  date: 2024-01-01\n  event: E\n") == [
        "3:3: duplicate key 'title' (first at line 2)"
    ]


def test_lines_are_counted_as_editors_count_them() -> None:
    # libyaml breaks lines at U+2028, U+2029 and NEL too; editors and grep do not. The
    # pyvideo archive has two U+2028 in a description, and every problem after them was
    # reported two lines late: a problem in one talk at the first line of the next.
    text = (
        "talks:\n"
        '- title: "One\u2028two\u2029three\x85four"\n'
        "  date: 2024-01-01\n"
        "  event: E\n"
        "- title: B\n"
        "  date: 2024-13-01\n"
        '  event: "E\u2028x"\n'
        "  kind: nope\n"
    )
    from talkcat.validate import check_document

    problems = check_document(yamlread.load(text, "t.yaml"), "t.yaml").problems
    assert [str(p).removeprefix("t.yaml:") for p in problems] == [
        "2:10: title must be one line without control characters",
        "6:9: date 2024-13-01 is not a real date (month must be in 1..12)",
        "7:10: event must be one line without control characters",
        "8:9: kind 'nope' is not one of talk, keynote, workshop, tutorial, panel, lightning, poster, podcast, lecture",
    ]
    assert [str(p) for p in yamlread.load("a: 'x\u2028y'\nb: [\n", "t.yaml").problems] == [
        "t.yaml:3:1: invalid YAML: did not find expected node content (while parsing a flow node)"
    ]


def test_each_node_ends_where_the_parser_says() -> None:
    doc = load(
        """\
        talks: &all
          - title: "quoted
        # not a comment"
            d: |+
              kept

          # a comment
          - title: y
            z: [1, 2]  # c
            u: |
              clipped


        # end
        """
    )
    assert doc.problems == []
    entries = doc.mark[2]["talks"][1]
    first, second = entries[2]
    assert first[3:5] == (7, 1)  # |+ keeps its blank line: it ends at the start of the comment's line
    assert first[2]["title"][1][3:] == (3, 17, '"')
    assert second[3:5] == (11, 14)  # after `clipped`, not after the blank lines that follow it
    assert second[2]["z"][1][3:] == (9, 14, "[")
    assert entries[3:5] == (11, 14)
