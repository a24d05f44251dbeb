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
from helpers import EXPORT_GOLDEN, ROOT, TRICKY
from ruamel.yaml import YAML
from typer.testing import CliRunner

from talkcat.cli import app
from talkcat.export import bibtex_key, latex_escape
from talkcat.pages import MANIFEST, page_stem

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
    assert [row["title"] for row in rows][
        0
    ] == 'Data & Models: 100% "real" $cost #1 _under_ {braces} ~tilde^ back\\slash'
    assert rows[0]["description"].endswith("Not front matter: a thematic break.\n")
    assert [entry["id"] for entry in json.loads(export(runner, "--format", "json"))][-1] == ".."


# The list filters apply.


@pytest.mark.parametrize(
    ("args", "uids"),
    [
        (["--year", "2022"], ["2022-01-31-zürich-ünïcödé-talk@talkcat"]),
        (["--online"], ["2022-01-31-zürich-ünïcödé-talk@talkcat"]),
        (
            ["--kind", "keynote", "--kind", "talk"],
            [
                "2023-05-10-data-models-100-real-cost-1-under-braces-tilde-back-slash@talkcat",
                "2021-12-01-データ科学-入門@talkcat",
                "..@talkcat",
            ],
        ),
        (
            ["--tag", "python", "--has-video"],
            [
                "2023-05-10-data-models-100-real-cost-1-under-braces-tilde-back-slash@talkcat",
            ],
        ),
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
        "the ics format needs the icalendar package, which is not installed\nhint: pip install 'talkcat[calendar]'\n"
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
    assert (
        re.search(
            r"(?<!\\)[&%$#_~^]", fields["title"].replace(r"\textasciitilde{}", "").replace(r"\textasciicircum{}", "")
        )
        is None
    )
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
    assert written[FIRST].endswith(
        "\n---\n\nFirst paragraph, with a\nline break.\n\n## Outline\n\n- one\n- two\n---\nNot front matter: a thematic break.\n"
    )
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
    from helpers import ROOT

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
    [
        ("..", "talk"),
        ("...", "talk"),
        (".hidden", "hidden"),
        ("../../etc/passwd", "etc-passwd"),
        ("a\\b/c", "a-b-c"),
        ("a..b", "a.b"),
        ("ok-1", "ok-1"),
        ("zürich", "zürich"),
    ],
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


def test_a_symlink_out_of_the_folder_is_refused(
    tricky: Path, runner: CliRunner, tmp_path_factory: pytest.TempPathFactory
) -> None:
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
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace("event: 'null'", "event: Nothing"), encoding="utf-8"
    )
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
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace("event: 'null'", "event: Nothing"), encoding="utf-8"
    )
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
    assert result.stderr.startswith(
        "site/.talkcat-pages.json:3:1: not a talkcat pages manifest: Expecting property name"
    )


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
    assert (result.exit_code, result.stderr) == (1, "out: is a directory, not a file; nothing was written\n")


def test_pages_into_a_file_is_an_error(tricky: Path, runner: CliRunner) -> None:
    (tricky / "site").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site"])
    assert (result.exit_code, result.stderr) == (1, "site: is not a folder; --output for pages names a folder\n")


# The author of a BibTeX entry: the `speaker` (or `name`) setting, then the talk's speakers.


def bib_authors(text: str) -> list[str | None]:
    import bibtexparser

    return [
        entry.fields_dict["author"].value if "author" in entry.fields_dict else None
        for entry in bibtexparser.parse_string(text).entries
    ]


@pytest.mark.parametrize("key", ["speaker", "name"])
def test_bibtex_author_is_the_speaker_setting_and_the_talks_speakers(tricky: Path, runner: CliRunner, key: str) -> None:
    assert bib_authors(export(runner, "--format", "bibtex")) == [
        "Ada Lovelace and {Grace Hopper and Friends}",
        None,
        None,
        None,
    ]
    (tricky / "talkcat.toml").write_text(f'{key} = "Jesper Dramsch"\n', encoding="utf-8")
    assert bib_authors(export(runner, "--format", "bibtex")) == [
        "Jesper Dramsch and Ada Lovelace and {Grace Hopper and Friends}",
        "Jesper Dramsch",
        "Jesper Dramsch",
        "Jesper Dramsch",
    ]


