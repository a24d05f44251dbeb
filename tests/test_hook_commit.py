"""The hook `talkcat init` writes, installed with the real pre-commit and run by real `git commit`s.

On the speaker's repository, with no network: a `repo: local` hook has
nothing to install (PRE_COMMIT_HOME starts empty and stays without a clone).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FOLDERS, make_repo
from typer.testing import CliRunner

from talkcat.cli import app

BIN = str(Path(sys.executable).parent)  # this test run's `talkcat` script, as an installed one


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"]}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env["PRE_COMMIT_COLOR"] = "never"
    return env


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str], runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The speaker's repository, imported and set up by init, its hook installed."""
    repo = make_repo(tmp_path / "talks")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PATH", env["PATH"])
    imported = runner.invoke(app, ["import", "README.md"])
    assert imported.exit_code == 0, imported.output
    init = runner.invoke(app, ["init", "--yes"])
    assert init.exit_code == 0, init.output
    assert init.stderr.startswith("talkcat init changes:\n  .pre-commit-config.yaml: create, with talkcat's hook\n")
    _run(repo, env, sys.executable, "-m", "pre_commit", "install")
    return repo


def _run(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def _commit(repo: Path, env: dict[str, str], message: str) -> tuple[int, str]:
    """The commit's exit code and what it printed (git gives its hook's output on stderr)."""
    result = _run(repo, env, "git", "commit", "-m", message)
    return result.returncode, result.stdout + result.stderr


def test_a_stale_readme_fails_the_commit_and_is_fixed_then_the_commit_passes(repo: Path, env: dict[str, str]) -> None:
    _run(repo, env, "git", "add", "-A")
    code, stale = _commit(repo, env, "Keep the talks in data/talks.yaml")
    assert code == 1, stale
    assert re.search(r"^talkcat sync-readme\.+Failed$", stale, re.MULTILINE), stale
    assert "files were modified by this hook" in stale
    assert "README.md updated (5 talks)" in stale
    fixed = (repo / "README.md").read_text("utf-8")
    assert "| Pydata Global 2022 | Online     | 2022-12-02 |" in fixed  # talkcat's table now

    _run(repo, env, "git", "add", "README.md")
    code, again = _commit(repo, env, "Keep the talks in data/talks.yaml")
    assert code == 0, again
    assert re.search(r"^talkcat sync-readme\.+Passed$", again, re.MULTILINE), again
    assert (repo / "README.md").read_text("utf-8") == fixed
    assert _run(repo, env, "git", "status", "--porcelain").stdout == ""
    cloned = {path.name for path in Path(env["PRE_COMMIT_HOME"]).iterdir()} - {".lock", "db.db", "README"}
    assert cloned == set()  # a local hook installs nothing


@pytest.mark.parametrize("how", ["delete", "rename"])
def test_deleting_or_renaming_a_slides_folder_fails_that_very_commit(
    repo: Path, env: dict[str, str], runner: CliRunner, how: str
) -> None:
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    _run(repo, env, "git", "add", "-A")
    assert _commit(repo, env, "Keep the talks in data/talks.yaml")[0] == 0
    folder = FOLDERS[2]  # 2022-09-01 Euroscipy
    if how == "delete":
        changed = _run(repo, env, "git", "rm", "-r", "-q", folder)
    else:
        changed = _run(repo, env, "git", "mv", folder, "2022-09-01 EuroSciPy")
    assert changed.returncode == 0, changed.stderr
    # The commit holds only the folder's paths, none of talkcat's files.
    code, output = _commit(repo, env, f"{how} a talk's folder")
    assert code == 1, output
    assert re.search(r"^talkcat sync-readme\.+Failed$", output, re.MULTILINE), output
    assert f"'{folder}/' does not exist in the repository" in output
    assert _run(repo, env, "git", "log", "--format=%s", "-1").stdout == "Keep the talks in data/talks.yaml\n"


def test_a_slides_folder_taken_out_of_git_but_left_on_disk_fails_that_commit(
    repo: Path, env: dict[str, str], runner: CliRunner
) -> None:
    # `git rm -r --cached`: the folder is still there, so validate only warned, and a
    # passing hook's output is never shown: the commit pushed a dead link (audit).
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    _run(repo, env, "git", "add", "-A")
    assert _commit(repo, env, "Keep the talks in data/talks.yaml")[0] == 0
    folder = FOLDERS[2]  # 2022-09-01 Euroscipy
    assert _run(repo, env, "git", "rm", "-r", "-q", "--cached", folder).returncode == 0
    code, output = _commit(repo, env, "Untrack a talk's folder")
    assert code == 1, output
    assert (
        f"'{folder}/' is not tracked by git, so the README this commit makes links to nothing there: `git add` it"
    ) in output
    # Outside a commit it is what it is while one works: a warning.
    assert runner.invoke(app, ["validate"]).exit_code == 0
    _run(repo, env, "git", "add", folder)
    assert _commit(repo, env, "Untrack a talk's folder")[0] == 1  # nothing left to commit: git says so
    assert _run(repo, env, "git", "status", "--porcelain").stdout == ""


def test_a_hand_edit_of_a_talk_folders_readme_is_caught_by_that_commit(
    tmp_path: Path, env: dict[str, str], runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "talks")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PATH", env["PATH"])
    assert runner.invoke(app, ["import", "--folders", "."]).exit_code == 0  # turns folder_readmes on
    assert runner.invoke(app, ["sync-readme", "--force"]).exit_code == 0
    assert runner.invoke(app, ["init", "--yes"]).exit_code == 0
    _run(repo, env, sys.executable, "-m", "pre_commit", "install")
    _run(repo, env, "git", "add", "-A")
    assert _commit(repo, env, "Keep the talks in data/talks.yaml")[0] == 0
    folder_readme = repo / FOLDERS[2] / "README.md"
    edited = folder_readme.read_text("utf-8").replace("Basel, Switzerland", "Bâle, Suisse")
    folder_readme.write_text(edited, "utf-8")
    _run(repo, env, "git", "add", str(folder_readme))
    code, output = _commit(repo, env, "Say it in French")  # only that README: no file talkcat reads changed
    assert code == 1, output
    assert re.search(r"^talkcat sync-readme\.+Failed$", output, re.MULTILINE), output
    assert f"{FOLDERS[2]}/README.md" in output
    assert folder_readme.read_text("utf-8") == edited  # the hand edit is not undone
