"""Commands return what they say (`talkcat.said.Said`); `cli.render` is the one place that prints it.

What a command said before an error ends it is printed ahead of the error,
on the stream it was said on; only a conversation (add's questions) is
printed as it happens.
"""

from __future__ import annotations

import ast
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import talkcat
from talkcat.cli import app
from talkcat.errors import TalkcatError
from talkcat.said import ERR, OUT, Said

CATALOGUE = """\
talks:
- title: A talk
  date: 2022-09-01
  event: Euroscipy 2022
"""


def test_said_keeps_each_part_on_its_stream_in_order() -> None:
    said = Said()
    said.out("an-id")
    said.note("added it", "note: and this")
    said.out("{}", end="")
    said.out(b"[]")
    assert said.parts == [(OUT, "an-id\n"), (ERR, "added it\n"), (ERR, "note: and this\n"), (OUT, "{}"), (OUT, b"[]\n")]


def test_an_error_raised_inside_kept_carries_what_was_said_before_it() -> None:
    outer, inner = Said(), Said()
    outer.note("added it")
    with pytest.raises(TalkcatError) as raised, outer.kept():
        inner.note("README.md is up to date")
        with inner.kept():
            raise TalkcatError("OTHER.md: no markers")
    assert raised.value.said is not None
    assert raised.value.said.parts == [(ERR, "added it\n"), (ERR, "README.md is up to date\n")]


def test_taken_empties_what_was_said() -> None:
    said = Said()
    said.note("the plan")
    taken = said.taken()
    assert taken.parts == [(ERR, "the plan\n")]
    assert said.parts == []


def test_what_sync_readme_said_before_an_error_is_printed_before_it(project: Path) -> None:
    (project / "data" / "talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    (project / "README.md").write_text("# Me\n\n<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    (project / "OTHER.md").write_text("# Other\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["sync-readme", "--readme", "README.md"]).exit_code == 0

    result = runner.invoke(app, ["sync-readme", "--readme", "README.md", "--readme", "OTHER.md"])

    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "README.md is up to date"
    assert lines[1].startswith("OTHER.md: ")
    assert (project / "OTHER.md").read_text(encoding="utf-8") == "# Other\n"


def test_validate_prints_its_report_then_fails(project: Path) -> None:
    (project / "data" / "talks.yaml").write_text(CATALOGUE.replace("2022-09-01", "2022-13-01"), encoding="utf-8")

    result = CliRunner().invoke(app, ["validate"])

    assert result.exit_code == 1
    assert result.stdout.startswith("data/talks.yaml:3:")
    assert result.stderr == "1 problem in data/talks.yaml\n"


# The conversation `add` holds on a terminal: questions, and why an answer is asked again.
CONVERSATION = {("add.py", "_Prompts"), ("add.py", "add")}
PRINTERS = {"echo", "secho", "print", "write"}


def _printing_calls(path: Path) -> list[tuple[str, int]]:
    """Each call in the module that prints (typer.echo, print, a console's print, a stream's
    write), with the class or top-level function it is in."""
    found = []
    for top in ast.parse(path.read_text(encoding="utf-8")).body:
        for node in ast.walk(top):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in PRINTERS:
                found.append((getattr(top, "name", "<module>"), node.lineno))
    return found


def test_commands_print_nothing_themselves() -> None:
    commands = Path(talkcat.__file__).parent / "commands"
    printing = [
        f"{path.name}:{line} in {where}"
        for path in sorted(commands.glob("*.py"))
        for where, line in _printing_calls(path)
        if (path.name, where) not in CONVERSATION
    ]
    assert printing == []
    # The conversation is there to be found: the test looks where it should.
    assert [where for where, _ in _printing_calls(commands / "add.py")].count("_Prompts") == 4


def _shell(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`line` run by bash, `talkcat` being this Python's `-m talkcat`."""
    talkcat = f"{shlex.quote(sys.executable)} -m talkcat"
    return subprocess.run(
        ["bash", "-c", line.replace("talkcat", talkcat, 1)], cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("line", ["talkcat list >&-", "talkcat stats >&-", "talkcat search talk >&-"])
def test_a_closed_stdout_is_no_terminal(project: Path, line: str) -> None:
    # It was asked whether it is one: AttributeError, exit 1.
    (project / "data" / "talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    result = _shell(line, project)
    assert (result.returncode, result.stderr) == (0, "")


def test_a_closed_stdin_asks_nothing(project: Path) -> None:
    (project / "data" / "talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    result = _shell("talkcat remove 2022-09-01 <&-", project)
    assert (result.returncode, result.stderr) == (2, "nothing can ask for confirmation without a terminal: add --yes\n")
    result = _shell("talkcat edit 2022-09-01 --description-file - <&-", project)
    assert (result.returncode, result.stderr) == (1, "stdin is closed: there is no description to read from it (`-`)\n")
    assert (project / "data" / "talks.yaml").read_text(encoding="utf-8") == CATALOGUE


def test_with_stderr_closed_an_error_says_nothing_on_stdout(project: Path) -> None:
    # print(file=None) writes to stdout: the problems and the hint went there.
    (project / "data" / "talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    result = _shell("talkcat edit nosuch --set location=x 2>&-", project)
    assert (result.returncode, result.stdout) == (1, "")
