"""parse_block / parse_folder_readme: README markdown back to catalogue entries."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest
from helpers import SEED_README, parse_block, talks, title_survives_atx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talkcat.errors import Problem, TalkcatError
from talkcat.importer import locate_problems, read_block, read_folder_readme
from talkcat.model import Talk, sort_talks
from talkcat.render import render_block


def parse_folder_readme(text: str, folder: str, **kwargs: Any) -> dict[str, Any]:
    return read_folder_readme(text, folder, **kwargs).entry


HEADER = "| Event | Location | Date | Link | Video | Slides |\n|---|---|---|---|---|---|\n"


def md(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def seed_block() -> tuple[str, int]:
    text = SEED_README.read_text(encoding="utf-8")
    before, rest = text.split("<!-- TALKS -->\n")
    return rest.split("<!-- //TALKS -->")[0], before.count("\n") + 2


def error_of(block: str, **kwargs: Any) -> str:
    with pytest.raises(TalkcatError) as caught:
        parse_block(block, **kwargs)
    return str(caught.value)


# The seed README.


def test_seed_first_talk() -> None:
    block, _ = seed_block()
    first = parse_block(block)[0]
    assert list(first) == ["title", "date", "event", "location", "slides", "description"]
    assert first["title"] == "How to find your people actually"
    assert first["date"] == dt.date(2023, 4, 19)
    assert first["location"] == "Online"
    assert first["slides"] == "2023-04-19 Community Talk/"
    # Trailing spaces after sentences are the README's text: kept (two would be a hard break).
    assert first["description"].startswith("A guide on how to find")
    assert "beliefs. \n\nThe author" in first["description"]
    assert first["description"].endswith("welcoming to everyone.")


def test_seed_links_keep_labels_and_urls() -> None:
    block, _ = seed_block()
    second = parse_block(block)[1]
    assert second["link"] == {"label": "Pydata", "url": "https://global2022.pydata.org/cfp/talk/Y9VFDD/"}
    assert second["video"] == {"label": "Youtube", "url": "https://youtu.be/I1st7eeyo2k"}
    assert list(second)[:2] == ["title", "date"]


def test_seed_description_running_into_next_heading() -> None:
    block, _ = seed_block()
    talks = parse_block(block)
    assert [t["title"] for t in talks][2:4] == [
        "Increase citations, ease review & collaboration – Making machine learning in research reproducible",
        "Application to Software Sustainability Institute Fellowship 2022",
    ]
    assert talks[2]["description"].endswith("using existing Python libraries.")
    assert "video" not in talks[2]  # an empty cell is left out


def test_seed_sub_headings_shift_up() -> None:
    block, _ = seed_block()
    description = parse_block(block)[3]["description"]
    assert description.startswith("### 🔁 THE REPRODUCIBILITY CRISIS\nMachine learning")
    assert "\n## CONCLUSION\n" in description
    assert "#####" not in description


def test_base_url_resolves_relative_targets() -> None:
    block, _ = seed_block()
    first = parse_block(block, base_url="https://github.com/me/talks/tree/main/")[0]
    assert first["slides"] == {
        "label": "Slides",
        "url": "https://github.com/me/talks/tree/main/2023-04-19%20Community%20Talk/",
    }


def test_each_field_keeps_the_file_line_it_was_read_from() -> None:
    block, first_line = seed_block()
    talks = read_block(block, path="README.md", first_line=first_line)
    assert [(t.path, t.lines) for t in talks[:2]] == [
        ("README.md", {"title": 8, "event": 13, "date": 13, "location": 13, "slides": 13, "description": 15}),
        (
            "README.md",
            {
                "title": 22,
                "event": 27,
                "date": 27,
                "location": 27,
                "link": 27,
                "video": 27,
                "slides": 27,
                "description": 29,
            },
        ),
    ]
    assert [t.entry for t in talks] == parse_block(block)


# Problems found in the catalogue, moved back to the README.

FENCED = md(
    """
    ### First

    | Event | Date | Slides |
    |---|---|---|
    | E | 2023-01-02 | [Slides](missing/) |

    ### Second

    | Event | Date |
    |---|---|
    | F | 2022-01-02 |

    Text.

    ```python
    never closed
    """
)


def located(block: str, catalogue_problems: list[tuple[int | None, str | None, str]], on_disk: int = 0) -> list[str]:
    """Problems about (talk, field, message) of the catalogue import writes, as located in README.md."""
    talks = read_block(block, first_line=5)
    problems = [
        Problem("data/talks.yaml", 1, 3, message, entry=entry, field=field)
        for entry, field, message in catalogue_problems
    ]
    return [str(p) for p in locate_problems(problems, talks, unnamed=problems[:on_disk])]


def test_problems_are_located_at_the_source_line_of_their_field() -> None:
    problems = [
        (0, "slides", "'missing/' does not exist in the repository (/r)"),
        (0, "title", "title is wrong"),
        (1, "description", "description line 3: the code block '```python' is never closed"),
        (1, "event", "event is wrong"),
        (1, None, "duplicate id"),  # about the talk as a whole: its heading
    ]
    assert located(FENCED, problems, on_disk=1) == [
        "README.md:9: slides 'missing/' does not exist in the repository (/r)",
        "README.md:5: title is wrong",
        "README.md:19: description: the code block '```python' is never closed",
        "README.md:15: event is wrong",
        "README.md:11: duplicate id",
    ]


