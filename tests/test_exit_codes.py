"""One table of exit codes (`cli.EXIT_CODES`): the README's, --help's and the commands' own agree.

Each code is produced here by a real command, most through CliRunner and
Ctrl-C by a real SIGINT to a real process, which must end with 130, one
line and no traceback wherever it lands.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from talkcat.cli import COMMANDS, EXIT_CODES, EXIT_CODES_HELP, app

CATALOGUE = """\
talks:
- title: First talk
  date: 2024-05-01
  event: PyCon DE
  video: https://example.org/v
- title: Second talk
  date: 2023-03-10
  event: EuroPython
"""
README = "# Me\n\n<!-- TALKS -->\n<!-- //TALKS -->\n"  # an empty block: out of date


@pytest.fixture
def repo(project: Path) -> Path:
    (project / "data/talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    (project / "README.md").write_text(README, encoding="utf-8")
    return project


def readme_table() -> list[tuple[int, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| (.+?) \|$", section, re.MULTILINE)
    return [(int(code), meaning) for code, meaning in rows]


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_readme_table_is_the_table() -> None:
    assert readme_table() == [(code, meaning) for code, _, _, meaning in EXIT_CODES]


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)])
def test_every_help_ends_with_the_table(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert words(result.stdout).endswith(words(EXIT_CODES_HELP))
    listed = re.findall(r"(\d+) ([^;.]+)", EXIT_CODES_HELP.removeprefix("Exit codes: "))
    assert [(int(code), text) for code, text in listed] == [(code, short) for code, _, short, _ in EXIT_CODES]


CASES = [
    (0, ["validate"], ""),
    (1, ["edit", "no-such-talk", "--set", "title=x"], "data/talks.yaml: no talk with id 'no-such-talk'\n"),
    # Every bad option value is a usage error, as issue 11 measured them.
    (
        2,
        ["list", "--kind", "tutorials"],
        "--kind 'tutorials' is not one of talk, keynote, workshop, tutorial, panel, lightning, poster, "
        "podcast, lecture (did you mean 'tutorial'?)\n",
    ),
    (2, ["list", "--since", "2023-13-01"], "--since '2023-13-01' is not a real date (month must be in 1..12)\n"),
    (
        2,
        ["add", "--title", "T", "--event", "E", "--date", "2026-02-30"],
        "--date '2026-02-30' is not a real date (day is out of range for month)\n",
    ),
    (2, ["edit", "2024-05-01-first", "--set", "vidoe=x"], "--set: unknown field 'vidoe' (did you mean 'video'?)\n"),
    (2, ["search", "titel:x"], "unknown field 'titel:' in the query (did you mean 'title:'?)\n"),
    (2, ["list", "--format", "xml"], "Error: Invalid value for '--format': 'xml' is not one of"),
    (2, ["list", "--online", "--in-person"], "Error: Invalid value: --online and --in-person contradict each other"),
    (2, ["list", "--no-video", "--has-video"], "Invalid value: --has-video and --no-video contradict each other"),
    (2, ["export", "--format", "csv", "--site", "hugo"], "--site and --force are for --format pages only\n"),
    (2, ["remove", "2024-05-01-first-talk", "--input"], "a question was left without an answer (the input ended)"),
    (3, ["sync-readme", "--check"], "README.md is out of date; run `talkcat sync-readme` to update it\n"),
    (4, ["remove", "2024-05-01-first-talk", "--input"], "nothing was removed\n"),
    (4, ["init", "--input"], "nothing was changed\n"),
]


@pytest.mark.parametrize(("code", "args", "stderr"), CASES, ids=[" ".join(case[1]) for case in CASES])
def test_each_code_is_what_the_commands_exit_with(
    repo: Path, runner: CliRunner, code: int, args: list[str], stderr: str
) -> None:
    before = (repo / "data/talks.yaml").read_bytes()
    answer = "n\n" if code == 4 else ""
    result = runner.invoke(app, args, input=answer)
    assert result.exit_code == code, result.output
    assert stderr in result.stderr
    assert "Traceback" not in result.output
    assert (repo / "data/talks.yaml").read_bytes() == before


def test_every_code_of_the_table_is_tested_here() -> None:
    tested = {code for code, _, _ in CASES} | {5, 130}  # 5: test_links.py; 130: below
    assert tested == {code for code, _, _, _ in EXIT_CODES}


def test_no_command_ends_itself_with_typer_exit() -> None:
    # Exit codes come from the errors' classes, mapped in cli.report_errors only.
    commands = ROOT / "src" / "talkcat" / "commands"
    assert [path.name for path in commands.glob("*.py") if "typer.Exit" in path.read_text(encoding="utf-8")] == []


# Ctrl-C: SIGINT to a real process, wherever it is.


def talkcat(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "talkcat", *args],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def interrupt_once_waiting(process: subprocess.Popen[str], waiting: threading.Event | None = None) -> None:
    """SIGINT once the process waits (at a prompt, or for an answer): bounded, not timed."""
    if waiting is not None:
        assert waiting.wait(30), "talkcat never got as far as waiting"
    else:
        deadline = time.monotonic() + 30
        # At a prompt, a process sleeps reading its stdin: wait for that state.
        while _state(process.pid) != "S" or not _reads_stdin(process.pid):
            assert time.monotonic() < deadline and process.poll() is None, "talkcat never got to its prompt"
            time.sleep(0.05)
    process.send_signal(signal.SIGINT)


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _reads_stdin(pid: int) -> bool:
    # The kernel's wait channel of a process blocked reading a pipe.
    return Path(f"/proc/{pid}/wchan").read_text() in ("pipe_read", "pipe_wait", "anon_pipe_read")


pytestmark_linux = pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs /proc")


@pytestmark_linux
def test_ctrl_c_at_a_prompt_exits_130_without_a_traceback(repo: Path) -> None:
    before = (repo / "data/talks.yaml").read_bytes()
    process = talkcat(["remove", "2024-05-01-first-talk", "--input"], repo)
    interrupt_once_waiting(process)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in stderr and "Aborted" not in stderr
    assert stderr.endswith("\ninterrupted; nothing was written\n")
    assert (repo / "data/talks.yaml").read_bytes() == before


@pytest.fixture
def silent_server() -> Iterator[tuple[str, threading.Event]]:
    """A local server that takes the connection and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    connected = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        try:
            while True:
                connection, _ = listener.accept()
                held.append(connection)
                connected.set()
        except OSError:
            return  # closed: the test is over

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow", connected
    listener.close()
    for connection in held:
        connection.close()


def test_ctrl_c_while_links_are_checked_exits_130(
    repo: Path, silent_server: tuple[str, threading.Event], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    url, connected = silent_server
    (repo / "data/talks.yaml").write_text(CATALOGUE.replace("https://example.org/v", url), encoding="utf-8")
    process = talkcat(["validate", "--check-links", "--link-timeout", "60"], repo)
    interrupt_once_waiting(process, connected)
    stdout, stderr = process.communicate(timeout=30)
    assert (process.returncode, stdout) == (130, "")
    assert stderr == "\ninterrupted; nothing was written\n"
