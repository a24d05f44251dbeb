"""Slides folders as git has them: an ignored one is a problem, an untracked one a warning (real git)."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from helpers import git
from typer.testing import CliRunner

from talkcat.cli import app

CATALOGUE = dedent(
    """\
    talks:
    - title: Tracked
      date: 2024-03-01
      event: PyCon
      slides: 2024-03-01 PyCon/
    - title: Ignored
      date: 2023-03-01
      event: PyData
      slides: 2023-03-01 PyData/
    - title: New
      date: 2022-03-01
      event: EuroSciPy
      slides: {label: Deck, url: 2022-03-01 EuroSciPy/deck.pdf}
    """
)
README = "# Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n"
IGNORED = (
    "data/talks.yaml:9:11: '2023-03-01 PyData/' is ignored by git (.gitignore), so GitHub never shows it "
    "and the README's link to it leads nowhere: stop ignoring it and `git add` it, or link to where it is published"
)
UNTRACKED = (
    "data/talks.yaml:13:30: warning: '2022-03-01 EuroSciPy/deck.pdf' is not tracked by git: the README's link "
    "to it leads nowhere until you `git add` it"
)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "talks"
    for folder in ("2024-03-01 PyCon", "2023-03-01 PyData", "2022-03-01 EuroSciPy"):
        (repo / folder).mkdir(parents=True)
        (repo / folder / "deck.pdf").write_bytes(b"%PDF-1.4\n")
    (repo / "data").mkdir()
    (repo / "data/talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    (repo / "README.md").write_text(README, encoding="utf-8")
    (repo / ".gitignore").write_text("2023-03-01 PyData/\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "data", "README.md", ".gitignore", "2024-03-01 PyCon")
    monkeypatch.chdir(repo)
    return repo


def test_an_ignored_folder_is_a_problem_and_an_untracked_one_a_warning(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        f"{IGNORED}\n{UNTRACKED}\n",
        "1 problem in data/talks.yaml (and 1 warning)\n",
    )
    (repo / ".gitignore").write_text("", encoding="utf-8")
    git(repo, "add", "2023-03-01 PyData")
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"{UNTRACKED}\n",
        "data/talks.yaml: 3 talks, all valid (1 warning)\n",
    )
    git(repo, "add", "2022-03-01 EuroSciPy/deck.pdf")
    assert runner.invoke(app, ["validate"]).stdout == ""


def test_warnings_are_in_the_json_report_with_their_severity(repo: Path, runner: CliRunner) -> None:
    (repo / ".gitignore").write_text("", encoding="utf-8")
    git(repo, "add", "2023-03-01 PyData")
    result = runner.invoke(app, ["validate", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "path": "data/talks.yaml",
        "valid": True,
        "talks": 3,
        "problems": [
            {
                "path": "data/talks.yaml",
                "line": 13,
                "col": 30,
                "severity": "warning",
                "message": UNTRACKED.split(": warning: ", 1)[1],
            }
        ],
    }


def test_sync_readme_refuses_an_ignored_folder_and_says_the_warning(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["sync-readme"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{UNTRACKED}\n{IGNORED}\n")
    assert (repo / "README.md").read_text(encoding="utf-8") == README
    (repo / ".gitignore").write_text("", encoding="utf-8")
    git(repo, "add", "2023-03-01 PyData")
    result = runner.invoke(app, ["sync-readme"])
    assert (result.exit_code, result.stderr) == (0, f"{UNTRACKED}\nREADME.md updated (3 talks)\n")


def test_a_folder_inside_an_ignored_one_is_ignored_and_a_partly_tracked_one_is_tracked(
    repo: Path, runner: CliRunner
) -> None:
    (repo / "2024-03-01 PyCon/draft.md").write_text("not added\n", encoding="utf-8")  # a tracked folder still
    (repo / "2023-03-01 PyData/sub").mkdir()
    (repo / "2023-03-01 PyData/sub/notes.md").write_text("ignored with its folder\n", encoding="utf-8")
    catalogue = CATALOGUE.replace("slides: 2023-03-01 PyData/", "slides: ./2023-03-01 PyData/sub/")
    (repo / "data/talks.yaml").write_text(catalogue, encoding="utf-8")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("data/talks.yaml:9:11: './2023-03-01 PyData/sub/' is ignored by git")


def test_an_empty_folder_which_git_cannot_track_is_a_warning(repo: Path, runner: CliRunner) -> None:
    (repo / "2021-03-01 Meetup/images").mkdir(parents=True)  # folders, but not a file in them
    (repo / "data/talks.yaml").write_text(
        CATALOGUE.split("- title: Ignored")[0] + "- title: Empty\n  date: 2021-03-01\n  event: Meetup\n"
        "  slides: 2021-03-01 Meetup/\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.stdout) == (
        0,
        "data/talks.yaml:9:11: warning: '2021-03-01 Meetup/' is an empty folder, which git cannot track: "
        "the README's link to it leads nowhere\n",
    )


def _counting_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `git` first on PATH that notes each run in a log, then runs the real git."""
    import shutil

    real = shutil.which("git")
    assert real is not None
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "git.log"
    script = folder / "git"
    script.write_text(
        f"#!{sys.executable}\nimport os, sys\nopen({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    log.write_text("", encoding="utf-8")
    return log


def test_one_git_process_for_every_path_and_none_without_paths_or_repository(
    repo: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _counting_git(tmp_path, monkeypatch)
    assert runner.invoke(app, ["validate"]).exit_code == 1
    assert runner.invoke(app, ["sync-readme", "--check"]).exit_code == 1
    assert (
        log.read_text(encoding="utf-8").splitlines()
        == [
            "--literal-pathspecs --no-optional-locks status --porcelain=v1 -z --ignored=traditional "
            "--untracked-files=normal -- 2024-03-01 PyCon 2023-03-01 PyData 2022-03-01 EuroSciPy/deck.pdf"
        ]
        * 2
    )

    log.write_text("", encoding="utf-8")
    urls = (
        CATALOGUE.replace("slides: 2024-03-01 PyCon/", "slides: https://example.org/pycon/")
        .replace("slides: 2023-03-01 PyData/", "slides: https://example.org/pydata/")
        .replace("url: 2022-03-01 EuroSciPy/deck.pdf", 'url: "https://example.org/deck.pdf"')
    )
    (repo / "data/talks.yaml").write_text(urls, encoding="utf-8")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert log.read_text(encoding="utf-8") == ""

    outside = tmp_path / "outside"
    (outside / "data").mkdir(parents=True)
    (outside / "2024-03-01 PyCon").mkdir()
    (outside / "data/talks.yaml").write_text(CATALOGUE.split("- title: Ignored")[0], encoding="utf-8")
    monkeypatch.chdir(outside)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert log.read_text(encoding="utf-8") == ""


def test_without_git_nothing_is_said_of_tracking(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(repo.parent / "no-bin"))
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.stdout) == (0, "")


# -- the pure part


def test_status_entries_after_a_rename_are_read_in_step() -> None:
    from talkcat import tracked

    output = b"R  new name/a.md\0old name/a.md\0?? untracked/\0!! build/\0 M tracked.md\0"
    assert tracked.parse_status(output) == {"untracked": "??", "build": "!!"}


def test_paths_outside_the_repository_or_the_root_itself_are_not_asked_about() -> None:
    from talkcat import tracked

    paths = [(0, p, 1, 1, "slides") for p in ("a b/", "./a b", "../x/", "/abs", ".", "c/../d/", "C:\\x")]
    assert tracked.pathspecs(paths) == ["a b", "d"]


def test_a_slides_name_too_long_is_a_problem_in_a_repository_too(repo: Path, runner: CliRunner) -> None:
    # Asking git, then looking on disk for an empty folder, was an OSError traceback (audit).
    long = "x" * 300
    (repo / "data/talks.yaml").write_text(f"talks:\n- title: B\n  date: 2020-01-02\n  event: E\n  slides: {long}/\n")
    for command in (["validate"], ["sync-readme"]):
        result = runner.invoke(app, command)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code == 1
        assert "a name in it is too long for the file system" in result.stdout + result.stderr