def test_a_problem_about_no_talk_stays_where_it_was() -> None:
    assert located(FENCED, [(None, None, "talks is wrong")]) == ["data/talks.yaml:1:3: talks is wrong"]


def test_validation_says_which_talk_and_field_each_problem_is_about(tmp_path: Path) -> None:
    from talkcat import yamlread
    from talkcat.validate import Rules, check_document, check_local_paths

    text = textwrap.dedent(
        """\
        talks:
        - title: A
          date: 2023-01-02
          event: E
        - title: B
          date: 2023-02-30
          slides: {url: missing/, lable: x}
          tags: [ok, '']
        """
    )
    checked = check_document(yamlread.load(text, "t.yaml"), "t.yaml", Rules())
    found = [*checked.problems, *check_local_paths(checked, "t.yaml", tmp_path)]
    assert [(p.line, p.entry, p.field) for p in found] == [
        (5, 1, "event"),  # missing: at the talk's first line
        (6, 1, "date"),
        (7, 1, "slides"),  # its unknown key
        (8, 1, "tags"),
        (7, 1, "slides"),  # not in the repository
    ]


# Tables.


def test_columns_in_any_order_any_case_some_missing() -> None:
    block = md(
        """
        ### T

        |  date      | EVENT |  slides  |
        |:-----------|------:|----------|
        | 2020-01-02 |  PyCon  | https://x.org/s.pdf |
        """
    )
    assert parse_block(block) == [
        {"title": "T", "date": dt.date(2020, 1, 2), "event": "PyCon", "slides": "https://x.org/s.pdf"}
    ]


def test_escaped_pipes_date_range_and_autolink() -> None:
    block = "### A \\| B\n\n" + HEADER + "| x \\| y | a\\|b | 2020-01-02 – 2020-01-04 | <https://x.org> | | |\n"
    [entry] = parse_block(block)
    assert entry["title"] == "A \\| B"  # a title is markdown: kept as written
    assert entry["event"] == "x | y"
    assert entry["location"] == "a|b"
    assert entry["end_date"] == dt.date(2020, 1, 4)
    assert entry["link"] == "https://x.org"


def test_relative_targets() -> None:
    row = "| E | | 2020-01-02 | [Notes](notes/a%20b.md) | [Video](rec.mp4) | [Deck](x%28y%29/) |\n"
    [entry] = parse_block("### T\n\n" + HEADER + row)
    assert entry["link"] == {"label": "Notes", "url": "notes/a b.md"}
    assert entry["video"] == "rec.mp4"  # labelled with its column's name: a bare path
    assert entry["slides"] == {"label": "Deck", "url": "x(y)/"}


