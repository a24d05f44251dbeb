"""A path in the catalogue is literal; the README percent-encodes it: validation and rendering agree."""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent
from urllib.parse import unquote

import pytest
from helpers import FOLDERS, make_repo
from typer.testing import CliRunner

from talkcat.cli import app

CATALOGUE = dedent(
    """\
    talks:
    - title: Reproducible ML
      date: 2022-09-01
      event: Euroscipy 2022
      slides: {slides}
    """
)
README = "# Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n"


@pytest.fixture
def repo(project: Path) -> Path:
    (project / "2022-09-01 Euroscipy").mkdir()
    (project / "README.md").write_text(README, encoding="utf-8")
    return project


def _write(repo: Path, slides: str) -> None:
    (repo / "data/talks.yaml").write_text(CATALOGUE.format(slides=slides), encoding="utf-8")


def _slides_target(repo: Path) -> str:
    found = re.search(r"\[Slides\]\(([^)]*)\)", (repo / "README.md").read_text(encoding="utf-8"))
    assert found is not None
    return found[1]


def test_a_percent_encoded_path_is_refused_with_the_form_to_write(repo: Path, runner: CliRunner) -> None:
    _write(repo, "2022-09-01%20Euroscipy/")
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.stdout) == (
        1,
        f"data/talks.yaml:5:11: '2022-09-01%20Euroscipy/' does not exist in the repository ({repo}); "
        "the catalogue holds a path as it is, not percent-encoded as in a link: write it as '2022-09-01 Euroscipy/'\n",
    )
    assert runner.invoke(app, ["sync-readme"]).exit_code == 1
    assert (repo / "README.md").read_text(encoding="utf-8") == README  # no `%2520` link written


def test_the_literal_path_renders_as_a_link_to_it(repo: Path, runner: CliRunner) -> None:
    _write(repo, "2022-09-01 Euroscipy/")
    assert runner.invoke(app, ["validate"]).exit_code == 0
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    assert _slides_target(repo) == "2022-09-01%20Euroscipy/"


def test_a_folder_named_with_a_percent_sign_is_taken_as_written(repo: Path, runner: CliRunner) -> None:
    (repo / "100%25 done").mkdir()
    _write(repo, "100%25 done/")
    assert runner.invoke(app, ["validate"]).exit_code == 0
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    target = _slides_target(repo)
    assert target == "100%2525%20done/"
    assert (repo / unquote(target)).is_dir()


def test_a_path_neither_written_nor_decoded_exists_is_simply_missing(repo: Path, runner: CliRunner) -> None:
    _write(repo, "2022-09-02%20Other/")
    result = runner.invoke(app, ["validate"])
    assert result.stdout == f"data/talks.yaml:5:11: '2022-09-02%20Other/' does not exist in the repository ({repo})\n"


def test_add_takes_a_path_copied_from_a_readme_link_as_the_folder_it_names(repo: Path, runner: CliRunner) -> None:
    (repo / "data/talks.yaml").write_text("talks: []\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["add", "--title", "Reproducible ML", "--date", "2022-09-01", "--event", "Euroscipy 2022",
         "--slides", "2022-09-01%20Euroscipy/", "--no-input", "--sync"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "note: --slides '2022-09-01%20Euroscipy/' is percent-encoded, as in a link: the catalogue keeps the path "
        "it names, '2022-09-01 Euroscipy/'\n"
    )
    assert (repo / "data/talks.yaml").read_text(encoding="utf-8") == CATALOGUE.format(slides="2022-09-01 Euroscipy/")
    assert _slides_target(repo) == "2022-09-01%20Euroscipy/"


def test_edit_takes_a_path_copied_from_a_readme_link_as_the_folder_it_names(repo: Path, runner: CliRunner) -> None:
    _write(repo, "https://example.org/deck")
    result = runner.invoke(
        app, ["edit", "2022-09-01-reproducible-ml", "--set", "slides=2022-09-01%20Euroscipy/", "--sync"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "note: --set slides '2022-09-01%20Euroscipy/' is percent-encoded, as in a link: the catalogue keeps the "
        "path it names, '2022-09-01 Euroscipy/'\n"
    )
    assert (repo / "data/talks.yaml").read_text(encoding="utf-8") == CATALOGUE.format(slides="2022-09-01 Euroscipy/")
    assert _slides_target(repo) == "2022-09-01%20Euroscipy/"


def test_import_writes_literal_paths_and_every_rendered_link_leads_to_its_folder(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "talks")
    monkeypatch.chdir(repo)
    assert runner.invoke(app, ["import", "README.md"]).exit_code == 0
    catalogue = (repo / "data/talks.yaml").read_text(encoding="utf-8")
    assert [f"  slides: {folder}/" in catalogue for folder in FOLDERS] == [True] * len(FOLDERS)
    assert "%20" not in catalogue
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    targets = re.findall(r"\[Slides\]\(([^)]*)\)", (repo / "README.md").read_text(encoding="utf-8"))
    assert [unquote(target) for target in targets] == [f"{folder}/" for folder in FOLDERS]
