"""Other writers of the README's block: init and import name them, and the CI jobs that run them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from helpers import SCRIPT_PATH, WORKFLOW_PATH, git, make_repo
from typer.testing import CliRunner

from talkcat import generators
from talkcat.cli import app
from talkcat.generators import Finding

MARKERS = ("<!-- TALKS -->", "<!-- //TALKS -->")
WARNING = "warning: other files write the README's block, and would undo what talkcat writes there:\n"
SCRIPT_LINE = (
    f"  {SCRIPT_PATH}:7: writes the README's block too (it holds <!-- TALKS -->): remove it, as talkcat now "
    "renders the block from the catalogue\n"
)
WORKFLOW_LINE = (
    f"  {WORKFLOW_PATH}:14: runs {SCRIPT_PATH}: remove that step, or make the job run `talkcat sync-readme --check` "
    '(talkcat\'s README: "Migrating from a script or a CI job")\n'
)


@pytest.fixture
def speaker_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = make_repo(tmp_path / "talks")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    return repo


def test_import_names_the_script_and_the_workflow_that_runs_it(speaker_repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", "README.md"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "imported 5 talks into data/talks.yaml\n" + WARNING + SCRIPT_LINE + WORKFLOW_LINE


def test_init_names_them_in_its_plan_before_asking(speaker_repo: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["import", "README.md"]).exit_code == 0
    result = runner.invoke(app, ["init", "--input"], input="n\n")
    assert result.exit_code == 4  # declined
    plan = result.output.split("Go ahead? [Y/n]: ")[0]
    assert plan.endswith(WARNING + SCRIPT_LINE + WORKFLOW_LINE)
    assert not (speaker_repo / ".pre-commit-config.yaml").exists()


def test_from_a_talks_folder_the_paths_are_the_ones_to_type_there(
    speaker_repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["import", "README.md"]).exit_code == 0
    assert runner.invoke(app, ["init", "--yes"]).exit_code == 0
    monkeypatch.chdir(speaker_repo / "2022-12-02 Pydata Global")
    result = runner.invoke(app, ["init"])
    assert result.stderr == (
        "nothing to do: the catalogue, the README and the hook are set up\n"
        + WARNING
        + SCRIPT_LINE.replace("  .github", "  ../.github")
        + WORKFLOW_LINE.replace(f"  {WORKFLOW_PATH}", f"  ../{WORKFLOW_PATH}")
    )


def test_once_the_script_is_gone_nothing_is_said(speaker_repo: Path, runner: CliRunner) -> None:
    git(speaker_repo, "rm", "-q", SCRIPT_PATH, WORKFLOW_PATH)
    result = runner.invoke(app, ["import", "README.md"])
    assert result.stderr == "imported 5 talks into data/talks.yaml\n"


def test_talkcats_own_files_and_what_git_ignores_are_not_writers(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "talks"
    (repo / "docs").mkdir(parents=True)
    git(repo, "init", "-q")
    monkeypatch.chdir(repo)
    (repo / "talkcat.toml").write_text('readme = "docs/talks.md"\nmarkers = ["<!-- T -->", "<!-- /T -->"]\n')
    (repo / "docs/talks.md").write_text("# Talks\n\n<!-- T -->\n<!-- /T -->\n")
    (repo / ".gitignore").write_text("build/\n")
    (repo / "build").mkdir()
    (repo / "build/render.py").write_text("print('<!-- T -->')\n")  # ignored: not the repository's
    assert runner.invoke(app, ["init", "--yes"]).exit_code == 0  # the schema names the markers too
    assert "<!-- T -->" in (repo / "data/talks.schema.json").read_text()
    result = runner.invoke(app, ["init"])
    assert result.stderr == "nothing to do: the catalogue, the README and the hook are set up\n"
    (repo / "tools").mkdir()
    (repo / "tools/talks.py").write_text("START = '<!-- T -->'\n")  # untracked, not ignored: counted
    result = runner.invoke(app, ["init"])
    assert result.stderr.splitlines()[1:] == [
        WARNING.rstrip("\n"),
        "  tools/talks.py:1: writes the README's block too (it holds <!-- T -->): remove it, as talkcat now renders "
        "the block from the catalogue",
    ]


def test_outside_a_repository_every_file_is_looked_at_but_git_and_virtual_environments(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".venv/lib").mkdir(parents=True)
    (tmp_path / ".venv/pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / ".venv/lib/validate.py").write_text("START_MARKER = '<!-- TALKS -->'\n")
    (tmp_path / "elsewhere/.git").mkdir(parents=True)  # a repository inside: its .git is git's
    (tmp_path / "elsewhere/.git/README.md").write_text("<!-- TALKS -->\n")
    (tmp_path / "notes.txt").write_text("the list goes\nbetween <!-- TALKS --> and <!-- //TALKS -->\n")
    (tmp_path / "slides.pdf").write_bytes(b"%PDF\0<!-- TALKS -->")  # binary: not read
    result = runner.invoke(app, ["init", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(
        WARNING + "  notes.txt:2: writes the README's block too (it holds <!-- TALKS -->): remove it, as talkcat "
        "now renders the block from the catalogue\n"
    )


# -- the pure part


def test_a_workflow_with_the_markers_inline_writes_the_block_itself() -> None:
    workflow = (
        "jobs:\n  readme:\n    steps:\n      - run: |\n"
        "          sed -i '/<!-- TALKS -->/,/<!-- \\/\\/TALKS -->/d' README.md\n"
    )
    assert generators.find({".github/workflows/inline.yaml": workflow}, MARKERS) == [
        Finding(
            ".github/workflows/inline.yaml",
            5,
            "writes the README's block itself: remove that step, or make the job run `talkcat sync-readme --check` "
            '(talkcat\'s README: "Migrating from a script or a CI job")',
        )
    ]


def test_a_script_is_named_by_its_path_module_or_file_name_and_each_runner_gets_its_advice() -> None:
    texts = {
        "tools/make_readme.py": "open('README.md').read().split('<!-- TALKS -->')\n",
        ".pre-commit-config.yaml": (
            "repos:\n- repo: local\n  hooks:\n  - id: readme\n    entry: python -m tools.make_readme\n"
        ),
        "Makefile": "readme:\n\tcd tools && python make_readme.py\n",
        ".gitlab-ci.yml": "pages:\n  script:\n    - ./tools/make_readme.py\n",
        ".github/workflows/other.yml": "run: python tools/make_readme_v2.py  # another script: not this one\n",
        "docs/old.md": "# Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n",
    }
    found = [(f.path, f.line, f.message.split(":")[0]) for f in generators.find(texts, MARKERS)]
    assert found == [
        (".gitlab-ci.yml", 3, "runs tools/make_readme.py"),
        (".pre-commit-config.yaml", 5, "runs tools/make_readme.py"),
        ("Makefile", 2, "runs tools/make_readme.py"),
        ("docs/old.md", 3, "holds a <!-- TALKS --> block that talkcat does not keep"),
        ("tools/make_readme.py", 1, "writes the README's block too (it holds <!-- TALKS -->)"),
    ]
    messages = {f.path: f.message for f in generators.find(texts, MARKERS)}
    assert messages[".pre-commit-config.yaml"].endswith("remove that hook, as talkcat-sync-readme replaces it")
    assert messages["Makefile"].endswith("remove that target, or make it run `talkcat sync-readme`")


def test_runners_are_the_ci_files_listed() -> None:
    paths = (".github/workflows/a.yml", ".github/workflows/b/c.yml", "ci.yml", "Makefile", "docs/Makefile")
    assert [generators.is_runner(path) for path in paths] == [True, False, False, True, False]


# -- the README says what is true


def _migrating_section() -> str:
    from helpers import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("\n## Migrating from a script or a CI job\n", 1)[1].split("\n## ", 1)[0]


def test_the_readmes_migration_sample_is_what_import_prints(speaker_repo: Path, runner: CliRunner) -> None:
    import re

    sample = re.search(r"```console\n\$ talkcat import README.md\n(.*?)```\n", _migrating_section(), re.DOTALL)
    assert sample is not None
    result = runner.invoke(app, ["import", "README.md"])
    assert result.stderr == sample[1]


def test_the_readmes_workflow_checks_the_readme_with_talkcat() -> None:
    import re

    import yaml

    block = re.search(r"```yaml\n(# \.github/workflows/talks\.yml\n.*?)```\n", _migrating_section(), re.DOTALL)
    assert block is not None
    workflow = yaml.safe_load(block[1])
    steps = workflow["jobs"]["readme"]["steps"]
    assert [step.get("uses") for step in steps[:2]] == ["actions/checkout@v4", "actions/setup-python@v5"]
    assert re.fullmatch(r'pip install "talkcat @ git\+https://\S+@COMMIT"', steps[2]["run"])
    assert steps[3] == {"run": "talkcat sync-readme --check"}
    assert workflow[True] == ["push", "pull_request"]  # YAML 1.1 reads the key `on` as true


def test_on_a_terminal_the_writers_are_named_above_the_question(speaker_repo: Path, runner: CliRunner) -> None:
    """In tmux, as a user sees it: the plan and its warnings first, then `Go ahead?`, nothing written yet."""
    import shutil
    import subprocess

    if shutil.which("tmux") is None:
        pytest.skip("needs tmux (apt-get install tmux)")
    assert runner.invoke(app, ["import", "README.md"]).exit_code == 0
    socket = f"talkcat-test-{os.getpid()}"
    tmux = ["tmux", "-L", socket]
    env = [f"PATH={os.environ['PATH']}", f"TALKCAT_CACHE_DIR={os.environ['TALKCAT_CACHE_DIR']}", "NO_COLOR=1"]
    shell = ["env", "-i", *env, "bash", "--norc", "--noprofile"]
    window = ["-x", "250", "-y", "40", "-c", str(speaker_repo)]
    subprocess.run([*tmux, "new-session", "-d", "-s", "init", *window, *shell], check=True)
    try:
        subprocess.run([*tmux, "send-keys", "-t", "init", "talkcat init", "Enter"], check=True)
        screen = _wait_for(tmux, "Go ahead? [Y/n]:")
        lines = [line.rstrip() for line in screen.splitlines() if line.strip()]
        question = next(n for n, line in enumerate(lines) if line.startswith("Go ahead?"))
        assert lines[question - 3 : question] == [WARNING.rstrip(), SCRIPT_LINE.rstrip(), WORKFLOW_LINE.rstrip()]
        assert not (speaker_repo / ".pre-commit-config.yaml").exists()
        subprocess.run([*tmux, "send-keys", "-t", "init", "n", "Enter"], check=True)
        assert "nothing was changed" in _wait_for(tmux, "nothing was changed")
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)
    assert not (speaker_repo / ".pre-commit-config.yaml").exists()


def _wait_for(tmux: list[str], text: str, tries: int = 200) -> str:
    """The pane once it shows `text` (a bounded number of looks, 50 ms apart)."""
    import subprocess
    import time

    screen = ""
    for _ in range(tries):
        screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", "init"], capture_output=True, text=True).stdout
        if text in screen:
            return screen
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never showed:\n{screen}")
