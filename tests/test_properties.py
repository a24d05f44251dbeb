"""Round trips over generated catalogues, through talkcat's own reader and its commands.

Already covered elsewhere, and reused here rather than repeated:
- any entry written by yamlwrite reads back exactly with ruamel.yaml and
  PyYAML: test_yamlwrite.py::test_catalogue_loads_back_exactly;
- render then import gives the talks back:
  test_importer.py::test_render_then_import_gives_the_talks_back;
- replacing the block keeps every byte outside the markers:
  test_readme.py::test_bytes_outside_the_markers_never_change;
- an entry spliced in and out again gives the text back:
  test_edit_text.py::test_any_added_entry_lands_by_date_and_comes_out_again.

Here: the same round trips through talkcat's own loader and validation, and
end to end through `sync-readme`, `import`, `add` and `remove`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ENTRIES, value
from helpers import talks as importable_talks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from talkcat import store, yamlread
from talkcat.cli import app
from talkcat.model import Link, Talk, sort_talks
from talkcat.validate import Rules
from talkcat.yamlwrite import dump_catalogue

START, END = "<!-- TALKS -->", "<!-- //TALKS -->"
SLOW = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


def _valid_link(link: Link | None) -> Link | None:
    # A path in the repository must exist; the commands below run in an empty one.
    if link is None or not link.is_url:
        return None
    # Validation refuses labels with spaces at either end; the importer's strategy draws them.
    return Link(link.url, (link.label or "").strip() or None)


def _valid(talk: Talk) -> Talk:
    """The importer's talks, made valid as catalogue entries."""
    end_date = talk.end_date if talk.end_date is None or talk.end_date >= talk.date else None
    return dataclasses.replace(
        talk,
        end_date=end_date,
        link=_valid_link(talk.link),
        video=_valid_link(talk.video),
        slides=_valid_link(talk.slides),
    )


# Unicode of every plane, pipes, backticks, markdown, HTML comments; any date
# the importer's strategy draws (1900 to 2100 among them).
catalogues = st.lists(importable_talks().map(_valid), max_size=4).filter(
    lambda ts: len({t.slug for t in ts}) == len(ts)
)


def catalogue_text(talks: list[Talk]) -> str:
    return dump_catalogue([t.to_mapping() for t in talks])


@settings(deadline=None)
@given(entries=st.lists(ENTRIES, max_size=3))
def test_talkcats_own_reader_gives_back_any_dumped_catalogue(entries: list[dict[str, Any]]) -> None:
    # Any strings (every plane, leading and trailing spaces, YAML look-alikes), any date 1900-2100.
    doc = yamlread.load(dump_catalogue(entries), "t.yaml")
    assert doc.problems == []
    assert doc.data == {"talks": entries}


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(catalogues)
def test_load_of_save_is_the_catalogue(talks: list[Talk]) -> None:
    loaded = store.parse_catalogue(catalogue_text(talks), Path("t.yaml"), Rules())
    assert loaded.problems == []
    assert loaded.talks == talks


@contextlib.contextmanager
def project() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="talkcat-property-") as name:
        folder = Path(name)
        (folder / ".git").mkdir()
        yield folder


# README lines around the block: any character but line ends (and surrogates,
# which no UTF-8 file holds), form feeds and U+2028 included.
lines = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), max_size=40).filter(
    lambda s: START not in s and END not in s and "`" not in s and "~" not in s
)


@pytest.mark.slow
@SLOW
@given(
    talks=catalogues,
    before=st.lists(lines, max_size=4),
    after=st.lists(lines, max_size=4),
    crlf=st.booleans(),
)
def test_sync_readme_settles_touches_nothing_outside_and_imports_back(
    talks: list[Talk], before: list[str], after: list[str], crlf: bool
) -> None:
    with project() as folder:
        sync_round_trip(folder, talks, before, after, crlf)


