"""`talkcat schema`: the JSON Schema accepts what validate accepts and rejects what it rejects."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from textwrap import dedent
from typing import Any

import jsonschema
import pytest
from helpers import FAST_PATH_CATALOGUES as CATALOGUES
from helpers import GOLDEN, LIST_CATALOGUE, ROOT, SEARCH_CATALOGUE, SEED_BASE_URL, TRICKY
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from talkcat import store, yamlread
from talkcat.cli import app
from talkcat.model import FIELD_NAMES, FIELDS, KINDS, REQUIRED
from talkcat.schema import catalogue_schema, modeline
from talkcat.validate import Rules
from talkcat.yamlwrite import dump_catalogue

COMMITTED = ROOT / "schema" / "talks.schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/talks.schema.json\n"
VALIDATOR = jsonschema.Draft202012Validator(
    catalogue_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
NO_DISK = Rules(repo_root=None)  # what the text says, not which folders exist


def as_json(value: Any) -> Any:
    """YAML data as an editor's language server sees it: dates are strings."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def schema_errors(text: str) -> list[str]:
    doc = yamlread.load(text.removeprefix("\ufeff"), "talks.yaml")
    assert doc.problems == [], doc.problems  # well-formed YAML: only the schema can object
    return [error.message for error in VALIDATOR.iter_errors(as_json(doc.data))]


def validate_problems(text: str) -> list[str]:
    return [p.message for p in store.parse_catalogue(text, Path("talks.yaml"), NO_DISK).problems]


# The command and the committed file.


