"""`talkcat sync-readme`: the README block follows the catalogue, and nothing else moves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import slides_folder, stamped
from typer.testing import CliRunner

from talkcat.cli import app

CATALOGUE = """\
talks:
- title: Older talk
  date: 2021-10-30
  event: Pydata Global 2021
  location: Online
  video:
    label: Video
    url: https://www.youtube.com/watch?v=ucgCGGb088E
- title: Newer | piped
  date: 2022-09-01
  event: Euroscipy 2022
  location: Basel, Switzerland
  link: https://pretalx.com/euroscipy-2022/talk/8RAJX7/
  slides: 2022-09-01 Euroscipy/
  description: |
    Intro.

    ## A heading

    ```python
    # a comment, not a heading
    ```
"""

BLOCK = """\
### Newer | piped

| Event          | Location           | Date       | Link                                            | Video   | Slides                            |
|----------------|--------------------|------------|-------------------------------------------------|---------|-----------------------------------|
| Euroscipy 2022 | Basel, Switzerland | 2022-09-01 | https://pretalx.com/euroscipy-2022/talk/8RAJX7/ |         | [Slides](2022-09-01%20Euroscipy/) |

Intro.

#### A heading

```python
# a comment, not a heading
```

### Older talk

| Event              | Location   | Date       | Link   | Video                                                | Slides   |
|--------------------|------------|------------|--------|------------------------------------------------------|----------|
| Pydata Global 2021 | Online     | 2021-10-30 |        | [Video](https://www.youtube.com/watch?v=ucgCGGb088E) |          |
"""

# As `talkcat init` leaves it: an empty block.
README = "# Talks\n\nIntro.\n\n<!-- TALKS -->\n<!-- //TALKS -->\n\n## License\n"


@pytest.fixture
def repo(project: Path) -> Path:
    slides_folder(project, "2022-09-01 Euroscipy")
    (project / "data/talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    (project / "README.md").write_text(README, encoding="utf-8")
    return project


def expected_readme() -> str:
    return f"# Talks\n\nIntro.\n\n<!-- TALKS -->\n{stamped(BLOCK)}<!-- //TALKS -->\n\n## License\n"


def test_sync_writes_the_block_then_settles(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["sync-readme"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "README.md updated (2 talks)\n"
    assert (repo / "README.md").read_text(encoding="utf-8") == expected_readme()

    stat = os.stat(repo / "README.md")
    again = runner.invoke(app, ["sync-readme"])
    assert again.exit_code == 0
    assert again.stderr == "README.md is up to date\n"
    assert os.stat(repo / "README.md").st_mtime_ns == stat.st_mtime_ns
    assert (repo / "README.md").read_text(encoding="utf-8") == expected_readme()


def test_check_reports_out_of_date_and_writes_nothing(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["sync-readme", "--check"])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == "README.md is out of date; run `talkcat sync-readme` to update it\n"
    assert (repo / "README.md").read_text(encoding="utf-8") == README

    runner.invoke(app, ["sync-readme"])
    result = runner.invoke(app, ["sync-readme", "--check"])
    assert result.exit_code == 0
    assert result.stderr == "README.md is up to date\n"


def test_diff_prints_what_would_change(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["sync-readme", "--diff"])
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "--- a/README.md\n+++ b/README.md\n@@ -3,6 +3,27 @@\n Intro.\n \n <!-- TALKS -->\n+### Newer | piped\n"
    )
    assert (repo / "README.md").read_text(encoding="utf-8") == README

    result = runner.invoke(app, ["sync-readme", "--diff", "--check"])
    assert result.exit_code == 3
    assert "+### Newer | piped\n" in result.stdout


def test_crlf_and_bom_survive(repo: Path, runner: CliRunner) -> None:
    (repo / "README.md").write_bytes(b"\xef\xbb\xbf" + README.replace("\n", "\r\n").encode())
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    assert (repo / "README.md").read_bytes() == b"\xef\xbb\xbf" + expected_readme().replace("\n", "\r\n").encode()
    assert runner.invoke(app, ["sync-readme", "--check"]).exit_code == 0


def test_an_empty_catalogue_gives_an_empty_block(repo: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0  # the talks, written by talkcat
    (repo / "data/talks.yaml").write_text("talks: []\n", encoding="utf-8")
    result = runner.invoke(app, ["sync-readme"])
    assert (result.exit_code, result.stderr) == (0, "README.md updated (0 talks)\n")
    assert (repo / "README.md").read_text(encoding="utf-8") == (
        "# Talks\n\nIntro.\n\n<!-- TALKS -->\n<!-- //TALKS -->\n\n## License\n"
    )


def test_an_invalid_catalogue_writes_nothing(repo: Path, runner: CliRunner) -> None:
    (repo / "data/talks.yaml").write_text("talks:\n- title: x\n  date: 2023-02-30\n  event: e\n")
    result = runner.invoke(app, ["sync-readme"])
    assert result.exit_code == 1
    assert result.stderr == (
        "data/talks.yaml:3:9: date 2023-02-30 is not a real date (day is out of range for month)\n"
        "hint: run `talkcat validate --data data/talks.yaml` after fixing\n"
    )
    assert (repo / "README.md").read_text(encoding="utf-8") == README


@pytest.mark.parametrize(
    ("readme", "message"),
    [
        (
            "# Talks\n",
            "README.md: no <!-- TALKS --> ... <!-- //TALKS --> block\nhint: put the two marker lines where the talks should go:\n<!-- TALKS -->\n<!-- //TALKS -->\n",
        ),
        (
            "<!-- TALKS -->\n<!-- TALKS -->\n<!-- //TALKS -->\n",
            "README.md:2: a second <!-- TALKS --> (the first is at line 1)\n",
        ),
        (
            "<!-- //TALKS -->\nx\n<!-- TALKS -->\n",
            "README.md:1: <!-- //TALKS --> comes before <!-- TALKS --> (line 3)\n",
        ),
    ],
)
def test_bad_markers_leave_the_readme_alone(repo: Path, runner: CliRunner, readme: str, message: str) -> None:
    (repo / "README.md").write_text(readme, encoding="utf-8")
    result = runner.invoke(app, ["sync-readme"])
    assert result.exit_code == 1
    assert result.stderr == message
    assert (repo / "README.md").read_text(encoding="utf-8") == readme


def test_missing_readme(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["sync-readme", "--readme", "NOPE.md"])
    assert result.exit_code == 1
    assert result.stderr == "NOPE.md: no such file\n"


def test_usage_error_is_exit_2(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["sync-readme", "--bogus"])
    assert result.exit_code == 2


def test_a_symlinked_readme_is_written_through(repo: Path, runner: CliRunner) -> None:
    (repo / "docs").mkdir()
    (repo / "README.md").rename(repo / "docs/TALKS.md")
    (repo / "README.md").symlink_to("docs/TALKS.md")
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    assert (repo / "README.md").is_symlink()
    assert (repo / "docs/TALKS.md").read_text(encoding="utf-8") == expected_readme()


def test_permissions_are_kept(repo: Path, runner: CliRunner) -> None:
    os.chmod(repo / "README.md", 0o640)
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    assert os.stat(repo / "README.md").st_mode & 0o777 == 0o640


def test_help_documents_the_exit_codes(runner: CliRunner) -> None:
    result = runner.invoke(app, ["sync-readme", "--help"])
    assert result.exit_code == 0
    assert "3 out of date" in " ".join(result.stdout.split())


def test_version(runner: CliRunner) -> None:
    from talkcat import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"talkcat {__version__} (YAML parser: C (ruamel.yaml.clib))\n"


def test_python_dash_m(repo: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "talkcat", "sync-readme", "--check"], capture_output=True, text=True)
    assert result.returncode == 3
    assert result.stderr == "README.md is out of date; run `talkcat sync-readme` to update it\n"


def test_one_talk_is_counted_in_words(repo: Path, runner: CliRunner) -> None:
    (repo / "data/talks.yaml").write_text("talks:\n- title: T\n  date: 2023-01-01\n  event: E\n", encoding="utf-8")
    result = runner.invoke(app, ["sync-readme"])
    assert (result.exit_code, result.stderr) == (0, "README.md updated (1 talk)\n")


def test_under_pre_commit_beside_the_validate_hook_the_problems_are_named_once(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "data/talks.yaml").write_text("talks:\n- title: x\n  date: 2023-02-30\n  event: e\n")
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: talkcat-validate\n  - id: talkcat-sync-readme\n"
    )
    monkeypatch.setenv("PRE_COMMIT", "1")
    result = runner.invoke(app, ["sync-readme"])
    assert (result.exit_code, result.stderr) == (
        1,
        "data/talks.yaml: 1 problem; nothing was written (the talkcat-validate hook lists them)\n",
    )
    # Alone (the hook init writes), it lists them itself.
    (repo / ".pre-commit-config.yaml").write_text("repos:\n- repo: local\n  hooks:\n  - id: talkcat-sync-readme\n")
    result = runner.invoke(app, ["sync-readme"])
    assert result.exit_code == 1
    assert result.stderr.startswith("data/talks.yaml:3:9: date 2023-02-30 is not a real date")


# -- The README as others change it (issue 10 §2, §8)

# A sync-readme process that, when it creates its temporary file (after reading
# the README, before replacing it), has "an editor" autosave the README.
EDITOR_SAVES_README = """\
import os, sys
saved = []
def editor(event, args):
    if event == "open" and not saved and isinstance(args[0], str) and args[0].endswith(".tmp") \\
            and os.path.basename(args[0]).startswith(".README.md."):
        saved.append(True)
        with open("README.md", "a", encoding="utf-8") as f:
            f.write("Saved by an editor.\\n")
sys.addaudithook(editor)
from talkcat.cli import main
main()
"""


def test_a_readme_saved_while_the_hook_runs_is_not_reverted(repo: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", EDITOR_SAVES_README, "sync-readme"], capture_output=True, text=True, timeout=120
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "README.md: changed while talkcat worked (saved by an editor, or by git?); nothing was written, "
        "so that change stays\nhint: run the command again\n"
    )
    assert (repo / "README.md").read_text(encoding="utf-8") == README + "Saved by an editor.\n"
    assert runner_sync(repo) == 0  # run again, as it says: the block is written, the editor's line kept
    assert (repo / "README.md").read_text(encoding="utf-8").endswith("## License\nSaved by an editor.\n")


def runner_sync(repo: Path) -> int:
    return CliRunner().invoke(app, ["sync-readme"]).exit_code


def test_two_readmes_one_read_only_writes_neither(repo: Path, runner: CliRunner) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "talks.md").write_text(README, encoding="utf-8")
    (repo / "docs" / "talks.md").chmod(0o444)
    result = runner.invoke(app, ["sync-readme", "--readme", "README.md", "--readme", "docs/talks.md"])
    assert (result.exit_code, result.stderr) == (
        1,
        "docs/talks.md: is read-only; nothing was written\n"
        "hint: if talkcat may change it, make it writable: `chmod u+w docs/talks.md`\n",
    )
    assert (repo / "README.md").read_text(encoding="utf-8") == README
    assert (repo / "docs" / "talks.md").read_text(encoding="utf-8") == README
