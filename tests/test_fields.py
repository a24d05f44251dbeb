"""The catalogue's fields are defined once (`model.Talk`), and everything follows that definition.

The proof: a copy of talkcat's source with one line more in the definition, a
plain optional `room`, run as a real `talkcat` process: the new field is an
option and a question of `add`, a field of `edit --set`, a CSV column and a
JSON key, a `room:` prefix of search, and a property of the schema.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

import talkcat
from talkcat import search
from talkcat.model import FIELDS

ROOM = '    room: str | None = field(default=None, metadata=_about("str", "The room it was given in.", search=1.0))\n'
BEFORE = "    description: str | None = field("


@pytest.fixture(scope="module")
def with_room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of talkcat's source whose definition has one field more; nothing else is changed."""
    copy = tmp_path_factory.mktemp("with-room") / "talkcat"
    shutil.copytree(Path(talkcat.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    model = copy / "model.py"
    text = model.read_text(encoding="utf-8")
    assert text.count(BEFORE) == 1
    model.write_text(text.replace(BEFORE, ROOM + BEFORE), encoding="utf-8")
    return copy.parent


@pytest.fixture
def room(with_room: Path, project: Path) -> Path:
    """A repository with a catalogue of one talk, as the current folder of `run`."""
    (project / "data" / "talks.yaml").write_text(
        "talks:\n- title: Old talk\n  date: 2020-01-01\n  event: Meetup\n", encoding="utf-8"
    )
    return project


def run(src: Path, cwd: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [sys.executable, "-m", "talkcat", *args], cwd=cwd, env=env, input=input, capture_output=True, text=True
    )


@pytest.mark.slow
def test_a_field_added_to_the_definition_is_everywhere(with_room: Path, room: Path) -> None:
    catalogue = room / "data" / "talks.yaml"
    helped = run(with_room, room, "add", "--help")
    assert re.search(r"--room TEXT +The room it was given in\.\n", helped.stdout), helped.stdout

    added = run(with_room, room, "add", "--title", "Given", "--date", "2024-05-01", "--event", "Conf",
                "--room", "Hall 1", "--no-input")  # fmt: skip
    assert (added.returncode, added.stdout) == (0, "2024-05-01-given\n"), added.stderr
    assert catalogue.read_text(encoding="utf-8").startswith(
        "talks:\n- title: Given\n  date: 2024-05-01\n  event: Conf\n  room: Hall 1\n"
    )

    # Asked for, after the slides: the date; last day, location, kind, language, speakers, tags,
    # link, video, slides left empty; the room; no description.
    answers = ["2024-06-01", "", "", "", "", "", "", "", "", "", "Hall 2", "."]
    asked = run(with_room, room, "add", "--input", "--title", "Asked", "--event", "Conf",
                input="".join(f"{answer}\n" for answer in answers))  # fmt: skip
    assert asked.returncode == 0, asked.stdout + asked.stderr
    assert "Slides (a URL, or a folder in the repository): Room: Description" in asked.stdout
    assert "- title: Asked\n  date: 2024-06-01\n  event: Conf\n  room: Hall 2\n" in catalogue.read_text("utf-8")

    edited = run(with_room, room, "edit", "2024-06-01-asked", "--set", "room=Hall 3")
    assert edited.returncode == 0, edited.stderr
    assert "- title: Asked\n  date: 2024-06-01\n  event: Conf\n  room: Hall 3\n" in catalogue.read_text("utf-8")
    assert run(with_room, room, "validate").returncode == 0

    listed = run(with_room, room, "list", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(row["id"], row["room"]) for row in rows] == [
        ("2024-06-01-asked", "Hall 3"),
        ("2024-05-01-given", "Hall 1"),
        ("2020-01-01-old-talk", ""),
    ]
    assert list(rows[0])[-3:] == ["slides_label", "room", "description"]
    as_json = json.loads(run(with_room, room, "list", "--format", "json").stdout)
    assert [talk.get("room") for talk in as_json] == ["Hall 3", "Hall 1", None]

    found = run(with_room, room, "search", "room:hall", "--format", "plain")
    assert [line.split("\t")[0] for line in found.stdout.splitlines()] == ["2024-06-01-asked", "2024-05-01-given"]
    assert found.stdout.splitlines()[0].endswith("\troom")
    assert run(with_room, room, "search", "title:hall").stdout == ""  # `room:` narrows to the room alone
    assert "room:" in run(with_room, room, "search", "--help").stdout

    schema = json.loads(run(with_room, room, "schema").stdout)
    assert schema["$defs"]["talk"]["properties"]["room"] == {
        "$ref": "#/$defs/str",
        "description": "The room it was given in.",
    }
    assert "room" not in schema["$defs"]["talk"]["required"]


def test_the_copy_runs_the_copy(with_room: Path, room: Path) -> None:
    """The test above is about the changed definition: the copy is what runs, not the installed talkcat."""
    result = run(with_room, room, "edit", "2020-01-01-old-talk", "--set", "room=Hall 9")
    assert result.returncode == 0, result.stderr
    installed = subprocess.run(
        [sys.executable, "-m", "talkcat", "edit", "2020-01-01-old-talk", "--set", "room=Hall 9"],
        cwd=room,
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 2
    assert "unknown field 'room'" in installed.stderr


# The README is held to the definition.


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readmes_field_table_is_the_definition() -> None:
    rows = [f"| `{f.name}` | {'required' if f.required else ''} | {f.help} |\n" for f in FIELDS]
    table = "| field | | |\n| --- | --- | --- |\n" + "".join(rows)
    assert table.replace("|  |", "| |") in _readme()


def test_the_readme_names_every_search_prefix() -> None:
    section = _readme().split("### `talkcat search`", 1)[1].split("\n### ", 1)[0]
    for prefix in search.PREFIXES:
        assert f"`{prefix}:`" in section, prefix
