"""`import --pyvideo DIR` and `export --format pyvideo`: real pyvideo/data files (tests/data/pyvideo, CC0)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import ROOT
from typer.testing import CliRunner

from talkcat.cli import app

SAMPLE = ROOT / "tests" / "data" / "pyvideo"
SCHEMAS = SAMPLE / "schemas"
# pyvideo/data's language check (.tests/languages.py) knows these codes.
PYVIDEO_LANGUAGES = {"ita", "zho", "por", "ukr", "deu", "eng", "rus", "fra", "spa", "eus",
                     "cat", "glg", "kor", "lit", "jpn", "slk", "pol", "heb", "tha", "ces"}  # fmt: skip


@pytest.fixture
def archive(project: Path) -> Path:
    folder = project / "pyvideo-data"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("schemas", "README.md"))
    return folder


def talks_of(path: Path) -> list[dict[str, object]]:
    return sorted(yaml.safe_load(path.read_text(encoding="utf-8"))["talks"], key=lambda t: (str(t["date"]), t["title"]))


def check_like_pyvideo(folder: Path) -> list[Path]:
    """What pyvideo/data's own checks (`make test`) ask of its files; the video files checked."""
    schemas = {
        name: json.loads((SCHEMAS / name).read_text(encoding="utf-8")) for name in ("category.json", "video.json")
    }
    videos = sorted(folder.glob("*/videos/*.json"))
    slugs: set[tuple[str, str]] = set()
    for path in [*folder.glob("*/category.json"), *videos]:
        text = path.read_text(encoding="utf-8")
        blob = json.loads(text)
        schema = schemas["video.json" if path.parent.name == "videos" else "category.json"]
        validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
        errors = [error.message for error in validator.iter_errors(blob)]
        assert errors == [], path
        # .tests/shape.py: serialised with sorted keys, two spaces, ", " and ": ".
        assert text.strip() == json.dumps(blob, indent=2, separators=(",", ": "), sort_keys=True).strip(), path
        assert len(path.name.encode("utf-8")) < 140, path
        if path.parent.name == "videos":
            assert blob.get("language") in PYVIDEO_LANGUAGES | {None}, path
            category = json.loads((path.parent.parent / "category.json").read_text(encoding="utf-8"))
            key = (category["title"], blob.get("slug") or blob["title"])
            assert key not in slugs, path
            slugs.add(key)
    return videos


def test_the_sample_passes_the_checks_here(archive: Path) -> None:
    assert len(check_like_pyvideo(archive)) == 9  # the checks themselves accept pyvideo's own files