def test_crlf_block() -> None:
    block = "### T\r\n\r\n" + HEADER.replace("\n", "\r\n") + "| E | | 2020-01-02 | | | |\r\n\r\nBody  \r\n"
    [entry] = parse_block(block)
    assert entry["description"] == "Body  "  # trailing spaces are the text's (two: a hard break)


def test_empty_block() -> None:
    assert parse_block("") == []
    assert parse_block("\n\n") == []


# Errors, with the file line.


def test_text_before_first_talk() -> None:
    message = error_of("\nIntro text.\n\n### T\n", path="README.md", first_line=7)
    assert message == "README.md:8: text before the first talk heading (### Title)"


def test_talk_without_table() -> None:
    assert error_of("### T\n\nJust text.\n", first_line=3).startswith("README.md:3: the talk 'T' has no table")
    assert "has no table" in error_of("### T\n")


def test_missing_title_event_date() -> None:
    assert "without a title" in error_of("###\n\n" + HEADER + "| E | | 2020-01-02 | | | |\n")
    assert error_of("### T\n\n" + HEADER + "|  | | 2020-01-02 | | | |\n") == "README.md:5: 'T' has no Event"
    assert error_of("### T\n\n| Event |\n|--|\n| E |\n") == "README.md:5: 'T' has no Date"


@pytest.mark.parametrize("date", ["2020/01/02", "20200102", "2020-1-2", "2020-02-30", "soon", "2020-01-02 – 3"])
def test_dates_must_be_iso(date: str) -> None:
    message = error_of(f"### T\n\n| Event | Date |\n|--|--|\n| E | {date} |\n")
    assert message.startswith("README.md:5: not an ISO date")


def test_unknown_column_and_two_rows() -> None:
    assert error_of("### T\n\n| Event | Date | Notes |\n|--|--|--|\n| E | 2020-01-02 | x |\n") == (
        "README.md:3: unknown column 'Notes'; the columns are Event, Location, Date, Link, Video, Slides"
    )
    two_rows = "### T\n\n| Event | Date |\n|--|--|\n| E | 2020-01-02 |\n| F | 2020-01-03 |\n"
    assert error_of(two_rows, first_line=10) == "README.md:15: the table of 'T' has more than one row"


def test_bad_link_cells() -> None:
    def link_error(cell: str) -> str:
        return error_of("### T\n\n| Event | Date | Video |\n|--|--|--|\n| E | 2020-01-02 | " + cell + " |\n")

    assert "must be one link or a bare URL" in link_error("soon")
    assert "must be one link or a bare URL" in link_error("[a](https://a.org) [b](https://b.org)")
    assert "title" in link_error('[a](https://a.org "t")')


def test_description_heading_above_talk_level() -> None:
    block = "### T\n\n" + HEADER + "| E | | 2020-01-02 | | | |\n\nText\n\n## Other section\n"
    assert error_of(block, first_line=2).startswith("README.md:10: a level-2 heading in a description")


# Folder READMEs (the old layout: one folder per talk).


def test_folder_readme_without_video_column() -> None:
    text = md(
        """
        # How to find your people

        | Event | Location | Date | Link |
        | ----- | -------- | ---- | ---- |
        | SSI | Online | 2023-04-19 | [SSI](https://ssi.org) |

        A guide.

        ## Why
        Because.
        """
    )
    assert parse_folder_readme(text, "2023-04-19 Community Talk", path="x/README.md") == {
        "title": "How to find your people",
        "date": dt.date(2023, 4, 19),
        "event": "SSI",
        "location": "Online",
        "link": {"label": "SSI", "url": "https://ssi.org"},
        "slides": "2023-04-19 Community Talk/",
        "description": "A guide.\n\n## Why\nBecause.",
    }


def test_folder_readme_with_code_fence_comment() -> None:
    text = md(
        """
        # Title

        | Event | Date | Video | Slides |
        |---|---|---|---|
        | E | 2021-01-02 | https://v.org/1 | [Slides](deck.pdf) |

        ```bash
        # comment, not a heading
        make slides
        ```

        > # A quoted heading is the quote's own
        """
    )
    entry = parse_folder_readme(text, "talks/2021 E/", path="talks/2021 E/README.md")
    assert entry["slides"] == "talks/2021 E/deck.pdf"
    assert entry["video"] == "https://v.org/1"
    assert entry["description"] == (
        "```bash\n# comment, not a heading\nmake slides\n```\n\n> # A quoted heading is the quote's own"
    )


