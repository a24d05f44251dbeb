"""`talkcat init`: set up a repository, never overwrite, change nothing the second time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest
from helpers import ONE_TALK, ROOT, git, stamped
from typer.testing import CliRunner

from talkcat.cli import app
from talkcat.schema import schema_text
from talkcat.validate import Rules

HOOKS = """\
  - repo: local
    hooks:
      - id: talkcat-sync-readme
        name: talkcat sync-readme
        entry: talkcat sync-readme
        language: system
        pass_filenames: false
        always_run: true
"""
CHOICE = (
    "the hook: `repo: local`, running the talkcat installed here on every commit "
    "(no talkcat release is published for a `rev:` to pin)\n"
)
DONE = (
    "done. Next: `talkcat add` (or `talkcat import OLD_README`), `talkcat sync-readme`, "
    "and `pre-commit install` to run the hook on every commit\n"
)
# This test run's talkcat, as an installed one is: its script beside the interpreter.
BIN = str(Path(sys.executable).parent)


def hook_at(indent: int, *extra: str) -> str:
    """The hook entry init writes at this indentation of `repos:`, with extra lines under the hook."""
    lines = [line[2:] for line in HOOKS.splitlines()] + [f"      {line}" for line in extra]
    return "".join(" " * indent + line + "\n" for line in lines)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "my-talks"
    repo.mkdir()
    git(repo, "init", "-q")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ["PATH"])
    return repo


def files(repo: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


ATTRIBUTES = (
    "# talkcat: merge the catalogue talk by talk, and the README's talks from it (talkcat init)\n"
    "data/talks.yaml merge=talkcat\n"
    "README.md merge=talkcat\n"
)


def merging(up: str = "", listed: str = "data/talks.yaml and README.md") -> str:
    """What init's plan says of the merge driver, in a git repository."""
    return (
        f"  {up}.gitattributes: create: merge=talkcat for {listed}, so that branches merge talk by talk\n"
        f"  {up}.git/config: add the merge driver talkcat (not committed: `talkcat init` sets it up in each clone)\n"
    )


