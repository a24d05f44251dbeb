"""Search: the engine (`talkcat.search`) on a small hand-made catalogue, and `talkcat search`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import SEARCH_CATALOGUE as CATALOGUE
from typer.testing import CliRunner

from talkcat import search
from talkcat.cli import app
from talkcat.errors import TalkcatError
from talkcat.model import Talk
from talkcat.store import parse_catalogue
from talkcat.validate import Rules


def catalogue_talks() -> list[Talk]:
    catalogue = parse_catalogue(CATALOGUE, Path("talks.yaml"), Rules(repo_root=None))
    assert catalogue.problems == []
    return catalogue.talks


def titles(query: str) -> list[str]:
    return [hit.talk.title for hit in search.search(catalogue_talks(), query)]


# -- the engine -------------------------------------------------------------


def test_ranking_title_then_event_and_tags_then_description_ties_newest_first() -> None:
    hits = search.search(catalogue_talks(), "reproducib")
    assert [(h.talk.title, h.score, h.fields) for h in hits] == [
        ("Reproducible research in Python", 7.2, ("title", "tags")),
        ("Reproducible builds", 7.2, ("title",)),  # same score and day: catalogue order
        ("Data pipelines", 3.6, ("event",)),  # newer than the next, same score
        ("Notebooks at scale", 3.6, ("tags", "description")),
    ]


def test_exact_words_rank_above_prefixes() -> None:
    hits = search.search(catalogue_talks(), "data")
    assert [(h.talk.title, h.score) for h in hits] == [("Data pipelines", 8.0)]
    assert [h.score for h in search.search(catalogue_talks(), "dat")] == [7.2]


def test_all_terms_must_match() -> None:
    assert titles("machine learning") == [
        "Keynote: Machine learning for science",
        "Learning the machine",
        "Djangonauts unite",
    ]
    assert titles("reproducib django") == []


def test_quoted_phrase_keeps_word_order() -> None:
    assert titles('"machine learning"') == ["Keynote: Machine learning for science", "Djangonauts unite"]
    # "Learning the machine" has both words, but not side by side
    assert titles('"learning machine"') == ["Keynote: Machine learning for science"]


def test_phrase_from_a_shell_argument_with_spaces() -> None:
    by_args = [h.talk.title for h in search.search(catalogue_talks(), ["learning the"])]
    assert by_args == ["Learning the machine"]


def test_case_and_accents_do_not_matter() -> None:
    assert titles("zurich") == ["Data pipelines"]
    assert titles("ZÜRICH") == ["Data pipelines"]
    assert titles("Zúrich") == ["Data pipelines"]


def test_prefix_matches_word_starts_only() -> None:
    assert titles("ducible") == []
    assert titles("reproducible") == [
        "Reproducible research in Python",
        "Reproducible builds",
        "Notebooks at scale",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pyhton", ["Reproducible research in Python"]),  # two letters swapped
        ("reproducable", ["Reproducible research in Python", "Reproducible builds", "Notebooks at scale"]),
        ("djngo", ["Djangonauts unite"]),  # a letter left out
        ("pipelinnes", ["Data pipelines"]),  # a letter added
        ("notebokks", ["Notebooks at scale"]),  # a letter replaced
        ("datas", ["Data pipelines"]),  # one letter more than a whole word
    ],
)
def test_one_typo_in_a_word_of_five_letters_or_more(query: str, expected: list[str]) -> None:
    assert titles(query) == expected


@pytest.mark.parametrize("query", ["dtaa", "ython", "reprodducibble", "lvoelaec science"])
def test_no_typo_for_short_words_the_first_letter_or_two_edits(query: str) -> None:
    assert titles(query) == []


def test_typos_rank_below_exact_matches_in_the_same_field() -> None:
    hits = search.search(catalogue_talks(), "pyhton")
    assert hits[0].score == pytest.approx(4.8)


def test_field_prefixes() -> None:
    assert titles("event:reproducib") == ["Data pipelines"]
    assert titles("tag:django") == ["Djangonauts unite"]
    assert titles("tags:jupyter") == ["Notebooks at scale"]
    assert titles("speaker:ada") == ["Keynote: Machine learning for science"]
    assert titles("location:switzerland") == ["Data pipelines", "Keynote: Machine learning for science"]
    assert titles("title:machine") == ["Keynote: Machine learning for science", "Learning the machine"]
    assert titles('title:"the machine"') == ["Learning the machine"]
    assert titles("year:2024 reproducib") == [
        "Reproducible research in Python",
        "Reproducible builds",
        "Data pipelines",
    ]
    assert titles("year:2023") == ["Notebooks at scale", "Keynote: Machine learning for science"]
    assert titles("year:2023 year:2020") == [
        "Notebooks at scale",
        "Keynote: Machine learning for science",
        "Learning the machine",
    ]


def test_scripts_without_spaces_match_inside_words() -> None:
    assert titles("機械") == ["東京の話"]
    assert [h.fields for h in search.search(catalogue_talks(), "東京")] == [("title", "location")]


def test_query_errors() -> None:
    with pytest.raises(TalkcatError, match=r"unknown field 'titel:' in the query \(did you mean 'title:'\?\)"):
        search.parse_query("titel:python")
    with pytest.raises(TalkcatError, match="year:20x4 is not a year"):
        search.parse_query("year:20x4")
    with pytest.raises(TalkcatError, match="nothing to search for"):
        search.parse_query(["--", "!!"])


def test_an_unknown_prefix_that_is_no_field_is_text() -> None:
    query = search.parse_query("http://example.org")
    assert query.terms == (search.Term(("http", "example", "org")),)


def test_near_words_rules() -> None:
    found = search.near_words("parse", ["parent", "pars", "sparse", "parse", "parsing", "passe", "barse"])
    assert found == [search.Typo("pars", True), search.Typo("parsi", False), search.Typo("passe", False)]
    # a start of a word found in the text, of unknown length, is only a prefix
    assert search.near_words("parse", starts=["pars"]) == []
    assert search.near_words("reprodicib", starts=["reproducib"]) == [search.Typo("reproducib", False)]


def test_marks_and_excerpts() -> None:
    assert search.marked_spans("Zürich, Switzerland", ["zurich"]) == [(0, 6)]
    text = "A long description that talks about many things before reproducible research appears."
    assert search.excerpt(text, ["reproducib"], 40) == "…before reproducible research appears."
    assert search.excerpt(text, ["many"], 30) == "…about many things before…"
    assert search.excerpt("short", ["x"], 40) == "short"


def test_index_searches_again_without_folding_again() -> None:
    index = search.Index(catalogue_talks())
    first = index.search("reproducib")
    column = index.column("title")
    assert index.search("reproducib") == first
    assert index.column("title") is column


QUERIES = [
    "reproducib",
    "reproducable",
    "pyhton",
    "machine learning",
    '"learning machine"',
    "machine",
    "zurich",
    "東京",
    "機械",
    "title:reproducible",
    "tag:data year:2024",
    "learnin mach",
    "scienc",
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_prepared_index_finds_what_a_fresh_one_does(query: str) -> None:
    talks = catalogue_talks()
    fresh = search.Index(talks).search(query)
    assert fresh or query == "scienc"
    assert search.Index(talks, *search.prepare(talks)).search(query) == fresh
    # Some of the talks, their texts picked from the prepared columns.
    part = talks[1::2]
    columns, _ = search.prepare(talks)
    assert search.Index(part, search.pick(columns, range(1, len(talks), 2))).search(query) == search.Index(part).search(
        query
    )


@pytest.mark.parametrize("word", ["reproducable", "reprodcuible", "pyhton", "machin", "lerning", "zurik"])
def test_typo_candidates_from_the_vocabulary_are_those_from_the_text(word: str) -> None:
    talks = catalogue_talks()
    everyone = range(len(talks))
    from_vocabulary = search.Index(talks).typos(word, search.FIELDS, everyone)
    # One more talk, left out: the same talks are then scanned text by text.
    extra = Talk(title="Unrelated", date=talks[0].date, event="Elsewhere")
    from_text = search.Index([*talks, extra]).typos(word, search.FIELDS, list(everyone))
    assert from_vocabulary == from_text


# -- the command --------------------------------------------------------------


@pytest.fixture
def repo(project: Path) -> Path:
    (project / "data/talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    return project


def test_search_prints_plain_lines_with_where_it_matched(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["search", "reproducib"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "2024-05-01-reproducible-research-in-python\t2024-05-01\tReproducible research in Python\tPyCon DE\t"
        "Berlin, Germany\ttitle,tags\n"
        "2024-05-01-reproducible-builds\t2024-05-01\tReproducible builds\tPackagingCon\tOnline\ttitle\n"
        "2024-03-01-data-pipelines\t2024-03-01\tData pipelines\tReproducibility Summit\tZürich, Switzerland\tevent\n"
        "2023-11-11-notebooks-at-scale\t2023-11-11\tNotebooks at scale\tJupyterCon\tOnline\ttags,description\n"
    )
    assert result.stderr == ""


def test_search_json(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["search", "zurich", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "id": "2024-03-01-data-pipelines",
            "title": "Data pipelines",
            "date": "2024-03-01",
            "event": "Reproducibility Summit",
            "location": "Zürich, Switzerland",
            "tags": ["data"],
            "matched": ["location"],
        }
    ]
    assert result.stderr == ""


def test_search_csv_and_markdown(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["search", "tag:django", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith(",description,matched")
    assert result.stdout_bytes.endswith(
        b',https://example.org/slides,,"Machine learning with Django, at last.",tags\r\n'
    )
    result = runner.invoke(app, ["search", "speaker:lovelace", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "| Date       | Title                                 | Event     | Location           | Video   | Slides   | Matched   |\n"
        "|------------|---------------------------------------|-----------|--------------------|---------|----------|-----------|\n"
        "| 2023-06-01 | Keynote: Machine learning for science | EuroSciPy | Basel, Switzerland |         |          | speakers  |\n"
    )


def test_search_table_shows_where_and_marks_words(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = runner.invoke(app, ["search", "reproducible", "--format", "table"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "Id",
        "┃",
        "Date",
        "┃",
        "Title",
        "┃",
        "Event",
        "┃",
        "Location",
        "┃",
        "Video",
        "┃",
        "Slides",
        "┃",
        "Matched",
    ]
    matched = " ".join(line.rsplit("│", 1)[-1].strip() for line in lines[2:])  # the column, its lines joined
    assert "tags: jupyter, reproducible-science; description: We discuss" in matched
    assert "\x1b[" not in result.stdout  # not a terminal: no styles


_COLOUR = re.compile(r"\x1b\[[0-9;]*?(?:3[0-7]|9[0-7])(?:;[0-9;]*)?m")


def test_search_table_colours_words_unless_no_color(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR")
    coloured = runner.invoke(app, ["search", "zurich", "--format", "table"])
    assert _COLOUR.search(coloured.stdout), coloured.stdout
    monkeypatch.setenv("NO_COLOR", "1")
    plain = runner.invoke(app, ["search", "zurich", "--format", "table"])
    assert plain.exit_code == 0, plain.output
    assert not _COLOUR.search(plain.stdout)
    assert "\x1b[1m" in plain.stdout  # bold stays: NO_COLOR is about colour


def test_search_limit_and_its_note(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["search", "reproducib", "--limit", "2", "--format", "plain"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr == "showing the best 2 of 4 matches (--limit 0 shows all)\n"


def test_search_default_limit_is_twenty(project: Path, runner: CliRunner) -> None:
    entries = "".join(f"- title: Talk {n}\n  date: 2020-01-{n:02d}\n  event: Python meetup\n" for n in range(1, 23))
    (project / "data/talks.yaml").write_text("talks:\n" + entries, encoding="utf-8")
    result = runner.invoke(app, ["search", "python"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 20
    assert result.stdout.splitlines()[0].startswith("2020-01-22-talk-22\t2020-01-22\tTalk 22")
    assert result.stderr == "showing the best 20 of 22 matches (--limit 0 shows all)\n"
    everything = runner.invoke(app, ["search", "python", "--limit", "0"])
    assert len(everything.stdout.splitlines()) == 22
    assert everything.stderr == ""


def test_list_filters_combine_with_the_query(repo: Path, runner: CliRunner) -> None:
    def run(*args: str) -> list[str]:
        result = runner.invoke(app, ["search", "reproducib", "--format", "plain", *args])
        assert result.exit_code == 0, result.output
        return [line.split("\t")[2] for line in result.stdout.splitlines()]

    assert run("--online") == ["Reproducible builds", "Notebooks at scale"]
    assert run("--year", "2023") == ["Notebooks at scale"]
    assert run("--tag", "python") == ["Reproducible research in Python"]
    assert run("--has-video") == ["Reproducible builds"]
    assert run("--location", "zurich") == ["Data pipelines"]
    assert run("--event", "con", "--in-person") == ["Reproducible research in Python"]
    assert run("--past", "--until", "2024-04-01") == ["Data pipelines", "Notebooks at scale"]
    assert run("--since", "2024-03-01", "--no-video") == ["Reproducible research in Python", "Data pipelines"]
    assert run("--kind", "talk", "--no-slides", "--no-cache") == [
        "Reproducible research in Python",
        "Reproducible builds",
        "Data pipelines",
        "Notebooks at scale",
    ]
    assert run("--upcoming") == []
    assert runner.invoke(app, ["search", "machine", "--has-slides"]).stdout.startswith("2022-09-01-djangonauts-unite\t")


def test_search_without_a_match(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["search", "kubernetes"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no talks match\n")
    result = runner.invoke(app, ["search", "kubernetes", "--format", "json"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "[]\n", "no talks match\n")


def test_search_bad_query_is_a_usage_error(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["search", "titel:python"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "unknown field 'titel:' in the query (did you mean 'title:'?)\n"
        'hint: put the word in quotes to search for it as text: "titel:python"\n'
    )


def test_search_needs_a_query(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["search"])
    assert result.exit_code == 2
    assert "Missing argument 'QUERY...'" in result.stderr


def test_search_data_option(project: Path, runner: CliRunner) -> None:
    (project / "other.yaml").write_text(CATALOGUE, encoding="utf-8")
    result = runner.invoke(app, ["search", "djngo", "--data", "other.yaml"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "2022-09-01-djangonauts-unite\t2022-09-01\tDjangonauts unite\tDjangoCon Europe\tPorto, Portugal\t"
        "title,event,tags,description\n"
    )
    missing = runner.invoke(app, ["search", "x", "--data", "nope.yaml"])
    assert (missing.exit_code, missing.stderr) == (1, "nope.yaml: no such file\n")


def test_a_character_of_another_plane_that_is_no_letter_separates_words_as_a_space_does() -> None:
    import datetime as dt

    talks = [
        Talk(title="Rocket🚀Science", date=dt.date(2024, 1, 1), event="Conf", description="Fast 🐍 snakes; 𠀀𠀁 kept"),
        Talk(title="Rocket science", date=dt.date(2023, 1, 1), event="Conf"),
    ]
    # The emoji is a space in the folded text (its column then takes 2 bytes a
    # character, not 4); a letter of another plane (𠀀, CJK extension B) stays.
    columns, vocabularies = search.prepare(talks)
    assert columns["title"][0] == "rocket science\x00rocket science"
    assert columns["description"][0] == "fast   snakes; 𠀀𠀁 kept\x00"
    assert vocabularies["description"] == "fast\nkept\nsnakes\n𠀀𠀁"
    for query, found in [
        ('"rocket science"', ["Rocket🚀Science", "Rocket science"]),
        ("science", ["Rocket🚀Science", "Rocket science"]),
        ("fast snakes", ["Rocket🚀Science"]),
        ("𠀀𠀁", ["Rocket🚀Science"]),
        ("snkaes", ["Rocket🚀Science"]),
    ]:
        assert [hit.talk.title for hit in search.search(talks, query)] == found, query


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_the_matched_column_keeps_its_words_at_every_width(
    repo: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    # At 120 columns rich squeezed Matched, the last one, to ten letters: `descriptio` (audit).
    monkeypatch.setenv("COLUMNS", columns)
    result = runner.invoke(app, ["search", "reproducible", "--format", "table"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= int(columns) for line in lines)
    assert lines[0].split()[-1] == "Matched", result.stdout
    matched = [line.rsplit("│", 1)[-1].strip() for line in lines[2:]]
    assert "description:" in " ".join(matched).split() or any(m.startswith("description") for m in matched), (
        result.stdout
    )
    assert not any(
        word.startswith("descriptio") and word not in ("description", "description:")
        for m in matched
        for word in m.split()
    )
