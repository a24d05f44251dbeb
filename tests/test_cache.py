"""The cache: an unchanged catalogue is not parsed again, and a changed one always is."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from helpers import run_probe, slides_folder, without_stamps
from typer.testing import CliRunner

from talkcat import cache, store
from talkcat.cli import app
from talkcat.validate import Rules

CATALOGUE = dedent(
    """\
    # My talks
    talks:
    - title: Reproducible ML
      date: 2022-12-02
      event: PyData Global 2022
      location: Online
      slides: 2022-12-02 Pydata Global/
      tags: [ml, science]
    - title: Communicating ML
      date: 2021-10-30
      event: PyData Global 2021
      video:
        label: Video
        url: https://www.youtube.com/watch?v=ucgCGGb088E
      description: |
        Intro.

        ## Part one
    """
)
README = "# Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n\n## License\n"


@pytest.fixture
def catalogue(project: Path) -> Path:
    slides_folder(project, "2022-12-02 Pydata Global")
    path = project / "data/talks.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


def cache_files() -> list[Path]:
    """The cache's entries, but for the one that remembers the hash of talkcat's own code."""
    return sorted(p for p in Path(os.environ["TALKCAT_CACHE_DIR"]).glob("*") if not p.name.startswith("code-"))


def catalogue_entry() -> Path:
    [entry] = [p for p in cache_files() if p.name.startswith("catalogue-")]
    return entry


def plant(path: Path, message: str) -> None:
    """Overwrite the cached entry for `path` with a result no parse would give."""
    entry = catalogue_entry()
    key = _key(path)
    checked = store.parse_catalogue(CATALOGUE, path).checked
    value = cache.encode_checked(checked)
    value[1].append((1, 1, message, None, None))
    entry.write_bytes(cache.pack(key, value))


def _key(path: Path) -> tuple[object, ...]:
    # The key the first load wrote, read back from its own file.
    import marshal

    blob = catalogue_entry().read_bytes()
    key, _ = marshal.loads(blob[cache.HEADER_SIZE :])
    assert isinstance(key, tuple)
    return key


def test_the_second_load_comes_from_the_cache(catalogue: Path) -> None:
    first = store.load_catalogue(catalogue)
    assert not first.problems
    assert catalogue_entry().read_bytes().startswith(cache.MAGIC)
    plant(catalogue, "planted")
    second = store.load_catalogue(catalogue)
    assert [p.message for p in second.problems] == ["planted"]
    assert second.checked.talks == first.checked.talks
    assert second.checked.entry_lines == first.checked.entry_lines == [3, 9]


def test_a_one_byte_edit_is_seen_even_with_the_same_size_and_mtime(catalogue: Path) -> None:
    store.load_catalogue(catalogue)
    stat = catalogue.stat()
    catalogue.write_bytes(catalogue.read_bytes().replace(b"2021-10-30", b"2021-10-31"))
    os.utime(catalogue, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert catalogue.stat().st_size == stat.st_size
    talks = store.load_catalogue(catalogue).talks
    assert [t.date.isoformat() for t in talks] == ["2022-12-02", "2021-10-31"]


def test_an_edit_that_breaks_the_file_is_reported_not_hidden(catalogue: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["validate"]).exit_code == 0
    catalogue.write_text(CATALOGUE.replace("event: PyData Global 2021", "evnt: PyData Global 2021"))
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 1
    assert "data/talks.yaml:11:3: unknown key 'evnt' (did you mean 'event'?)" in result.stdout
    catalogue.write_text(CATALOGUE)
    assert runner.invoke(app, ["validate"]).exit_code == 0


def damaged(blob: bytes) -> dict[str, bytes]:
    flipped = bytearray(blob)
    flipped[-10] ^= 0x01
    return {
        "empty": b"",
        "truncated": blob[: len(blob) // 2],
        "header only": blob[: cache.HEADER_SIZE],
        "one byte flipped": bytes(flipped),
        "foreign": b"\x89PNG\r\n\x1a\n" + blob[8:],
        "another format version": cache.MAGIC + b"\xff\xff" + blob[len(cache.MAGIC) + 2 :],
        "text": b"talks: []\n" * 100,
    }


@pytest.mark.parametrize("kind", list(damaged(b"x" * 100)))
def test_a_damaged_cache_is_ignored_and_rebuilt(catalogue: Path, kind: str) -> None:
    fresh = store.load_catalogue(catalogue, cache=False)
    store.load_catalogue(catalogue)
    entry = catalogue_entry()
    good = entry.read_bytes()
    entry.write_bytes(damaged(good)[kind])
    again = store.load_catalogue(catalogue)
    assert again.checked == fresh.checked
    assert again.problems == fresh.problems
    assert entry.read_bytes() == good  # rebuilt


def test_a_value_of_the_wrong_shape_is_a_miss(catalogue: Path) -> None:
    store.load_catalogue(catalogue)
    entry = catalogue_entry()
    entry.write_bytes(cache.pack(_key(catalogue), ("not", "a", "catalogue")))
    assert not store.load_catalogue(catalogue).problems
    entry.write_bytes(cache.pack(_key(catalogue), ([("too", "short")], [], [], [])))
    assert len(store.load_catalogue(catalogue).talks) == 2


def test_no_cache_neither_reads_nor_writes(catalogue: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert cache_files() == []
    assert runner.invoke(app, ["validate"]).exit_code == 0
    plant(catalogue, "planted")
    assert runner.invoke(app, ["validate"]).exit_code == 1
    result = runner.invoke(app, ["validate", "--no-cache"])
    assert result.exit_code == 0
    assert result.stderr == "data/talks.yaml: 2 talks, all valid\n"


def test_sync_readme_no_cache_writes_no_cache(catalogue: Path, runner: CliRunner) -> None:
    (catalogue.parent.parent / "README.md").write_text(README)
    result = runner.invoke(app, ["sync-readme", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert cache_files() == []
    assert runner.invoke(app, ["sync-readme", "--check", "--no-cache"]).exit_code == 0


def test_paths_on_disk_are_checked_on_every_run(catalogue: Path) -> None:
    assert not store.load_catalogue(catalogue).problems
    shutil.rmtree(catalogue.parent.parent / "2022-12-02 Pydata Global")
    [problem] = store.load_catalogue(catalogue).problems
    assert problem.line == 7
    assert "'2022-12-02 Pydata Global/' does not exist in the repository" in problem.message


def test_problems_carry_the_path_they_were_read_by(catalogue: Path) -> None:
    broken = catalogue.read_text().replace("event: PyData Global 2021", "event: 2021")
    catalogue.write_text(broken)
    link = catalogue.parent / "link.yaml"
    link.symlink_to(catalogue.name)
    assert [str(p) for p in store.load_catalogue(catalogue).problems] == [
        f"{catalogue}:11:10: event must be a string, not a number (quote it)"
    ]
    assert [str(p) for p in store.load_catalogue(link).problems] == [
        f"{link}:11:10: event must be a string, not a number (quote it)"
    ]


def test_the_rules_are_part_of_the_key(catalogue: Path) -> None:
    deep = CATALOGUE.replace("## Part one", "##### Part one")
    catalogue.write_text(deep)
    root = catalogue.parent.parent
    assert store.load_catalogue(catalogue, Rules(repo_root=root, heading_level=1)).problems == []
    [problem] = store.load_catalogue(catalogue, Rules(repo_root=root, heading_level=3)).problems
    assert "a level-5 heading cannot nest" in problem.message
    assert store.load_catalogue(catalogue, Rules(repo_root=root, heading_level=1)).problems == []


def test_a_bom_and_crlf_catalogue_round_trips_through_the_cache(catalogue: Path) -> None:
    catalogue.write_bytes(b"\xef\xbb\xbf" + CATALOGUE.replace("\n", "\r\n").encode())
    first = store.load_catalogue(catalogue)
    second = store.load_catalogue(catalogue)
    assert first.text == second.text and first.text.startswith("\ufeff")
    assert second.checked == first.checked == store.load_catalogue(catalogue, cache=False).checked


def test_an_unwritable_cache_folder_is_no_error(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("TALKCAT_CACHE_DIR", str(blocker / "cache"))
    assert store.load_catalogue(catalogue).talks
    assert store.load_catalogue(catalogue).talks


def test_the_cache_folder_defaults_to_the_users_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("TALKCAT_CACHE_DIR")
    assert store.cache_dir() == Path(platformdirs.user_cache_dir("talkcat"))
    monkeypatch.setenv("TALKCAT_CACHE_DIR", "/somewhere/else")
    assert store.cache_dir() == Path("/somewhere/else")


def test_one_entry_per_catalogue_however_often_it_changes(catalogue: Path) -> None:
    for day in range(10, 20):
        catalogue.write_text(CATALOGUE.replace("2021-10-30", f"2021-10-{day}"))
        store.load_catalogue(catalogue)
    assert len(cache_files()) == 1


def test_sync_readme_renders_from_the_cache_and_sees_a_changed_catalogue(catalogue: Path, runner: CliRunner) -> None:
    readme = catalogue.parent.parent / "README.md"
    readme.write_text(README)
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    synced = readme.read_text()
    assert "### Reproducible ML" in synced
    assert runner.invoke(app, ["sync-readme", "--check"]).exit_code == 0
    assert {p.name.split("-")[0] for p in cache_files()} == {"catalogue", "render"}
    catalogue.write_text(CATALOGUE.replace("Reproducible ML", "Reproducible ML!"))
    result = runner.invoke(app, ["sync-readme", "--check"])
    assert result.exit_code == 3
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    assert without_stamps(readme.read_text()) == without_stamps(synced).replace("Reproducible ML", "Reproducible ML!")


def test_markers_in_a_code_fence_stay_text_when_read_from_the_cache(catalogue: Path, runner: CliRunner) -> None:
    readme = catalogue.parent.parent / "README.md"
    example = "```markdown\n<!-- TALKS -->\n<!-- //TALKS -->\n```\n"
    readme.write_text(example + README)
    for _ in range(2):
        assert runner.invoke(app, ["sync-readme"]).exit_code == 0
        text = readme.read_text()
        assert text.startswith(example)
        assert text.count("### Reproducible ML") == 1
    assert any(p.name.startswith("readme-") for p in cache_files())
    readme.write_text(README + example)  # the same lines elsewhere: the cache must not answer
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    assert readme.read_text().endswith(example)
    assert readme.read_text().count("### Reproducible ML") == 1


def test_a_cache_hit_imports_no_parser_renderer_or_terminal_library(catalogue: Path) -> None:
    folder = catalogue.parent.parent
    (folder / "README.md").write_text("```\n<!-- TALKS -->\n```\n" + README)
    assert run_probe(folder, "sync-readme").returncode == 0
    cold = run_probe(folder, "sync-readme", "--check")
    hot = run_probe(folder, "sync-readme", "--check")
    assert (cold.returncode, hot.returncode) == (0, 0), cold.stderr
    assert hot.stdout == "heavy:\n"
    assert run_probe(folder, "validate").stdout == "heavy:\n"
    # The probe can fail: without the cache, the parser is imported.
    assert "_ruamel_yaml,markdown_it,ruamel" in run_probe(folder, "validate", "--no-cache").stdout


WRITER = """\
import sys
from pathlib import Path
from talkcat import store
for _ in range(5):
    catalogue = store.load_catalogue(Path(sys.argv[1]))
    assert len(catalogue.talks) == int(sys.argv[2]), catalogue.problems