def test_a_new_repository_gets_all_three_files(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == (
        "talkcat init changes:\n"
        "  data/talks.schema.json: create: the catalogue's JSON Schema, for editors\n"
        "  data/talks.yaml: create, with no talks yet\n"
        "  README.md: create, with a Talks section\n"
        "  .pre-commit-config.yaml: create, with talkcat's hook\n" + merging() + CHOICE + DONE
    )
    assert files(repo) == {
        ".gitattributes": ATTRIBUTES.encode(),
        ".pre-commit-config.yaml": ("repos:\n" + HOOKS).encode(),
        "README.md": b"# my-talks\n\n## Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n",
        "data/talks.schema.json": schema_text().encode(),
        "data/talks.yaml": b"# yaml-language-server: $schema=talks.schema.json\ntalks: []\n",
    }
    assert runner.invoke(app, ["validate"]).exit_code == 0
    assert runner.invoke(app, ["sync-readme", "--check"]).exit_code == 0


def test_run_twice_the_second_run_changes_nothing(repo: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    before = files(repo)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0
    assert result.stderr == ("nothing to do: the catalogue, the README and the hook are set up\n")
    assert files(repo) == before


def test_dry_run_names_the_files_and_writes_nothing(repo: Path, runner: CliRunner) -> None:
    (repo / "README.md").write_text("# Me\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "--dry-run"])
    assert result.exit_code == 0
    assert result.stderr == (
        "talkcat init would change:\n"
        "  data/talks.schema.json: create: the catalogue's JSON Schema, for editors\n"
        "  data/talks.yaml: create, with no talks yet\n"
        "  README.md: add a Talks section at the end\n"
        "  .pre-commit-config.yaml: create, with talkcat's hook\n" + merging() + CHOICE
    )
    assert files(repo) == {"README.md": b"# Me\n"}


def test_an_existing_readme_keeps_every_byte_and_its_crlf(repo: Path, runner: CliRunner) -> None:
    (repo / "README.md").write_bytes(b"\xef\xbb\xbf# Me\r\n\r\nI speak.\r\n\r\n\r\n")
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (repo / "README.md").read_bytes() == (
        b"\xef\xbb\xbf# Me\r\n\r\nI speak.\r\n\r\n## Talks\r\n\r\n<!-- TALKS -->\r\n<!-- //TALKS -->\r\n"
    )


def test_a_readme_with_the_markers_and_a_catalogue_are_left_alone(repo: Path, runner: CliRunner) -> None:
    readme = "# Me\n\n<!-- TALKS -->\n### Old\n<!-- //TALKS -->\n"
    (repo / "README.md").write_text(readme, encoding="utf-8")
    (repo / "data").mkdir()
    (repo / "data" / "talks.yaml").write_text("# mine\ntalks: []\n", encoding="utf-8")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:2] == [
        "talkcat init changes:",
        "  .pre-commit-config.yaml: create, with talkcat's hook",
    ]
    assert (repo / "README.md").read_text(encoding="utf-8") == readme
    assert (repo / "data" / "talks.yaml").read_text(encoding="utf-8") == "# mine\ntalks: []\n"


def test_broken_markers_are_an_error_and_nothing_is_written(repo: Path, runner: CliRunner) -> None:
    (repo / "README.md").write_text("# Me\n\n<!-- TALKS -->\n", encoding="utf-8")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 1
    assert result.stderr == "README.md:3: <!-- TALKS --> has no <!-- //TALKS --> after it\n"
    assert files(repo) == {"README.md": b"# Me\n\n<!-- TALKS -->\n"}


EXISTING_CONFIG = dedent(
    """\
    # my hooks
    default_stages: [pre-commit]
    repos:
    - repo: https://github.com/pre-commit/pre-commit-hooks
      rev: v4.6.0
      hooks:
      - id: trailing-whitespace  # keep this comment

    # CI settings follow
    ci:
      autofix_prs: false
    """
)


def test_hooks_are_added_to_an_existing_repos_list(repo: Path, runner: CliRunner) -> None:
    (repo / ".pre-commit-config.yaml").write_text(EXISTING_CONFIG, encoding="utf-8")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert "  .pre-commit-config.yaml: add talkcat's hook to `repos:`\n" in result.stderr
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == EXISTING_CONFIG.replace(
        "keep this comment\n", "keep this comment\n" + hook_at(0)
    )
    check = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    before = files(repo)
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert files(repo) == before


def test_a_config_without_repos_gets_them_appended(repo: Path, runner: CliRunner) -> None:
    (repo / ".pre-commit-config.yaml").write_text("fail_fast: true", encoding="utf-8")
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == ("fail_fast: true\nrepos:\n" + HOOKS)


def test_a_validate_hook_alone_gets_the_sync_hook_beside_it(repo: Path, runner: CliRunner) -> None:
    config = "repos:\n  - repo: local\n    hooks:\n      - id: talkcat-validate\n"
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == config + HOOKS


def test_a_sync_hook_already_there_is_left_as_it_is(repo: Path, runner: CliRunner) -> None:
    config = "repos:\n- repo: https://example.org/talkcat\n  rev: 0123abc\n  hooks:\n  - id: talkcat-sync-readme\n"
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert ".pre-commit-config.yaml" not in result.stderr
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == config


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "repos: [{repo: local, hooks: []}]\n",
            ".pre-commit-config.yaml: cannot add talkcat's hook to this file's `repos:` without "
            "rewriting it\nhint: add it by hand (see README.md, 'Use it as a pre-commit hook')\n",
        ),
        (
            "repos:\n  - repo: [\n",
            ".pre-commit-config.yaml:3:1: invalid YAML: ",
        ),
        (
            "- just a list\n",
            ".pre-commit-config.yaml: not a pre-commit configuration (a mapping with `repos:`)\n",
        ),
    ],
)
def test_a_config_it_cannot_extend_is_an_error_and_nothing_is_written(
    repo: Path, runner: CliRunner, config: str, message: str
) -> None:
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output
    assert files(repo) == {".pre-commit-config.yaml": config.encode()}


def test_declining_on_a_terminal_changes_nothing(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["init", "--input"], input="n\n")
    assert result.exit_code == 4  # declined
    assert result.stderr.endswith("nothing was changed\n")
    assert files(repo) == {}


