"""`talkcat export`: every format from fixed catalogues (golden files), read back by other parsers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from ruamel.yaml import YAML
from typer.testing import CliRunner

from conftest import ROOT
from talkcat.cli import app
from talkcat.export import bibtex_key, latex_escape
from talkcat.pages import MANIFEST, page_stem

GOLDEN = Path(__file__).parent / "golden"
EXPORT_GOLDEN = GOLDEN / "export"
TRICKY = EXPORT_GOLDEN / "talks.yaml"  # every field, and text that needs escaping
SEED_BASE_URL = "https://github.com/JesperDramsch/talks/tree/main/"
FILES = {"json": "talks.json", "csv": "talks.csv", "ics": "talks.ics", "bibtex": "talks.bib"}
SITES = ("hugo", "jekyll", "nikola")
# Set to rewrite the golden files on purpose (then review the diff).
REGENERATE = bool(os.environ.get("TALKCAT_REGENERATE_GOLDEN"))


@pytest.fixture
def tricky(project: Path) -> Path:
    shutil.copy(TRICKY, project / "data/talks.yaml")
    (project / "slides/data-models").mkdir(parents=True)
    return project


@pytest.fixture
def repository(project: Path) -> Path:
    """This repository's own data/talks.yaml: the seed README imported, with kinds set."""
    shutil.copy(ROOT / "data" / "talks.yaml", project / "data/talks.yaml")
    return project


def export(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 0, result.output
    # Not result.stdout, which turns CRLF into LF.
    return result.stdout_bytes.decode("utf-8")


def assert_golden(path: Path, data: bytes) -> None:
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.read_bytes() == data


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# Golden files: both catalogues, every format.


@pytest.mark.parametrize("catalogue", ["tricky", "repository"])
@pytest.mark.parametrize("output_format", list(FILES))
def test_formats_match_their_golden_files(
    catalogue: str, output_format: str, request: pytest.FixtureRequest, runner: CliRunner
) -> None:
    request.getfixturevalue(catalogue)
    text = export(runner, "--format", output_format)
    assert_golden(EXPORT_GOLDEN / catalogue / FILES[output_format], text.encode("utf-8"))


@pytest.mark.parametrize("catalogue", ["tricky", "repository"])
@pytest.mark.parametrize("site", SITES)
def test_pages_match_their_golden_files(
    catalogue: str, site: str, request: pytest.FixtureRequest, runner: CliRunner
) -> None:
    project = request.getfixturevalue(catalogue)
    result = runner.invoke(app, ["export", "--format", "pages", "--site", site, "--output", "site"])
    assert result.exit_code == 0, result.output
    written = folder_bytes(project / "site")
    golden = EXPORT_GOLDEN / catalogue / site
    if REGENERATE:
        shutil.rmtree(golden, ignore_errors=True)
        golden.mkdir(parents=True)
        for name, data in written.items():
            (golden / name).write_bytes(data)
    assert written == folder_bytes(golden)
    assert result.stdout == ""
    assert result.stderr == f"{site} pages in site: {len(written) - 1} written, 0 unchanged\n"


def test_the_output_option_writes_the_same_bytes(tricky: Path, runner: CliRunner) -> None:
    for output_format, name in FILES.items():
        result = runner.invoke(app, ["export", "--format", output_format, "--output", f"out/{name}"])
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        assert result.stderr == f"wrote 4 talks to out/{name}\n"
        assert (tricky / "out" / name).read_bytes() == (EXPORT_GOLDEN / "tricky" / name).read_bytes()
    again = runner.invoke(app, ["export", "--format", "ics", "-o", "out/talks.ics"])
    assert again.stderr == "unchanged: 4 talks to out/talks.ics\n"


# json and csv are list's own serializers.


def test_json_and_csv_are_what_list_prints(tricky: Path, runner: CliRunner) -> None:
    for output_format in ("json", "csv"):
        listed = runner.invoke(app, ["list", "--format", output_format, "--year", "2022", "--year", "2023"])
        exported = export(runner, "--format", output_format, "--year", "2022", "--year", "2023")
        assert exported == listed.stdout_bytes.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(export(runner, "--format", "csv"), newline="")))
    assert [row["title"] for row in rows][0] == 'Data & Models: 100% "real" $cost #1 _under_ {braces} ~tilde^ back\\slash'
    assert rows[0]["description"].endswith("Not front matter: a thematic break.\n")
    assert [entry["id"] for entry in json.loads(export(runner, "--format", "json"))][-1] == ".."