def test_folder_readme_second_title_is_refused_at_its_line() -> None:
    """A description is written as if under `# Title`: a second `# ` would pass for a talk in the README."""
    text = md(
        """
        # Title

        | Event | Date |
        |---|---|
        | E | 2021-01-02 |

        Intro.

        # Details
        More.
        """
    )
    with pytest.raises(TalkcatError) as caught:
        parse_folder_readme(text, "a", path="a/README.md")
    assert str(caught.value) == (
        "a/README.md:9: a second level-1 heading in the README of 'Title'; the description sits under "
        "its `# Title`, so its headings start at `##`: make this one `##` or deeper"
    )


FOLDER_README = md(
    """
    # Title

    | Event | Date | Link |
    |---|---|---|
    | E | 2021-01-02 | [Notes](notes%20v2.md) |

    Text.
    """
)


def test_folder_readme_slides_is_the_path_from_the_repository_root() -> None:
    talk = read_folder_readme(FOLDER_README, "talks/2021-01-02 E", path="talks/2021-01-02 E/README.md")
    assert talk.entry == {
        "title": "Title",
        "date": dt.date(2021, 1, 2),
        "event": "E",
        "link": {"label": "Notes", "url": "talks/2021-01-02 E/notes v2.md"},
        "slides": "talks/2021-01-02 E/",
        "description": "Text.",
    }
    # The folder is the README as a whole: its problems are reported at its title.
    assert talk.lines == {"title": 1, "event": 5, "date": 5, "link": 5, "slides": 1, "description": 7}


def test_folder_readme_with_base_url_links_to_the_published_folder() -> None:
    base = "https://github.com/me/talks/tree/main/"
    entry = parse_folder_readme(FOLDER_README, "talks/2021-01-02 E/", path="README.md", base_url=base)
    assert entry["link"] == {"label": "Notes", "url": base + "talks/2021-01-02%20E/notes%20v2.md"}
    assert entry["slides"] == {"label": "Slides", "url": base + "talks/2021-01-02%20E/"}
    assert list(entry) == ["title", "date", "event", "link", "slides", "description"]
    # A folder at the repository root is the base URL itself.
    assert parse_folder_readme(FOLDER_README, "", path="README.md", base_url=base)["slides"] == {
        "label": "Slides",
        "url": base,
    }


def test_folder_readme_must_start_with_title() -> None:
    with pytest.raises(TalkcatError, match=r"^a/README.md:1: a talk folder's README must start"):
        parse_folder_readme("Some text\n", "a", path="a/README.md")


# The round trip: catalogue -> README block -> catalogue.


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(st.lists(talks(), max_size=4))
def test_render_then_import_gives_the_talks_back(generated: list[Talk]) -> None:
    block = render_block(generated)
    back = [Talk.from_mapping(entry) for entry in parse_block(block)]
    assert back == sort_talks(generated)


def test_title_survives_atx() -> None:
    assert title_survives_atx("C#")
    assert title_survives_atx("A \\#")
    assert title_survives_atx("#1 talk")
    assert not title_survives_atx("A #")
    assert not title_survives_atx("##")


@pytest.mark.parametrize(
    "args",
    [
        ["import", "README.md", "--data", "afile/talks.yaml"],
        ["export", "--format", "csv", "--output", "afile/talks.csv"],
    ],
)
def test_a_folder_that_cannot_be_made_is_a_clear_error(project: Path, args: list[str]) -> None:
    from typer.testing import CliRunner

    from talkcat.cli import app

    (project / "afile").write_text("a file, not a folder\n", encoding="utf-8")
    (project / "README.md").write_text("<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    (project / "data" / "talks.yaml").write_text("talks: []\n", encoding="utf-8")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.endswith(f"{args[-1]}: cannot make the folder afile: File exists\n")
    assert "Traceback" not in result.output
    assert (project / "afile").read_text(encoding="utf-8") == "a file, not a folder\n"