def test_paths_and_markers_come_from_the_config(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text(
        'data = "talks.yaml"\nreadme = "docs/talks.md"\nmarkers = ["<!-- T -->", "<!-- /T -->"]\n',
        encoding="utf-8",
    )
    (repo / "docs").mkdir()
    (repo / "docs" / "talks.md").write_text("# Talks I gave\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[1:4] == [
        "  talks.schema.json: create: the catalogue's JSON Schema, for editors",
        "  talks.yaml: create, with no talks yet",
        "  docs/talks.md: add a Talks section at the end",
    ]
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (repo / "docs" / "talks.md").read_text(encoding="utf-8") == (
        "# Talks I gave\n\n## Talks\n\n<!-- T -->\n<!-- /T -->\n"
    )
    assert runner.invoke(app, ["sync-readme", "--check"]).exit_code == 0


def test_the_schema_says_the_configured_markers_as_talkcat_schema_does(repo: Path, runner: CliRunner) -> None:
    (repo / "talkcat.toml").write_text('markers = ["<!-- BEGIN -->", "<!-- END -->"]\n', encoding="utf-8")
    assert runner.invoke(app, ["init"]).exit_code == 0
    printed = runner.invoke(app, ["schema"])
    assert printed.exit_code == 0, printed.output
    written = (repo / "data" / "talks.schema.json").read_bytes()
    assert written == printed.stdout.encode()
    assert written == schema_text(Rules(markers=("<!-- BEGIN -->", "<!-- END -->"))).encode()
    assert b"TALKS" not in written


def test_from_a_subfolder_the_readme_is_titled_after_the_repository(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "talkcat.toml").write_text("chart = false\n", encoding="utf-8")
    (repo / "docs").mkdir()
    monkeypatch.chdir(repo / "docs")
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (repo / "README.md").read_bytes() == b"# my-talks\n\n## Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n"


def test_from_a_subfolder_the_hooks_go_to_the_repository_root(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "talkcat.toml").write_text("chart = false\n", encoding="utf-8")
    (repo / "docs").mkdir()
    monkeypatch.chdir(repo / "docs")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "talkcat init changes:\n"
        "  ../data/talks.schema.json: create: the catalogue's JSON Schema, for editors\n"
        "  ../data/talks.yaml: create, with no talks yet\n"
        "  ../README.md: create, with a Talks section\n"
        "  ../.pre-commit-config.yaml: create, with talkcat's hook\n" + merging("../") + CHOICE + DONE
    )
    assert files(repo) == {
        ".gitattributes": ATTRIBUTES.encode(),
        ".pre-commit-config.yaml": ("repos:\n" + HOOKS).encode(),
        "README.md": b"# my-talks\n\n## Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n",
        "data/talks.schema.json": schema_text().encode(),
        "data/talks.yaml": b"# yaml-language-server: $schema=talks.schema.json\ntalks: []\n",
        "talkcat.toml": b"chart = false\n",
    }
    again = runner.invoke(app, ["init"])
    assert again.stderr == "nothing to do: the catalogue, the README and the hook are set up\n"


