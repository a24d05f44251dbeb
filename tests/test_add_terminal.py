"""`talkcat add` on a real terminal: tmux running a real bash, keys typed and text pasted as a person would.

What CliRunner cannot show: a multi-line paste reaching the shell after
talkcat exits, Ctrl-C at a prompt, and the command printed back being one
that bash runs as it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import ROOT

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)")

SEED = (ROOT / "data" / "talks.yaml").read_text(encoding="utf-8")
PROMPT = "shell$ "
ABSTRACT = (
    "Machine learning papers are hard to reproduce.\n"
    "touch LEAKED-1\n"
    "\n"
    "This tutorial shows seeds, versions and tests.\n"
    "echo LEAKED > LEAKED-2\n"
    "\n"
    "Bring a laptop; we start at nine.\n"
    "touch LEAKED-3\n"
)


class Terminal:
    """A tmux server of its own (`-L`), one window running `bash --norc` in the project."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.socket = f"talkcat-test-{uuid.uuid4().hex[:12]}"
        bin_dir = Path(sys.executable).parent  # the venv's, where its `talkcat` script is
        environment = {
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "HOME": str(folder),
            "PS1": PROMPT,
            "TERM": "xterm-256color",
            "NO_COLOR": "1",
            "TALKCAT_CACHE_DIR": str(folder / ".cache"),
            "LANG": "C.UTF-8",
        }
        if "PYTHONPATH" in os.environ:  # the talkcat under test, when it is not the installed one
            environment["PYTHONPATH"] = os.environ["PYTHONPATH"]
        assignments = [f"{name}={value}" for name, value in environment.items()]
        self.tmux(
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "50",
            "-c",
            str(folder),
            "env",
            "-i",
            *assignments,
            "bash",
            "--norc",
            "--noprofile",
        )
        self.wait(lambda screen: screen.rstrip().endswith(PROMPT.rstrip()), "the shell's prompt")

    def tmux(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def screen(self) -> str:
        # -J joins the lines the terminal wrapped; -S - starts at the top of the history.
        return self.tmux("capture-pane", "-p", "-J", "-S", "-")

    def wait(self, done: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + 30  # bounded: a busy machine is slow, never this slow
        while True:
            screen = self.screen()
            if done(screen):
                return screen
            assert time.monotonic() < deadline, f"never saw {what}:\n{screen}"
            time.sleep(0.05)

    def wait_for(self, text: str, count: int = 1) -> str:
        return self.wait(lambda screen: screen.count(text) >= count, repr(text))

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-l", text)
        self.tmux("send-keys", "Enter")

    def answer(self, prompt: str, text: str = "") -> None:
        self.wait_for(prompt)
        self.type(text)

    def paste(self, text: str) -> None:
        buffer = self.folder / ".paste"
        buffer.write_text(text, encoding="utf-8")
        self.tmux("load-buffer", "-b", "paste", str(buffer))
        self.tmux("paste-buffer", "-d", "-b", "paste")  # newlines arrive as Enter, as pasted into a terminal
        buffer.unlink()

    def exit_code(self) -> int:
        """The exit code of the command that just ended, asked of the shell."""
        marker = uuid.uuid4().hex[:8]
        self.wait(lambda screen: screen.rstrip().endswith(PROMPT.rstrip()), "the shell's prompt")
        self.type(f"echo {marker}=$?")
        screen = self.wait_for(f"{marker}=", 2)
        return int(screen.rsplit(f"{marker}=", 1)[1].split()[0])

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def terminal(project: Path) -> Iterator[Terminal]:
    (project / "data/talks.yaml").write_text(SEED, encoding="utf-8")
    shell = Terminal(project)
    yield shell
    shell.close()


def catalogue(project: Path) -> str:
    return (project / "data/talks.yaml").read_text(encoding="utf-8")


def with_entry(entry: str) -> str:
    """The seed with `entry` as its newest talk."""
    return SEED.replace("talks:\n", "talks:\n" + entry, 1)


OPTIONAL = (
    "Last day, for several days (YYYY-MM-DD, today or yesterday):",
    "Location (City, Country, or Online):",
    "Kind (talk, keynote, workshop, ...):",
    "Language:",
    "Other speakers (comma-separated):",
    "Tags (comma-separated):",
)


def test_a_pasted_abstract_is_the_description_and_no_line_reaches_the_shell(terminal: Terminal, project: Path) -> None:
    terminal.type("talkcat add --title 'Reproducible ML' --event 'PyData Berlin 2026'")
    terminal.answer("Date (YYYY-MM-DD, today or yesterday):", "2026-04-22")
    for prompt in (*OPTIONAL, "Link (the event's or talk's page):", "Video (a URL):", "Slides (a URL,"):
        terminal.answer(prompt)
    terminal.wait_for("a line holding only `.` ends it):")
    # Three paragraphs, the end mark, and one line more: the one line more is dropped, not run.
    terminal.paste(ABSTRACT + ".\ntouch LEAKED-4\n")
    assert terminal.exit_code() == 0
    terminal.type("echo alive")
    screen = terminal.wait_for("\nalive\n")
    assert "command not found" not in screen
    assert sorted(path.name for path in project.iterdir() if path.name.startswith("LEAKED")) == []
    description = "".join(f"    {line}\n" if line else "\n" for line in ABSTRACT.splitlines())
    assert catalogue(project) == with_entry(
        f"- title: Reproducible ML\n  date: 2026-04-22\n  event: PyData Berlin 2026\n  description: |-\n{description}"
    )


def test_ctrl_c_at_a_prompt_exits_130_and_prints_what_was_typed(terminal: Terminal, project: Path) -> None:
    terminal.type("talkcat add --event 'PyData Berlin 2026'")
    terminal.answer("Title:", "It's reproducible")
    terminal.wait_for("Date (YYYY-MM-DD, today or yesterday):")
    terminal.tmux("send-keys", "C-c")
    assert terminal.exit_code() == 130
    screen = terminal.screen()
    assert "Traceback" not in screen and "Aborted" not in screen
    said = "\ninterrupted; nothing was written\nhint: to go on from here, run what you typed:\n"
    printed = screen.split(said, 1)[1].split("\n", 1)[0]  # what was typed comes last, ready to copy
    assert printed == "talkcat add --title 'It'\"'\"'s reproducible' --event 'PyData Berlin 2026'"
    assert catalogue(project) == SEED
    terminal.type(printed + " --date 2026-04-22")  # the printed command, finished, as bash runs it
    assert terminal.exit_code() == 0
    assert catalogue(project) == with_entry(
        "- title: It's reproducible\n  date: 2026-04-22\n  event: PyData Berlin 2026\n"
    )


def test_a_write_that_fails_at_the_end_prints_every_answer_as_a_command_that_works(
    terminal: Terminal, project: Path
) -> None:
    terminal.type("talkcat add")
    terminal.answer("Title:", "Reproducible ML")
    terminal.answer("Date (YYYY-MM-DD, today or yesterday):", "2026-04-22")
    terminal.answer("Event:", "PyData Berlin 2026")
    for prompt in OPTIONAL:
        terminal.answer(prompt)
    # A link without its scheme is checked at its own prompt, and its label offered as the seed has them.
    terminal.answer("Link (the event's or talk's page):", "pydata.org/berlin2026/talk/7")
    terminal.answer("Did you mean https://pydata.org/berlin2026/talk/7? [Y/n]:")
    terminal.answer("Its label in the README (- for none) [PyData]:")
    terminal.answer("Video (a URL):", "youtu.be/abc")
    terminal.answer("Did you mean https://youtu.be/abc? [Y/n]:")
    terminal.answer("Its label in the README (- for none) [Video]:")
    terminal.answer("Slides (a URL, or a folder in the repository):", "decks/2026 PyData/")
    terminal.wait_for("'decks/2026 PyData/' does not exist in the repository")
    terminal.wait(lambda screen: screen.count("Slides (a URL, or a folder in the repository):") == 2, "asked again")
    terminal.type("")
    terminal.wait_for("a line holding only `.` ends it):")
    terminal.type("Seeds, versions and tests.")
    terminal.type("")
    terminal.type("Bring a laptop.")
    # Meanwhile, someone else breaks the catalogue: the write at the end must fail.
    event = "  event: SSI Community Building Group\n"
    broken = SEED.replace(event, event + "  loaction: x\n")
    (project / "data/talks.yaml").write_text(broken, encoding="utf-8")
    terminal.type(".")
    assert terminal.exit_code() == 1
    screen = terminal.screen()
    assert "data/talks.yaml:6:3: unknown key 'loaction' (did you mean 'location'?)\n" in screen
    assert "does not exist in the repository (" not in screen.split("Slides (a URL", 1)[0]
    printed = screen.split("once this is fixed, add the talk with:\n", 1)[1].split("\n" + PROMPT.rstrip(), 1)[0]
    assert printed == (
        "talkcat add --title 'Reproducible ML' --date 2026-04-22 --event 'PyData Berlin 2026' "
        "--link https://pydata.org/berlin2026/talk/7 --link-label PyData --video https://youtu.be/abc "
        "--video-label Video --description 'Seeds, versions and tests.\n\nBring a laptop.'"
    )
    assert catalogue(project) == broken
    (project / "data/talks.yaml").write_text(SEED, encoding="utf-8")  # fixed
    terminal.paste(printed + "\n")
    assert terminal.exit_code() == 0
    assert catalogue(project) == with_entry(
        "- title: Reproducible ML\n  date: 2026-04-22\n  event: PyData Berlin 2026\n"
        "  link:\n    label: PyData\n    url: https://pydata.org/berlin2026/talk/7\n"
        "  video:\n    label: Video\n    url: https://youtu.be/abc\n"
        "  description: |-\n    Seeds, versions and tests.\n\n    Bring a laptop.\n"
    )
