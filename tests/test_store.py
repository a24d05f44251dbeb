"""`talkcat.store`: writes that lose nothing, go nowhere they should not, and keep what a file was.

The adversarial cases of issue 10 and issue 11 §4: a file changed while
talkcat worked, files that cannot be written, links planted in the cache
folder or out of the repository, files owned by someone else, temporary
files left by a kill. Every "outside" target is a dummy file in a temp folder.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from talkcat import cache, store
from talkcat.cli import app
from talkcat.errors import TalkcatError

DATA = Path("data/talks.yaml")
CATALOGUE = "talks:\n- title: A\n  date: 2024-01-01\n  event: E\n"
README = "# Me\n\n<!-- TALKS -->\n<!-- //TALKS -->\n"
ADD = ["add", "--title", "New", "--date", "2023-01-01", "--event", "E"]
ADDED = CATALOGUE + "- title: New\n  date: 2023-01-01\n  event: E\n"

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534

HINT = "hint: if talkcat may change it, make it writable: `chmod u+w {}`\n"


@pytest.fixture
def repo(project: Path) -> Path:
    (project / DATA).write_text(CATALOGUE, encoding="utf-8")
    (project / "README.md").write_text(README, encoding="utf-8")
    return project


# -- §2: a file changed while talkcat worked ------------------------------------


def test_a_write_over_changed_bytes_writes_nothing(project: Path) -> None:
    path = project / "README.md"
    path.write_text("old\n", encoding="utf-8")
    read = path.read_bytes()
    path.write_text("saved by an editor meanwhile\n", encoding="utf-8")
    with pytest.raises(TalkcatError) as info:
        store.write_text(path, "talkcat's\n", expected=read)
    assert str(info.value) == (
        f"{path}: changed while talkcat worked (saved by an editor, or by git?); nothing was written, "
        "so that change stays"
    )
    assert info.value.hint == "run the command again"
    assert path.read_text(encoding="utf-8") == "saved by an editor meanwhile\n"
    # The bytes' hash, as read_readme gives it, does as well as the bytes.
    with pytest.raises(TalkcatError, match="changed while talkcat worked"):
        store.write_text(path, "talkcat's\n", expected=cache.content_hash(read))
    assert store.write_text(path, "talkcat's\n", expected=path.read_bytes()) is True
    assert path.read_text(encoding="utf-8") == "talkcat's\n"


def test_a_file_to_create_must_still_be_missing(project: Path) -> None:
    path = project / "new.md"
    assert store.write_text(path, "one\n", expected=store.ABSENT) is True
    with pytest.raises(TalkcatError, match="changed while talkcat worked"):
        store.write_text(path, "two\n", expected=store.ABSENT)
    assert path.read_text(encoding="utf-8") == "one\n"


# A talkcat process that, at the moment it creates its temporary file (after
# reading and changing the catalogue, before replacing it), has "an editor"
# save the catalogue: the audit hook writes the editor's bytes.
EDITOR_SAVES = """\
import os, sys
saved = []
def editor(event, args):
    if event == "open" and not saved and isinstance(args[0], str) and args[0].endswith(".tmp") \\
            and os.path.basename(args[0]).startswith(".talks.yaml."):
        saved.append(True)
        with open("data/talks.yaml", "a", encoding="utf-8") as f:
            f.write("# saved by an editor\\n")
