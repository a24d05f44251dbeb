"""`talkcat init`: set up a repository, never overwrite, change nothing the second time."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from typer.testing import CliRunner

from conftest import ROOT, stamped
from talkcat.cli import app
from talkcat.schema import schema_text
from talkcat.validate import Rules

HOOKS = """\
  - repo: https://github.com/talkcat/talkcat
    rev: v0.1.0
    hooks:
      - id: talkcat-validate
      - id: talkcat-sync-readme
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "my-talks"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    monkeypatch.chdir(repo)
    return repo


def files(repo: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(repo)): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def test_a_new_repository_gets_all_three_files(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == (
        "talkcat init changes:\n"
        "  data/talks.schema.json: create: the catalogue's JSON Schema, for editors\n"
        "  data/talks.yaml: create, with no talks yet\n"
        "  README.md: create, with a Talks section\n"
        "  .pre-commit-config.yaml: create, with talkcat's hooks\n"
        "done. Next: `talkcat add` (or `talkcat import OLD_README`), `talkcat sync-readme`, "
        "and `pre-commit install` to run the hooks on every commit\n"
    )
    assert files(repo) == {
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
    assert result.stderr == (
        "nothing to do: the catalogue, the README and the hooks are set up\n"
    )
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
        "  .pre-commit-config.yaml: create, with talkcat's hooks\n"
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
        "  .pre-commit-config.yaml: create, with talkcat's hooks",
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
    assert "  .pre-commit-config.yaml: add talkcat's hooks to `repos:`\n" in result.stderr
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == EXISTING_CONFIG.replace(
        "keep this comment\n",
        "keep this comment\n"
        "- repo: https://github.com/talkcat/talkcat\n"
        "  rev: v0.1.0\n"
        "  hooks:\n"
        "    - id: talkcat-validate\n"
        "    - id: talkcat-sync-readme\n",
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
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == (
        "fail_fast: true\nrepos:\n" + HOOKS
    )


def test_one_hook_already_there_adds_only_the_other(repo: Path, runner: CliRunner) -> None:
    config = "repos:\n  - repo: local\n    hooks:\n      - id: talkcat-validate\n"
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == config + (
        "  - repo: https://github.com/talkcat/talkcat\n"
        "    rev: v0.1.0\n"
        "    hooks:\n"
        "      - id: talkcat-sync-readme\n"
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "repos: [{repo: local, hooks: []}]\n",
            ".pre-commit-config.yaml: cannot add talkcat's hooks to this file's `repos:` without "
            "rewriting it\nhint: add them by hand (see README.md, 'Use it as a pre-commit hook')\n",
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
    assert result.exit_code == 1
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


DONE = (
    "done. Next: `talkcat add` (or `talkcat import OLD_README`), `talkcat sync-readme`, "
    "and `pre-commit install` to run the hooks on every commit\n"
)


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
        "  ../.pre-commit-config.yaml: create, with talkcat's hooks\n" + DONE
    )
    assert files(repo) == {
        ".pre-commit-config.yaml": ("repos:\n" + HOOKS).encode(),
        "README.md": b"# my-talks\n\n## Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n",
        "data/talks.schema.json": schema_text().encode(),
        "data/talks.yaml": b"# yaml-language-server: $schema=talks.schema.json\ntalks: []\n",
        "talkcat.toml": b"chart = false\n",
    }
    again = runner.invoke(app, ["init"])
    assert again.stderr == "nothing to do: the catalogue, the README and the hooks are set up\n"


def test_outside_a_repository_the_hooks_go_to_the_current_folder(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[4] == "  .pre-commit-config.yaml: create, with talkcat's hooks"
    assert (tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos:\n" + HOOKS


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
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == (
        "repos:\n"
        "  - repo: https://github.com/talkcat/talkcat\n"
        "    rev: v0.1.0\n"
        "    hooks:\n"
        "      - id: talkcat-validate\n"
        "        files: ^talks\\.yaml$\n"
        "      - id: talkcat-sync-readme\n"
        "        files: ^(talks\\.yaml|docs/talks\\.md)$\n"
    )
    _validate_config(repo)


def test_the_hooks_are_pointed_at_the_files_the_flags_name(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["init", "--data", "talks/my-talks.yaml", "--readme", "docs/index.md"])
    assert result.exit_code == 0, result.output
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == (
        "repos:\n"
        "  - repo: https://github.com/talkcat/talkcat\n"
        "    rev: v0.1.0\n"
        "    hooks:\n"
        "      - id: talkcat-validate\n"
        "        files: ^talks/my\\-talks\\.yaml$\n"
        "        args: [--data, talks/my-talks.yaml]\n"
        "      - id: talkcat-sync-readme\n"
        "        files: ^(talks/my\\-talks\\.yaml|docs/index\\.md)$\n"
        "        args: [--data, talks/my-talks.yaml, --readme, docs/index.md]\n"
    )
    _validate_config(repo)


def test_only_the_readme_moved_gives_sync_readme_alone_its_own_files(repo: Path, runner: CliRunner) -> None:
    (repo / ".pre-commit-config.yaml").write_text(EXISTING_CONFIG, encoding="utf-8")
    assert runner.invoke(app, ["init", "--readme", "README.rst.md"]).exit_code == 0
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == EXISTING_CONFIG.replace(
        "keep this comment\n",
        "keep this comment\n"
        "- repo: https://github.com/talkcat/talkcat\n"
        "  rev: v0.1.0\n"
        "  hooks:\n"
        "    - id: talkcat-validate\n"
        "    - id: talkcat-sync-readme\n"
        "      files: ^(data/talks\\.yaml|README\\.rst\\.md)$\n"
        "      args: [--readme, README.rst.md]\n",
    )
    _validate_config(repo)


def test_paths_yaml_would_misread_are_quoted(repo: Path, runner: CliRunner) -> None:
    import yaml

    assert runner.invoke(app, ["init", "--data", "my talks/a,b [1].yaml"]).exit_code == 0
    text = (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "        args: [--data, 'my talks/a,b [1].yaml']\n" in text
    hooks = yaml.safe_load(text)["repos"][0]["hooks"]
    assert hooks[0]["args"] == ["--data", "my talks/a,b [1].yaml"]
    assert re.search(hooks[0]["files"], "my talks/a,b [1].yaml")
    assert not re.search(hooks[0]["files"], "my talks/a,b 1.yaml")
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
        "  ../.pre-commit-config.yaml: create, with talkcat's hooks\n" + DONE
    )
    assert files(repo) == {
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
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8").endswith(
        "      - id: talkcat-validate\n"
        "        files: ^docs/talks\\.yaml$\n"
        "        args: [--data, docs/talks.yaml]\n"
        "      - id: talkcat-sync-readme\n"
        "        files: ^(docs/talks\\.yaml|docs/README\\.md)$\n"
        "        args: [--data, docs/talks.yaml, --readme, docs/README.md]\n"
    )


def test_the_default_files_are_those_of_the_shipped_hooks() -> None:
    import yaml

    from talkcat.commands.init import HOOK_FILES

    shipped = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert HOOK_FILES == {hook["id"]: hook["files"] for hook in shipped}


def test_a_hook_already_there_gets_no_override_and_crlf_is_kept(repo: Path, runner: CliRunner) -> None:
    config = "repos:\r\n  - repo: local\r\n    hooks:\r\n      - id: talkcat-validate"
    (repo / ".pre-commit-config.yaml").write_bytes(config.encode())
    assert runner.invoke(app, ["init", "--data", "talks.yaml"]).exit_code == 0
    assert (repo / ".pre-commit-config.yaml").read_bytes() == (
        config + "\r\n"
        "  - repo: https://github.com/talkcat/talkcat\r\n"
        "    rev: v0.1.0\r\n"
        "    hooks:\r\n"
        "      - id: talkcat-sync-readme\r\n"
        "        files: ^(talks\\.yaml|README\\.md)$\r\n"
        "        args: [--data, talks.yaml]\r\n"
    ).encode()


@pytest.fixture(scope="module")
def talkcat_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout's tracked files, as they are now, committed in a repository of their own.

    As `pre-commit try-repo` does; but try-repo writes its own config, and
    these tests run the config init wrote. Returns (path, commit) for `repo:`
    and `rev:`.
    """
    source = tmp_path_factory.mktemp("talkcat-source")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode("utf-8").split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    git = ["git", "-c", "user.name=talkcat tests", "-c", "user.email=tests@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=source, check=True)
    subprocess.run([*git, "add", "."], cwd=source, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "talkcat under test"], cwd=source, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True, check=True)
    return source, commit.stdout.strip()


def _pre_commit_run(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
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


CATALOGUE = dedent(
    """\
    talks:
    - title: Reproducible ML
      date: 2024-05-02
      event: PyCon DE 2024
      location: Berlin, Germany
    """
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


def test_pre_commit_runs_the_hooks_init_set_up_from_a_subfolder_on_its_files(
    repo: Path,
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    talkcat_source: tuple[Path, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "talkcat.toml").write_text("chart = false\n", encoding="utf-8")  # the files are docs/'s
    monkeypatch.chdir(repo / "docs")
    assert runner.invoke(app, ["init"]).exit_code == 0
    source, commit = talkcat_source
    config = repo / ".pre-commit-config.yaml"
    written = config.read_text(encoding="utf-8")
    config.write_text(
        written.replace(f"repo: https://github.com/talkcat/talkcat\n    rev: v0.1.0", f"repo: {source}\n    rev: {commit}"),
        encoding="utf-8",
    )
    assert config.read_text(encoding="utf-8") != written
    home = tmp_path_factory.mktemp("pre-commit-home")
    catalogue = repo / "docs" / "data" / "talks.yaml"

    catalogue.write_text(CATALOGUE.replace("location:", "loaction:"), encoding="utf-8")
    broken = _pre_commit_run(repo, home)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert re.search(r"^talkcat validate\.+Failed$", broken.stdout, re.MULTILINE), broken.stdout
    assert "docs/data/talks.yaml:5:3: unknown key 'loaction' (did you mean 'location'?)" in broken.stdout

    catalogue.write_text(CATALOGUE, encoding="utf-8")
    stale = _pre_commit_run(repo, home)
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert re.search(r"^talkcat validate\.+Passed$", stale.stdout, re.MULTILINE), stale.stdout
    assert re.search(r"^talkcat sync-readme\.+Failed$", stale.stdout, re.MULTILINE), stale.stdout
    assert "files were modified by this hook" in stale.stdout
    assert (repo / "docs" / "README.md").read_text(encoding="utf-8") == SYNCED_README

    synced = _pre_commit_run(repo, home)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert re.search(r"^talkcat sync-readme\.+Passed$", synced.stdout, re.MULTILINE), synced.stdout


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
        "  ../.pre-commit-config.yaml: create, with talkcat's hooks\n"
        "warning: pre-commit runs the hooks at the top of the repository, where talkcat finds no config: "
        "the README settings of talkcat.toml will not apply to them\n"
    )
    (repo / "talkcat.toml").write_text("chart = true\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "--dry-run"])
    assert result.stderr.endswith(
        "warning: pre-commit runs the hooks at the top of the repository, where talkcat reads ../talkcat.toml: "
        "the README settings of talkcat.toml will not apply to them\n"
    )


def test_the_readmes_first_minutes_show_what_init_prints_on_a_terminal(repo: Path, runner: CliRunner) -> None:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Your first minutes\n", 1)[1]
    sample = re.search(r"```console\n\$ talkcat init\n(.*?)```\n", section, re.DOTALL)
    assert sample is not None
    (repo / "README.md").write_text("# My talks\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "--input"], input="y\n")  # --input: asks, as on a terminal
    assert result.exit_code == 0, result.output
    assert result.output == sample[1]
