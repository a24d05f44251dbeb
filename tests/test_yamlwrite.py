"""yamlwrite: exact text for known entries, and a load-back round trip for any entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from textwrap import dedent
from typing import Any

import pytest
from helpers import ENTRIES, STRINGS
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from talkcat.yamlwrite import dump_catalogue, dump_entry, dump_scalar

try:
    import yaml as pyyaml  # type: ignore[import-untyped]  # test-only: the YAML 1.1 reading
except ImportError:  # pragma: no cover
    pyyaml = None

TYPICAL = {
    "title": "How to find your people actually",
    "date": dt.date(2023, 4, 19),
    "event": "SSI Community Building Group",
    "location": "Online",
    "tags": ["community", "python"],
    "slides": {
        "label": "Slides",
        "url": "https://github.com/x/y/tree/main/2023-04-19%20Community%20Talk/",
    },
    "description": "A guide on how to find ...\n\nSecond paragraph.\n",
}

TYPICAL_TEXT = """\
- title: How to find your people actually
  date: 2023-04-19
  event: SSI Community Building Group
  location: Online
  tags:
  - community
  - python
  slides:
    label: Slides
    url: https://github.com/x/y/tree/main/2023-04-19%20Community%20Talk/
  description: |
    A guide on how to find ...

    Second paragraph.
"""


def test_typical_entry() -> None:
    assert dump_entry(TYPICAL) == TYPICAL_TEXT


def test_catalogue_is_header_then_talks() -> None:
    header = "# My talks\n#\n# Edit by hand or with talkcat.\n"
    assert dump_catalogue([TYPICAL], header=header) == header + "talks:\n" + TYPICAL_TEXT


def test_catalogue_without_entries() -> None:
    assert dump_catalogue([]) == "talks: []\n"
    assert dump_catalogue([], header="# Talks\n\n") == "# Talks\n\ntalks: []\n"


@pytest.mark.parametrize("header", ["no hash\n", "# no newline", "# ok\nbad\n"])
def test_header_must_be_comment_lines(header: str) -> None:
    with pytest.raises(ValueError, match="header"):
        dump_catalogue([], header=header)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("NO", "'NO'"),
        ("yes", "'yes'"),
        ("Off", "'Off'"),
        ("y", "'y'"),
        ("yEs", "'yEs'"),
        ("2023-04-19", "'2023-04-19'"),
        ("2001-12-14 21:59:43.10 -5", "'2001-12-14 21:59:43.10 -5'"),
        ("1:20", "'1:20'"),
        ("0o17", "'0o17'"),
        ("0x1F", "'0x1F'"),
        ("1_000", "'1_000'"),
        ("1e3", "'1e3'"),
        ("-.inf", "'-.inf'"),
        (".NaN", "'.NaN'"),
        ("null", "'null'"),
        ("~", "'~'"),
        ("=", "'='"),
        ("<<", "'<<'"),
        ("", "''"),
        ("# not a comment", "'# not a comment'"),
        ("C# in anger", "C# in anger"),
        ("a #b", "'a #b'"),
        ("- dash", "'- dash'"),
        ("key: value", "'key: value'"),
        ("key:value", "key:value"),
        ("ends with:", "'ends with:'"),
        ("'quotes'", "'''quotes'''"),
        ('"double"', "'\"double\"'"),
        ("@handle", "'@handle'"),
        ("`code`", "'`code`'"),
        (" padded ", "' padded '"),
        ("tab\there", "'tab\there'"),
        ("2023 recap: what changed", "'2023 recap: what changed'"),
        ("10 tips, [maybe] {more}", "10 tips, [maybe] {more}"),
        ("Python 3.12", "Python 3.12"),
        ("Talk 🎤 with 😀", "Talk 🎤 with 😀"),
        ("日本語でのトーク", "日本語でのトーク"),
        ("Grüße aus Köln", "Grüße aus Köln"),
        ("two\nlines", '"two\\nlines"'),
        ("cr\r\n", '"cr\\r\\n"'),
        ('bell\x07 "and" \\', '"bell\\x07 \\"and\\" \\\\"'),
        ("nel\x85 ls\u2028 ps\u2029", '"nel\\x85 ls\\u2028 ps\\u2029"'),
        ("\ufeffbom", '"\\ufeffbom"'),
        ("del\x7f \ufffe \ud800", '"del\\x7f \\ufffe \\ud800"'),
    ],
)
def test_awkward_scalars(value: str, expected: str) -> None:
    assert dump_scalar(value) == expected


def test_awkward_scalars_in_an_entry() -> None:
    entry = {
        "title": "2023-04-19",
        "event": "# not a comment",
        "location": "NO",
        "tags": ["yes", "null", "1:20", "- dash", "日本語", "🎤"],
        "link": {"label": "key: value", "url": "'quotes'"},
    }
    assert dump_entry(entry) == dedent(
        """\
        - title: '2023-04-19'
          event: '# not a comment'
          location: 'NO'
          tags:
          - 'yes'
          - 'null'
          - '1:20'
          - '- dash'
          - 日本語
          - 🎤
          link:
            label: 'key: value'
            url: '''quotes'''
        """
    )


def test_other_value_types() -> None:
    entry: dict[str, Any] = {
        "count": 3,
        "neg": -1,
        "yes": True,
        "no": False,
        "none": None,
        "empty": [],
        "map": {},
    }
    assert dump_entry(entry) == dedent(
        """\
        - count: 3
          neg: -1
          'yes': true
          'no': false
          none: null
          empty: []
          map: {}
        """
    )


def test_empty_entry() -> None:
    assert dump_entry({}) == "- {}\n"


@pytest.mark.parametrize("value", [1.5, dt.datetime(2023, 4, 19, 10, 0), [["nested"]], b"bytes"])
def test_unsupported_values_raise(value: Any) -> None:
    with pytest.raises(TypeError):
        dump_entry({"title": value})


def test_description_is_a_literal_block() -> None:
    text = dump_entry({"title": "T", "description": "First paragraph.\n\nSecond one."})
    assert "  description: |-\n    First paragraph.\n\n    Second one.\n" in text
    assert "description: |" in dump_entry(TYPICAL)


@pytest.mark.parametrize(
    ("value", "block"),
    [
        ("one\ntwo\n", "|\n    one\n    two\n"),
        ("one\ntwo", "|-\n    one\n    two\n"),
        ("one\ntwo\n\n", "|+\n    one\n    two\n\n"),
        ("\n", "|+\n\n"),
        ("  indented\ncode\n", "|2\n      indented\n    code\n"),
        ("\n\n  late indent", "|2-\n\n\n      late indent\n"),
        ("\ttab first\nx", "|2-\n    \ttab first\n    x\n"),
        ("  \nspaces-only first line", "|2-\n      \n    spaces-only first line\n"),
        ("trailing spaces\nlast  ", "|-\n    trailing spaces\n    last  \n"),
    ],
)
def test_literal_block_indicators(value: str, block: str) -> None:
    assert dump_entry({"description": value}) == "- description: " + block


def test_literal_in_lists_and_nested_mappings() -> None:
    entry = {"tags": [" a\nb"], "slides": {"label": "x\ny\n", "url": "u"}}
    assert dump_entry(entry) == dedent(
        """\
        - tags:
          - |2-
             a
            b
          slides:
            label: |
              x
              y
            url: u
        """
    )


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("windows\r\nlines\r\n", '"windows\\r\\nlines\\r\\n"'),
        ("bell\x07\nx", '"bell\\x07\\nx"'),
        ("line\u2028sep\n", '"line\\u2028sep\\n"'),
    ],
)
def test_multi_line_falls_back_to_double_quotes(value: str, quoted: str) -> None:
    assert dump_entry({"description": value}) == f"- description: {quoted}\n"


def test_long_values_are_not_wrapped() -> None:
    title = " ".join(["word"] * 200)
    assert dump_entry({"title": title}) == f"- title: {title}\n"


# Round trip ---------------------------------------------------------------


# st.text() alone seldom draws what YAML readers resolve, so mix those in.
def to_plain(value: Any) -> Any:
    """ruamel's CommentedMap/CommentedSeq and string subclasses as dict, list and str."""
    if isinstance(value, Mapping):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def load_ruamel_rt(text: str) -> Any:
    return YAML(typ="rt").load(text)