def test_speaker_and_name_together_are_refused(tricky: Path, runner: CliRunner) -> None:
    (tricky / "talkcat.toml").write_text('speaker = "A"\nname = "B"\n', encoding="utf-8")
    result = runner.invoke(app, ["export", "--format", "bibtex"])
    message = "talkcat.toml:2: speaker and name are one setting: give one of them\n"
    assert (result.exit_code, result.stderr) == (1, message)


# A base URL for the repository's folders: links in every export but the README.

BASE = "https://github.com/me/talks/tree/main/"
SLIDES_URL = BASE + "slides/data-models/"


def test_base_url_makes_the_slides_folder_a_link_in_every_export(tricky: Path, runner: CliRunner) -> None:
    plain = {name: export(runner, "--format", name) for name in FILES}
    assert not any(SLIDES_URL in text for text in plain.values())
    for given in (["--base-url", BASE], ["--base-url", BASE.rstrip("/")]):
        texts = {name: export(runner, "--format", name, *given) for name in FILES}
        assert json.loads(texts["json"])[0]["slides"] == SLIDES_URL
        assert next(csv.DictReader(io.StringIO(texts["csv"])))["slides"] == SLIDES_URL
        assert f"Slides: {SLIDES_URL}" in texts["ics"].replace("\r\n ", "")
        # BibTeX's url is the first web link: the event's page here; the slides now count as one.
        assert texts["bibtex"] == plain["bibtex"]
    (tricky / "talkcat.toml").write_text(f'base_url = "{BASE}"\n', encoding="utf-8")
    assert json.loads(export(runner, "--format", "json"))[0]["slides"] == SLIDES_URL
    hugo = pages(runner, "hugo")
    assert f"url_slides: {SLIDES_URL}\n" in hugo[FIRST]
    assert f"[Slides]({SLIDES_URL})" in pages(runner, "nikola", "--force")[FIRST]


def test_base_url_gives_bibtex_its_url_when_the_slides_are_the_only_link(project: Path, runner: CliRunner) -> None:
    (project / "decks/2024 PyCon").mkdir(parents=True)
    (project / "data/talks.yaml").write_text(
        "talks:\n- {title: T, date: 2024-01-01, event: E, slides: 'decks/2024 PyCon/'}\n", encoding="utf-8"
    )
    assert "url =" not in export(runner, "--format", "bibtex")
    text = export(runner, "--format", "bibtex", "--base-url", BASE)
    assert f"  url = {{{BASE}decks/2024%20PyCon/}},\n" in text


def test_base_url_never_reaches_the_readme(tricky: Path, runner: CliRunner) -> None:
    (tricky / "README.md").write_text("<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    before = (tricky / "README.md").read_bytes()
    (tricky / "talkcat.toml").write_text(f'base_url = "{BASE}"\n', encoding="utf-8")
    check = runner.invoke(app, ["sync-readme", "--check"])
    assert (check.exit_code, (tricky / "README.md").read_bytes()) == (0, before)
    assert b"[Slides](slides/data-models/)" in before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ftp://example.org/", "--base-url 'ftp://example.org/' must be an http:// or https:// URL, not 'ftp://"),
        ("github.com/me/talks", "--base-url 'github.com/me/talks' must be an http:// or https:// URL"),
        ("https://no host/", "--base-url 'https://no host/' is not a valid URL (it contains spaces)"),
    ],
)
def test_a_bad_base_url_is_a_usage_error(tricky: Path, runner: CliRunner, value: str, message: str) -> None:
    result = runner.invoke(app, ["export", "--format", "json", "--base-url", value])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


# Pages of talks that are gone.


def remove_talk(folder: Path, first_line: str) -> None:
    catalogue = folder / "data/talks.yaml"
    text = catalogue.read_text(encoding="utf-8")
    start = text.index(first_line)
    end = text.find("\n- ", start + 1)
    catalogue.write_text(text[:start] + (text[end + 1 :] if end != -1 else ""), encoding="utf-8")


