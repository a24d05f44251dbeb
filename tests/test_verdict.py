"""The hook's fast path: a plain `validate` or `sync-readme` run is answered from the verdict
the same run left, only while nothing it looked at has changed (issue 15).

Every run here is a real `talkcat` process in a real git repository. Each is
compared with the same command run on an empty cache: whatever changed, the
answer must be the one the CLI itself gives.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from helpers import git

from talkcat import cache

CATALOGUE = dedent(
    """\
    talks:
    - title: Reproducible ML
      date: 2024-05-02
      event: PyCon DE 2024
      location: Berlin, Germany
      slides: 2024-05-02 PyCon/
    - title: Communicating ML
      date: 2021-10-30
      event: PyData Global 2021
      location: Online
    """
)
README = "# Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n\nLicense: CC BY 4.0\n"
UNTRACKED = (
    "data/talks.yaml:6:11: warning: '2024-05-02 PyCon/' is not tracked by git: the README's link to it "
    "leads nowhere until you `git add` it\n"
)
HOOKS = (["sync-readme"], ["sync-readme", "--check"], ["validate"])

# Runs the `talkcat` command's own entry point, then names the modules of talkcat's it imported.
PROBE = """\
import atexit, json, os, sys
ours = lambda: sorted(m for m in sys.modules if m.split(".")[0] == "talkcat")
atexit.register(lambda: open(os.environ["PROBE"], "w").write(json.dumps(ours())))
sys.argv[0] = "talkcat"
from talkcat.__main__ import main
main()
"""
FAST = ["talkcat", "talkcat.__main__", "talkcat.cache"]  # what an answer from a verdict imports


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "talks"
    (repo / "data").mkdir(parents=True)
    (repo / "2024-05-02 PyCon").mkdir()
    (repo / "2024-05-02 PyCon" / "slides.pdf").write_bytes(b"%PDF-1.4\n")
    (repo / "data" / "talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    (repo / "README.md").write_text(README, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "data", "README.md")  # the slides folder not yet: a warning
    assert run(repo, "sync-readme").code == 0  # the README as talkcat writes it
    return repo


class Run:
    def __init__(self, done: subprocess.CompletedProcess[str], modules: list[str]) -> None:
        self.code, self.stdout, self.stderr = done.returncode, done.stdout, done.stderr
        self.modules = modules
        self.replayed = "talkcat.cli" not in modules  # the CLI never started: the verdict answered

    @property
    def said(self) -> tuple[int, str, str]:
        return self.code, self.stdout, self.stderr


def run(folder: Path, *args: str, env: dict[str, str] | None = None, combined: bool = False) -> Run:
    probe = folder.parent / "probe.json"
    probe.unlink(missing_ok=True)
    environment = {**(env or os.environ), "PROBE": str(probe)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if combined else subprocess.PIPE,
        text=True,
        timeout=120,
    )
    return Run(done, json.loads(probe.read_text()))


def fresh(folder: Path, *args: str) -> Run:
    """The command on an empty cache: what the CLI itself says."""
    empty = folder.parent / "empty-cache"
    shutil.rmtree(empty, ignore_errors=True)
    result = run(folder, *args, env={**os.environ, "TALKCAT_CACHE_DIR": str(empty)})
    assert not result.replayed
    return result


def settle(*paths: Path) -> None:
    """Date files a minute back, as a file changed a while ago is: its stat is then trusted."""
    for path in paths:
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 60 * 10**9))


@pytest.mark.parametrize("args", HOOKS, ids=" ".join)
def test_the_second_plain_run_is_answered_without_the_cli_and_says_the_same(repo: Path, args: list[str]) -> None:
    first = run(repo, *args)
    second = run(repo, *args)
    assert not first.replayed and second.replayed
    assert second.modules == FAST  # no typer, click, platformdirs, rendering or completion
    assert not {"typer", "click", "platformdirs", "markdown_it", "tabulate", "rich"} & set(sys_modules(repo, *args))
    assert second.said == first.said == fresh(repo, *args).said
    assert first.code == 0 and UNTRACKED in first.stdout + first.stderr  # a warning is said again


def test_stdout_and_stderr_keep_their_order_when_answered(repo: Path) -> None:
    first = run(repo, "validate", combined=True)
    second = run(repo, "validate", combined=True)
    assert second.replayed
    assert second.stdout == first.stdout == UNTRACKED + "data/talks.yaml: 2 talks, all valid (1 warning)\n"


def sys_modules(folder: Path, *args: str) -> list[str]:
    """Every module an answer from the verdict imports, top-level names."""
    code = PROBE.replace('m.split(".")[0] == "talkcat"', "True").replace("sorted(m ", 'sorted(m.split(".")[0] ')
    probe = folder.parent / "probe.json"
    subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=folder,
        env={**os.environ, "PROBE": str(probe)},
        capture_output=True,
        check=True,
    )
    return list(json.loads(probe.read_text()))


def edit_catalogue(repo: Path) -> None:
    """One byte changed, the size and the modification time kept."""
    path = repo / "data" / "talks.yaml"
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(b"2021-10-30", b"2021-10-31"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def edit_readme(repo: Path) -> None:
    path = repo / "README.md"
    path.write_text(path.read_text(encoding="utf-8").replace("| Online ", "| Onlin  "), encoding="utf-8")


def add_a_config(repo: Path) -> None:
    (repo / "talkcat.toml").write_text("heading_level = 2\n", encoding="utf-8")


def change_pyproject(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.talkcat]\nsort = 'oldest'\n", encoding="utf-8")


def track_the_slides(repo: Path) -> None:
    git(repo, "add", "2024-05-02 PyCon")  # the warning goes


def ignore_slides(repo: Path) -> None:
    (repo / ".gitignore").write_text("2024-05-02 PyCon/\n", encoding="utf-8")


def delete_slides(repo: Path) -> None:
    shutil.rmtree(repo / "2024-05-02 PyCon")


def empty_slides(repo: Path) -> None:
    (repo / "2024-05-02 PyCon" / "slides.pdf").unlink()


def link_slides_out(repo: Path) -> None:
    outside = repo.parent / "outside"
    outside.mkdir()
    shutil.rmtree(repo / "2024-05-02 PyCon")
    (repo / "2024-05-02 PyCon").symlink_to(outside)


def slides_folder_readme(repo: Path) -> None:
    (repo / "talkcat.toml").write_text("folder_readmes = true\n", encoding="utf-8")


def catalogue_becomes_a_folder(repo: Path) -> None:
    (repo / "data" / "talks.yaml").unlink()
    (repo / "data" / "talks.yaml").mkdir()


CHANGES = [
    edit_catalogue,
    edit_readme,
    add_a_config,
    change_pyproject,
    track_the_slides,
    ignore_slides,
    delete_slides,
    empty_slides,
    link_slides_out,
    slides_folder_readme,
    catalogue_becomes_a_folder,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
@pytest.mark.parametrize("args", HOOKS, ids=" ".join)
def test_after_any_change_it_looked_at_the_answer_is_the_clis(repo: Path, args: list[str], change: object) -> None:
    settle(repo / "data" / "talks.yaml", repo / "README.md")
    run(repo, *args)
    assert run(repo, *args).replayed
    assert callable(change)
    change(repo)
    readmes = {path: path.read_bytes() for path in repo.rglob("README.md")}
    after = run(repo, *args)
    wrote = {path: path.read_bytes() for path in repo.rglob("README.md")} != readmes
    for path in repo.rglob("README.md"):  # as they were: the CLI's run must find what this one found
        if path in readmes:
            path.write_bytes(readmes[path])
        else:
            path.unlink()
    expected = fresh(repo, *args)
    assert after.said == expected.said
    if after.code == 0 and not wrote:  # the new outcome is kept, and answered next time
        again = run(repo, *args)
        assert again.replayed and again.said == expected.said


def test_a_file_rewritten_with_the_same_bytes_is_still_answered(repo: Path) -> None:
    readme = repo / "README.md"
    settle(readme)
    run(repo, "sync-readme", "--check")
    readme.write_bytes(readme.read_bytes())  # new times: hashed, and found the same
    assert run(repo, "sync-readme", "--check").replayed


def test_a_file_changed_in_the_last_seconds_is_hashed_not_trusted_by_its_stat(repo: Path) -> None:
    # Written just now: another write within the file system's time resolution could keep its
    # size and times; only its bytes tell (racy git).
    path = repo / "data" / "talks.yaml"
    run(repo, "validate")
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(b"2021-10-30", b"2021-10-31"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache._signature(path.stat()) is None  # too recent to trust
    after = run(repo, "validate")
    assert not after.replayed and after.said == fresh(repo, "validate").said


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--no-cache"],
        ["sync-readme", "--no-cache"],
        ["validate", "--format", "json", "--no-cache"],
    ],
    ids=" ".join,
)
def test_no_cache_keeps_and_reads_no_verdict(repo: Path, args: list[str]) -> None:
    cache_folder = Path(os.environ["TALKCAT_CACHE_DIR"])
    before = sorted(p.name for p in cache_folder.glob("verdict-*"))
    for _ in range(2):
        assert not run(repo, *args).replayed
    assert sorted(p.name for p in cache_folder.glob("verdict-*")) == before


def test_a_run_that_writes_or_fails_keeps_no_verdict(repo: Path) -> None:
    readme = repo / "README.md"
    readme.write_text(README, encoding="utf-8")
    for _ in range(2):
        assert not run(repo, "sync-readme", "--check").replayed  # exit 3, each time from the CLI
    assert run(repo, "sync-readme").code == 0  # writes the README
    assert not run(repo, "sync-readme").replayed  # nothing to write now: from the CLI, kept
    assert run(repo, "sync-readme").replayed


def test_other_arguments_or_another_folder_are_another_verdict(repo: Path) -> None:
    run(repo, "validate")
    assert run(repo, "validate").replayed
    assert not run(repo, "validate", "--data", "data/talks.yaml").replayed
    docs = repo / "docs"
    docs.mkdir()
    run(docs, "sync-readme", "--check")
    assert run(docs, "sync-readme", "--check").replayed
    # A config nearer the folder run from: found first, so another outcome.
    (docs / "talkcat.toml").write_text('data = "../data/talks.yaml"\nreadme = "../README.md"\nsort = "oldest"\n')
    below = run(docs, "sync-readme", "--check")
    assert below.code == 3 and below.said == fresh(docs, "sync-readme", "--check").said


def test_another_talkcat_code_is_another_verdict(repo: Path, tmp_path: Path) -> None:
    source = Path(cache.__file__).parent
    copy = tmp_path / "code" / "talkcat"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(copy.parent)}
    run(repo, "validate", env=env)
    assert run(repo, "validate", env=env).replayed
    module = copy / "render.py"
    settled = module.stat()
    module.write_text(module.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    os.utime(module, ns=(settled.st_atime_ns, settled.st_mtime_ns))
    assert not run(repo, "validate", env=env).replayed


def test_a_verdict_is_read_by_the_caches_rules(repo: Path) -> None:
    cache_folder = Path(os.environ["TALKCAT_CACHE_DIR"])
    run(repo, "validate")
    [verdict] = cache_folder.glob("verdict-*")
    blob = verdict.read_bytes()
    verdict.write_bytes(blob[: len(blob) // 2])  # damaged: a miss, rebuilt
    assert not run(repo, "validate").replayed
    assert run(repo, "validate").replayed
    outside = repo.parent / "planted"
    outside.write_bytes(verdict.read_bytes())
    verdict.unlink()
    verdict.symlink_to(outside)  # never followed
    assert not run(repo, "validate").replayed
    assert not verdict.is_symlink()


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"}, "/x/cache/talkcat"),
        ({"HOME": "/home/u"}, "/home/u/.cache/talkcat"),
        ({"XDG_CACHE_HOME": "", "HOME": "/home/u/"}, "/home/u/.cache/talkcat"),
        ({"XDG_CACHE_HOME": "  ", "HOME": "/home/u"}, "/home/u/.cache/talkcat"),
        ({"XDG_CACHE_HOME": "relative", "HOME": "/home/u"}, None),  # platformdirs versions differ: asked
    ],
)
@pytest.mark.skipif(sys.platform != "linux", reason="worked out without platformdirs on Linux only")
def test_the_cache_folder_is_platformdirs_answer_without_importing_it(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str | None
) -> None:
    import platformdirs

    for name in ("TALKCAT_CACHE_DIR", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cache.cache_dir() == platformdirs.user_cache_dir("talkcat")
    if expected is not None:
        assert cache.cache_dir() == expected


@pytest.mark.parametrize("change", [delete_slides, link_slides_out], ids=lambda change: change.__name__)
def test_slides_folders_are_looked_at_again_where_git_says_nothing(tmp_path: Path, change: object) -> None:
    # No repository: no `git status` would notice the folder gone; the looks at the folder do.
    folder = tmp_path / "talks"
    (folder / "data").mkdir(parents=True)
    (folder / "2024-05-02 PyCon").mkdir()
    (folder / "data" / "talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    run(folder, "validate")
    assert run(folder, "validate").replayed
    assert callable(change)
    change(folder)
    after = run(folder, "validate")
    assert after.code == 1 and after.said == fresh(folder, "validate").said


def test_under_a_git_hook_an_untracked_folder_is_a_problem_not_the_warning_kept(repo: Path) -> None:
    # The slow path reads PRE_COMMIT (a commit would publish the dead link): so does the verdict.
    assert run(repo, "validate").code == 0
    assert run(repo, "validate").replayed
    hooked = {**os.environ, "PRE_COMMIT": "1"}
    under = run(repo, "validate", env=hooked)
    assert under.code == 1 and not under.replayed
    empty = repo.parent / "empty-cache"
    expected = run(repo, "validate", env={**hooked, "TALKCAT_CACHE_DIR": str(empty)})
    assert under.said == expected.said


def test_another_virtual_environment_is_another_verdict(repo: Path, tmp_path: Path) -> None:
    # Its libraries may be other versions, at other paths the verdict never looked at.
    import site
    import venv

    other = tmp_path / "other-venv"
    venv.create(other, with_pip=False)
    python = other / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    paths = [str(Path(cache.__file__).parent.parent), *site.getsitepackages()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    run(repo, "validate")
    assert run(repo, "validate").replayed
    done = subprocess.run(
        [str(python), "-c", PROBE, "validate"],
        cwd=repo,
        env={**env, "PROBE": str(tmp_path / "p.json")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    elsewhere = Run(done, json.loads((tmp_path / "p.json").read_text()))
    assert not elsewhere.replayed and elsewhere.said == fresh(repo, "validate").said


def _in_shell(folder: Path, command: str) -> subprocess.CompletedProcess[str]:
    talkcat = f"{shlex.quote(sys.executable)} -m talkcat"
    return subprocess.run(
        ["bash", "-c", command.format(talkcat=talkcat)], cwd=folder, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("closed", [">&-", "2>&-"])
def test_a_closed_stream_is_answered_as_the_cli_answers_it(repo: Path, closed: str) -> None:
    assert run(repo, "validate").code == run(repo, "validate").code == 0  # the verdict is kept
    # click writes nothing to a closed stream, and the run ends well; the answer from a
    # verdict was a traceback and exit 1.
    for args in ("validate", "validate --no-cache"):
        done = _in_shell(repo, f"{{talkcat}} {args} {closed}")
        assert (done.returncode, "Traceback" in done.stderr) == (0, False), done.stderr


def test_a_reader_that_goes_away_ends_the_answer_as_it_ends_the_cli(repo: Path) -> None:
    assert run(repo, "validate").stdout == run(repo, "validate").stdout == UNTRACKED  # printed to stdout
    for args in (["validate"], ["validate", "--no-cache"]):
        reader, writer = os.pipe()
        os.close(reader)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "talkcat", *args], cwd=repo, stdout=writer, stderr=subprocess.PIPE, text=True
            )
        finally:
            os.close(writer)
        assert (done.returncode, done.stderr) == (1, ""), args


@pytest.mark.slow
def test_a_slides_folder_renamed_while_the_hook_checks_it_leaves_no_wrong_verdict(repo: Path) -> None:
    """A bounded trial: a `git checkout` renaming a slides folder while validate runs. The check may
    see it there and the verdict's look see it gone; such a verdict answered "valid" ever after."""
    import threading

    folder, away = repo / "2024-05-02 PyCon", repo / "away"
    for _ in range(40):
        stop = threading.Event()

        def toggle(stop: threading.Event) -> None:
            while not stop.is_set():
                with contextlib.suppress(OSError):
                    folder.rename(away)
                    away.rename(folder)

        thread = threading.Thread(target=toggle, args=(stop,))
        thread.start()
        try:
            run(repo, "validate")
        finally:
            stop.set()
            thread.join()
        if folder.exists():
            folder.rename(away)
        assert run(repo, "validate").said == fresh(repo, "validate").said  # the folder is gone: exit 1
        away.rename(folder)
