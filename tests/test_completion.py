"""Shell completion, driven through its protocol: a real `talkcat` process, the shell's variables set.

The scripts `talkcat --show-completion` prints (Typer's, for bash, zsh and
fish) run `talkcat` with `_TALKCAT_COMPLETE=complete_<shell>` and the words
typed so far (bash: COMP_WORDS and COMP_CWORD; zsh and fish:
_TYPER_COMPLETE_ARGS); talkcat prints the completions. Bash itself runs the
script it installs in one test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CATALOGUE = """\
talks:
- title: Reproducible ML
  date: 2024-05-01
  event: PyData Berlin 2024
  kind: workshop
  tags: [python, ml]
- title: Python packaging
  date: 2023-03-10
  event: PyCon DE
  tags: [python, packaging]
- id: keynote-zurich
  title: Opening keynote
  date: 2022-09-01
  event: EuroSciPy 2022
  kind: keynote
"""


@pytest.fixture
def repo(project: Path) -> Path:
    (project / "data/talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    return project


def complete(shell: str, words: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """What talkcat answers the shell for the line `words` (the cursor at its end)."""
    env = {**os.environ, "_TALKCAT_COMPLETE": f"complete_{shell}", **extra}
    if shell == "bash":
        parts = words.split(" ")
        env |= {"COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    return subprocess.run([sys.executable, "-m", "talkcat"], env=env, capture_output=True, text=True, timeout=60)


def bash(words: str) -> list[str]:
    result = complete("bash", words)
    assert (result.returncode, result.stderr) == (0, "")
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("talkcat ed", ["edit"]),
        ("talkcat s", ["sync-readme", "search", "stats", "schema"]),
        ("talkcat list --has", ["--has-video", "--has-slides"]),
        ("talkcat edit 2024-05-01-reproducible-ml --un", ["--unset"]),
    ],
)
def test_commands_and_options(repo: Path, words: str, expected: list[str]) -> None:
    assert bash(words) == expected


def test_ids_from_the_catalogue(repo: Path) -> None:
    assert bash("talkcat edit 202") == ["2024-05-01-reproducible-ml", "2023-03-10-python-packaging"]
    assert bash("talkcat remove k") == ["keynote-zurich"]
    assert bash("talkcat remove ") == ["2024-05-01-reproducible-ml", "2023-03-10-python-packaging", "keynote-zurich"]


def test_ids_from_the_catalogue_named_by_data(repo: Path) -> None:
    (repo / "other.yaml").write_text("talks:\n- {title: Elsewhere, date: 2021-01-01, event: E}\n", encoding="utf-8")
    assert bash("talkcat edit --data other.yaml 20") == ["2021-01-01-elsewhere"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("talkcat list --kind k", ["keynote"]),
        ("talkcat add --kind w", ["workshop"]),
        ("talkcat stats --tag p", ["packaging", "python"]),
        ("talkcat export --format csv --tag m", ["ml"]),
        ("talkcat search python --event Py", ["PyCon DE", "PyData Berlin 2024"]),
        ("talkcat add --event Euro", ["EuroSciPy 2022"]),
        ("talkcat edit keynote-zurich --set vi", ["video=", "video.label="]),
        ("talkcat edit keynote-zurich --unset sp", ["speakers"]),
    ],
)
def test_kinds_tags_events_and_fields(repo: Path, words: str, expected: list[str]) -> None:
    assert bash(words) == expected


def test_zsh_and_fish_show_each_title_beside_its_id(repo: Path) -> None:
    zsh = complete("zsh", "talkcat edit 2023")
    assert zsh.stdout == '_arguments \'*: :(("2023-03-10-python-packaging":"Python packaging"))\'\n'
    fish = complete("fish", "talkcat remove key")
    assert fish.stdout == "keynote-zurich\tOpening keynote\n"
    assert complete("fish", "talkcat list --kind po").stdout == "poster\npodcast\n"


def test_a_broken_catalogue_completes_nothing_and_says_nothing(project: Path) -> None:
    (project / "data/talks.yaml").write_text("talks: [\n", encoding="utf-8")
    result = complete("bash", "talkcat edit 20")
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_the_script_for_each_shell(project: Path, shell: str) -> None:
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "talkcat", "--show-completion", shell], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert f"_TALKCAT_COMPLETE=complete_{shell}" in result.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_runs_the_installed_script(repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    talkcat = Path(sys.executable).parent / "talkcat"
    env = {**os.environ, "HOME": str(home), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    installed = subprocess.run([talkcat, "--install-completion", "bash"], env=env, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    assert "bash completion installed in" in installed.stdout
    # What a new terminal does: read ~/.bashrc, which sources the script; then press Tab after `talkcat edit 2023`.
    script = (
        f"PATH={talkcat.parent}:$PATH; source ~/.bashrc; "
        "COMP_WORDS=(talkcat edit 2023); COMP_CWORD=2; _talkcat_completion talkcat; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    result = subprocess.run(["bash", "--norc", "-c", script], env=env, capture_output=True, text=True, cwd=repo)
    assert (result.stdout, result.stderr) == ("2023-03-10-python-packaging\n", "")


@pytest.mark.parametrize("command", [["sync-readme", "--check"], ["validate"]])
def test_the_hook_path_loads_no_completion_and_no_other_command(repo: Path, command: list[str]) -> None:
    (repo / "README.md").write_text("<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    code = (
        "import sys\nfrom talkcat.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('talkcat.commands.'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, cwd=repo)
    loaded = set(result.stdout.split())
    module = "talkcat.commands." + command[0].replace("-", "_")
    assert module in loaded
    assert loaded <= {module, "talkcat.commands.options", "talkcat.commands.common"}