def test_pages_of_talks_that_are_gone_are_removed(tricky: Path, runner: CliRunner) -> None:
    before = pages(runner, "hugo")
    remove_talk(tricky, "- title: データ科学 入門")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "hugo pages in site: 0 written, 3 unchanged, 1 removed (their talks are gone)\n"
    gone = "2021-12-01-データ科学-入門.md"
    assert gone in before
    assert sorted(p.name for p in (tricky / "site").glob("*.md")) == sorted(set(before) - {gone})
    manifest = json.loads((tricky / "site" / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["pages"]) == sorted(set(before) - {gone})


def test_a_renamed_talk_moves_its_page(tricky: Path, runner: CliRunner) -> None:
    pages(runner, "jekyll")
    catalogue = tricky / "data/talks.yaml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace("title: データ科学 入門", "title: Data science"), encoding="utf-8")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "jekyll", "-o", "site"])
    assert result.stderr == "jekyll pages in site: 1 written, 3 unchanged, 1 removed (their talks are gone)\n"
    assert (tricky / "site/2021-12-01-data-science.md").exists()
    assert not (tricky / "site/2021-12-01-データ科学-入門.md").exists()


def test_a_hand_edited_page_of_a_talk_that_is_gone_is_kept_and_named(tricky: Path, runner: CliRunner) -> None:
    pages(runner, "nikola")
    page = tricky / "site/2021-12-01-データ科学-入門.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMy notes from the day.\n", encoding="utf-8")
    edited = page.read_bytes()
    remove_talk(tricky, "- title: データ科学 入門")
    for force in ([], ["--force"]):
        result = runner.invoke(app, ["export", "--format", "pages", "--site", "nikola", "-o", "site", *force])
        assert result.exit_code == 0, result.output
        assert page.read_bytes() == edited
    first = runner.invoke(app, ["export", "--format", "pages", "--site", "nikola", "-o", "site"])
    assert first.stderr == "nikola pages in site: 0 written, 3 unchanged\n"  # it is no longer talkcat's page


def test_the_kept_page_is_named_once(tricky: Path, runner: CliRunner) -> None:
    pages(runner, "hugo")
    page = tricky / "site/talk.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMine.\n", encoding="utf-8")
    remove_talk(tricky, "- id: ..")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site"])
    assert result.stderr == (
        "kept site/talk.md: its talk is gone from the catalogue, but the page was edited by hand since talkcat "
        "wrote it; it is yours now\n"
        "hugo pages in site: 0 written, 3 unchanged\n"
    )
    assert "talk.md" not in json.loads((tricky / "site" / MANIFEST).read_text(encoding="utf-8"))["pages"]


def test_a_filtered_export_removes_no_page_of_a_talk_still_there(tricky: Path, runner: CliRunner) -> None:
    before = pages(runner, "hugo")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site", "--year", "2023"])
    assert result.stderr == "hugo pages in site: 0 written, 1 unchanged\n"
    assert sorted(p.name for p in (tricky / "site").glob("*.md")) == sorted(before)


def test_a_manifest_naming_a_file_elsewhere_is_refused(
    tricky: Path, runner: CliRunner, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "precious.md"
    outside.write_text("keep me\n", encoding="utf-8")
    pages(runner, "hugo")
    manifest = tricky / "site" / MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    import hashlib

    data["pages"][f"../{outside.parent.name}/precious.md"] = hashlib.sha256(outside.read_bytes()).hexdigest()
    manifest.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site"])
    assert result.exit_code == 1
    named = f"'../{outside.parent.name}/precious.md'"
    assert result.stderr.startswith(f"site/.talkcat-pages.json: names {named}, which is not a page of this folder")
    assert outside.read_text(encoding="utf-8") == "keep me\n"


# The summary: the description's first paragraph, as the markdown parser reads it.


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("First paragraph\non two lines.\n\nSecond.", "First paragraph on two lines."),
        ("##### 🔁 THE CRISIS\nMachine learning can do feats.\n\nWhy?", "Machine learning can do feats."),
        ("Setext heading\n==============\n\nThe text.", "The text."),
        ("Also setext\n---\nThe text.", "The text."),
        ("```python\nprint('code')\n```\n\nThe text.", "The text."),
        ("    indented code\n\nThe text.", "The text."),
        ("<!-- a comment\nover lines -->\n\nThe text.", "The text."),
        ("[ref]: https://example.org\n\nThe text, with [a link][ref].", "The text, with [a link][ref]."),
        ("- a list\n- of things\n\nThe text.", "The text."),
        ("| a | b |\n|---|---|\n| 1 | 2 |\n\nThe text.", "The text."),
        ("> Quoted first paragraph\n> goes on.\n>\n> Second quoted.", "Quoted first paragraph goes on."),
        ("# Only a heading", None),
        ("", None),
    ],
)
def test_the_summary_is_the_first_paragraph(description: str, expected: str | None) -> None:
    from talkcat.pages import summary

    assert summary(description) == expected