sys.addaudithook(editor)
from talkcat.cli import main
main()
"""


@pytest.mark.parametrize(
    "args",
    [ADD, ["edit", "2024-01-01-a", "--set", "location=Berlin"], ["remove", "2024-01-01-a", "--yes"]],
    ids=["add", "edit", "remove"],
)
def test_a_change_saved_while_talkcat_works_is_not_reverted(repo: Path, args: list[str]) -> None:
    # Today the editor's line was silently replaced by talkcat's version (exit 0).
    result = subprocess.run([sys.executable, "-c", EDITOR_SAVES, *args], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "data/talks.yaml: changed while talkcat worked (saved by an editor, or by git?); nothing was written, "
        "so that change stays\nhint: run the command again\n"
    )
    assert (repo / DATA).read_text(encoding="utf-8") == CATALOGUE + "# saved by an editor\n"
    assert list((repo / "data").glob(".*.tmp")) == []


def test_import_force_over_a_catalogue_changed_meanwhile_writes_nothing(repo: Path) -> None:
    table = "| Event | Date |\n| --- | --- |\n| E | 2020-01-01 |\n"
    (repo / "old.md").write_text(f"# Old\n\n<!-- TALKS -->\n### B\n\n{table}<!-- //TALKS -->\n", encoding="utf-8")
    args = ["import", "old.md", "--force"]
    result = subprocess.run([sys.executable, "-c", EDITOR_SAVES, *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "data/talks.yaml: changed while talkcat worked" in result.stderr
    assert (repo / DATA).read_text(encoding="utf-8") == CATALOGUE + "# saved by an editor\n"


# -- §8: several files, checked before any is written -----------------------------


def test_init_writes_none_of_its_files_when_one_cannot_be_written(project: Path, runner: CliRunner) -> None:
    # Today the catalogue and schema were made, and the read-only README replaced anyway.
    (project / "README.md").write_text("# Me\n", encoding="utf-8")
    (project / "README.md").chmod(0o444)
    result = runner.invoke(app, ["init", "--yes"])
    assert result.exit_code == 1
    assert result.stderr.endswith("README.md: is read-only; nothing was written\n" + HINT.format("README.md"))
    assert result.stderr.startswith("talkcat init changes:\n  data/talks.schema.json: create")  # the plan, first
    assert sorted(p.name for p in project.iterdir()) == [".git", "README.md", "data"]
    assert list((project / "data").iterdir()) == []
    assert (project / "README.md").read_text(encoding="utf-8") == "# Me\n"


def test_several_files_are_all_checked_before_any_is_written(project: Path) -> None:
    one, two = project / "one.md", project / "two.md"
    one.write_text("1\n", encoding="utf-8")
    two.write_text("2\n", encoding="utf-8")
    two.chmod(0o444)
    with pytest.raises(TalkcatError) as info:
        store.write_files([(one, "new 1\n", None), (two, "new 2\n", None)])
    assert str(info.value) == f"{two}: is read-only; nothing was written"
    assert one.read_text(encoding="utf-8") == "1\n"


def test_a_failure_after_some_writes_names_what_was_written(project: Path) -> None:
    one, two, three = project / "one.md", project / "two.md", project / "three.md"
    for path in (one, two, three):
        path.write_text("old\n", encoding="utf-8")
    read = two.read_bytes()
    two.write_text("edited\n", encoding="utf-8")
    with pytest.raises(TalkcatError) as info:
        store.write_files([(one, "new\n", None), (two, "new\n", read), (three, "new\n", None)])
    assert info.value.hint == f"written: {one}; not written: {two}, {three}; run the command again"
    assert [p.read_text(encoding="utf-8") for p in (one, two, three)] == ["new\n", "edited\n", "old\n"]


# -- issue 11 §4 and §1: files the user protected, links out of the repository ---


@pytest.mark.parametrize(
    ("target", "args"),
    [
        ("README.md", ["sync-readme"]),
        ("data/talks.yaml", ADD),
        ("data/talks.yaml", ["remove", "2024-01-01-a", "--yes"]),
    ],
)
def test_a_read_only_file_is_refused_even_as_root(repo: Path, runner: CliRunner, target: str, args: list[str]) -> None:
    # The atomic replace needs only a writable folder: root or not, a 444 file was replaced.
    before = {name: (repo / name).read_bytes() for name in ("README.md", "data/talks.yaml")}
    (repo / target).chmod(0o444)
    result = runner.invoke(app, args)
    assert (result.exit_code, result.stderr) == (
        1,
        f"{target}: is read-only; nothing was written\n" + HINT.format(target),
    )
    assert {name: (repo / name).read_bytes() for name in before} == before
    assert stat.S_IMODE((repo / target).stat().st_mode) == 0o444


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dummy file outside the repository, standing for ~/.bashrc."""
    dummy = tmp_path_factory.mktemp("outside") / "bashrc"
    dummy.write_text("export PS1='$ '\n", encoding="utf-8")
    return dummy