def test_outside_a_repository_init_says_so_instead_of_suggesting_pre_commit_install(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ["PATH"])
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[4:] == [
        "  .pre-commit-config.yaml: create, with talkcat's hook",
        CHOICE.rstrip("\n"),
        "done. Next: `talkcat add` (or `talkcat import OLD_README`) and `talkcat sync-readme`; this folder is "
        "not in a git repository, so no hook can run: `git init`, then `pre-commit install`",
    ]
    assert (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos:\n" + HOOKS


def test_a_talkcat_not_on_path_is_named_before_asking(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(repo.parent / "empty-bin"))
    result = runner.invoke(app, ["init", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(
        "  .pre-commit-config.yaml: create, with talkcat's hook\n"
        + CHOICE
        + "warning: `talkcat` is not on PATH, so the hook cannot run it: install talkcat where you run "
        "`git commit` (or activate the environment that has it)\n" + PRE_COMMIT_MISSING
    )


PRE_COMMIT_MISSING = (
    "warning: `pre-commit` is not on PATH, and it runs the hook: install it "
    "(`pipx install pre-commit`, or `pip install pre-commit`) before `pre-commit install`\n"
)


def test_a_pre_commit_not_on_path_is_named_before_asking(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new user told to run `pre-commit install` got "command not found".
    only_talkcat = repo.parent / "only-talkcat"
    only_talkcat.mkdir()
    (only_talkcat / "talkcat").symlink_to(Path(BIN) / "talkcat")
    monkeypatch.setenv("PATH", str(only_talkcat))
    result = runner.invoke(app, ["init", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(
        "  .pre-commit-config.yaml: create, with talkcat's hook\n" + CHOICE + PRE_COMMIT_MISSING
    )
    monkeypatch.setenv("PATH", f"{only_talkcat}{os.pathsep}{BIN}")  # pre-commit found: not a word of it
    assert "pre-commit` is not on PATH" not in runner.invoke(app, ["init", "--dry-run"]).stderr


def _validate_config(repo: Path) -> None:
    check = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_hooks_match_the_files_a_config_at_the_top_names(repo: Path, runner: CliRunner) -> None:
    # pre-commit runs the hooks at the top, where talkcat reads this config: no args needed.
    (repo / "talkcat.toml").write_text('data = "talks.yaml"\nreadme = "docs/talks.md"\n', encoding="utf-8")
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos:\n" + HOOKS
    _validate_config(repo)


def test_the_hooks_are_pointed_at_the_files_the_flags_name(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["init", "--data", "talks/my-talks.yaml", "--readme", "docs/index.md"])
    assert result.exit_code == 0, result.output
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos:\n" + hook_at(
        2, "args: [--data, talks/my-talks.yaml, --readme, docs/index.md]"
    )
    _validate_config(repo)


def test_only_the_readme_moved_gives_the_hook_only_its_path(repo: Path, runner: CliRunner) -> None:
    (repo / ".pre-commit-config.yaml").write_text(EXISTING_CONFIG, encoding="utf-8")
    assert runner.invoke(app, ["init", "--readme", "README.rst.md"]).exit_code == 0
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == EXISTING_CONFIG.replace(
        "keep this comment\n", "keep this comment\n" + hook_at(0, "args: [--readme, README.rst.md]")
    )
    _validate_config(repo)


def test_paths_yaml_would_misread_are_quoted(repo: Path, runner: CliRunner) -> None:
    import yaml

    assert runner.invoke(app, ["init", "--data", "my talks/a,b [1].yaml"]).exit_code == 0
    text = (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "        args: [--data, 'my talks/a,b [1].yaml']\n" in text
    hooks = yaml.safe_load(text)["repos"][0]["hooks"]
    assert hooks[0]["args"] == ["--data", "my talks/a,b [1].yaml"]
    _validate_config(repo)


def test_from_a_subfolder_without_a_config_init_sets_up_the_repository_root(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where every command then finds them: from any folder, the defaults are the root's.
    (repo / "docs").mkdir()
    monkeypatch.chdir(repo / "docs")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "talkcat init changes:\n"
        "  ../data/talks.schema.json: create: the catalogue's JSON Schema, for editors\n"
        "  ../data/talks.yaml: create, with no talks yet\n"
        "  ../README.md: create, with a Talks section\n"
        "  ../.pre-commit-config.yaml: create, with talkcat's hook\n" + merging("../") + CHOICE + DONE
    )
    assert files(repo) == {
        ".gitattributes": ATTRIBUTES.encode(),
        ".pre-commit-config.yaml": ("repos:\n" + HOOKS).encode(),
        "README.md": b"# my-talks\n\n## Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n",
        "data/talks.schema.json": schema_text().encode(),
        "data/talks.yaml": b"# yaml-language-server: $schema=talks.schema.json\ntalks: []\n",
    }
    assert runner.invoke(app, ["sync-readme", "--check"]).stderr == "../README.md is up to date\n"


def test_a_config_in_a_subfolder_is_not_what_the_hooks_read_so_they_get_args(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "talkcat.toml").write_text('data = "talks.yaml"\n', encoding="utf-8")
    monkeypatch.chdir(repo / "docs")
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr  # the paths are all it sets, and the args carry them
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos:\n" + hook_at(
        2, "args: [--data, docs/talks.yaml, --readme, docs/README.md]"
    )


def test_the_hook_init_writes_is_the_shipped_one_run_from_the_installed_talkcat() -> None:
    import yaml

    shipped = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    written = yaml.safe_load("repos:\n" + HOOKS)["repos"][0]["hooks"][0]
    assert [hook["id"] for hook in shipped] == ["talkcat-sync-readme", "talkcat-validate"]
    (sync,) = [hook for hook in shipped if hook["id"] == written["id"]]
    assert {**sync, "language": "system"} == {**written, "description": sync["description"]}
    # The project runs its own hook the same way.
    assert yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")) == yaml.safe_load(
        "repos:\n" + HOOKS
    )


def test_the_hook_added_beside_another_keeps_crlf(repo: Path, runner: CliRunner) -> None:
    config = "repos:\r\n  - repo: local\r\n    hooks:\r\n      - id: talkcat-validate"
    (repo / ".pre-commit-config.yaml").write_bytes(config.encode())
    assert runner.invoke(app, ["init", "--data", "talks.yaml"]).exit_code == 0
    assert (repo / ".pre-commit-config.yaml").read_bytes() == (
        config + "\r\n" + hook_at(2, "args: [--data, talks.yaml]").replace("\n", "\r\n")
    ).encode()


def _pre_commit_run(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    git(repo, "add", ".")
    # The hook runs the talkcat on PATH, as `git commit` would; PRE_COMMIT_HOME
    # empty: a local hook has nothing to install, so no network is needed.
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("TALKCAT_CACHE_DIR", None)  # the hook's own user cache, as in real use
    env["XDG_CACHE_HOME"] = str(home / "xdg-cache")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


SYNCED_README = (
    "# my-talks\n\n## Talks\n\n<!-- TALKS -->\n"
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
    + "<!-- //TALKS -->\n"
)


def test_pre_commit_runs_the_hook_init_set_up_from_a_subfolder_as_written(
    repo: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "talkcat.toml").write_text("chart = false\n", encoding="utf-8")  # the files are docs/'s
    monkeypatch.chdir(repo / "docs")
    assert runner.invoke(app, ["init"]).exit_code == 0
    home = tmp_path_factory.mktemp("pre-commit-home")
    catalogue = repo / "docs" / "data" / "talks.yaml"

    catalogue.write_text(ONE_TALK.replace("location:", "loaction:"), encoding="utf-8")
    broken = _pre_commit_run(repo, home)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert re.search(r"^talkcat sync-readme\.+Failed$", broken.stdout, re.MULTILINE), broken.stdout
    assert "docs/data/talks.yaml:5:3: unknown key 'loaction' (did you mean 'location'?)" in broken.stdout
    assert "files were modified by this hook" not in broken.stdout

    catalogue.write_text(ONE_TALK, encoding="utf-8")
    stale = _pre_commit_run(repo, home)
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert re.search(r"^talkcat sync-readme\.+Failed$", stale.stdout, re.MULTILINE), stale.stdout
    assert "files were modified by this hook" in stale.stdout
    assert (repo / "docs" / "README.md").read_text(encoding="utf-8") == SYNCED_README

    synced = _pre_commit_run(repo, home)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert re.search(r"^talkcat sync-readme\.+Passed$", synced.stdout, re.MULTILINE), synced.stdout
    assert {path.name for path in home.iterdir()} == {".lock", "db.db", "xdg-cache"}  # no repository cloned


def test_a_warning_when_the_hooks_would_miss_a_subfolder_configs_markers(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "talkcat.toml").write_text('markers = ["<!-- T -->", "<!-- /T -->"]\n', encoding="utf-8")
    monkeypatch.chdir(repo / "docs")
    result = runner.invoke(app, ["init", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "talkcat init would change:\n"
        "  data/talks.schema.json: create: the catalogue's JSON Schema, for editors\n"
        "  data/talks.yaml: create, with no talks yet\n"
        "  README.md: create, with a Talks section\n"
        "  ../.pre-commit-config.yaml: create, with talkcat's hook\n"
        + merging("../", "docs/data/talks.yaml, docs/README.md and README.md")
        + CHOICE
        + "warning: pre-commit runs the hook at the top of the repository, where talkcat finds no config: "
        "the README settings of talkcat.toml will not apply to it\n"
    )
    (repo / "talkcat.toml").write_text("chart = true\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "--dry-run"])
    assert result.stderr.endswith(
        "warning: pre-commit runs the hook at the top of the repository, where talkcat reads ../talkcat.toml: "
        "the README settings of talkcat.toml will not apply to it\n"
    )


def test_the_readmes_first_minutes_show_what_init_prints_on_a_terminal(repo: Path, runner: CliRunner) -> None:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Your first minutes\n", 1)[1]
    sample = re.search(r"```console\n\$ talkcat init\n(.*?)```\n", section, re.DOTALL)
    assert sample is not None
    (repo / "README.md").write_text("# My talks\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "--input"], input="y\n")  # --input: asks, as on a terminal
    assert result.exit_code == 0, result.output
    assert result.output == sample[1]


@pytest.mark.parametrize(("make", "what"), [(Path.mkdir, "is a directory"), (os.mkfifo, "is a named pipe")])
def test_a_catalogue_that_is_no_file_is_said_so(
    repo: Path, runner: CliRunner, make: Callable[[Path], None], what: str
) -> None:
    # init said "nothing to do: the catalogue ... set up" for a folder, and went on past a FIFO.
    (repo / "data").mkdir()
    make(repo / "data" / "talks.yaml")
    before = sorted(path.name for path in repo.iterdir())
    result = runner.invoke(app, ["init", "--yes"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"data/talks.yaml: {what}, not a file\n"
    assert sorted(path.name for path in repo.iterdir()) == before
    assert [path.name for path in (repo / "data").iterdir()] == ["talks.yaml"]
