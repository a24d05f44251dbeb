"""`add --from URL` and `import --schedule` against recordings of a real pretalx (tests/pretalx/record.py)."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from talkcat.cli import app

sys.path.insert(0, str(ROOT / "tests" / "pretalx"))
import served  # noqa: E402

EXPAND = "speakers,slots.room,track,submission_type"


@pytest.fixture
def pretalx() -> Iterator[served.Recorded]:
    with served.serving(served.Recorded()) as recorded:
        yield recorded


@pytest.fixture
def legacy() -> Iterator[served.Recorded]:
    with served.serving(served.Recorded(version="LEGACY")) as recorded:
        yield recorded


@pytest.fixture
def catalogue(project: Path) -> Path:
    path = project / "data" / "talks.yaml"
    path.write_text(
        "# my talks\ntalks:\n- title: Older\n  date: 2020-01-01\n  event: Meetup  # kept\n", encoding="utf-8"
    )
    return path


def run(runner: CliRunner, *args: str) -> object:
    return runner.invoke(app, list(args))


def talk_page(recorded: served.Recorded, code: str) -> str:
    return f"{recorded.origin}/democon/talk/{code}/"


# What the recordings hold (tests/pretalx/recorded/): read here by hand, not by talkcat.


def expected_entry(recorded: served.Recorded, code: str) -> str:
    talk = recorded.json(f"/api/events/democon/submissions/{code}/?expand={EXPAND}", "current")
    speakers = "".join(f"  - {s['name']}\n" for s in talk["speakers"])
    kind = talk["submission_type"]["name"]["en"].lower()
    day = talk["slots"][0]["start"][:10]  # the recordings' times are the event's (Europe/Berlin)
    description = f"{talk['abstract']}\n\n{talk['description']}".replace("\n", "\n    ").replace("\n    \n", "\n\n")
    return (
        f"- title: {talk['title']}\n  date: {day}\n  event: DemoCon\n"
        + ("" if kind == "talk" else f"  kind: {kind}\n")
        + f"  language: en\n  speakers:\n{speakers}  tags:\n  - {talk['track']['name']['en']}\n"
        # Labelled as the catalogue labels links: with the event's short name when it has none yet.
        + f"  link:\n    label: DemoCon\n    url: {talk_page(recorded, code)}\n  description: |-\n    {description}\n"
    )


def test_add_from_a_talk_page_fills_every_field_pretalx_has(
    pretalx: served.Recorded, catalogue: Path, runner: CliRunner
) -> None:
    code = pretalx.talks["two_speakers"]
    before = catalogue.read_text(encoding="utf-8")
    result = run(runner, "add", "--from", talk_page(pretalx, code).lower(), "--no-input")
    assert result.exit_code == 0, result.output
    entry = expected_entry(pretalx, code)
    assert catalogue.read_text(encoding="utf-8") == before.replace("talks:\n", "talks:\n" + entry)
    # The code was asked for in upper case, whatever case the URL had.
    assert f"/api/events/democon/submissions/{code}/?expand={EXPAND}" in pretalx.requests


def test_the_legacy_api_gives_the_same_talk(legacy: served.Recorded, catalogue: Path, runner: CliRunner) -> None:
    code = legacy.talks["workshop"]
    result = run(runner, "add", "--from", talk_page(legacy, code), "--no-input", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout == expected_entry(legacy, code)
    assert "  kind: workshop\n" in result.stdout


def test_flags_win_and_location_is_asked_of_no_one(
    pretalx: served.Recorded, catalogue: Path, runner: CliRunner
) -> None:
    code = pretalx.talks["workshop"]
    result = run(
        runner,
        "add",
        "--from",
        talk_page(pretalx, code),
        "--no-input",
        "--dry-run",
        "--title",
        "My own title",
        "--kind",
        "tutorial",
        "--location",
        "Berlin, Germany",
        "--tag",
        "mine",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "- title: My own title"
    assert "  location: Berlin, Germany" in lines and "  kind: tutorial" in lines
    assert lines[lines.index("  tags:") + 1 :][:4] == [
        "  - mine",
        "  link:",
        "    label: DemoCon",
        "    url: " + talk_page(pretalx, code),
    ]
    assert result.stderr == "would add it to data/talks.yaml:3; nothing was written\n"
    assert "My own title" not in catalogue.read_text(encoding="utf-8")


def test_what_pretalx_says_is_checked_as_a_typed_answer_is(
    pretalx: served.Recorded, catalogue: Path, runner: CliRunner
) -> None:
    # A title ending in ' #' was reported at a line of a catalogue not written yet (audit).
    import json

    code = pretalx.talks["workshop"]
    path = f"/api/events/democon/submissions/{code}/"
    talk = pretalx.json(f"{path}?expand={EXPAND}", "current")
    talk["title"] = "Data pipelines, part #"
    pretalx.overrides[path] = (200, "application/json", json.dumps(talk).encode())
    before = catalogue.read_bytes()
    result = run(runner, "add", "--from", talk_page(pretalx, code), "--no-input")
    assert (result.exit_code, result.stderr) == (
        1,
        f"{talk_page(pretalx, code)}: pretalx's title ends in ' #', which a markdown heading drops; the README "
        "would lose it; give --title to say it otherwise\nhint: nothing was written\n",
    )
    assert catalogue.read_bytes() == before
    fixed = run(runner, "add", "--from", talk_page(pretalx, code), "--no-input", "--title", "Data pipelines, part 1")
    assert fixed.exit_code == 0, fixed.output


def test_a_talk_already_there_is_refused(pretalx: served.Recorded, catalogue: Path, runner: CliRunner) -> None:
    url = talk_page(pretalx, pretalx.talks["workshop"])
    assert run(runner, "add", "--from", url, "--no-input").exit_code == 0
    after = catalogue.read_bytes()
    again = run(runner, "add", "--from", url, "--no-input")
    assert again.exit_code == 1
    assert "is already in the catalogue" in again.stderr
    assert catalogue.read_bytes() == after


def test_a_mirror_site_maps_to_its_pretalx_event(pretalx: served.Recorded, catalogue: Path, runner: CliRunner) -> None:
    code = pretalx.talks["workshop"]
    (catalogue.parent.parent / "talkcat.toml").write_text(
        f'[sources]\n"2025.pycon.de/talks" = "{pretalx.origin}/democon/"\n', encoding="utf-8"
    )
    mirror = f"https://2025.pycon.de/talks/{code.lower()}/"
    result = run(runner, "add", "--from", mirror, "--no-input", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout == expected_entry(pretalx, code).replace(talk_page(pretalx, code), mirror)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('[sources]\n"2025.pycon.de" = "pretalx.com"\n',
         "talkcat.toml:2: sources.2025.pycon.de must be a pretalx event's URL, "
         'such as "https://pretalx.com/pyconde-pydata-2025/", not \'pretalx.com\''),
        ('[sources]\n"https://2025.pycon.de/" = "https://pretalx.com/pyconde-pydata-2025/"\n',
         "talkcat.toml:2: sources: 'https://2025.pycon.de/' is not a host name (with a path if need be), "
         'such as "2025.pycon.de"'),
        ('sources = "pretalx.com"\n',
         "talkcat.toml:1: sources must be a table of mirror host = pretalx event URL "
         '("2025.pycon.de" = "https://pretalx.com/pyconde-pydata-2025/"), not \'pretalx.com\''),
    ],
)  # fmt: skip
def test_the_sources_setting_is_checked(project: Path, runner: CliRunner, config: str, message: str) -> None:
    (project / "talkcat.toml").write_text(config, encoding="utf-8")
    result = run(runner, "list")
    assert result.exit_code == 1
    assert result.stderr == message + "\n"


# Failures: a clear message, exit 1, nothing written.


def failed(runner: CliRunner, catalogue: Path, url: str) -> str:
    before = catalogue.read_bytes()
    result = run(runner, "add", "--from", url, "--no-input")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert catalogue.read_bytes() == before
    return str(result.stderr)


def test_a_talk_that_is_not_public(pretalx: served.Recorded, catalogue: Path, runner: CliRunner) -> None:
    url = f"{pretalx.origin}/api/events/democon/submissions/NOPE42/?expand={EXPAND}"
    assert failed(runner, catalogue, talk_page(pretalx, "nope42")) == (
        f"{url}: talk NOPE42 is not public on {pretalx.origin}/democon/ "
        "(no such talk, or not in the published schedule)\n"
    )


def test_an_event_that_is_not_there(pretalx: served.Recorded, catalogue: Path, runner: CliRunner) -> None:
    assert failed(runner, catalogue, f"{pretalx.origin}/nocon/talk/ABCDEF/") == (
        f"{pretalx.origin}/api/events/nocon/: no public event 'nocon' on {pretalx.origin}/ (is the URL right?)\n"
    )


def test_json_that_is_not_pretalx(pretalx: served.Recorded, catalogue: Path, runner: CliRunner) -> None:
    pretalx.overrides["/api/events/democon/"] = (200, "application/json", b'{"results": []}')
    assert failed(runner, catalogue, talk_page(pretalx, "ABCDEF")).startswith(
        f"{pretalx.origin}/api/events/democon/: the answer is JSON, but not a pretalx event (no name and slug)\n"
        "hint: talkcat reads the API of pretalx 2025.1 and later and the legacy API"
    )


def test_a_talk_in_an_api_talkcat_does_not_know(pretalx: served.Recorded, catalogue: Path, runner: CliRunner) -> None:
    pretalx.overrides["/api/events/democon/submissions/ABCDEF/"] = (
        200, "application/json", b'{"code": "ABCDEF", "title": "T", "when": "later"}')  # fmt: skip
    assert "the answer is a talk in an API shape talkcat does not know" in failed(
        runner, catalogue, talk_page(pretalx, "ABCDEF")
    )


def test_a_page_that_is_not_json(pretalx: served.Recorded, catalogue: Path, runner: CliRunner) -> None:
    pretalx.overrides["/api/events/democon/"] = (200, "text/html; charset=utf-8", b"<html>a login page</html>")
    assert failed(runner, catalogue, talk_page(pretalx, "ABCDEF")) == (
        f"{pretalx.origin}/api/events/democon/: expected pretalx's JSON, got something that is not JSON (text/html)\n"
    )


def test_an_http_error(pretalx: served.Recorded, catalogue: Path, runner: CliRunner) -> None:
    pretalx.overrides["/api/events/democon/"] = (500, "text/plain", b"oops")
    assert failed(runner, catalogue, talk_page(pretalx, "ABCDEF")) == (
        f"{pretalx.origin}/api/events/democon/: HTTP 500 Internal Server Error\n"
    )


def test_a_refused_connection(catalogue: Path, runner: CliRunner) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    assert failed(runner, catalogue, f"http://127.0.0.1:{port}/democon/talk/ABCDEF/") == (
        f"http://127.0.0.1:{port}/api/events/democon/: 127.0.0.1 refused the connection (nothing listens there)\n"
    )


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
         "no such host: pretalx.invalid (the name does not resolve)\nhint: check the URL"),
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"),
         "cannot look up pretalx.invalid: no network, or no name server answers (Temporary failure in name "
         "resolution)\nhint: check the connection, then try again"),
    ],
)  # fmt: skip
def test_dns_failure_and_no_network(
    catalogue: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, error: OSError, message: str
) -> None:
    def lookup(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(socket, "getaddrinfo", lookup)  # the system's resolver, not talkcat's code
    assert failed(runner, catalogue, "https://pretalx.invalid/democon/talk/ABCDEF/") == (
        f"https://pretalx.invalid/api/events/democon/: {message}\n"
    )


def test_no_route_to_the_network(catalogue: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    def connect(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENETUNREACH, "Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", connect)
    assert failed(runner, catalogue, "http://192.0.2.1/democon/talk/ABCDEF/") == (
        "http://192.0.2.1/api/events/democon/: cannot reach 192.0.2.1: no network (Network is unreachable)\n"
        "hint: check the connection\n"
    )


def test_a_server_that_never_answers(catalogue: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALKCAT_TIMEOUT", "0.3")
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections are taken by the kernel, and never answered
        port = silent.getsockname()[1]
        assert failed(runner, catalogue, f"http://127.0.0.1:{port}/democon/talk/ABCDEF/") == (
            f"http://127.0.0.1:{port}/api/events/democon/: no answer within 0.3 s\n"
            "hint: the server may be busy: try again, or wait longer with TALKCAT_TIMEOUT=30\n"
        )


def test_not_a_talk_page(catalogue: Path, runner: CliRunner) -> None:
    assert failed(runner, catalogue, "https://2025.pycon.de/talks/WMBDJ8/").startswith(
        "https://2025.pycon.de/talks/WMBDJ8/: not a pretalx talk page: expected https://HOST/EVENT/talk/CODE/\n"
        "hint: for a site that copies pretalx's talks under its own URLs, map its host to the pretalx event in "
        '[tool.talkcat.sources] (e.g. "2025.pycon.de" = "https://pretalx.com/pyconde-pydata-2025/")'
    )


# import --schedule: the same talks from the API, schedule.json and schedule.xml


def imported(runner: CliRunner, source: str, *more: str, data: str = "data/talks.yaml") -> str:
    result = run(runner, "import", "--schedule", source, "--data", data, *more)
    assert result.exit_code == 0, result.output
    return Path(data).read_text(encoding="utf-8")


def test_every_format_gives_the_same_talks(pretalx: served.Recorded, project: Path, runner: CliRunner) -> None:
    from_api = imported(runner, f"{pretalx.origin}/democon/", data="api.yaml")
    from_json = imported(runner, f"{pretalx.origin}/democon/schedule/export/schedule.json", data="json.yaml")
    (project / "schedule.xml").write_bytes(
        pretalx.body(pretalx.answers[served._key("current", "/democon/schedule/export/schedule.xml")]["file"])
    )
    from_xml = imported(runner, "schedule.xml", data="xml.yaml")
    assert from_api.count("\n- title: ") == 36
    assert from_json == from_api
    assert from_xml == from_api


def test_the_legacy_api_lists_the_same_talks(
    pretalx: served.Recorded, legacy: served.Recorded, project: Path, runner: CliRunner
) -> None:
    current = imported(runner, f"{pretalx.origin}/democon/", data="current.yaml")
    old = imported(runner, f"{legacy.origin}/democon/", data="legacy.yaml")
    assert old == current.replace(pretalx.origin, legacy.origin)


def test_pages_that_shift_while_read_are_read_again(project: Path, runner: CliRunner) -> None:
    with served.serving(served.Recorded(shift_once=True)) as shifting, served.serving(served.Recorded()) as steady:
        moved = imported(runner, f"{shifting.origin}/democon/", data="moved.yaml")
        still = imported(runner, f"{steady.origin}/democon/", data="still.yaml")
        pages = [r for r in shifting.requests if "/submissions/?" in r]
    assert moved == still.replace(steady.origin, shifting.origin)
    assert len(pages) == 8  # four pages, twice: the first reading came one talk short


def test_speaker_keeps_one_speakers_talks(pretalx: served.Recorded, project: Path, runner: CliRunner) -> None:
    schedule = pretalx.json("/democon/schedule/export/schedule.json")
    mine = [
        talk["title"]
        for day in schedule["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for talk in room
        if any(p["code"] == pretalx.talks["speaker"] for p in talk["persons"])
    ]
    name = next(
        p["name"]
        for day in schedule["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for talk in room
        for p in talk["persons"]
        if p["code"] == pretalx.talks["speaker"]
    )
    text = imported(runner, f"{pretalx.origin}/democon/schedule/export/schedule.json", "--speaker", name.upper())
    titles = [line[len("- title: ") :] for line in text.splitlines() if line.startswith("- title: ")]
    assert len(mine) >= 2 and sorted(titles) == sorted(mine)


def test_speaker_who_is_not_there(pretalx: served.Recorded, project: Path, runner: CliRunner) -> None:
    result = run(runner, "import", "--schedule", f"{pretalx.origin}/democon/schedule/export/schedule.json",
                 "--speaker", "Nobody At All")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{pretalx.origin}/democon/schedule/export/schedule.json: no talk by 'Nobody At All' in it (36 talks); "
        "nothing was imported\n"
    )
    assert not (project / "data" / "talks.yaml").exists()


def test_into_an_existing_catalogue_new_talks_are_added_and_changes_wait_for_update(
    pretalx: served.Recorded, catalogue: Path, runner: CliRunner
) -> None:
    url = f"{pretalx.origin}/democon/schedule/export/schedule.json"
    first = run(runner, "import", "--schedule", url)
    assert first.exit_code == 0, first.output
    lines = first.stderr.splitlines()
    assert len(lines) == 37 and lines[-1] == "imported into data/talks.yaml: 36 added, 0 updated, 0 unchanged"
    assert all(line.startswith(f"{url}: talk ") and ": added '" in line for line in lines[:-1])
    text = catalogue.read_text(encoding="utf-8")
    assert text.startswith("# my talks\ntalks:\n") and text.endswith(
        "- title: Older\n  date: 2020-01-01\n  event: Meetup  # kept\n"
    )
    # Upstream, a talk is renamed; here, one gets a location of the speaker's own.
    schedule = pretalx.json("/democon/schedule/export/schedule.json")
    talk = schedule["schedule"]["conference"]["days"][0]["rooms"]
    first_talk = next(iter(talk.values()))[0]
    old_title, first_talk["title"] = first_talk["title"], "Renamed upstream"
    pretalx.overrides["/democon/schedule/export/schedule.json"] = (
        200,
        "application/json",
        json.dumps(schedule).encode(),
    )
    edited = text.replace(f"- title: {old_title}\n", f"- title: {old_title}\n  location: Online\n", 1)
    catalogue.write_text(edited, encoding="utf-8")
    line = edited.splitlines().index(f"- title: {old_title}") + 1
    skipped = run(runner, "import", "--schedule", url)
    assert skipped.exit_code == 0
    assert skipped.stderr == (
        f"{url}: talk {first_talk['code']}: skipped 'Renamed upstream' (data/talks.yaml:{line}): its title changed; "
        "--update takes them\n"
        "imported into data/talks.yaml: 0 added, 0 updated, 35 unchanged, 1 skipped (changed; --update takes them)\n"
    )
    assert catalogue.read_text(encoding="utf-8") == edited
    updated = run(runner, "import", "--schedule", url, "--update")
    assert updated.exit_code == 0
    assert updated.stderr.startswith(
        f"{url}: talk {first_talk['code']}: updated title of 'Renamed upstream' (data/talks.yaml:{line})\n"
    )
    assert catalogue.read_text(encoding="utf-8") == edited.replace(
        f"- title: {old_title}\n", "- title: Renamed upstream\n"
    )


def test_a_schedule_that_is_not_one(project: Path, runner: CliRunner) -> None:
    (project / "other.json").write_text('{"talks": []}', encoding="utf-8")
    result = run(runner, "import", "--schedule", "other.json")
    assert result.exit_code == 1
    assert result.stderr == (
        "other.json: not a frab/c3voc schedule: no schedule.conference.days\n"
        "hint: give a frab or c3voc schedule, such as pretalx's /EVENT/schedule/export/schedule.json or .xml\n"
    )
    (project / "bomb.xml").write_text('<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa">]><schedule>&a;</schedule>')
    result = run(runner, "import", "--schedule", "bomb.xml")
    assert result.exit_code == 1
    assert result.stderr == "bomb.xml: not a frab schedule: it declares XML entities, which talkcat does not expand\n"
    assert not (project / "data" / "talks.yaml").exists()
