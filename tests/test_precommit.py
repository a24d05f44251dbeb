"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit in a real git repository.

`pre-commit try-repo` installs talkcat from this checkout into a hook
environment of its own, as a user's `repo:` line would; the environment is
built once per session (PRE_COMMIT_HOME) and shared by the tests here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from helpers import ONE_TALK, ROOT, git, stamped

STALE_README = "# Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n\nLicense: CC BY 4.0\n"
FRESH_README = (
    "# Talks\n\n<!-- TALKS -->\n"
    + stamped(
        dedent(
            """\
            ### Reproducible ML

            | Event         | Location        | Date       | Link   | Video   | Slides   |
            |---------------|-----------------|------------|--------|---------|----------|
            | PyCon DE 2024 | Berlin, Germany | 2024-05-02 |        |         |          |
            """
        )
    )
    + "<!-- //TALKS -->\n\nLicense: CC BY 4.0\n"
)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "talks"
    (repo / "data").mkdir(parents=True)
    (repo / "data" / "talks.yaml").write_text(ONE_TALK, encoding="utf-8")
    (repo / "README.md").write_text(STALE_README, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    return repo


def _try_repo(repo: Path, home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("TALKCAT_CACHE_DIR", None)  # the hook's own user cache, as in real use
    env["XDG_CACHE_HOME"] = str(home / "xdg-cache")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
def test_sync_hook_fixes_a_stale_readme_then_passes(repo: Path, pre_commit_home: Path) -> None:
    first = _try_repo(repo, pre_commit_home, "talkcat-sync-readme")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "talkcat sync-readme" in first.stdout
    assert "Failed" in first.stdout
    assert "files were modified by this hook" in first.stdout
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert readme == FRESH_README

    git(repo, "add", "README.md")
    second = _try_repo(repo, pre_commit_home, "talkcat-sync-readme")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
    assert (repo / "README.md").read_text(encoding="utf-8") == FRESH_README


@pytest.mark.slow
def test_validate_hook_fails_on_a_bad_catalogue_and_changes_nothing(repo: Path, pre_commit_home: Path) -> None:
    bad = ONE_TALK.replace("location:", "loaction:")
    (repo / "data" / "talks.yaml").write_text(bad, encoding="utf-8")
    git(repo, "add", ".")
    result = _try_repo(repo, pre_commit_home, "talkcat-validate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "data/talks.yaml:5:3: unknown key 'loaction' (did you mean 'location'?)" in result.stdout
    assert (repo / "data" / "talks.yaml").read_text(encoding="utf-8") == bad
    assert (repo / "README.md").read_text(encoding="utf-8") == STALE_README


def test_this_repositorys_readme_is_in_sync_with_its_catalogue() -> None:
    """The README's Talks section is talkcat's own output for data/talks.yaml."""
    result = subprocess.run(
        [sys.executable, "-m", "talkcat", "sync-readme", "--check", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "README.md is up to date\n"
