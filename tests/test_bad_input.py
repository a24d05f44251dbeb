"""Bad input, refused cleanly: the corpus in tests/bad/, each case with its exact message.

Every bad case: exit 1 (2 for a bad option value), the message on stderr
naming the file (and the line where there is one, or the option), no traceback, no socket opened, and no file in the
project changed, added or removed (bytes and mtime). The files whose names
start with `ok-` are odd but legal, and must just work.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from talkcat.cli import app

BAD = Path(__file__).parent / "bad"
GOOD = "talks:\n- title: A talk\n  date: 2024-01-01\n  event: PyCon\n"
README = "# Me\n\n<!-- TALKS -->\n<!-- //TALKS -->\n\n## Contact\n"
SYNC = ("sync-readme",)
ADD = ("add", "--date", "2024-06-01", "--event", "EuroPython")

AFTER_FIXING = "hint: run `talkcat validate --data data/talks.yaml` after fixing\n"
FIX_FIRST = "hint: fix these first (`talkcat validate --data data/talks.yaml`); nothing was changed\n"
NOTHING_WRITTEN = "hint: nothing was written\n"
AS_TEXT = (
    "hint: line {} holds a marker as text: a marker is a line of its own, "
    "outside code blocks, indented by at most 3 spaces\n"
)
NO_BLOCK = "README.md: no <!-- TALKS --> ... <!-- //TALKS --> block\n"
PUT_MARKERS = "hint: put the two marker lines where the talks should go:\n<!-- TALKS -->\n<!-- //TALKS -->\n"


def at(line: int, col: int, message: str) -> str:
    return f"data/talks.yaml:{line}:{col}: {message}\n"


def invalid_yaml(line: int, col: int, message: str) -> str:
    return at(line, col, f"invalid YAML: {message}") + AFTER_FIXING


def alias_bomb_messages() -> str:
    """Each alias is refused once, where it is first used; not one is expanded."""
    lines = [at(1, 1, "unknown top-level key 'a'")]
    for number, (name, alias) in enumerate(zip("bcdefghi", "abcdefgh"), start=2):
        lines.append(at(number, 1, f"unknown top-level key {name!r}"))
        lines.append(at(number, 8, f"aliases are not supported (*{alias}): write the value out"))
    lines.append(at(10, 8, "aliases are not supported (*i): write the value out"))
    return "".join(lines) + AFTER_FIXING


# What cannot be a file in git: made in the project by the test.


def replace_with_folder(name: str) -> Callable[[Path], None]:
    def make(project: Path) -> None:
        (project / name).unlink()
        (project / name).mkdir()

    return make


def fifo(project: Path) -> None:
    (project / "data/talks.yaml").unlink()
    os.mkfifo(project / "data/talks.yaml")


def dangling_symlink(project: Path) -> None:
    (project / "data/talks.yaml").unlink()
    (project / "data/talks.yaml").symlink_to("gone.yaml")


def symlink_loop(project: Path) -> None:
    (project / "data/talks.yaml").unlink()
    (project / "data/talks.yaml").symlink_to("talks.yaml")


def slides_through_a_symlink_loop(project: Path) -> None:
    (project / "loop-a").symlink_to("loop-b")
    (project / "loop-b").symlink_to("loop-a")
    (project / "data/talks.yaml").write_text(GOOD + "  slides: loop-a/slides\n", encoding="utf-8")


def slides_with_a_long_name(project: Path) -> None:
    (project / "data/talks.yaml").write_text(GOOD + f"  slides: {'s' * 300}\n", encoding="utf-8")


def data_is_a_file(project: Path) -> None:
    shutil.rmtree(project / "data")
    (project / "data").write_text("not a folder\n", encoding="utf-8")


def unreadable(project: Path) -> None:
    os.chmod(project / "data/talks.yaml", 0)


def ten_mb_description_then_a_bad_date(project: Path) -> None:
    body = "    Some words of a long description, again and again.\n" * 190_000  # 10.6 MB
    text = GOOD + "  description: |\n" + body + "- title: B talk\n  date: 2023-02-30\n  event: PyCon\n"
    (project / "data/talks.yaml").write_text(text, encoding="utf-8")


TEN_MB_BAD_DATE_LINE = 4 + 1 + 190_000 + 2


@dataclass(frozen=True)
class Case:
    name: str
    stderr: str
    args: tuple[str, ...] = SYNC
    catalogue: str | None = None  # a file of tests/bad/, as data/talks.yaml
    readme: str | None = None  # a file of tests/bad/, as README.md
    setup: Callable[[Path], None] | None = None
    stdout: str = ""
    exit_code: int = 1


def catalogue(name: str, stderr: str, args: tuple[str, ...] = SYNC, stdout: str = "") -> Any:
    return pytest.param(Case(name, stderr, args, catalogue=name, stdout=stdout), id=name)


def readme(name: str, stderr: str, args: tuple[str, ...] = SYNC) -> Any:
    return pytest.param(Case(name, stderr, args, readme=name), id=name)


def made(
    name: str, stderr: str, setup: Callable[[Path], None] | None, args: tuple[str, ...] = SYNC, **marks: Any
) -> Any:
    return pytest.param(Case(name, stderr, args, setup=setup), id=name, **marks)


def option(name: str, stderr: str, args: tuple[str, ...]) -> Any:
    """A bad option value: a usage error (exit 2), before any file is read."""
    return pytest.param(Case(name, stderr, args, exit_code=2), id=name)


CASES = [
    # Malformed YAML, at the start, in the middle and at the end of the file.
    catalogue(
        "yaml-broken-first-line.yaml",
        invalid_yaml(1, 10, "did not find expected node content (while parsing a flow node)"),
    ),
    catalogue(
        "yaml-unclosed-quote.yaml",
        invalid_yaml(
            5,
            1,
            "found unexpected end of stream (while scanning a quoted scalar that starts at line 2): is a quote left open?",
        ),
    ),
    catalogue("yaml-bad-indent.yaml", invalid_yaml(4, 9, "mapping values are not allowed in this context")),
    catalogue("yaml-colon-in-title.yaml", invalid_yaml(2, 16, "mapping values are not allowed in this context")),
    catalogue(
        "yaml-unclosed-flow.yaml",
        invalid_yaml(6, 1, "did not find expected ',' or ']' (while parsing a flow sequence that starts at line 5)"),
    ),
    catalogue(
        "yaml-unclosed-flow-mapping.yaml",
        invalid_yaml(6, 1, "did not find expected ',' or '}' (while parsing a flow mapping that starts at line 5)"),
    ),
    catalogue(
        "yaml-stray-bracket.yaml",
        invalid_yaml(5, 1, "did not find expected key (while parsing a block mapping that starts at line 1)"),
    ),
    catalogue(
        "yaml-second-document.yaml", at(5, 1, "a catalogue is one YAML document; found a second one") + AFTER_FIXING
    ),
    catalogue("yaml-unknown-version.yaml", invalid_yaml(1, 1, "found incompatible YAML document")),
    catalogue(
        "deep-nesting.yaml", at(1, 107, "nested more than 100 levels deep; a catalogue needs four") + AFTER_FIXING
    ),
    # Tabs: YAML allows none in indentation.
    catalogue(
        "yaml-tab-indent.yaml",
        invalid_yaml(
            3,
            1,
            "found a tab character that violates indentation (while scanning a plain scalar that starts at line 2)",
        ),
    ),
    catalogue(
        "yaml-tab-before-dash.yaml",
        invalid_yaml(2, 1, "found character that cannot start any token (while scanning for the next token)"),
    ),
    # Encodings.
    catalogue("utf8-latin1.yaml", at(2, 13, "not valid UTF-8 (byte 0xe9); save the file as UTF-8")),
    catalogue("utf8-truncated.yaml", at(5, 3, "not valid UTF-8 (byte 0xe2); save the file as UTF-8")),
    catalogue("utf16.yaml", at(1, 1, "not valid UTF-8 (byte 0xff); save the file as UTF-8")),
    # Empty, or not the shape of a catalogue.
    catalogue(
        "empty.yaml", at(1, 1, "the catalogue is empty; it needs a `talks:` list (`talks: []` for none)") + AFTER_FIXING
    ),
    catalogue(
        "only-comments.yaml",
        at(1, 1, "the catalogue is empty; it needs a `talks:` list (`talks: []` for none)") + AFTER_FIXING,
    ),
    catalogue(
        "top-level-list.yaml",
        at(1, 1, "the catalogue must be a mapping with a `talks:` list, not a list") + AFTER_FIXING,
    ),
    catalogue(
        "top-level-string.yaml",
        at(1, 1, "the catalogue must be a mapping with a `talks:` list, not a string") + AFTER_FIXING,
    ),
    catalogue("talks-mapping.yaml", at(2, 3, "`talks` must be a list of entries, not a mapping") + AFTER_FIXING),
    catalogue(
        "null-entries.yaml",
        at(2, 2, "talk #1 must be a mapping of fields, not null")
        + at(3, 3, "talk #2 must be a mapping of fields, not null")
        + at(4, 3, "talk #3 must be a mapping of fields, not null")
        + AFTER_FIXING,
    ),
    catalogue("entry-is-a-string.yaml", at(2, 3, "talk #1 must be a mapping of fields, not a string") + AFTER_FIXING),
    catalogue("duplicate-key.yaml", at(3, 3, "duplicate key 'title' (first at line 2)") + AFTER_FIXING),
    catalogue("duplicate-talks-key.yaml", at(5, 1, "duplicate key 'talks' (first at line 1)") + AFTER_FIXING),
    catalogue(
        "key-not-plain.yaml",
        at(2, 3, "talk #1: missing required field 'title'") + at(2, 5, "a key must be a plain value") + AFTER_FIXING,
    ),
    # Aliases (a billion laughs) and tags: refused, nothing expanded or constructed.
    catalogue("alias-bomb.yaml", alias_bomb_messages()),
    catalogue(
        "merge-key.yaml",
        at(1, 1, "unknown top-level key 'base'")
        + at(3, 3, "unknown key '<<'")
        + at(3, 3, "talk #1 ('A talk'): missing required field 'event'")
        + at(3, 7, "aliases are not supported (*base): write the value out")
        + AFTER_FIXING,
    ),
    catalogue(
        "python-object-apply.yaml",
        at(2, 3, "the tag !!python/object/apply:os.system is not allowed in a catalogue")
        + at(2, 3, "talk #1 must be a mapping of fields, not a list")
        + AFTER_FIXING,
    ),
    catalogue(
        "python-object-title.yaml",
        at(2, 3, "talk #1: missing required field 'title'")
        + at(2, 10, "the tag !!python/object:builtins.str is not allowed in a catalogue")
        + AFTER_FIXING,
    ),
    catalogue(
        "python-name-tag.yaml", at(1, 8, "the tag !!python/name:os.system is not allowed in a catalogue") + AFTER_FIXING
    ),
    catalogue(
        "local-tag.yaml",
        at(2, 3, "talk #1: missing required field 'title'")
        + at(2, 10, "the tag !secret is not allowed in a catalogue")
        + AFTER_FIXING,
    ),
    catalogue(
        "binary-tag.yaml",
        at(2, 3, "talk #1: missing required field 'title'")
        + at(2, 10, "the tag !!binary is not allowed in a catalogue")
        + AFTER_FIXING,
    ),
    catalogue(
        "set-tag.yaml",
        at(1, 8, "the tag !!set is not allowed in a catalogue")
        + at(1, 8, "`talks` must be a list of entries, not a mapping")
        + AFTER_FIXING,
    ),
    # Control characters: raw ones YAML refuses itself, escaped ones validation does.
    catalogue(
        "control-char-raw.yaml",
        invalid_yaml(2, 11, "unacceptable character #x0007: control characters are not allowed"),
    ),
    catalogue(
        "nul-byte.yaml", invalid_yaml(4, 12, "unacceptable character #x0000: control characters are not allowed")
    ),
    catalogue(
        "control-char-escaped.yaml", at(2, 10, "title must be one line without control characters") + AFTER_FIXING
    ),
    catalogue("control-char-description.yaml", at(5, 16, "description contains control characters") + AFTER_FIXING),
    catalogue(
        "line-separator-in-title.yaml", at(2, 10, "title must be one line without control characters") + AFTER_FIXING
    ),
    catalogue(
        "long-title-with-tab.yaml", at(2, 10, "title must be one line without control characters") + AFTER_FIXING
    ),
    # Values that would break the README, or are no values at all.
    catalogue(
        "description-end-marker.yaml",
        at(5, 16, "description contains the README marker '<!-- //TALKS -->'; it would break the README")
        + AFTER_FIXING,
    ),
    catalogue(
        "title-start-marker.yaml",
        at(2, 10, "title contains the README marker '<!-- TALKS -->'; it would break the README") + AFTER_FIXING,
    ),
    catalogue("huge-number-title.yaml", at(2, 10, "title must be a string, not a number (quote it)") + AFTER_FIXING),
    catalogue(
        "date-with-time.yaml",
        at(3, 9, "date '2024-01-01 10:00:00' is not a date in the form YYYY-MM-DD") + AFTER_FIXING,
    ),
    catalogue(
        "date-not-real.yaml",
        at(3, 9, "date 2023-02-30 is not a real date (day is out of range for month)") + AFTER_FIXING,
    ),
    # Slides must stay inside the repository.
    catalogue(
        "slides-outside-repository.yaml", at(5, 11, "'../../etc' points outside the repository ({root})") + AFTER_FIXING
    ),
    catalogue(
        "slides-absolute-path.yaml",
        at(5, 11, "'/etc/passwd' is an absolute path; give a URL or a path inside the repository") + AFTER_FIXING,
    ),
    made(
        "ten-mb-description-then-a-bad-date",
        at(TEN_MB_BAD_DATE_LINE, 9, "date 2023-02-30 is not a real date (day is out of range for month)")
        + AFTER_FIXING,
        ten_mb_description_then_a_bad_date,
    ),
    # No file to read where the catalogue should be.
    made(
        "catalogue-is-a-folder", "data/talks.yaml: is a directory, not a file\n", replace_with_folder("data/talks.yaml")
    ),
    made("catalogue-is-a-named-pipe", "data/talks.yaml: is a named pipe, not a file\n", fifo),
    made("catalogue-is-a-dangling-symlink", "data/talks.yaml: no such file\n", dangling_symlink),
    made(
        "catalogue-is-a-symlink-loop",
        "data/talks.yaml: is a symlink that loops (it leads back to itself)\n",
        symlink_loop,
    ),
    made("data-folder-is-a-file", "data/talks.yaml: cannot read: Not a directory\n", data_is_a_file),
    made(
        "catalogue-unreadable",
        "data/talks.yaml: permission denied\n",
        unreadable,
        marks=pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads a file of mode 000"),
    ),
    made(
        "add-to-a-missing-folder",
        "missing/talks.yaml: no such file\n",
        None,
        (*ADD, "--title", "T", "--data", "missing/talks.yaml"),
    ),
    made("readme-is-a-folder", "README.md: is a directory, not a file\n", replace_with_folder("README.md")),
    # READMEs: markers missing, duplicated, nested, inverted, or only text.
    readme("readme-no-markers.md", NO_BLOCK + PUT_MARKERS),
    readme("readme-empty.md", NO_BLOCK + PUT_MARKERS),
    readme("readme-only-start.md", "README.md:3: <!-- TALKS --> has no <!-- //TALKS --> after it\n"),
    readme("readme-only-end.md", "README.md:4: <!-- //TALKS --> has no <!-- TALKS --> before it\n"),
    readme("readme-two-starts.md", "README.md:4: a second <!-- TALKS --> (the first is at line 3)\n"),
    readme("readme-two-ends.md", "README.md:7: a second <!-- //TALKS --> (the first is at line 5)\n"),
    readme("readme-nested.md", "README.md:5: a second <!-- TALKS --> (the first is at line 3)\n"),
    readme("readme-two-blocks.md", "README.md:8: a second <!-- TALKS --> (the first is at line 3)\n"),
    readme("readme-inverted.md", "README.md:3: <!-- //TALKS --> comes before <!-- TALKS --> (line 5)\n"),
    readme("readme-fenced-only.md", NO_BLOCK + AS_TEXT.format(6)),
    readme("readme-tilde-fenced-only.md", NO_BLOCK + AS_TEXT.format(4)),
    readme("readme-indented-only.md", NO_BLOCK + AS_TEXT.format(5)),
    readme("readme-inline-markers.md", NO_BLOCK + AS_TEXT.format(3)),
    readme(
        "readme-end-in-unclosed-fence.md",
        "README.md:3: <!-- TALKS --> has no <!-- //TALKS --> after it\n" + AS_TEXT.format(6),
    ),
    readme("readme-latin1.md", "README.md:1:6: not valid UTF-8 (byte 0xe9); save the file as UTF-8\n"),
    readme("readme-fenced-only.md", NO_BLOCK + AS_TEXT.format(6), ("sync-readme", "--check")),
    readme(
        "readme-inverted.md",
        "README.md:3: <!-- //TALKS --> comes before <!-- TALKS --> (line 5)\n",
        ("import", "README.md", "--data", "data/new.yaml"),
    ),
    # Commands that write refuse a bad catalogue, and bad values, before writing.
    catalogue(
        "duplicate-key.yaml", at(3, 3, "duplicate key 'title' (first at line 2)") + FIX_FIRST, (*ADD, "--title", "T")
    ),
    catalogue(
        "null-entries.yaml",
        at(2, 2, "talk #1 must be a mapping of fields, not null")
        + at(3, 3, "talk #2 must be a mapping of fields, not null")
        + at(4, 3, "talk #3 must be a mapping of fields, not null")
        + FIX_FIRST,
        ("edit", "2024-01-01-a-talk", "--set", "event=X"),
    ),
    catalogue(
        "alias-bomb.yaml",
        alias_bomb_messages().replace(AFTER_FIXING, FIX_FIRST),
        ("remove", "--yes", "2024-01-01-a-talk"),
    ),
    catalogue(
        "python-object-apply.yaml",
        "2 problems in data/talks.yaml\n",
        ("validate",),
        stdout=at(2, 3, "the tag !!python/object/apply:os.system is not allowed in a catalogue")
        + at(2, 3, "talk #1 must be a mapping of fields, not a list"),
    ),
    option(
        "add-a-title-holding-the-end-marker",
        "--title contains the README marker '<!-- //TALKS -->'; it would break the README\n",
        (*ADD, "--title", "Markers <!-- //TALKS --> here"),
    ),
    option(
        "add-a-title-with-an-escape-character",
        "--title must be one line without control characters\n",
        (*ADD, "--title", "A \x1b[31mred\x1b[0m talk"),
    ),
    option(
        "add-slides-outside-the-repository",
        "--slides '../../etc' points outside the repository ({root})\n",
        (*ADD, "--title", "T", "--slides", "../../etc"),
    ),
    made(
        "add-a-description-from-a-folder",
        "data: is a directory, not a file\n",
        None,
        (*ADD, "--title", "T", "--description-file", "data"),
    ),
    # A traceback until issue 10 §7.
    made(
        "slides-through-a-symlink-loop",
        at(5, 11, "'loop-a/slides' leads into a loop of symlinks") + AFTER_FIXING,
        slides_through_a_symlink_loop,
    ),
    made(
        "slides-with-a-name-too-long",
        at(5, 11, f"'{'s' * 57}...': a name in it is too long for the file system") + AFTER_FIXING,
        slides_with_a_long_name,
    ),
]


def snapshot(folder: Path) -> dict[str, tuple[int, int | None, bytes | None]]:
    """Every path under `folder` but `.git`: its mode, its mtime and (for a readable file) its bytes.

    A folder's mtime is left out: it moves when an entry is added or removed,
    which the listing itself shows. `.git` is left out too: a writer keeps
    its lock there, as git keeps its index.lock.
    """
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.relative_to(folder).parts[0] == ".git":
            continue
        info = path.lstat()
        data = None
        if path.is_file() and not path.is_symlink() and os.access(path, os.R_OK):
            data = path.read_bytes()
        mtime = None if path.is_dir() and not path.is_symlink() else info.st_mtime_ns
        found[str(path.relative_to(folder))] = (info.st_mode, mtime, data)
    return found


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any socket talkcat tried to open would fail the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"talkcat opened a socket: {args}")

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)


def test_the_socket_guard_does_guard(no_network: None) -> None:
    with pytest.raises(AssertionError, match="talkcat opened a socket"):
        socket.create_connection(("example.org", 80))


def make_project(folder: Path, case: Case) -> None:
    (folder / ".git").mkdir()
    (folder / "data").mkdir()
    source = BAD / case.catalogue if case.catalogue else None
    (folder / "data/talks.yaml").write_bytes(source.read_bytes() if source else GOOD.encode())
    source = BAD / case.readme if case.readme else None
    (folder / "README.md").write_bytes(source.read_bytes() if source else README.encode())
    if case.setup:
        case.setup(folder)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_cleanly(case: Case, project: Path, runner: CliRunner, no_network: None) -> None:
    shutil.rmtree(project / "data")
    shutil.rmtree(project / ".git")
    make_project(project, case)
    before = snapshot(project)
    result = runner.invoke(app, list(case.args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    assert (result.exit_code, result.stderr) == (case.exit_code, case.stderr.replace("{root}", str(project.resolve())))
    assert result.stdout == case.stdout
    assert snapshot(project) == before


def test_the_corpus_is_all_used() -> None:
    named = {case.values[0].catalogue or case.values[0].readme for case in CASES} - {None}
    legal = {path.name for path in BAD.glob("ok-*")}
    assert named | legal == {path.name for path in BAD.iterdir() if not path.name.startswith(".")}
    assert len(CASES) >= 40


# Odd but legal: a BOM, CRLF line ends, a 5,000-character title, a 10 MB description.


def ten_mb_description(project: Path) -> None:
    body = "    Some words of a long description, again and again.\n" * 190_000
    (project / "data/talks.yaml").write_text(GOOD + "  description: |\n" + body, encoding="utf-8")


LEGAL = [
    pytest.param("ok-bom.yaml", None, None, id="ok-bom.yaml"),
    pytest.param("ok-crlf.yaml", None, None, id="ok-crlf.yaml"),
    pytest.param("ok-bom-crlf.yaml", None, None, id="ok-bom-crlf.yaml"),
    pytest.param("ok-long-title.yaml", None, None, id="ok-long-title.yaml"),
    pytest.param("ok-talks-empty.yaml", None, None, id="ok-talks-empty.yaml"),
    pytest.param(None, "ok-readme-bom-crlf.md", None, id="ok-readme-bom-crlf.md"),
    pytest.param(None, None, ten_mb_description, id="ten-mb-description"),
]


@pytest.mark.parametrize(("catalogue_file", "readme_file", "setup"), LEGAL)
def test_odd_but_legal_input_just_works(
    catalogue_file: str | None,
    readme_file: str | None,
    setup: Callable[[Path], None] | None,
    project: Path,
    runner: CliRunner,
    no_network: None,
) -> None:
    from talkcat import store
    from talkcat.errors import plural

    shutil.rmtree(project / "data")
    shutil.rmtree(project / ".git")
    make_project(project, Case("", "", catalogue=catalogue_file, readme=readme_file, setup=setup))
    data = (project / "data/talks.yaml").read_bytes()
    talks = store.load_catalogue(Path("data/talks.yaml"), cache=False).talks
    result = runner.invoke(app, ["sync-readme"])
    done = f"README.md updated ({plural(len(talks), 'talk')})\n" if talks else "README.md is up to date\n"
    assert (result.exit_code, result.stderr) == (0, done)
    assert (project / "data/talks.yaml").read_bytes() == data
    text = (project / "README.md").read_bytes().decode("utf-8")
    if readme_file is None:
        assert text.startswith("# Me\n\n<!-- TALKS -->\n") and text.endswith("<!-- //TALKS -->\n\n## Contact\n")
    else:
        assert text.startswith("\ufeff# Me\r\n\r\n<!-- TALKS -->\r\n### A talk\r\n")
        assert "\n" not in text.replace("\r\n", "")  # CRLF kept throughout
    for talk in talks:
        assert f"### {talk.title}" in text
    # And `add` then keeps the file's BOM and line ends.
    added = runner.invoke(app, ["add", "--title", "Added", "--date", "2025-01-01", "--event", "E"])
    assert added.exit_code == 0, added.output
    after = (project / "data/talks.yaml").read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    assert (b"\r\n" in after) == (b"\r\n" in data)


def test_the_alias_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """Expanded, the bomb would be 387 million items; refused, it costs what any start does."""
    import resource
    import subprocess
    import sys

    limit = 512 * 2**20

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    bomb = tmp_path / "talks.yaml"
    shutil.copy(BAD / "alias-bomb.yaml", bomb)
    process = subprocess.Popen(
        [sys.executable, "-m", "talkcat", "validate", "--no-cache", "--data", str(bomb)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=bounded,
    )
    out, err = process.communicate()
    # Within the limit: an expansion would have died of a MemoryError instead.
    assert process.returncode == 1, err
    assert b"Traceback" not in err
    assert out.count(b"aliases are not supported") == 9
    assert bomb.read_bytes() == (BAD / "alias-bomb.yaml").read_bytes()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("/dev/zero", "/dev/zero: is a device or a socket, not a file"),
        ("/dev/urandom", "/dev/urandom: is a device or a socket, not a file"),
        ("pipe", "pipe: is larger than 16 MiB; talkcat reads no more"),
        ("-", "the description on stdin is longer than 16 Mi characters"),
    ],
)
def test_a_description_that_never_ends_is_refused_in_bounded_memory(tmp_path: Path, source: str, message: str) -> None:
    """A device or an endless pipe was read until memory ran out; now a device is refused, a pipe read up to 16 MiB.

    Run under a 512 MB address space, so that on a talkcat without the limit
    the trial ends in a MemoryError, not in the machine's swap.
    """
    import resource
    import subprocess
    import sys

    limit = 512 * 2**20

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    (tmp_path / ".git").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data/talks.yaml").write_text(GOOD, encoding="utf-8")
    endless = None
    if source in ("pipe", "-"):  # `yes` into a named pipe, or into stdin
        if source == "pipe":
            os.mkfifo(tmp_path / "pipe")
            endless = subprocess.Popen(["sh", "-c", "exec yes > pipe"], cwd=tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "talkcat", *ADD, "--title", "T", "--description-file", source],
        cwd=tmp_path,
        stdin=subprocess.PIPE if source == "-" else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=bounded,
    )
    if source == "-":
        assert process.stdin is not None
        try:
            while True:
                process.stdin.write(b"y\n" * 65536)
        except (BrokenPipeError, OSError):
            pass
    out, err = process.communicate(timeout=120)
    if endless is not None:
        endless.kill()
        endless.wait()
    assert (process.returncode, out, err.decode()) == (1, b"", message + "\n")
    assert (tmp_path / "data/talks.yaml").read_text(encoding="utf-8") == GOOD