"""


def test_processes_loading_at_once_leave_a_good_cache(project: Path) -> None:
    entry = "- title: Talk {n}\n  date: 2020-01-01\n  event: Conf\n  description: {text}\n"
    text = "talks:\n" + "".join(entry.format(n=n, text="word " * 50) for n in range(2000))
    path = project / "data/talks.yaml"
    path.write_text(text)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), "2000"], stderr=subprocess.PIPE) for _ in range(4)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err.decode()
    assert [p.name.startswith("catalogue-") for p in cache_files()] == [True]
    blob = catalogue_entry().read_bytes()
    key = _key(path)
    assert cache.decode_checked(cache.unpack(blob, key), str(path)) == store.load_catalogue(path, cache=False).checked


def test_a_written_catalogue_is_cached_for_the_next_run(catalogue: Path) -> None:
    store.load_catalogue(catalogue)
    changed = store.parse_catalogue(CATALOGUE.replace("Communicating ML", "Talking ML"), catalogue)
    assert store.write_catalogue(changed)
    assert catalogue.read_text() == changed.text
    key = _key(catalogue)
    assert key[1] == cache.content_hash(catalogue.read_bytes())
    plant(catalogue, "planted")  # proves the next load reads this entry
    assert [p.message for p in store.load_catalogue(catalogue).problems] == ["planted"]
    assert not store.write_catalogue(changed)  # unchanged: nothing written


# -- what list and search derive from a catalogue --------------------------------

MIXED = dedent(
    """\
    talks:
    - title: 'Zürich | pipes | and \\ backslashes: größer'
      date: 2023-05-01
      event: PyCon CH
      location: Zürich, Switzerland
      tags: [größe, 'a|b', python]
      speakers: [Zoë, José]
      description: Reproducible research with Python; Umlaut-Wörter.
    - title: 東京のPython
      date: 2023-05-01
      event: PyCon JP
      location: 東京, 日本
      description: 機械学習と再現性 | machine learning
    - title: not a date
      date: 2023-02-30
      event: Broken
    - title: Pyhton typos | reproducable
      date: 2021-02-03
      end_date: 2021-02-04
      event: Meetup
      kind: lightning
      link: {label: 'Page | one', url: 'https://example.org/a|b'}
      video: https://example.org/v
    - title: Machine learning in science
      date: 2019-07-01
      event: EuroSciPy
      location: Online
      slides: https://example.org/s
    """
)
COMMANDS = [
    ["list", "--format", "json"],
    ["list", "--format", "plain"],
    ["list", "--format", "csv"],
    ["list", "--format", "markdown"],
    ["list", "--format", "json", "--year", "2023", "--sort", "title"],
    ["list", "--format", "json", "--location", "zurich", "--reverse"],
    ["list", "--format", "json", "--tag", "A|B"],
    ["search", "python", "--format", "json"],
    ["search", "python", "--format", "plain"],
    ["search", "pyhton", "--format", "json"],
    ["search", "reproducib", "--format", "json"],
    ["search", "machine learning", "--format", "json"],
    ["search", "東京", "--format", "json"],
    ["search", "zurich", "größe", "--format", "csv"],
    ["search", "title:pipes", "year:2023", "--format", "json"],
    ["search", "python", "--year", "2023", "--format", "json"],  # filtered: a part of the cached index
    ["search", "reproducable", "--has-video", "--format", "markdown"],
    ["search", "nothing-like-this", "--format", "json"],
]


@pytest.fixture
def mixed(project: Path) -> Path:
    path = project / "data/talks.yaml"
    path.write_text(MIXED, encoding="utf-8")
    return path


def entry_of(kind: str) -> Path:
    [entry] = [p for p in cache_files() if p.name.startswith(f"{kind}-")]
    return entry


def read_entry(kind: str) -> tuple[tuple[object, ...], object]:
    import marshal

    key, value = marshal.loads(entry_of(kind).read_bytes()[cache.HEADER_SIZE :])
    return key, value


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_list_and_search_print_the_same_from_the_cache_as_without_it(
    mixed: Path, runner: CliRunner, args: list[str]
) -> None:
    fresh = runner.invoke(app, [*args, "--no-cache"])
    assert cache_files() == []
    cold = runner.invoke(app, args)  # fills the cache
    warm = runner.invoke(app, args)  # reads it
    assert fresh.exit_code == 0, fresh.output
    assert fresh.stderr.startswith("warning: 1 problem in data/talks.yaml; 1 talk left out")
    for result in (cold, warm):
        assert (result.exit_code, result.stdout, result.stderr) == (0, fresh.stdout, fresh.stderr)


def test_list_json_comes_from_the_cache_and_sees_a_one_byte_edit(mixed: Path, runner: CliRunner) -> None:
    from talkcat import listing

    first = runner.invoke(app, ["list", "--format", "json"])
    talks = store.load_catalogue(mixed).talks
    key, objects = read_entry("json")
    assert objects == listing.json_objects(talks)
    assert len(talks) == 4 and first.stdout == "[\n" + ",\n".join(o.decode() for o in objects) + "\n]\n"
    # A planted entry is what the next run prints: it reads the cache.
    entry_of("json").write_bytes(cache.pack(key, [b'{"id": "planted"}'] * 4))
    assert runner.invoke(app, ["list", "--format", "json", "--limit", "1"]).stdout == '[\n{"id": "planted"}\n]\n'
    # One byte changed (same size): a miss, and the new text is printed.
    mixed.write_bytes(mixed.read_bytes().replace(b"Meetup", b"Meetap"))
    again = runner.invoke(app, ["list", "--format", "json"])
    assert again.stdout == first.stdout.replace('"Meetup"', '"Meetap"')
    assert read_entry("json")[1] == listing.json_objects(store.load_catalogue(mixed).talks)


def test_the_search_index_comes_from_the_cache_and_sees_a_one_byte_edit(mixed: Path, runner: CliRunner) -> None:
    from talkcat import search

    args = ["search", "science", "--format", "plain"]
    first = runner.invoke(app, args)
    assert first.stdout == (
        "2019-07-01-machine-learning-in-science\t2019-07-01\tMachine learning in science\tEuroSciPy\tOnline\ttitle\n"
    )
    talks = store.load_catalogue(mixed).talks
    key, prepared = read_entry("search")
    assert prepared == search.prepare(talks)
    columns, vocabularies = search.prepare(talks)
    words = "and backslashes grosser in learning machine pipes pyhton reproducable science typos zurich 東京のpython"
    assert vocabularies["title"] == "\n".join(words.split())
    # A planted index is what the next run searches: it reads the cache.
    text, starts = columns["title"]
    columns["title"] = (text.replace("science", "sciense"), starts)
    entry_of("search").write_bytes(cache.pack(key, (columns, vocabularies)))
    assert runner.invoke(app, args).stdout == ""
    # The title changed, same size: a miss; the talk is found by its new title only.
    mixed.write_bytes(mixed.read_bytes().replace(b"Machine learning in science", b"Machine learning in physics"))
    assert runner.invoke(app, args).stdout == ""
    assert runner.invoke(app, ["search", "physics", "--format", "plain"]).stdout == first.stdout.replace(
        "science", "physics"
    )


# -- talks from the cache, decoded when used -----------------------------------


def test_cached_talks_equal_a_parse(mixed: Path) -> None:
    fresh = store.load_catalogue(mixed, cache=False)
    store.load_catalogue(mixed)  # fills the cache
    warm = store.load_catalogue(mixed)
    assert warm.checked == fresh.checked
    assert warm.checked.talks[2] is None  # the invalid entry
    assert list(warm.talks) == fresh.talks and len(warm.talks) == 4
    assert warm.talks[1:][1] == fresh.talks[2] and warm.talks[-1] == fresh.talks[3]


def test_no_module_but_the_cache_knows_how_cached_talks_are_held() -> None:
    # Outside the cache, talks are a plain sequence (issue 12 §2): none finds them by identity,
    # sorts or filters them by a type of the cache's, or reads their dates beside them.
    package = Path(cache.__file__).parent
    knowing = [module.relative_to(package).as_posix() for module in sorted(package.glob("**/*.py"))]
    assert [name for name in knowing if "LazyTalks" in (package / name).read_text(encoding="utf-8")] == ["cache.py"]
    assert not re.search(r"\bid\(", (package / "commands" / "filtering.py").read_text(encoding="utf-8"))


def test_cached_talks_are_decoded_when_used_not_when_loaded(mixed: Path) -> None:
    store.load_catalogue(mixed)
    key, value = read_entry("catalogue")
    assert isinstance(value, tuple)
    rows = list(value[0])
    rows[1] = b"not a talk"  # passes the checksum: written by pack below
    entry_of("catalogue").write_bytes(cache.pack(key, (rows, *value[1:])))
    warm = store.load_catalogue(mixed)
    assert len(warm.talks) == 4 and warm.talks[0].title.startswith("Zürich")
    with pytest.raises(ValueError):
        warm.talks[1]  # only now is this talk unpacked


@pytest.mark.parametrize(
    "value",
    [
        ([b"x"], [], [], []),  # a shape of an older talkcat's
        ([b"x"], [], [3], [], [1], [(4, 1)]),  # the shape that kept dates beside the talks
        ([b"x", None], [], [3], [], []),  # an entry's end missing
        ([("a", "row")], [], [3], [], [(4, 1)]),  # a row that is not bytes
    ],
)
def test_cached_talks_of_the_wrong_shape_are_a_miss(mixed: Path, value: tuple[object, ...]) -> None:
    store.load_catalogue(mixed)
    key, _ = read_entry("catalogue")
    entry_of("catalogue").write_bytes(cache.pack(key, value))
    assert list(store.load_catalogue(mixed).talks) == store.load_catalogue(mixed, cache=False).talks


MORE_COMMANDS = [
    ["search", "python"],
    ["search", "python", "--limit", "1"],
    ["search", "pycon"],
    ["search", "pyhton", "reproducable"],
    ["search", '"machine learning"', "year:2019"],
    ["search", "year:2023", "zürich"],
    ["search", "東京"],
    ["search", "tag:a|b"],
    ["search", "python", "--kind", "talk", "--year", "2023"],
    ["search", "python", "--limit", "0", "--format", "csv"],
    ["search", "learning", "--in-person", "--format", "markdown"],
    ["list"],
    ["list", "--reverse", "--limit", "2"],
    ["list", "--format", "json", "--reverse", "--limit", "2"],
    ["list", "--format", "json", "--limit", "1"],
    ["list", "--sort", "event", "--format", "json"],
    ["list", "--kind", "lightning", "--format", "json"],
]


@pytest.mark.parametrize("args", MORE_COMMANDS, ids=" ".join)
def test_talks_decoded_when_shown_print_as_without_the_cache(mixed: Path, runner: CliRunner, args: list[str]) -> None:
    fresh = runner.invoke(app, [*args, "--no-cache"])
    assert fresh.exit_code == 0, fresh.output
    assert fresh.stdout
    for _ in ("cold", "warm"):
        result = runner.invoke(app, args)
        assert (result.exit_code, result.stdout, result.stderr) == (0, fresh.stdout, fresh.stderr)


def test_search_ranks_by_the_cached_dates_and_sees_a_one_byte_edit(mixed: Path, runner: CliRunner) -> None:
    args = ["search", "pycon", "--format", "plain"]
    first = runner.invoke(app, args)
    assert runner.invoke(app, args).stdout == first.stdout  # from the cache
    # A tie on score goes to the newer talk, then to catalogue order.
    assert [line.split("\t")[2] for line in first.stdout.splitlines()][:2] == [
        "Zürich | pipes | and \\ backslashes: größer",
        "東京のPython",
    ]
    # The second talk a day later: one byte, same size.
    mixed.write_bytes(mixed.read_bytes().replace(b"2023-05-01\n  event: PyCon JP", b"2023-05-02\n  event: PyCon JP"))
    again = runner.invoke(app, args)
    assert again.stdout.splitlines()[0].startswith("2023-05-02-東京のpython\t2023-05-02\t東京のPython\t")
    assert again.stdout == runner.invoke(app, [*args, "--no-cache"]).stdout