def load_ruamel_c(text: str) -> Any:
    return YAML(typ="safe", pure=False).load(text)


def load_pyyaml_c(text: str) -> Any:
    return pyyaml.load(text, Loader=pyyaml.CSafeLoader)


LOADERS = [
    pytest.param(load_ruamel_rt, id="ruamel-rt-1.2"),
    pytest.param(load_ruamel_c, id="ruamel-c-1.2"),
    pytest.param(
        load_pyyaml_c,
        id="pyyaml-c-1.1",
        marks=pytest.mark.skipif(not hasattr(pyyaml, "CSafeLoader"), reason="PyYAML with libyaml is not installed"),
    ),
]


def test_ruamel_safe_loader_is_the_c_parser() -> None:
    # Without ruamel.yaml.clib, pure=False quietly falls back to Python.
    assert YAML(typ="safe", pure=False).Parser.__name__ == "CParser"


@pytest.mark.parametrize("load", LOADERS)
@settings(deadline=None)
@given(entries=st.lists(ENTRIES, max_size=3))
def test_catalogue_loads_back_exactly(load: Callable[[str], Any], entries: list[dict[str, Any]]) -> None:
    text = dump_catalogue(entries, header="# talks\n")
    assert to_plain(load(text)) == {"talks": entries}


@pytest.mark.parametrize("load", LOADERS)
@settings(deadline=None)
@given(value=STRINGS)
def test_any_string_loads_back_in_every_position(load: Callable[[str], Any], value: str) -> None:
    entry = {"title": value, "tags": [value, "x"], "slides": {"label": value, "url": value}}
    entry["description"] = value
    assert to_plain(load(dump_catalogue([entry, entry]))) == {"talks": [entry, entry]}


@given(STRINGS)
def test_dump_scalar_stays_on_one_line(value: str) -> None:
    assert "\n" not in dump_scalar(value)