@pytest.mark.parametrize(
    ("output", "message"),
    [
        # Today: "wrote 7 talks to data/talks.yaml", the catalogue replaced by JSON.
        (
            "data/talks.yaml",
            "data/talks.yaml: is the catalogue (data/talks.yaml); write the export to a file of its own; nothing was written\n",
        ),
        (
            "./data/../data/talks.yaml",
            "data/../data/talks.yaml: is the catalogue (data/talks.yaml); write the export to a file of its own; nothing was written\n",
        ),
        (
            "linked.yaml",
            "linked.yaml: is the catalogue (data/talks.yaml); write the export to a file of its own; nothing was written\n",
        ),
        (
            "README.md",
            "README.md: is a README that sync-readme writes (README.md); write the export to a file of its own; "
            "nothing was written\n",
        ),
    ],
)
def test_an_export_never_replaces_the_catalogue_or_a_readme(
    tricky: Path, runner: CliRunner, output: str, message: str
) -> None:
    (tricky / "README.md").write_text("# Me\n", encoding="utf-8")
    (tricky / "linked.yaml").symlink_to("data/talks.yaml")
    before = {name: (tricky / name).read_bytes() for name in ("data/talks.yaml", "README.md")}
    result = runner.invoke(app, ["export", "--format", "json", "-o", output])
    assert (result.exit_code, result.stderr) == (1, message)
    assert {name: (tricky / name).read_bytes() for name in before} == before


@pytest.mark.parametrize(
    ("output", "what"),
    [
        ("talkcat.toml", "talkcat's config (talkcat.toml)"),
        ("talks.md.j2", "the template (talks.md.j2)"),
        ("talk/README.md", "a talk folder's README (talk/README.md)"),
        ("data/talks.schema.json", "the catalogue's schema (data/talks.schema.json)"),
        (".pre-commit-config.yaml", "the pre-commit configuration (.pre-commit-config.yaml)"),
        (".gitattributes", "git's attributes (the merge driver) (.gitattributes)"),
    ],
)
def test_an_export_never_replaces_what_talkcat_reads_or_set_up(
    project: Path, runner: CliRunner, output: str, what: str
) -> None:
    # After `export -o talkcat.toml`, every command failed on the JSON in it (audit).
    (project / "talk").mkdir()
    (project / "data/talks.yaml").write_text("talks:\n- {title: A, date: 2023-01-03, event: E, slides: talk/}\n")
    (project / "talkcat.toml").write_text('folder_readmes = true\ntemplate = "talks.md.j2"\n')
    for name in (
        "talks.md.j2",
        "talk/README.md",
        "data/talks.schema.json",
        ".pre-commit-config.yaml",
        ".gitattributes",
    ):
        (project / name).write_text("mine\n")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    result = runner.invoke(app, ["export", "--format", "json", "-o", output])
    advice = "write the export to a file of its own; nothing was written"
    assert (result.exit_code, result.stderr) == (1, f"{output}: is {what}; {advice}\n")
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_every_page_name_is_checked_before_any_page_is_written(project: Path, runner: CliRunner) -> None:
    # Today the pages before the over-long one were written, and no manifest.
    long_id = "x" * 300
    (project / "data/talks.yaml").write_text(
        "talks:\n"
        "- {title: A, date: 2023-01-03, event: E}\n"
        f"- {{id: {long_id}, title: B, date: 2023-01-02, event: E}}\n"
        "- {title: C, date: 2023-01-01, event: E}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["export", "--format", "pages", "--site", "hugo", "-o", "site"])
    assert result.exit_code == 1
    assert result.stderr == f"site/{'x' * 112}...: the name is longer than 255 bytes; nothing was written\n"
    assert not (project / "site").exists()