@pytest.mark.parametrize(
    ("target", "args", "content"),
    [
        ("README.md", ["sync-readme"], README),
        ("README.md", ["init", "--yes"], "export PS1='$ '\n"),  # init would add a Talks section
        ("data/talks.yaml", ADD, CATALOGUE),
    ],
)
def test_a_file_that_leads_out_of_the_repository_is_not_written_through(
    repo: Path, runner: CliRunner, outside: Path, target: str, args: list[str], content: str
) -> None:
    # A cloned repository with `README.md -> ../../.bashrc`: init and every sync wrote talks into it.
    outside.write_text(content, encoding="utf-8")
    before = outside.read_bytes()
    (repo / target).unlink()
    (repo / target).symlink_to(outside)
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.stderr.endswith(
        f"{target}: leads outside the repository (to {outside}, through a symlink); nothing was written\n"
        "hint: to write a file out there, name it by its real path (--data, --readme)\n"
    )
    assert outside.read_bytes() == before
    assert (repo / target).is_symlink()


def test_a_symlink_inside_the_repository_is_still_written_through(repo: Path, runner: CliRunner) -> None:
    (repo / "docs").mkdir()
    (repo / "README.md").rename(repo / "docs/README.md")
    (repo / "README.md").symlink_to("docs/README.md")
    result = runner.invoke(app, ["sync-readme"])
    assert result.exit_code == 0, result.output
    assert "### A" in (repo / "docs/README.md").read_text(encoding="utf-8")


# -- §8: temporary files a kill left behind ---------------------------------------


def test_the_next_write_sweeps_the_temporary_files_a_kill_left(repo: Path, runner: CliRunner) -> None:
    stale = [repo / "data/.talks.yaml.k1ll3d_x.tmp", repo / ".README.md.abcdefgh.tmp"]
    for path in stale:
        path.write_bytes(b"x" * 1000)  # a SIGKILL leaves the whole file there
    kept = [repo / "data/.talks.yaml.mine.tmp", repo / "data/.other.yaml.abcdefgh.tmp", repo / "data/notes.tmp"]
    for path in kept:
        path.write_text("not talkcat's\n", encoding="utf-8")
    result = runner.invoke(app, [*ADD, "--sync"])
    assert result.exit_code == 0, result.output
    assert [path.exists() for path in stale] == [False, False]
    assert [path.read_text(encoding="utf-8") for path in kept] == ["not talkcat's\n"] * 3


# -- §1: the cache never follows a link, reads only regular files of its user ------


def entry_name(path: Path, kind: str = "catalogue") -> str:
    return f"{kind}-{cache.slot(path)}"


@pytest.fixture
def cache_folder() -> Path:
    return Path(os.environ["TALKCAT_CACHE_DIR"])


def test_a_link_planted_in_the_cache_is_replaced_not_written_through(
    repo: Path, runner: CliRunner, outside: Path, cache_folder: Path
) -> None:
    # Entry names are predictable: a shared TALKCAT_CACHE_DIR, or a CI cache restored from
    # another branch, could hold a link that made `validate` overwrite its target (exit 0).
    before = outside.read_bytes()
    (cache_folder / entry_name(repo / DATA)).symlink_to(outside)
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert outside.read_bytes() == before
    assert not (cache_folder / entry_name(repo / DATA)).is_symlink()  # replaced by an entry of its own
    assert runner.invoke(app, ["validate"]).exit_code == 0