def test_prints_the_committed_schema(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == COMMITTED.read_text(encoding="utf-8"), (
        "schema/talks.schema.json is stale: run `talkcat schema --output schema/talks.schema.json`"
    )
    assert result.stderr == ""


def test_output_writes_the_file(project: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema", "--output", "schema/talks.schema.json"])
    assert (result.exit_code, result.stderr) == (0, "wrote schema/talks.schema.json\n")
    assert (project / "schema/talks.schema.json").read_bytes() == COMMITTED.read_bytes()
    again = runner.invoke(app, ["schema", "-o", "schema/talks.schema.json"])
    assert again.stderr == "unchanged: schema/talks.schema.json\n"


def test_it_is_a_draft_2020_12_schema() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_it_is_built_from_the_field_definitions() -> None:
    schema = catalogue_schema()
    talk = schema["$defs"]["talk"]
    assert list(talk["properties"]) == list(FIELD_NAMES)
    assert talk["required"] == list(REQUIRED)
    assert talk["additionalProperties"] is False
    assert schema["$defs"]["kind"]["enum"] == list(KINDS)
    for field in FIELDS:
        assert field.type in schema["$defs"], f"no definition for field type {field.type!r}"
        assert talk["properties"][field.name]["description"] == field.help


def test_it_states_validates_own_patterns() -> None:
    """A rule is written once, in validate.py: the schema holds its pattern as it is."""
    from talkcat.validate import DATE, FIELD_PATTERNS, ID, LINE, TEXT, URL

    defs = catalogue_schema()["$defs"]
    text = json.dumps(defs)
    for pattern in (*LINE, ID, TEXT, DATE, *URL, *FIELD_PATTERNS["title"]):
        assert json.dumps(pattern.pattern) in text, pattern.message
    assert [item.get("pattern") or item["not"]["pattern"] for item in defs["str"]["allOf"][: len(LINE)]] == [
        pattern.pattern for pattern in LINE
    ]


def test_a_space_is_what_python_calls_one() -> None:
    """The patterns spell spaces out (the two dialects' `\\s` differ): exactly str.isspace()'s."""
    from talkcat.validate import LINE, first_broken

    empty = LINE[:1]
    assert [chr(c) for c in range(0x3001) if first_broken(empty, chr(c))] == [
        chr(c) for c in range(0x3001) if chr(c).isspace()
    ]


def test_other_markers_are_forbidden_when_configured() -> None:
    schema = catalogue_schema(Rules(markers=("<!-- BEGIN -->", "<!-- END -->")))
    validator = jsonschema.Draft202012Validator(schema)
    entry = {"title": "x <!-- END -->", "date": "2023-01-01", "event": "E"}
    assert not validator.is_valid({"talks": [entry]})
    assert validator.is_valid({"talks": [{**entry, "title": "x <!-- TALKS -->"}]})


def test_the_command_follows_the_configured_markers(project: Path, runner: CliRunner) -> None:
    (project / "talkcat.toml").write_text('markers = ["<!-- BEGIN -->", "<!-- END -->"]\n', encoding="utf-8")
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == catalogue_schema(Rules(markers=("<!-- BEGIN -->", "<!-- END -->")))


# Accepts every valid catalogue of the test suite.


VALID = {
    **{f"fast path: {name}": text for name, text in CATALOGUES.items()},
    "list": LIST_CATALOGUE,
    "search": SEARCH_CATALOGUE,
    "export": TRICKY.read_text(encoding="utf-8"),
    "null talks": "talks:\n",
    "quoted date": "talks:\n- {title: T, date: '2023-01-02', event: E}\n",
}


@pytest.mark.parametrize("name", list(VALID))
def test_accepts_the_valid_catalogues(name: str) -> None:
    assert validate_problems(VALID[name]) == []
    assert schema_errors(VALID[name]) == []


def test_accepts_the_seed(project: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["import", str(GOLDEN / "seed_readme.md"), "--base-url", SEED_BASE_URL])
    assert result.exit_code == 0, result.output
    assert schema_errors((project / "data/talks.yaml").read_text(encoding="utf-8")) == []


def test_accepts_the_repository_catalogue() -> None:
    path = ROOT / "data" / "talks.yaml"
    if not path.exists():
        pytest.skip("no data/talks.yaml in this checkout yet")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(SCHEMA_LINE)
    assert schema_errors(text) == []


# Rejects the invalid ones, as validate does.


def entry(**fields: Any) -> str:
    base: dict[str, Any] = {"title": "T", "date": dt.date(2023, 1, 2), "event": "E"}
    base.update(fields)
    return dump_catalogue([{k: v for k, v in base.items() if v is not ...}])


INVALID = {
    "missing title": entry(title=...),
    "missing date": entry(date=...),
    "missing event": entry(event=...),
    "event a number": "talks:\n- {title: T, date: 2023-01-02, event: 3}\n",
    "title a list": entry(title=["a"]),
    "tags a string": entry(tags="ml"),
    "a tag a number": "talks:\n- {title: T, date: 2023-01-02, event: E, tags: [ok, 1]}\n",
    "speakers a mapping": "talks:\n- {title: T, date: 2023-01-02, event: E, speakers: {a: b}}\n",
    "unknown key": entry(loaction="Basel"),
    "unknown link key": entry(link={"url": "https://example.org", "text": "x"}),
    "link without url": entry(link={"label": "x"}),
    "bad kind": entry(kind="keynot"),
    "kind in capitals": entry(kind="Keynote"),
    "date with slashes": entry(date="2023/01/02"),
    "date without zeros": entry(date="2023-1-2"),
    "date not real": entry(date="2023-02-30"),
    "date and time": "talks:\n- title: T\n  date: 2023-01-02 10:00:00\n  event: E\n",
    "date a number": entry(date=2023),
    "end_date not real": entry(end_date="2023-13-01"),
    "empty title": entry(title=""),
    "padded title": entry(title=" T "),
    "title on two lines": entry(title="T\nU"),
    "title with a control character": entry(title="T\x07"),
    "description with a control character": entry(description="a\x0bb"),
    "marker in a title": entry(title="x <!-- TALKS -->"),
    "marker in a description": entry(description="a\n<!-- //TALKS -->\n"),
    "id with a slash": entry(id="a/b"),
    "id with a space": entry(id="a b"),
    "null location": "talks:\n- {title: T, date: 2023-01-02, event: E, location: null}\n",
    "url with a space": entry(link="https://exa mple.org"),
    "url without a host": entry(video="https://"),
    "url with a bad host": entry(video="https://youtu"),
    "unknown top-level key": "talks: []\nfoo: bar\n",
    "no talks": "foo: bar\n",
    "talks a mapping": "talks: {a: b}\n",
    "an entry a string": "talks:\n- just a title\n",
    "empty document": "# nothing\n",
}


@pytest.mark.parametrize("name", list(INVALID))
def test_rejects_the_invalid_catalogues(name: str) -> None:
    assert validate_problems(INVALID[name]) != []
    assert schema_errors(INVALID[name]) != []


# The bad-input corpus of tests/test_bad_input.py: every catalogue there that
# is well-formed YAML, the schema judges as validate does, but for what only
# the disk can tell.

BAD = ROOT / "tests" / "bad"
# Slides paths leaving the repository: only validate, which sees the disk, knows.
ON_DISK_ONLY = {"slides-absolute-path.yaml", "slides-outside-repository.yaml"}


def _well_formed_corpus() -> list[str]:
    names = []
    for path in sorted(BAD.glob("*.yaml")):
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # no editor would get as far as a schema
        if not yamlread.load(text.removeprefix("\ufeff"), path.name).problems:
            names.append(path.name)
    return names


@pytest.mark.parametrize("name", _well_formed_corpus())
def test_judges_the_bad_input_corpus_as_validate_does(name: str) -> None:
    text = (BAD / name).read_text(encoding="utf-8")
    if name.startswith("ok-"):
        assert schema_errors(text) == []
    elif name in ON_DISK_ONLY:
        assert schema_errors(text) == [] and validate_problems(text) == []
    else:
        assert schema_errors(text) != []


def test_the_corpus_gives_the_schema_enough_to_judge() -> None:
    assert len(_well_formed_corpus()) >= 20


# The same verdict as validate, for text the tests did not think of.


LINE_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", " ", "a ", "\ta", "a\u2028b", "a\x85", "a\xa0", "<!-- TALKS -->", "x\n", "\ufeffa"]
)
URLS = st.builds(
    lambda scheme, sep, host, rest: scheme + sep + host + rest,
    st.sampled_from(["", "http", "https", "HTTPS", "ftp", "mailto", "1x", "a+b"]),
    st.sampled_from(["", ":", "://"]),
    # Brackets are left out: which bracketed hosts urlsplit takes is more than a pattern can say.
    st.text("ab.:@1 /", max_size=8)
    | st.sampled_from(["localhost", "example.org", "u@x.y:80", "LocalHost", "LOCALHOST:80"]),
    st.text("ab/?#. %", max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(title=LINE_TEXT, url=URLS)
# Found by hypothesis: the host follows the last `@`; ftp needs a host, mailto an address.
@example(title="t", url="http://.:@")
@example(title="t", url="ftp://a@b@/")
@example(title="t", url="mailto://x@y")
@example(title="a #", url="")
def test_schema_and_validate_agree(title: str, url: str) -> None:
    text = entry(title=title, link=url, tags=[title])
    assert (validate_problems(text) == []) == (schema_errors(text) == []), (title, url)


# The schema line at the top of the catalogue: read, and kept.


def test_modeline_is_relative_to_the_catalogue() -> None:
    assert modeline(Path("data/talks.yaml"), Path("schema/talks.schema.json")) == SCHEMA_LINE
    assert modeline(Path("talks.yaml"), Path("talks.schema.json")) == (
        "# yaml-language-server: $schema=talks.schema.json\n"
    )
    url = "https://example.org/talks.schema.json"
    assert modeline(Path("data/talks.yaml"), url) == f"# yaml-language-server: $schema={url}\n"


HEADED = SCHEMA_LINE + dedent(
    """\
    talks:
    - title: Old
      date: 2020-01-01
      event: E
    """
)


@pytest.fixture
def headed(project: Path) -> Path:
    (project / "data/talks.yaml").write_text(HEADED, encoding="utf-8")
    return project / "data/talks.yaml"


def test_validate_reads_past_the_schema_line(headed: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.stderr) == (0, "data/talks.yaml: 1 talk, all valid\n")


@pytest.mark.parametrize(
    "args",
    [
        ["add", "--title", "New", "--date", "2024-01-01", "--event", "E"],  # goes first, under the line
        ["add", "--title", "Older", "--date", "2019-01-01", "--event", "E"],
        ["edit", "2020-01-01-old", "--set", "title=Renamed"],
        ["remove", "2020-01-01-old", "--yes"],
    ],
)
def test_changes_keep_the_schema_line(headed: Path, runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = headed.read_text(encoding="utf-8")
    assert text.startswith(SCHEMA_LINE + "talks:")
    assert text != HEADED


def test_add_to_an_empty_catalogue_keeps_the_schema_line(project: Path, runner: CliRunner) -> None:
    path = project / "data/talks.yaml"
    path.write_text(SCHEMA_LINE + "talks: []\n", encoding="utf-8")
    result = runner.invoke(app, ["add", "--title", "New", "--date", "2024-01-01", "--event", "E"])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8").startswith(SCHEMA_LINE + "talks:\n- title: New\n")


def test_import_force_keeps_the_comment_lines(headed: Path, runner: CliRunner) -> None:
    headed.write_text(SCHEMA_LINE + "# My talks.\n" + HEADED[len(SCHEMA_LINE) :], encoding="utf-8")
    result = runner.invoke(app, ["import", str(GOLDEN / "seed_readme.md"), "--base-url", SEED_BASE_URL, "--force"])
    assert result.exit_code == 0, result.output
    assert headed.read_text(encoding="utf-8").startswith(SCHEMA_LINE + "# My talks.\ntalks:\n- title: How to find")
