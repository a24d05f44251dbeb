"""SIGKILL at any moment: the catalogue and the README hold the old bytes or the new, never a mix.

Each trial starts a real `talkcat` process and kills it after a random delay
spread over the whole life of such a process, from start-up to exit. The
processes run under an audit hook that ends them at the first socket, so
every trial is also a check that talkcat never touches the network.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from talkcat import store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

TRIALS = 100  # per command
WORKERS = 2  # trials running at once: one per core of the CI machine

# `python -m talkcat`, with an audit hook that kills the process (exit 99)
# at the first socket it creates, connects or resolves a name with.
NO_NETWORK = """\
import os, sys
def _no_network(event, args):
    if event.startswith("socket."):
        os.write(2, b"NETWORK " + event.encode() + b"\\n")
        os._exit(99)
sys.addaudithook(_no_network)
"""
TALKCAT = NO_NETWORK + "from talkcat.cli import main\nmain()\n"

README = "# Me\n\nAbout me.\n\n<!-- TALKS -->\n<!-- //TALKS -->\n\n## Contact\n"


def catalogue(talks: int) -> str:
    """A catalogue large enough (~55 KB) that writing it is not instantaneous."""
    lines = ["# My talks\ntalks:"]
    for n in range(talks):
        day = dt.date(2024, 1, 1) - dt.timedelta(days=7 * n)
        lines.append(
            f"- title: Talk number {n} about things\n  date: {day}\n  event: Event {n}\n"
            f"  location: Berlin, Germany\n  description: |\n    Some text.\n\n    ## More\n"
            f"    Even more text about talk {n}.\n"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Scenario:
    args: tuple[str, ...]
    target: str  # the file the command writes
    old: bytes
    new: bytes
    lifetime: float  # seconds, for one whole run


def talkcat(folder: Path, args: tuple[str, ...], cache: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TALKCAT_CACHE_DIR": str(cache)}
    return subprocess.Popen(
        [sys.executable, "-c", TALKCAT, *args],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def make_project(folder: Path) -> None:
    (folder / ".git").mkdir(parents=True)
    (folder / "data").mkdir()
    (folder / "data/talks.yaml").write_text(catalogue(300), encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")


def reset(folder: Path, scenario: Scenario) -> None:
    """Put the old bytes back. A temporary file a killed run left stays: the next write sweeps it."""
    (folder / scenario.target).write_bytes(scenario.old)


def leftovers(folder: Path) -> list[Path]:
    return sorted([*(folder / "data").glob(".*.tmp"), *folder.glob(".*.tmp")])


def measure(tmp: Path, args: tuple[str, ...], target: str) -> Scenario:
    """One whole run: the bytes it writes, and how long a run takes (the second, warm one)."""
    folder = tmp / "measure"
    lifetimes = []
    for _ in range(2):
        if folder.exists():
            import shutil

            shutil.rmtree(folder)
        make_project(folder)
        old = (folder / target).read_bytes()
        start = time.perf_counter()
        process = talkcat(folder, args, tmp / "measure-cache")
        _, err = process.communicate(timeout=60)
        lifetimes.append(time.perf_counter() - start)
        assert process.returncode == 0, err
        new = (folder / target).read_bytes()
    assert new != old
    return Scenario(args, target, old, new, lifetimes[-1])


def trials(folder: Path, scenario: Scenario, moments: list[float]) -> Counter[str]:
    """Run and kill one process per moment (a fraction of a whole run); count how each ended."""
    make_project(folder)
    cache = folder.parent / (folder.name + "-cache")
    # The first run warms the cache; the second times a run as loaded as the trials will be: the
    # other workers are running too.
    whole_run(folder, scenario, cache)
    lifetime = whole_run(folder, scenario, cache)
    outcomes: Counter[str] = Counter()
    for moment in moments:
        delay = moment * lifetime
        reset(folder, scenario)
        process = talkcat(folder, scenario.args, cache)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate(timeout=60)
        assert b"NETWORK" not in err, err
        assert process.returncode in (0, -signal.SIGKILL), err
        data = (folder / scenario.target).read_bytes()
        if data == scenario.old:
            assert process.returncode != 0, "a finished run left the old content"
            outcomes["old"] += 1
        elif data == scenario.new:
            outcomes["new"] += 1
        else:
            pytest.fail(f"a kill after {delay:.3f} s left neither the old nor the new {scenario.target}")
        outcomes["killed" if process.returncode else "finished"] += 1
        outcomes["temporary file left"] += bool(leftovers(folder))
    # A kill leaves no stale lock and no cache that misleads: the next run just works,
    # and sweeps the temporary files the kills left (git status would show them).
    whole_run(folder, scenario, cache)
    assert leftovers(folder) == []
    return outcomes


def whole_run(folder: Path, scenario: Scenario, cache: Path) -> float:
    """Run to the end; how long it took."""
    reset(folder, scenario)
    start = time.perf_counter()
    process = talkcat(folder, scenario.args, cache)
    _, err = process.communicate(timeout=60)
    took = time.perf_counter() - start
    assert process.returncode == 0, err
    assert (folder / scenario.target).read_bytes() == scenario.new
    return took


def kill_at_random(tmp: Path, scenario: Scenario, seed: int) -> Counter[str]:
    rng = random.Random(seed)
    # From before the interpreter is up to a little after a whole run ends.
    moments = [rng.uniform(0, 1.1) for _ in range(TRIALS)]
    shares = [moments[n::WORKERS] for n in range(WORKERS)]
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(lambda n: trials(tmp / f"w{n}", scenario, shares[n]), range(WORKERS)))
    outcomes: Counter[str] = sum(results, Counter())
    print(f"{scenario.args[0]}: {TRIALS} kills (a run alone: {scenario.lifetime:.3f} s): {dict(outcomes)}")
    # Both ends were reached: some kills came before the write, some after it.
    assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes
    assert outcomes["old"] + outcomes["new"] == TRIALS
    return outcomes


@pytest.mark.slow
def test_killing_add_leaves_the_old_or_the_new_catalogue(tmp_path: Path) -> None:
    args = ("add", "--title", "Killed or not", "--date", "2022-06-15", "--event", "Crash Conf")
    scenario = measure(tmp_path, args, "data/talks.yaml")
    # Both ends parse, and the new one holds exactly one talk more.
    old = store.parse_catalogue(scenario.old.decode(), Path("data/talks.yaml"), store.Rules())
    new = store.parse_catalogue(scenario.new.decode(), Path("data/talks.yaml"), store.Rules())
    assert old.problems == new.problems == []
    assert len(new.talks) == len(old.talks) + 1 == 301
    kill_at_random(tmp_path, scenario, seed=5)


@pytest.mark.slow
def test_killing_sync_readme_leaves_the_old_or_the_new_readme(tmp_path: Path) -> None:
    scenario = measure(tmp_path, ("sync-readme",), "README.md")
    new = scenario.new.decode()
    assert new.startswith("# Me\n\nAbout me.\n\n<!-- TALKS -->\n### Talk number 0 about things\n")
    assert new.endswith("<!-- //TALKS -->\n\n## Contact\n")
    assert new.count("\n### Talk number ") == 300
    kill_at_random(tmp_path, scenario, seed=55)


def test_the_audit_hook_does_stop_a_socket(tmp_path: Path) -> None:
    # Without this, a hook that never fired would pass every trial above.
    code = NO_NETWORK + "import socket\nsocket.socket()\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert (result.returncode, result.stderr) == (99, b"NETWORK socket.__new__\n")


# Ctrl-C: the process interrupts itself (SIGINT, as a terminal sends it) at the nth audit
# event named whose first argument ends so (or holds it, for a `*...`); KeyboardInterrupt
# comes as the hook returns, before the operation.
CTRL_C_AT = """\
import os, signal, sys
event_wanted, ending, nth = sys.argv.pop(1), sys.argv.pop(1), int(sys.argv.pop(1))
seen = []
def ctrl_c(event, args):
    name = str(args[0])
    if event == event_wanted and (ending[1:] in name if ending.startswith("*") else name.endswith(ending)):
        seen.append(True)
        if len(seen) == nth:
            os.kill(os.getpid(), signal.SIGINT)
