"""Every command finds the catalogue and README from any folder of the repository, as git finds its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FOLDERS, make_repo
from typer.testing import CliRunner

from talkcat import store
from talkcat.cli import app

TALK = FOLDERS[1]  # 2022-12-02 Pydata Global


@pytest.fixture
def speaker_repo(tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The speaker's repository after `talkcat import README.md`."""
    repo = make_repo(tmp_path / "talks")
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["import", "README.md"])
    assert result.exit_code == 0, result.output
    return repo


def test_from_inside_a_talks_folder_every_command_finds_the_catalogue_and_readme(
    speaker_repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = speaker_repo / TALK
    folder_readme = (folder / "README.md").read_bytes()
    monkeypatch.chdir(folder)

    listed = runner.invoke(app, ["list", "--format", "plain", "--year", "2022"])
    assert listed.exit_code == 0, listed.output
    assert [line.split("\t", 1)[1] for line in listed.stdout.splitlines()] == [  # after each id
        "2022-12-02\tReal-world Perspectives to Avoid the Worst Mistakes using Machine Learning in Science\t"
        "Pydata Global 2022\tOnline",
        "2022-09-01\tIncrease citations, ease review & collaboration – Making machine learning in research "
        "reproducible\tEuroscipy 2022\tBasel, Switzerland",
    ]

    validated = runner.invoke(app, ["validate"])
    assert (validated.exit_code, validated.stdout, validated.stderr) == (
        0,
        "",
        "../data/talks.yaml: 5 talks, all valid\n",
    )

    synced = runner.invoke(app, ["sync-readme"])
    assert (synced.exit_code, synced.stderr) == (0, "../README.md updated (5 talks)\n"), synced.output
    assert "<!-- TALKS -->\n### How to find your people actually\n" in (speaker_repo / "README.md").read_text("utf-8")
    assert (folder / "README.md").read_bytes() == folder_readme  # not the README of the repository

    added = runner.invoke(
        app, ["add", "--title", "Next talk", "--date", "2024-05-02", "--event", "PyCon DE 2024", "--no-input"]
    )
    assert (added.exit_code, added.stdout) == (0, "2024-05-02-next-talk\n"), added.output
    assert added.stderr == "added 'Next talk' (2024-05-02, PyCon DE 2024) to ../data/talks.yaml:2\n"
    assert (
        (speaker_repo / "data/talks.yaml")
        .read_text("utf-8")
        .startswith("talks:\n- title: Next talk\n  date: 2024-05-02\n  event: PyCon DE 2024\n")
    )
    assert not (folder / "data").exists()
    checked = runner.invoke(app, ["sync-readme", "--check"])
    assert (checked.exit_code, checked.stderr) == (
        3,
        "../README.md is out of date; run `talkcat sync-readme` to update it\n",
    )


def test_a_problem_is_reported_at_the_path_typed_from_where_the_user_stands(
    speaker_repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = speaker_repo / "data/talks.yaml"
    catalogue.write_text(catalogue.read_text("utf-8").replace("  event: Euroscipy", "  evnt: Euroscipy"), "utf-8")
    monkeypatch.chdir(speaker_repo / TALK)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith("../data/talks.yaml:")
    assert "unknown key 'evnt' (did you mean 'event'?)" in result.stdout
    assert result.stderr == "2 problems in ../data/talks.yaml\n"


# -- store.find_config: the search itself


def _found(folder: Path, config: Path | None = None) -> object:
    from talkcat.config import Found

    return Found(folder, config)


def test_the_nearest_folder_with_the_default_catalogue_wins(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "talkcat.toml").write_text("chart = true\n")
    (tmp_path / "site/data").mkdir(parents=True)
    (tmp_path / "site/data/talks.yaml").write_text("talks: []\n")
    (tmp_path / "site/2024 talk").mkdir()
    assert store.find_config(tmp_path / "site/2024 talk") == _found(Path(".."))
    assert store.find_config(tmp_path / "site") == _found(Path("."))
    (tmp_path / "docs").mkdir()
    found = store.find_config(tmp_path / "docs")
    assert (found.folder, found.config, found.table) == (Path(".."), Path("../talkcat.toml"), {"chart": True})


def test_a_config_beats_the_default_catalogue_in_its_own_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data/talks.yaml").write_text("talks: []\n")
    (tmp_path / "talkcat.toml").write_text('data = "talks.yaml"\n')
    assert store.find_config(tmp_path).config == Path("talkcat.toml")


def test_with_nothing_found_the_defaults_are_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a/b").mkdir(parents=True)
    assert store.find_config(tmp_path / "a/b") == _found(Path("../.."))


def test_outside_a_repository_with_nothing_found_the_defaults_are_in_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "a/b").mkdir(parents=True)
    assert store.find_config(tmp_path / "a/b") == _found(Path("."))


def test_the_search_does_not_leave_the_repository(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data/talks.yaml").write_text("talks: []\n")  # above the repository: not its catalogue
    (tmp_path / "repo/.git").mkdir(parents=True)
    (tmp_path / "repo/docs").mkdir()
    assert store.find_config(tmp_path / "repo/docs") == _found(Path(".."))