def test_import_reads_each_video(archive: Path, project: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", "--pyvideo", str(archive)])
    assert result.exit_code == 0, result.output
    assert result.stderr == "imported 9 talks into data/talks.yaml\n"
    talks = {t["title"]: t for t in talks_of(project / "data" / "talks.yaml")}
    flask = json.loads(
        (
            archive
            / "europython-2019/videos/adrian-monnich-useflask-or-how-to-use-a-react-frontend-for-your-flask-app.json"
        ).read_text()
    )
    talk = talks[flask["title"]]
    assert str(talk["date"]) == flask["recorded"]
    assert talk["event"] == "EuroPython 2019"
    assert talk["speakers"] == flask["speakers"]
    assert talk["video"] == flask["videos"][0]["url"]
    assert talk.get("tags", []) == flask.get("tags", [])
    assert talk["language"] == flask["language"]
    # Its one related URL is labelled `slides`: the slides, as a plain URL (that label is how pyvideo writes one).
    assert talk["slides"] == flask["related_urls"][0]["url"] and "link" not in talk
    assert {t["event"] for t in talks.values()} == {"EuroPython 2019", "PyCon FR 2019", "PyCon JP 2019"}
    assert talks["Why Python is Eating the World"]["language"] == "eng"


def test_one_event_folder_is_read_too(archive: Path, project: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["import", "--pyvideo", str(archive / "pycon-fr-2019"), "--speaker", "maxime morinière"]
    )
    assert result.exit_code == 0, result.output
    assert [t["title"] for t in talks_of(project / "data" / "talks.yaml")] == [
        "Après Jupyter notebook, voici JupyterLab"
    ]


def test_export_writes_what_pyvideo_accepts_and_reads_back_the_same(
    archive: Path, project: Path, runner: CliRunner
) -> None:
    assert runner.invoke(app, ["import", "--pyvideo", str(archive)]).exit_code == 0
    result = runner.invoke(app, ["export", "--format", "pyvideo", "--output", "out"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "pyvideo files in out: 9 videos, 12 files written, 0 unchanged\n"
    assert len(check_like_pyvideo(project / "out")) == 9
    back = runner.invoke(app, ["import", "--pyvideo", "out", "--data", "back.yaml"])
    assert back.exit_code == 0, back.output
    assert talks_of(project / "back.yaml") == talks_of(project / "data" / "talks.yaml")
    again = runner.invoke(app, ["export", "--format", "pyvideo", "--output", "out"])
    assert again.stderr == "pyvideo files in out: 9 videos, 0 files written, 12 unchanged\n"


def test_a_real_file_comes_back_with_what_talkcat_keeps(archive: Path, project: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["import", "--pyvideo", str(archive)]).exit_code == 0
    assert runner.invoke(app, ["export", "--format", "pyvideo", "--output", "out"]).exit_code == 0
    kept = ("title", "recorded", "speakers", "videos", "tags", "language", "related_urls")
    for original in sorted(archive.glob("*/videos/*.json")):
        old = json.loads(original.read_text(encoding="utf-8"))
        written = _written(project / "out", old["title"])
        for key in kept:
            if key == "videos":
                assert written["videos"][0]["url"] == old["videos"][0]["url"], original
            elif key == "related_urls":
                assert written.get(key, [])[:1] == old.get(key, [])[:1], original
            else:
                assert written.get(key) == old.get(key), (original, key)
        description = "\n\n".join(p.strip() for p in (old.get("summary"), old.get("description")) if p and p.strip())
        assert written["description"].strip() == description, original


def _written(folder: Path, title: str) -> dict[str, object]:
    for path in folder.glob("*/videos/*.json"):
        blob = json.loads(path.read_text(encoding="utf-8"))
        if blob["title"] == title:
            return dict(blob)
    raise AssertionError(f"no file for {title!r}")


def test_export_leaves_out_talks_without_a_video_and_keeps_labels(project: Path, runner: CliRunner) -> None:
    (project / "data" / "talks.yaml").write_text(
        "talks:\n"
        "- title: Zürich, ünïcödé & co.\n  date: 2024-05-02\n  event: Swiss Python Summit\n  language: German\n"
        "  tags: [python, python]\n  link: {label: Schedule, url: 'https://example.org/s'}\n"
        "  video: https://vimeo.com/123\n  slides: https://example.org/deck.pdf\n"
        "- title: No video yet\n  date: 2024-05-01\n  event: Swiss Python Summit\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["export", "--format", "pyvideo", "--output", "out"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "pyvideo files in out: 1 video, 2 files written, 0 unchanged\n"
        "left out 1 talk without a video URL (pyvideo lists videos)\n"
    )
    check_like_pyvideo(project / "out")
    video = (project / "out/swiss-python-summit/videos/zurich-unicode-co.json").read_text(encoding="utf-8")
    assert video == (
        '{\n  "description": "",\n  "language": "deu",\n  "recorded": "2024-05-02",\n'
        '  "related_urls": [\n    {\n      "label": "Schedule",\n      "url": "https://example.org/s"\n    },\n'
        '    {\n      "label": "slides",\n      "url": "https://example.org/deck.pdf"\n    }\n  ],\n'
        '  "slug": "zurich-unicode-co",\n  "speakers": [],\n  "tags": [\n    "python"\n  ],\n'
        '  "title": "Z\\u00fcrich, \\u00fcn\\u00efc\\u00f6d\\u00e9 & co.",\n'
        '  "videos": [\n    {\n      "type": "vimeo",\n      "url": "https://vimeo.com/123"\n    }\n  ]\n}\n'
    )
    assert (project / "out/swiss-python-summit/category.json").read_text(encoding="utf-8") == (
        '{\n  "title": "Swiss Python Summit"\n}\n'
    )


def test_export_does_not_overwrite_files_it_did_not_write(archive: Path, project: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["import", "--pyvideo", str(archive / "pycon-jp-2019")]).exit_code == 0
    theirs = project / "out" / "pycon-jp-2019" / "category.json"
    theirs.parent.mkdir(parents=True)
    theirs.write_text('{\n  "title": "PyCon JP 2019",\n  "url": "https://pycon.jp/2019/"\n}\n', encoding="utf-8")
    before = theirs.read_bytes()
    result = runner.invoke(app, ["export", "--format", "pyvideo", "--output", "out"])
    assert result.exit_code == 1
    assert result.stderr == (
        "out/pycon-jp-2019/category.json: not written by talkcat, or edited since; nothing was written\n"
        "hint: pass --force to overwrite them\n"
    )
    assert theirs.read_bytes() == before
    assert sorted(p.name for p in (project / "out").rglob("*")) == ["category.json", "pycon-jp-2019"]
    forced = runner.invoke(app, ["export", "--format", "pyvideo", "--output", "out", "--force"])
    assert forced.exit_code == 0, forced.output
    assert theirs.read_text(encoding="utf-8") == '{\n  "title": "PyCon JP 2019"\n}\n'


def test_the_speaker_setting_is_each_videos_first_speaker(project: Path, runner: CliRunner) -> None:
    # As BibTeX's author: the speaker who keeps the catalogue, then the talk's own speakers (audit: []).
    (project / "talkcat.toml").write_text('speaker = "Jesper Dramsch"\n', encoding="utf-8")
    (project / "data" / "talks.yaml").write_text(
        "talks:\n"
        "- {title: Alone, date: 2024-05-02, event: Summit, video: 'https://youtu.be/a'}\n"
        "- {title: Together, date: 2024-05-01, event: Summit, video: 'https://youtu.be/b', speakers: [Ada Lovelace]}\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["export", "--format", "pyvideo", "--output", "out"]).exit_code == 0
    check_like_pyvideo(project / "out")
    speakers = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))["speakers"]
        for path in (project / "out/summit/videos").iterdir()
    }
    assert speakers == {"alone": ["Jesper Dramsch"], "together": ["Jesper Dramsch", "Ada Lovelace"]}