def sync_round_trip(folder: Path, talks: list[Talk], before: list[str], after: list[str], crlf: bool) -> None:
    data, readme = folder / "talks.yaml", folder / "README.md"
    data.write_text(catalogue_text(talks), encoding="utf-8")
    nl = "\r\n" if crlf else "\n"
    head = "".join(line + nl for line in before) + START + nl
    tail = END + nl + "".join(line + nl for line in after)
    readme.write_bytes((head + "stale" + nl + tail).encode("utf-8"))
    runner = CliRunner()
    args = ["sync-readme", "--data", str(data), "--readme", str(readme)]

    refused = runner.invoke(app, args)  # "stale" is no talk talkcat wrote: it stays
    assert refused.exit_code == 1, refused.output
    assert readme.read_bytes() == (head + "stale" + nl + tail).encode("utf-8")
    first = runner.invoke(app, [*args, "--force"])
    assert first.exit_code == 0, first.output
    synced = readme.read_bytes()
    text = synced.decode("utf-8")
    assert text.startswith(head) and text.endswith(tail)

    second = runner.invoke(app, args)  # idempotent: nothing left to do
    assert (second.exit_code, second.stderr) == (0, f"{readme} is up to date\n")
    assert readme.read_bytes() == synced

    back = folder / "back.yaml"
    imported = runner.invoke(app, ["import", str(readme), "--data", str(back)])
    assert imported.exit_code == 0, imported.output
    assert store.load_catalogue(back, cache=False).talks == [dataclasses.replace(t, id=None) for t in sort_talks(talks)]


@pytest.mark.slow
@SLOW
@given(
    talks=catalogues,
    new=importable_talks(),
    tags=st.lists(value, max_size=2),
    layout=st.sampled_from(["plain", "crlf", "bom"]),
)
def test_add_then_remove_leaves_the_file_byte_identical(
    talks: list[Talk], new: Talk, tags: list[str], layout: str
) -> None:
    with project() as folder:
        add_and_remove(folder, talks, new, tags, layout)


def add_and_remove(folder: Path, talks: list[Talk], new: Talk, tags: list[str], layout: str) -> None:
    data = folder / "talks.yaml"
    text = "# My talks\n" + catalogue_text(talks)
    if layout == "crlf":
        text = text.replace("\n", "\r\n")
    elif layout == "bom":
        text = "\ufeff" + text
    original = text.encode("utf-8")
    data.write_bytes(original)
    runner = CliRunner()
    # `--opt=value`: a title may start with a dash.
    args = ["add", "--id=the-new-one", f"--title={new.title}", f"--date={new.date}", f"--event={new.event}"]
    args += [f"--tag={tag}" for tag in tags]
    if new.location:
        args.append(f"--location={new.location}")
    if new.description:
        args.append(f"--description={new.description}")
    added = runner.invoke(app, [*args, "--data", str(data)])
    assert added.exit_code == 0, added.output
    assert data.read_bytes() != original
    assert len(store.load_catalogue(data, cache=False).talks) == len(talks) + 1
    removed = runner.invoke(app, ["remove", "the-new-one", "--yes", "--data", str(data)])
    assert removed.exit_code == 0, removed.output
    assert data.read_bytes() == original


@pytest.mark.slow
def test_the_generated_catalogues_reach_the_hard_parts() -> None:
    # The strategies above are only as good as what they draw: pipes, backticks,
    # HTML comments and characters beyond the first plane must all come up.
    seen = ""

    @settings(
        max_examples=100,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
    )
    @given(catalogues)
    def collect(talks: list[Talk]) -> None:
        nonlocal seen
        seen += catalogue_text(talks)

    collect()
    assert all(part in seen for part in ("|", "`", "<!-- x -->", "*", "#"))
    assert any(ord(ch) > 0xFFFF for ch in seen)
    lines = seen.split("\n")
    assert any(len(line) > 200 for line in lines)  # long lines
    assert any(line.startswith("     ") and line.strip() for line in lines)  # indented description lines
