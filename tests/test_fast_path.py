"""The fast read path (events from the C parser) loads what ruamel's round-trip loader loads."""

from __future__ import annotations

import datetime as dt
import importlib.util
import lzma
from pathlib import Path
from typing import Any

import pytest
from helpers import FAST_PATH_CATALOGUES as CATALOGUES
from helpers import ROOT, SHARED
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from talkcat import readme, store, yamlread
from talkcat.cli import app
from talkcat.errors import TalkcatError
from talkcat.model import Talk, slugify
from talkcat.validate import Rules

PYVIDEO = SHARED / "bench" / "pyvideo-talks.yaml.xz"
PYVIDEO_TALKS = 2000


def round_trip_talks(text: str) -> list[Talk | None]:
    """Every entry as ruamel's round-trip loader reads it, made a Talk where valid."""
    data = YAML(typ="rt").load(text)
    fast = fast_talks(text)
    return [Talk.from_mapping(entry) if talk is not None else None for entry, talk in zip(data["talks"] or [], fast)]


def fast_talks(text: str) -> list[Talk | None]:
    return store.parse_catalogue(text, Path("talks.yaml"), Rules()).checked.talks


def plain(value: Any) -> Any:
    """ruamel's round-trip types (CommentedMap, ScalarString, ...) as plain Python."""
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, dt.date)):
        return value
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    raise TypeError(f"unexpected {type(value)}")


def assert_same_catalogue(text: str) -> int:
    doc = yamlread.load(text, "talks.yaml")
    assert doc.problems == []
    assert doc.data == plain(YAML(typ="rt").load(text))
    fast = fast_talks(text)
    assert fast == round_trip_talks(text)
    return sum(talk is not None for talk in fast)


@pytest.mark.parametrize("name", list(CATALOGUES))
def test_the_test_catalogues(name: str) -> None:
    text = CATALOGUES[name]
    valid = assert_same_catalogue(text)
    assert valid == text.count("title:")  # every entry valid: Talks were compared, not Nones


def test_the_repository_catalogue() -> None:
    path = ROOT / "data" / "talks.yaml"
    if not path.exists():
        pytest.skip("no data/talks.yaml in this checkout yet")
    text = path.read_text(encoding="utf-8")
    assert assert_same_catalogue(text) == text.count("\n- ") + text.startswith("- ")


def pyvideo_head(talks: int) -> str:
    """The first `talks` entries of the pyvideo catalogue, decompressing no more than needed."""
    decompressor = lzma.LZMADecompressor()
    text = ""
    with PYVIDEO.open("rb") as f:
        while True:
            chunk = f.read(1 << 16)
            text += decompressor.decompress(chunk).decode("utf-8", "ignore") if chunk else ""
            cut = _nth(text, "\n- ", talks + 1)
            if cut >= 0:
                return text[: cut + 1]
            if not chunk:
                return text


def _nth(text: str, needle: str, n: int) -> int:
    at = -1
    for _ in range(n):
        at = text.find(needle, at + 1)
        if at < 0:
            return -1
    return at


@pytest.mark.slow
def test_the_first_pyvideo_talks() -> None:
    if not PYVIDEO.exists():
        pytest.skip(f"{PYVIDEO} is not here")
    text = pyvideo_head(PYVIDEO_TALKS)
    assert text.count("\n- ") == PYVIDEO_TALKS
    doc = yamlread.load(text, "pyvideo.yaml")
    assert doc.problems == []
    assert len(doc.data["talks"]) == PYVIDEO_TALKS
    assert doc.data == plain(YAML(typ="rt").load(text))
    fast = fast_talks(text)
    assert fast == round_trip_talks(text)
    assert sum(talk is not None for talk in fast) > PYVIDEO_TALKS * 0.99


def test_the_version_names_the_parser_really_used(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    has_c = importlib.util.find_spec("_ruamel_yaml") is not None
    expected = "C (ruamel.yaml.clib)" if has_c else "pure Python (ruamel.yaml)"
    assert result.stdout.endswith(f"(YAML parser: {expected})\n")
    assert yamlread.parser_name() == expected


def slugify_by_character(text: str) -> str:
    """The definition of an id's words, one character at a time (the slow, obvious way)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " " for ch in text)
    return "-".join(kept.split())


@given(st.text())
def test_slugify_keeps_its_definition(text: str) -> None:
    assert slugify(text) == slugify_by_character(text)


@pytest.mark.parametrize(
    "title",
    ["Hello, World!", "snake_case and C#", "Zürich", "Café\u0301 crème", "データ 科学", "हिन्दी भाषा", "  "],
)
def test_slugify_examples(title: str) -> None:
    assert slugify(title) == slugify_by_character(title)


def find_block_line_by_line(text: str, in_code: frozenset[int]) -> readme.Block:
    """The README block, found by looking at every line (the slow, obvious way)."""
    markers = (readme.START_MARKER, readme.END_MARKER)
    lines = text.splitlines(keepends=True)
    starts: list[int] = []
    ends: list[int] = []
    as_text: list[int] = []
    for number, line in enumerate(lines):
        content = line.rstrip("\r\n")
        stripped = content.strip()
        if stripped not in markers or len(content) - len(content.lstrip(" ")) > 3:
            if any(marker in line for marker in markers):
                as_text.append(number)
            continue
        if number not in in_code:
            (starts if stripped == markers[0] else ends).append(number)
        else:
            as_text.append(number)
    readme._check_markers(starts, ends, "README.md", markers, as_text)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    newline = "\r\n" if lines[starts[0]].endswith("\r\n") else "\n"
    return readme.Block(offsets[starts[0] + 1], offsets[ends[0]], starts[0] + 2, newline)


README_PIECES = st.sampled_from(
    [
        readme.START_MARKER,
        readme.END_MARKER,
        "\n",
        "\r\n",
        "\r",
        "\u2028",
        "\x0c",
        " ",
        "   ",
        "    ",
        "\t",
        "text",
        "```",
        "~~~",
        "<!-- TALKS",
        "-->",
    ]
)


def outcome(find: Any) -> Any:
    try:
        return find()
    except TalkcatError as exc:
        return str(exc), exc.hint


@given(st.lists(README_PIECES, max_size=30), st.frozensets(st.integers(0, 12)))
def test_find_block_looks_only_at_marker_lines_yet_finds_what_every_line_would(
    pieces: list[str], in_code: frozenset[int]
) -> None:
    text = "".join(pieces)
    fast = outcome(lambda: readme.find_block(text, "README.md", in_code=in_code))
    assert fast == outcome(lambda: find_block_line_by_line(text, in_code))
