"""`store.reparse`: a change made in whole entries is validated entry by entry (issue 15 §4),
and always comes out as a parse of the whole text does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talkcat import edit, store
from talkcat.validate import Rules
from talkcat.yamlwrite import dump_entry

PATH = Path("data/talks.yaml")
RULES = Rules()

# Entries as people lay them out, each a list item at column 0 (indented later as the list is).
ENTRIES = [
    "- title: Plain {n}\n  date: 2024-0{m}-1{d}\n  event: Conf {n}\n",
    "- title: 'Quoted: {n}'  # a comment after a value\n  date: 2023-0{m}-0{d}\n  event: \"Conf\"\n"
    "  tags: [a, 'b c']\n",
    "- title: Block {n}\n  date: 2022-0{m}-1{d}\n  event: Meetup\n  description: |\n    Intro.\n\n    ## Part\n",
    "- title: Kept {n}\n  date: 2021-0{m}-2{d}\n  event: Conf\n  description: |+\n    text\n\n\n",
    "- title: Folded {n}\n  date: 2020-0{m}-1{d}\n  event: Conf\n  description: >-\n    one\n    two\n"
    "  slides: 2020-slides-{n}/\n",
    # U+2028 breaks a line for libyaml, not for editors (nor for talkcat's line numbers).
    "- title: Separator {n}  # a note\u2028\n  date: 2019-0{m}-1{d}\n  event: Conf\n",
    "- {{title: Flow {n}, date: 2018-0{m}-1{d}, event: Flow Conf}}\n",
    "-\n  title: Dash alone {n}\n  date: 2017-0{m}-1{d}\n  event: Conf\n",
    "- title: Speakers {n}\n  date: 2016-0{m}-1{d}\n  event: Conf\n  speakers:\n  - Ann\n  - Bo\n"
    "  video:\n    label: Video\n    url: https://example.org/{n}\n",
]
BETWEEN = ["", "\n", "# a comment between entries\n", "\n# a comment\n\n", "# \u2028\n"]


@st.composite
def catalogues(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 7))
    indent = draw(st.sampled_from(["", "  "]))
    body = []
    for n in range(count):
        entry = draw(st.sampled_from(ENTRIES)).format(n=n, m=1 + n % 9, d=1 + n % 9)
        body.append(draw(st.sampled_from(BETWEEN)))
        body.append("".join(indent + line if line.strip() else line for line in entry.splitlines(keepends=True)))
    text = draw(st.sampled_from(["", "# My talks\n"])) + "talks:\n" + "".join(body)
    text += draw(st.sampled_from(["", "# the end\n", "\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return draw(st.sampled_from(["", "\ufeff"])) + text


NEW = {"title": "Added", "date": dt.date(2024, 1, 3), "event": "New Conf", "location": "Online"}


@st.composite
def changes(draw: st.DrawFn, catalogue: store.Catalogue) -> str:
    text, extents, talks = catalogue.text, catalogue.checked.extents(), catalogue.talks
    index = draw(st.integers(0, len(talks) - 1))
    kind = draw(st.sampled_from(["insert", "remove", "set", "rewrite", "duplicate", "break", "raw"]))
    if kind == "raw":  # any text at all in place of any span: reparse must still agree
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        return text[:start] + draw(st.text(alphabet="ab:- \n#|'+>\t[]{},", max_size=12)) + text[end:]
    if kind == "insert":
        where = draw(st.integers(0, len(talks)))
        return edit.insert_entry(text, extents, where, dump_entry(NEW))
    if kind == "remove":
        return edit.remove_entry(text, extents, index)
    if kind == "set":
        value = draw(st.sampled_from(["Somewhere", "A: colon", "", "2024-01-01"]))
        name = draw(st.sampled_from(["location", "title", "event"]))
        return edit.set_fields(text, extents, index, {name: value or edit.UNSET})
    entry = talks[index].to_mapping()
    if kind == "duplicate":  # the id of another talk: the whole parse must say so
        other = talks[(index + 1) % len(talks)]
        entry.update(title=other.title, date=other.date)
    if kind == "break":
        entry["date"] = "2024-02-30"
    return edit.rewrite_entry(text, extents, index, dump_entry(entry))


def same(one: store.Catalogue, other: store.Catalogue) -> None:
    assert list(one.checked.talks) == list(other.checked.talks)
    assert one.checked.problems == other.checked.problems
    assert one.checked.entry_lines == other.checked.entry_lines
    assert one.checked.entry_ends == other.checked.entry_ends
    assert one.checked.local_paths == other.checked.local_paths
    assert one.problems == other.problems
    assert one.text == other.text and one.data == other.data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_change_in_whole_entries_comes_out_as_a_whole_parse(data: st.DataObject) -> None:
    text = data.draw(catalogues())
    catalogue = store.parse_catalogue(text, PATH, RULES)
    assert not catalogue.problems, catalogue.problems
    try:
        changed = data.draw(changes(catalogue))
    except edit.LayoutError:
        return  # a layout the splices refuse: nothing to validate
    same(store.reparse(catalogue, changed), store.parse_catalogue(changed, PATH, RULES))


CATALOGUE = dedent(
    """\
    # My talks
    talks:
    - title: First
      date: 2024-05-02
      event: PyCon DE
      slides: 2024-slides/
    - title: Second
      date: 2023-05-02
      event: PyCon DE
      description: |
        Text.

    # the third
    - title: Third
      date: 2022-05-02
      event: PyCon DE
      slides: 2022-slides/
    """
)


@pytest.mark.parametrize(
    "change, entries",
    [
        # The change found by the text both had and has in common, widened to whole entries: an entry
        # that begins (or ends) as the new one does is parsed again with it.
        (lambda c: edit.insert_entry(c.text, c.checked.extents(), 1, dump_entry(NEW)), (1, 2, ["Added", "Second"])),
        (lambda c: edit.insert_entry(c.text, c.checked.extents(), 3, dump_entry(NEW)), (3, 3, ["Added"])),
        # Above the comment the third talk has over it: the new talk alone, the comment with it.
        (lambda c: edit.insert_entry(c.text, c.checked.extents(), 2, dump_entry(NEW)), (2, 2, ["Added"])),
        (lambda c: edit.remove_entry(c.text, c.checked.extents(), 0), (0, 2, ["Second"])),
        (lambda c: edit.set_fields(c.text, c.checked.extents(), 2, {"location": "Berlin"}), (2, 3, ["Third"])),
        (lambda c: c.text.replace("# My talks", "# Mine"), None),  # above the entries: the whole text
    ],
)
def test_only_the_changed_entries_are_parsed_again(change: object, entries: tuple[int, int, list[str]] | None) -> None:
    catalogue = store.parse_catalogue(CATALOGUE, PATH, RULES)
    assert callable(change)
    text = change(catalogue)
    result = store.reparse(catalogue, text)
    same(result, store.parse_catalogue(text, PATH, RULES))
    found = store.changed_entries(catalogue, text)
    if entries is None:
        assert found is None
        return
    assert found is not None
    first, last, piece, _ = found
    assert (first, last, [line.split(": ", 1)[1] for line in piece.splitlines() if line.startswith("- title:")]) == (
        entries[0],
        entries[1],
        entries[2],
    )
    # The slides paths after the change are where the whole parse puts them.
    titles = [talk.title for talk in result.talks]
    assert [(entry, rel) for entry, rel, *_ in result.checked.local_paths] == [
        (titles.index(t), rel) for t, rel in (("First", "2024-slides/"), ("Third", "2022-slides/")) if t in titles
    ]


def test_add_edit_and_remove_leave_the_cache_a_whole_parse_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The talks a change did not touch go back into the cache as the bytes they came from.
    from typer.testing import CliRunner

    from talkcat.cli import app

    (tmp_path / ".git").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "2024-slides").mkdir()
    (tmp_path / "2022-slides").mkdir()
    path = tmp_path / "data" / "talks.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (
        ["add", "--no-input", "--title", "Added", "--date", "2023-01-01", "--event", "New Conf"],
        ["edit", "2022-05-02-third", "--set", "location=Berlin"],
        ["remove", "2024-05-02-first", "--yes"],
    ):
        store.load_catalogue(path)  # warm: the change starts from the cached talks
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        cached, parsed = store.load_catalogue(path), store.load_catalogue(path, cache=False)
        assert cached.checked == parsed.checked and cached.problems == parsed.problems == []
    assert [talk.title for talk in store.load_catalogue(path).talks] == ["Second", "Added", "Third"]