# The list filters apply.


@pytest.mark.parametrize(
    ("args", "uids"),
    [
        (["--year", "2022"], ["2022-01-31-zürich-ünïcödé-talk@talkcat"]),
        (["--online"], ["2022-01-31-zürich-ünïcödé-talk@talkcat"]),
        (["--kind", "keynote", "--kind", "talk"], [
            "2023-05-10-data-models-100-real-cost-1-under-braces-tilde-back-slash@talkcat",
            "2021-12-01-データ科学-入門@talkcat",
            "..@talkcat",
        ]),
        (["--tag", "python", "--has-video"], [
            "2023-05-10-data-models-100-real-cost-1-under-braces-tilde-back-slash@talkcat",
        ]),
        (["--until", "2021-12-31", "--location", "tokyo"], ["2021-12-01-データ科学-入門@talkcat"]),
    ],
)
def test_filters(tricky: Path, runner: CliRunner, args: list[str], uids: list[str]) -> None:
    import icalendar

    calendar = icalendar.Calendar.from_ical(export(runner, "--format", "ics", *args))
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == uids


def test_no_match_is_an_empty_export(tricky: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["export", "--format", "json", "--year", "1999"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "no talks match\n")


def test_no_match_writes_no_calendar(tricky: Path, runner: CliRunner) -> None:
    """RFC 5545: a calendar holds at least one component."""
    note = "no talks match; an iCalendar file needs an event, so nothing was written\n"
    result = runner.invoke(app, ["export", "--format", "ics", "--year", "1999"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", note)
    result = runner.invoke(app, ["export", "--format", "ics", "--year", "1999", "-o", "talks.ics"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", note)
    assert not Path("talks.ics").exists()


# ics, read back with icalendar.


def test_ics_reads_back(tricky: Path, runner: CliRunner) -> None:
    import icalendar

    text = export(runner, "--format", "ics")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert max(len(line.encode("utf-8")) for line in text.split("\r\n")) <= 75
    calendar = icalendar.Calendar.from_ical(text)
    assert (str(calendar["VERSION"]), str(calendar["PRODID"])) == ("2.0", "-//talkcat//talkcat//EN")
    first, podcast, _, last = calendar.walk("VEVENT")
    assert str(first["SUMMARY"]) == 'Data & Models: 100% "real" $cost #1 _under_ {braces} ~tilde^ back\\slash'
    # All day, DTEND exclusive: 10 to 12 May is three days.
    assert first.decoded("DTSTART") == dt.date(2023, 5, 10)
    assert first.decoded("DTEND") == dt.date(2023, 5, 13)
    assert first.decoded("DTSTAMP") == dt.datetime(2023, 5, 10, tzinfo=dt.timezone.utc)
    assert str(first["LOCATION"]) == "Berlin, Germany"
    assert str(first["URL"]) == "https://example.org/2023/talk?id=1&lang=en#top"
    description = str(first["DESCRIPTION"])
    assert description.splitlines()[:4] == [
        "PyData Berlin #7",
        "Speakers: Ada Lovelace, Grace Hopper and Friends",
        "Link: https://example.org/2023/talk?id=1&lang=en#top",
        "Video: https://example.org/video_(1)",
    ]
    assert "slides/data-models/" not in description  # a path in the repository is no link for a calendar
    assert first["CATEGORIES"].cats == ["keynote", "ml", "python", "a: b"]
    assert podcast.decoded("DTEND") == dt.date(2022, 2, 1)
    assert "URL" not in podcast and str(podcast["SUMMARY"]) == "Zürich: ünïcödé --> talk"
    assert str(last["UID"]) == "..@talkcat" and "LOCATION" not in last


def test_ics_is_the_same_on_every_run(tricky: Path, runner: CliRunner) -> None:
    assert export(runner, "--format", "ics") == export(runner, "--format", "ics")


def test_ics_without_icalendar_says_what_to_install(
    tricky: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)  # as if not installed: import fails
    result = runner.invoke(app, ["export", "--format", "ics", "-o", "talks.ics"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "the ics format needs the icalendar package, which is not installed\n"
        "hint: pip install 'talkcat[calendar]'\n"
    )
    assert not (tricky / "talks.ics").exists()


# bibtex, read back with bibtexparser.


def unescape_latex(text: str) -> str:
    words = {r"\textbackslash{}": "\\", r"\textasciitilde{}": "~", r"\textasciicircum{}": "^"}
    for escaped, char in words.items():
        text = text.replace(escaped, char)
    return re.sub(r"\\([&%$#_{}])", r"\1", text)


def test_bibtex_reads_back(tricky: Path, runner: CliRunner) -> None:
    import bibtexparser

    library = bibtexparser.parse_string(export(runner, "--format", "bibtex"))
    assert library.failed_blocks == []
    keys = [entry.key for entry in library.entries]
    assert keys == [
        "2023-05-10-data-models-100-real-cost-1-under-braces-tilde-back-slash",
        "2022-01-31-zurich-unicode-talk",
        "2021-12-01-98b79864",
        "talk-" + short_hash(".."),
    ]
    assert all(key.isascii() for key in keys)
    first = library.entries[0]
    assert first.entry_type == "misc"
    fields = {field.key: field.value for field in first.fields}
    assert unescape_latex(fields["title"]) == (
        '{Data & Models: 100% "real" $cost #1 _under_ {braces} ~tilde^ back\\slash}'
    )
    # Nothing LaTeX would read as a command, comment or group is left bare.
    assert re.search(r"(?<!\\)[&%$#_~^]", fields["title"].replace(r"\textasciitilde{}", "").replace(r"\textasciicircum{}", "")) is None
    assert fields["author"] == "Ada Lovelace and {Grace Hopper and Friends}"
    assert fields["howpublished"] == r"PyData Berlin \#7, Berlin, Germany"
    assert (fields["year"], fields["month"], fields["date"]) == ("2023", "may", "2023-05-10/2023-05-12")
    assert fields["url"] == "https://example.org/2023/talk?id=1&lang=en#top"
    assert fields["note"] == "Keynote"
    second = {field.key: field.value for field in library.entries[1].fields}
    assert second["title"] == "{Zürich: ünïcödé --> talk}"  # UTF-8 kept as it is
    assert "author" not in second


def test_latex_escape_covers_every_special_character() -> None:
    assert latex_escape("& % $ # _ { } ~ ^ \\") == (
        r"\& \% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )


def short_hash(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@pytest.mark.parametrize(
    ("talk_id", "key"),
    [
        ("2023-01-02-plain", "2023-01-02-plain"),
        ("2023-zürich", "2023-zurich"),  # only accents dropped: no hash
        ("ß", "talk-" + short_hash("ß")),
        ("..", "talk-" + short_hash("..")),
        ("a{b}", "a-b-" + short_hash("a{b}")),
        ("v1.2:x_y", "v1.2:x_y"),
    ],
)
def test_bibtex_keys(talk_id: str, key: str) -> None:
    assert bibtex_key(talk_id) == key


def test_keys_that_fold_to_one_are_kept_apart(project: Path, runner: CliRunner) -> None:
    (project / "data/talks.yaml").write_text(
        "talks:\n"
        "- {id: zurich, title: A, date: 2023-01-01, event: E}\n"
        "- {id: zürich, title: B, date: 2023-01-01, event: E}\n",
        encoding="utf-8",
    )
    import bibtexparser

    keys = [e.key for e in bibtexparser.parse_string(export(runner, "--format", "bibtex")).entries]
    assert keys[0] == "zurich" and keys[1].startswith("zurich-") and len(set(keys)) == 2


# pages: front matter read back as YAML, by two readers.


def front_matter(text: str) -> dict[str, object]:
    assert text.startswith("---\n")
    matter = text[4 : text.index("\n---\n", 4) + 1]
    by_pyyaml = yaml.safe_load(matter)  # YAML 1.1, like Jekyll's Psych
    by_ruamel = YAML(typ="safe", pure=True).load(matter)  # YAML 1.2, like Hugo
    assert by_pyyaml == by_ruamel
    return by_pyyaml  # type: ignore[no-any-return]


def pages(runner: CliRunner, site: str, *args: str) -> dict[str, str]:
    result = runner.invoke(app, ["export", "--format", "pages", "--site", site, "-o", "site", *args])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(Path("site").glob("*.md"))}


FIRST = "2023-05-10-data-models-100-real-cost-1-under-braces-tilde-back-slash.md"


def test_hugo_front_matter(tricky: Path, runner: CliRunner) -> None:
    written = pages(runner, "hugo")
    assert front_matter(written[FIRST]) == {
        "title": 'Data & Models: 100% "real" $cost #1 _under_ {braces} ~tilde^ back\\slash',
        "event": "PyData Berlin #7",
        "event_url": "https://example.org/2023/talk?id=1&lang=en#top",
        "location": "Berlin, Germany",
        "date": dt.date(2023, 5, 10),
        "date_end": dt.date(2023, 5, 12),
        "all_day": True,
        "summary": "First paragraph, with a line break.",
        "url_video": "https://example.org/video_(1)",
        "tags": ["ml", "python", "a: b"],
        "authors": ["Ada Lovelace", "Grace Hopper and Friends"],
    }
    assert written[FIRST].endswith("\n---\n\nFirst paragraph, with a\nline break.\n\n## Outline\n\n- one\n- two\n---\nNot front matter: a thematic break.\n")
    assert front_matter(written["talk.md"]) == {
        "title": "yes",
        "event": "null",
        "date": dt.date(2020, 2, 29),
        "all_day": True,
    }


def test_jekyll_front_matter(tricky: Path, runner: CliRunner) -> None:
    written = pages(runner, "jekyll")
    assert front_matter(written["2022-01-31-zürich-ünïcödé-talk.md"]) == {
        "title": "Zürich: ünïcödé --> talk",
        "collection": "talks",
        "type": "Podcast",
        "permalink": "/talks/2022-01-31-zürich-ünïcödé-talk",
        "venue": "Café Podcast",
        "date": dt.date(2022, 1, 31),
        "location": "Online",
    }
    assert written["2022-01-31-zürich-ünïcödé-talk.md"].endswith("---\n\n[Listen](https://example.org/podcast/ep-1)\n")


def nikola_header(text: str) -> dict[str, str]:
    header, _, _ = text.partition("\n-->\n")
    lines = header.split("\n")
    assert lines[0] == "<!--"
    return dict(re.fullmatch(r"\.\. (\w+): (.*)", line).groups() for line in lines[1:])  # type: ignore[union-attr,misc]


def test_nikola_header_as_in_the_seed_page(tricky: Path, runner: CliRunner) -> None:
    from conftest import ROOT

    # A copy of the speaker's site page, ../shared/seeds/001_0d0c0ebd1073e3b9.txt.
    seed_page = (ROOT / "tests" / "golden" / "seed_site_page.md").read_text(encoding="utf-8")
    written = pages(runner, "nikola")
    assert list(nikola_header(written[FIRST])) == list(nikola_header(seed_page))
    assert nikola_header(written[FIRST]) == {
        "title": 'Data & Models: 100% "real" $cost #1 _under_ {braces} ~tilde^ back\\slash',
        "slug": FIRST[:-3],
        "date": "2023-05-10 00:00:00 UTC",
        "tags": "ml, python, a: b",
        "category": "keynote",
        "link": "https://example.org/2023/talk?id=1&lang=en#top",
        "description": "PyData Berlin #7",
        "type": "text",
    }
    # `-->` in a title would end the comment.
    assert nikola_header(written["2022-01-31-zürich-ünïcödé-talk.md"])["title"] == "Zürich: ünïcödé -- > talk"


# pages: never outside the folder, never over a hand edit.


@pytest.mark.parametrize(
    ("talk_id", "stem"),
    [("..", "talk"), ("...", "talk"), (".hidden", "hidden"), ("../../etc/passwd", "etc-passwd"),
     ("a\\b/c", "a-b-c"), ("a..b", "a.b"), ("ok-1", "ok-1"), ("zürich", "zürich")],
)
def test_page_names_stay_in_the_folder(talk_id: str, stem: str) -> None:
    assert page_stem(talk_id) == stem


def test_dotted_ids_write_inside_the_folder(project: Path, runner: CliRunner) -> None:
    (project / "data/talks.yaml").write_text(
        "talks:\n"
        "- {id: .., title: A, date: 2023-01-01, event: E}\n"
        "- {id: ..., title: B, date: 2023-01-02, event: E}\n"
        "- {id: .bashrc, title: C, date: 2023-01-03, event: E}\n",
        encoding="utf-8",
    )
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    pages(runner, "hugo")
    after = sorted(p.relative_to(project) for p in project.rglob("*"))
    new = [str(p) for p in after if p not in before]
    assert new == ["site", "site/.talkcat-pages.json", "site/bashrc.md", "site/talk-2.md", "site/talk.md"]


def test_a_symlink_out_of_the_folder_is_refused(tricky: Path, runner: CliRunner, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "target.md"
    outside.write_text("mine\n", encoding="utf-8")
    (tricky / "site").mkdir()
    (tricky / "site" / "talk.md").symlink_to(outside)
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site"])
    assert result.exit_code == 1
    assert result.stderr == "site/talk.md: leads outside the folder (a symlink?); nothing was written\n"
    assert outside.read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in (tricky / "site").iterdir()) == ["talk.md"]


def test_a_second_run_changes_nothing(tricky: Path, runner: CliRunner) -> None:
    pages(runner, "jekyll")
    before = folder_bytes(tricky / "site")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "jekyll", "-o", "site"])
    assert result.stderr == "jekyll pages in site: 0 written, 4 unchanged\n"
    assert folder_bytes(tricky / "site") == before


def test_a_hand_edited_page_is_not_overwritten(tricky: Path, runner: CliRunner) -> None:
    pages(runner, "hugo")
    site = tricky / "site"
    page = site / "talk.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMy own notes.\n", encoding="utf-8")
    # The catalogue changes too, so that every page would be rewritten.
    catalogue = tricky / "data/talks.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("event: 'null'", "event: Nothing"), encoding="utf-8")
    before = folder_bytes(site)
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "site/talk.md: edited by hand since talkcat wrote it; nothing was written\n"
        "hint: pass --force to overwrite them (or move your edits into the catalogue)\n"
    )
    assert folder_bytes(site) == before
    forced = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site", "--force"])
    assert forced.exit_code == 0, forced.output
    assert forced.stderr == "hugo pages in site: 1 written, 3 unchanged\n"
    assert "event: Nothing\n" in page.read_text(encoding="utf-8")
    assert "My own notes." not in page.read_text(encoding="utf-8")


def test_pages_talkcat_wrote_are_updated(tricky: Path, runner: CliRunner) -> None:
    pages(runner, "hugo")
    catalogue = tricky / "data/talks.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("event: 'null'", "event: Nothing"), encoding="utf-8")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "hugo pages in site: 1 written, 3 unchanged\n"
    manifest = json.loads((tricky / "site" / MANIFEST).read_text(encoding="utf-8"))
    import hashlib

    assert manifest["pages"]["talk.md"] == hashlib.sha256((tricky / "site/talk.md").read_bytes()).hexdigest()


def test_a_page_talkcat_did_not_write_is_not_overwritten(tricky: Path, runner: CliRunner) -> None:
    (tricky / "site").mkdir()
    (tricky / "site" / "talk.md").write_text("my page\n", encoding="utf-8")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "nikola", "-o", "site"])
    assert result.exit_code == 1
    assert result.stderr.startswith("site/talk.md: edited by hand since talkcat wrote it; nothing was written\n")
    assert sorted(p.name for p in (tricky / "site").iterdir()) == ["talk.md"]


def test_pages_of_talks_not_exported_are_left_alone(tricky: Path, runner: CliRunner) -> None:
    pages(runner, "hugo")
    written = pages(runner, "hugo", "--year", "2023")
    assert len(written) == 4  # the other three stay
    manifest = json.loads((tricky / "site" / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["pages"]) == sorted(written)


def test_a_damaged_manifest_is_located(tricky: Path, runner: CliRunner) -> None:
    (tricky / "site").mkdir()
    (tricky / "site" / MANIFEST).write_text('{"pages": {\n  "a.md": 1,\n', encoding="utf-8")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site"])
    assert result.exit_code == 1
    assert result.stderr.startswith("site/.talkcat-pages.json:3:1: not a talkcat pages manifest: Expecting property name")


# Usage.


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "pages", "--output", "site"],
        ["--format", "pages", "--site", "hugo"],
        ["--format", "json", "--site", "hugo"],
        ["--format", "csv", "--force"],
        ["--format", "yaml"],
        [],
    ],
)
def test_usage_errors(tricky: Path, runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert not (tricky / "site").exists()


def test_output_to_a_folder_is_an_error(tricky: Path, runner: CliRunner) -> None:
    (tricky / "out").mkdir()
    result = runner.invoke(app, ["export", "--format", "json", "-o", "out"])
    assert (result.exit_code, result.stderr) == (1, "out: is a directory, not a file\n")


def test_pages_into_a_file_is_an_error(tricky: Path, runner: CliRunner) -> None:
    (tricky / "site").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site"])
    assert (result.exit_code, result.stderr) == (1, "site: is not a folder; --output for pages names a folder\n")