sys.addaudithook(ctrl_c)
from talkcat.cli import main
main()
"""

ADD = ("add", "--title", "Interrupted", "--date", "2022-06-15", "--event", "Crash Conf")


@pytest.mark.parametrize(
    ("event", "ending", "nth", "written"),
    [
        ("open", ".tmp", 1, False),  # creating the temporary file: it goes, the catalogue stays
        ("os.rename", "*.talks.yaml.", 1, False),  # at the replace, which it stops
        ("open", "/data", 1, True),  # the folder's fsync, right after the replace
        ("open", "README.md", 2, True),  # the sync after the add (the first open checks the README before)
    ],
    ids=["writing-the-temporary-file", "at-the-replace", "right-after-the-replace", "during-the-sync"],
)
def test_ctrl_c_says_what_was_written(tmp_path: Path, event: str, ending: str, nth: int, written: bool) -> None:
    # Today: exit 130 and not a word, though the talk was in the catalogue.
    make_project(tmp_path)
    old = (tmp_path / "data/talks.yaml").read_bytes()
    readme = (tmp_path / "README.md").read_bytes()
    args = [*ADD, "--sync"]
    result = subprocess.run(
        [sys.executable, "-c", CTRL_C_AT, event, ending, str(nth), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == 130, result.stderr
    new = (tmp_path / "data/talks.yaml").read_bytes()
    if written:
        assert result.stderr.endswith("\ninterrupted; written before that, each whole: data/talks.yaml\n")
        assert new != old and b"title: Interrupted" in new
    else:
        assert result.stderr.endswith("\ninterrupted; nothing was written\n")
        assert new == old
    if ending == "README.md":  # the add had ended, and said so: what it said is printed, then the Ctrl-C's line
        assert result.stdout == "2022-06-15-interrupted\n"
        assert re.fullmatch(
            r"\nadded 'Interrupted' \(2022-06-15, Crash Conf\) to data/talks.yaml:\d+\n"
            r"interrupted; written before that, each whole: data/talks.yaml\n",
            result.stderr,
        ), result.stderr
    assert (tmp_path / "README.md").read_bytes() == readme
    assert leftovers(tmp_path) == []


@pytest.mark.slow
def test_ctrl_c_at_any_moment_leaves_no_traceback_and_says_what_it_wrote(tmp_path: Path) -> None:
    """30 trials: SIGINT at a random moment of a run of `add`, once talkcat's code has started.

    (Before that, Python itself is starting; a Ctrl-C there is Python's to report.)
    """
    ready = "import os, sys\nimport talkcat.cli\nos.write(1, b'ready\\n')\ntalkcat.cli.main()\n"
    make_project(tmp_path)
    old = (tmp_path / "data/talks.yaml").read_bytes()
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", ready, *ADD], cwd=tmp_path, capture_output=True, timeout=60, check=True)
    lifetime = time.perf_counter() - start
    new = (tmp_path / "data/talks.yaml").read_bytes()
    rng = random.Random(130)
    outcomes: Counter[str] = Counter()
    for _ in range(30):
        (tmp_path / "data/talks.yaml").write_bytes(old)
        process = subprocess.Popen(
            [sys.executable, "-c", ready, *ADD], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0, lifetime))
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        assert "Traceback" not in err, err
        data = (tmp_path / "data/talks.yaml").read_bytes()
        assert data in (old, new)
        if process.returncode == 0:
            outcomes["finished"] += 1
            assert data == new
        elif process.returncode == -signal.SIGINT:
            # The signal came as Python was exiting, its handlers gone: the run was over, and had said so.
            assert data == new and "added 'Interrupted'" in err, err
            outcomes["finished"] += 1
        else:
            assert process.returncode == 130, err
            said = err.rstrip("\n").rsplit("\n", 1)[-1]
            assert said, (process.returncode, err)
            if data == new:
                assert said == "interrupted; written before that, each whole: data/talks.yaml"
                outcomes["interrupted after the write"] += 1
            else:
                assert said == "interrupted; nothing was written"
                outcomes["interrupted before the write"] += 1
        assert leftovers(tmp_path) == []
    print(f"Ctrl-C: 30 trials: {dict(outcomes)}")
    assert outcomes["interrupted before the write"] > 0


@pytest.mark.parametrize("module", ["typer", "talkcat.cli", "ruamel"])
def test_ctrl_c_while_talkcat_loads_is_said_plainly(tmp_path: Path, module: str) -> None:
    # The first 0.3 s of a run are mostly imports: a Ctrl-C there printed a traceback
    # (5 of 30 trials). The `talkcat` command is talkcat.__main__:main.
    at_import = (
        "import os, signal, sys\n"
        f"def ctrl_c(event, args):\n    if event == 'import' and args[0] == {module!r}:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "sys.addaudithook(ctrl_c)\n"
    )
    assert_said_plainly(tmp_path, at_import)


def assert_said_plainly(folder: Path, prelude: str) -> None:
    """`talkcat validate` run after `prelude`, which brings a Ctrl-C: exit 130 and one plain line."""
    make_project(folder)
    run = prelude + "from talkcat.__main__ import main\nmain()\n"
    result = subprocess.run(
        [sys.executable, "-c", run, "validate"], cwd=folder, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "\ninterrupted; nothing was written\n")


def test_ctrl_c_while_a_class_is_made_is_said_plainly(tmp_path: Path) -> None:
    # Python 3.11 turns a KeyboardInterrupt in a field's __set_name__ (a dataclass being made, as a
    # module is imported) into "RuntimeError: Error calling __set_name__": a traceback, 1 in 40
    # random Ctrl-Cs of the trial above.
    in_set_name = (
        "import dataclasses\n"
        "set_name = dataclasses.Field.__set_name__\n"
        "def ctrl_c(self, owner, name):\n"
        "    if owner.__name__ == 'Settings':\n"  # config.Settings, made as the command's modules load
        "        raise KeyboardInterrupt\n"
        "    set_name(self, owner, name)\n"
        "dataclasses.Field.__set_name__ = ctrl_c\n"
    )
    assert_said_plainly(tmp_path, in_set_name)


def test_the_talkcat_command_is_the_guarded_entry_point() -> None:
    from importlib.metadata import entry_points

    [script] = [e for e in entry_points(group="console_scripts") if e.name == "talkcat"]
    assert script.value == "talkcat.__main__:main"
