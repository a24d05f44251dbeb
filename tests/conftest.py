"""Fixtures shared by the whole suite: real temp folders, real git, no user state.

Helpers and shared test data live in helpers.py; this module holds fixtures only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import git
from typer.testing import CliRunner

GITCONFIG = """\
[user]
\tname = talkcat tests
\temail = tests@example.invalid
[init]
\tdefaultBranch = main
[commit]
\tgpgsign = false
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the user's cache, git config and terminal settings."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("TALKCAT_CACHE_DIR", str(cache))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    # git (talkcat's own calls, pre-commit's, the tests') reads this file only, never ~/.gitconfig.
    gitconfig = tmp_path_factory.mktemp("git-home") / "gitconfig"
    gitconfig.write_text(GITCONFIG, encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "PRE_COMMIT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository a test works in: a real `git init` with an empty data/ folder, as the current directory.

    Test files build their catalogues and READMEs on it; nothing is committed
    or added, so a slides folder a test makes is one git does not track yet.
    """
    git(tmp_path, "init", "-q")
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path