def test_what_is_not_a_regular_file_of_this_users_is_a_cache_miss(repo: Path, cache_folder: Path) -> None:
    # A FIFO hung every command; a huge entry (as a link to /dev/zero was) ran out of memory.
    fifo = cache_folder / entry_name(repo / DATA)
    os.mkfifo(fifo)
    code = (
        "from pathlib import Path\nfrom talkcat import store\n"
        "print(len(store.load_catalogue(Path('data/talks.yaml')).talks))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, "1\n"), result.stderr
    assert stat.S_ISREG(fifo.lstat().st_mode)  # replaced by a good entry
    fifo.unlink()
    huge = cache_folder / entry_name(repo / DATA)
    with huge.open("wb") as f:
        f.truncate(cache.MAX_ENTRY + 1)  # sparse: no disk space
    assert len(store.load_catalogue(repo / DATA).talks) == 1


@pytest.mark.skipif(not ROOT, reason="needs root to make files of another user")
def test_an_entry_or_a_folder_of_another_user_is_not_used(repo: Path, cache_folder: Path) -> None:
    first = store.load_catalogue(repo / DATA)
    entry = cache_folder / entry_name(repo / DATA)
    key, _ = __import__("marshal").loads(entry.read_bytes()[cache.HEADER_SIZE :])
    forged = cache.encode_checked(store.parse_catalogue("talks: []\n", repo / DATA).checked)
    entry.write_bytes(cache.pack(key, forged))
    assert store.load_catalogue(repo / DATA).talks == []  # this user's own entry is trusted
    entry.write_bytes(cache.pack(key, forged))
    os.chown(entry, NOBODY, NOBODY)
    assert store.load_catalogue(repo / DATA).talks == first.talks  # someone else's is not
    os.chown(cache_folder, NOBODY, NOBODY)
    entry.unlink()
    assert store.load_catalogue(repo / DATA).talks == first.talks
    assert not entry.exists()  # nothing written into a folder of someone else's


def test_the_cache_folder_is_made_private(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "deep/cache"
    monkeypatch.setenv("TALKCAT_CACHE_DIR", str(folder))
    store.load_catalogue(repo / DATA)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir() if p.name.startswith("catalogue-")] == [entry_name(repo / DATA)]


# -- §8: the code's fingerprint is its content ------------------------------------


def test_a_module_changed_with_its_size_and_mtime_kept_is_a_cache_miss(tmp_path: Path, repo: Path) -> None:
    # rsync -a, cp -p and image layers keep mtimes: a same-size change served stale results.
    import shutil

    import talkcat

    copy = tmp_path / "site"
    shutil.copytree(Path(talkcat.__file__).parent, copy / "talkcat", ignore=shutil.ignore_patterns("__pycache__"))
    (repo / DATA).write_text(CATALOGUE.replace("2024-01-01", "2024-02-30"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    run = [sys.executable, "-m", "talkcat", "validate"]
    first = subprocess.run(run, capture_output=True, text=True, env=env, timeout=60)
    assert "is not a real date" in first.stdout, first.stderr
    module = copy / "talkcat/validate.py"
    st = module.stat()
    source = module.read_text(encoding="utf-8")
    module.write_text(source.replace("is not a real date", "is not a true date"), encoding="utf-8")
    os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (module.stat().st_size, module.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    second = subprocess.run(run, capture_output=True, text=True, env=env, timeout=60)
    assert second.stdout == first.stdout.replace("is not a real date", "is not a true date")


# -- §5: files keep who they belong to --------------------------------------------


@pytest.mark.skipif(not ROOT, reason="only root can write another user's file and keep it theirs")
def test_root_rewriting_a_users_files_leaves_them_theirs(repo: Path, runner: CliRunner) -> None:
    # sudo, Docker on a bind mount, CI: the README and catalogue became root:root.
    for name in ("README.md", "data/talks.yaml"):
        os.chown(repo / name, 1234, 2345)
    result = runner.invoke(app, [*ADD, "--sync"])
    assert result.exit_code == 0, result.output
    for name in ("README.md", "data/talks.yaml"):
        st = (repo / name).stat()
        assert (st.st_uid, st.st_gid) == (1234, 2345), name
    assert (repo / DATA).read_text(encoding="utf-8") == ADDED


@pytest.fixture
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A repository another user can reach (pytest's own temp folders are root's, 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="talkcat-shared-"))
    folder.chmod(0o755)
    (folder / ".git").mkdir(mode=0o777)
    (folder / ".git").chmod(0o777)
    yield folder
    import shutil

    shutil.rmtree(folder)


def as_other_user(work: Callable[[], str]) -> str:
    """Run `work` as the user nobody, in a forked copy of this process (no interpreter to find
    under /root); what it returns, or the error it raised, as text."""
    import tempfile as _  # noqa: F401  # imported before the fork: nobody cannot read /root

    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            out = work()
        except TalkcatError as exc:
            out = f"error: {exc}"
        except BaseException as exc:
            out = f"crash: {type(exc).__name__}: {exc}"
        os.write(write, out.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        out = f.read().decode()
    os.waitpid(child, 0)
    return out


@pytest.mark.skipif(not ROOT, reason="needs root to act as another user")
def test_another_users_file_that_cannot_be_given_back_is_written_in_place(shared: Path) -> None:
    # nobody may write root's file (mode 666) but not make a new file root's: the file is
    # written in place, so it stays root's (and keeps its hard links).
    readme = shared / "README.md"
    readme.write_text("old\n", encoding="utf-8")
    readme.chmod(0o666)
    os.link(readme, shared / "linked.md")
    shared.chmod(0o777)
    assert as_other_user(lambda: str(store.write_text(readme, "new\n"))) == "True"
    st = readme.stat()
    assert (st.st_uid, stat.S_IMODE(st.st_mode), readme.read_text(encoding="utf-8")) == (0, 0o666, "new\n")
    assert (shared / "linked.md").read_text(encoding="utf-8") == "new\n"


@pytest.mark.skipif(not ROOT, reason="needs root to act as another user")
def test_a_folder_that_takes_no_temporary_file_says_so(shared: Path) -> None:
    # Today: "README.md: cannot write: Permission denied", about a file that is writable.
    readme = shared / "README.md"
    readme.write_text("old\n", encoding="utf-8")
    readme.chmod(0o666)
    out = as_other_user(lambda: str(store.write_text(readme, "new\n")))
    assert out == (
        f"error: {readme}: cannot create a temporary file in {shared} (permission denied), and a file is only "
        "ever replaced whole, from one; nothing was written"
    )
    assert readme.read_text(encoding="utf-8") == "old\n"


@pytest.mark.skipif(not ROOT, reason="needs root to act as another user")
def test_a_file_this_user_may_not_write_is_refused(shared: Path) -> None:
    readme = shared / "README.md"
    readme.write_text("old\n", encoding="utf-8")
    readme.chmod(0o644)
    shared.chmod(0o777)  # the folder would let a replace through
    out = as_other_user(lambda: str(store.write_text(readme, "new\n")))
    assert out == f"error: {readme}: permission denied; nothing was written"
    assert (readme.read_text(encoding="utf-8"), readme.stat().st_uid) == ("old\n", 0)


@pytest.mark.skipif(not ROOT, reason="needs root to act as another user")
def test_a_lock_root_took_in_a_users_repository_is_the_users(shared: Path) -> None:
    # A root run (sudo, a container) left .git/talkcat and its lock root's, 0644: the
    # user's next add failed with "cannot lock ...: Permission denied" (audit).
    os.chown(shared / ".git", NOBODY, NOBODY)
    (shared / ".git").chmod(0o755)
    readme = shared / "README.md"
    readme.write_text("old\n", encoding="utf-8")
    os.chown(shared, NOBODY, NOBODY)
    os.chown(readme, NOBODY, NOBODY)
    assert store.write_text(readme, "by root\n") is True  # as root
    where = store.lock_path(readme)
    assert (where.parent.stat().st_uid, where.stat().st_uid) == (NOBODY, NOBODY)
    assert as_other_user(lambda: str(store.write_text(readme, "by the user\n"))) == "True"
    assert readme.read_text(encoding="utf-8") == "by the user\n"
