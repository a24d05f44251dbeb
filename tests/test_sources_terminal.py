"""On a terminal (tmux), `import --schedule` of hundreds of talks shows its progress; piped, it prints none."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TALKCAT = Path(sys.executable).parent / "talkcat"


def schedule(count: int) -> dict[str, object]:
    talks = [
        {"title": f"Talk number {n}", "date": f"2025-04-{23 + n % 3}T{9 + n % 8:02d}:00:00+02:00", "code": f"C{n:05d}",
         "type": "Talk", "persons": [{"public_name": f"Speaker {n % 40}"}], "url": f"https://example.org/t/C{n:05d}/"}
        for n in range(count)
    ]  # fmt: skip
    days = [{"date": "2025-04-23", "rooms": {"Hall": talks}}]
    return {"schedule": {"conference": {"title": "Big Con", "time_zone_name": "Europe/Berlin", "days": days}}}


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_a_progress_bar_on_a_terminal(project: Path) -> None:
    (project / "big.json").write_text(json.dumps(schedule(300)), encoding="utf-8")
    session = f"talkcat-progress-{project.name}"
    cache = shlex.quote(os.environ["TALKCAT_CACHE_DIR"])  # the test's, not the tmux server's environment
    command = (f"cd {shlex.quote(str(project))} && TALKCAT_CACHE_DIR={cache} {shlex.quote(str(TALKCAT))} "
               "import --schedule big.json; echo EXIT=$?")  # fmt: skip
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "20", command + "; sleep 30"],
                   check=True)  # fmt: skip
    try:
        screen = ""
        for _ in range(300):  # bounded: 30 s at most
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if "EXIT=" in screen:
                break
            time.sleep(0.1)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    lines = [line.rstrip() for line in screen.splitlines() if line.strip()]
    assert "EXIT=0" in lines, screen
    bar = next(line for line in lines if "checking the talks" in line)
    assert bar.startswith("done checking the talks") and "300/300" in bar, screen
    assert "imported 300 talks into data/talks.yaml" in lines, screen
    assert (project / "data" / "talks.yaml").read_text(encoding="utf-8").count("\n- title: ") == 300


def test_no_progress_when_piped(project: Path) -> None:
    (project / "big.json").write_text(json.dumps(schedule(300)), encoding="utf-8")
    done = subprocess.run(
        [str(TALKCAT), "import", "--schedule", "big.json"], cwd=project, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "imported 300 talks into data/talks.yaml\n"


def test_importing_the_modules_opens_no_socket_and_loads_no_httpx() -> None:
    """Every talkcat module, the hooks' path among them, imports without the network and without httpx."""
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k): raise OSError('network at import time')\n"
        "socket.socket.connect = socket.socket.connect_ex = refuse\n"
        "socket.create_connection = socket.getaddrinfo = refuse\n"
        "import pkgutil, importlib, talkcat\n"
        "for m in pkgutil.walk_packages(talkcat.__path__, 'talkcat.'):\n"
        "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "assert 'httpx' not in sys.modules, 'httpx imported'\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout == "ok\n", done.stderr


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_add_from_on_a_terminal_offers_the_rest(project: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent / "pretalx"))
    import served

    (project / "data" / "talks.yaml").write_text("talks: []\n", encoding="utf-8")
    session = f"talkcat-add-from-{project.name}"
    with served.serving(served.Recorded()) as pretalx:
        url = f"{pretalx.origin}/democon/talk/{pretalx.talks['workshop']}/"
        cache = shlex.quote(os.environ["TALKCAT_CACHE_DIR"])
        command = (f"cd {shlex.quote(str(project))} && TALKCAT_CACHE_DIR={cache} {shlex.quote(str(TALKCAT))} "
                   f"add --from {url}; echo EXIT=$?; sleep 30")  # fmt: skip
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "30", command], check=True)
        try:
            answers = iter([("Last day", ""), ("Location", "Berlin, Germany"), *((p, "") for p in (
                "Video (a URL)", "Slides (a URL"))])  # fmt: skip
            screen = _wait(session, "Last day, for several days (YYYY-MM-DD, today or yesterday):")
            prompts = []
            for prompt, answer in answers:
                screen = _wait(session, prompt)
                prompts.append(prompt)
                subprocess.run(["tmux", "send-keys", "-t", session, answer, "Enter"], check=True)
            screen = _wait(session, "EXIT=")
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert "EXIT=0" in screen, screen
    # What pretalx had was not asked for: title, date, event, kind, tags, speakers, language, link, description.
    for asked_not in ("Title", "Event:", "Kind", "Tags", "Other speakers", "Language", "Link", "Description"):
        assert asked_not not in screen, screen
    text = (project / "data" / "talks.yaml").read_text(encoding="utf-8")
    assert "  location: Berlin, Germany\n  kind: workshop\n" in text
    assert f"  link:\n    label: DemoCon\n    url: {url}\n" in text


def _wait(session: str, text: str) -> str:
    screen = ""
    for _ in range(200):  # bounded: 20 s at most
        screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never came:\n{screen}")
