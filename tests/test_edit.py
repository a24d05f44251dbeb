"""`talkcat edit ID --set FIELD=VALUE --unset FIELD`: only the touched keys' lines change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from talkcat.cli import app

CATALOGUE = """\
# My talks.
talks:
- title: Reproducible research   # keep this comment
  date: 2024-05-01
  event: 'PyCon DE'
  location: "Berlin, Germany"
  # topics, loosely
  tags: [reproducibility, python]
  link:
    label: Schedule
    url: https://example.org/schedule

- id: data-zurich
  title: Data pipelines
  date: 2023-03-10
  event: Data Meetup
  video: https://example.org/v
  description: |
    Old text.

- {title: Flow style, date: 2022-01-01, event: Meetup}
"""

DATA = Path("data/talks.yaml")
FIRST = "2024-05-01-reproducible-research"


@pytest.fixture
def repo(project: Path) -> Path:
    (project / DATA).write_text(CATALOGUE, encoding="utf-8")
    return project


def catalogue() -> str:
    return DATA.read_text(encoding="utf-8")


def edit(runner: CliRunner, *args: str) -> object:
    return runner.invoke(app, ["edit", *args])


def test_set_keeps_the_comment_and_every_other_line(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", FIRST, "--set", "title=Reproducible research, again", "--set", "event=PyCon"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "2024-05-01-reproducible-research-again\n"
    assert result.stderr == (
        "updated title, event of 'Reproducible research, again' (2024-05-01, PyCon) in data/talks.yaml\n"
        "note: the id changed from '2024-05-01-reproducible-research' to "
        "'2024-05-01-reproducible-research-again' (it is derived from the date and title)\n"
    )
    assert catalogue() == CATALOGUE.replace(
        "- title: Reproducible research   # keep", "- title: Reproducible research, again   # keep"
    ).replace("  event: 'PyCon DE'\n", "  event: PyCon\n")


def test_new_keys_go_in_field_order(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "edit",
            FIRST,
            "--set",
            "kind=keynote",
            "--set",
            "end-date=2024-05-02",
            "--set",
            "speakers=Ada, Grace",
            "--set",
            "language=English",
            "--set",
            "slides=https://example.org/s",
        ],
    )
    assert result.exit_code == 0, result.output
    assert catalogue() == CATALOGUE.replace(
        "  date: 2024-05-01\n", "  date: 2024-05-01\n  end_date: 2024-05-02\n"
    ).replace(
        '  location: "Berlin, Germany"\n',
        '  location: "Berlin, Germany"\n  kind: keynote\n  language: English\n  speakers:\n  - Ada\n  - Grace\n',
    ).replace(
        "    url: https://example.org/schedule\n",
        "    url: https://example.org/schedule\n  slides: https://example.org/s\n",
    )


def test_set_an_id_goes_first_on_the_dash_line(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", FIRST, "--set", "id=repro"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "repro\n"
    assert catalogue() == CATALOGUE.replace(
        "- title: Reproducible research", "- id: repro\n  title: Reproducible research"
    )
    back = runner.invoke(app, ["edit", "repro", "--unset", "id"])
    assert back.exit_code == 0, back.output
    assert catalogue() == CATALOGUE


def test_unset_removes_only_that_key(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", FIRST, "--unset", "location", "--unset", "link"])
    assert result.exit_code == 0, result.output
    assert catalogue() == CATALOGUE.replace('  location: "Berlin, Germany"\n', "").replace(
        "  link:\n    label: Schedule\n    url: https://example.org/schedule\n", ""
    )


def test_lists_take_commas(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", FIRST, "--set", "tags=science, open data,"])
    assert result.exit_code == 0, result.output
    assert catalogue() == CATALOGUE.replace(
        "  tags: [reproducibility, python]\n", "  tags:\n  - science\n  - open data\n"
    )


def test_link_labels(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", "data-zurich", "--set", "video.label=Watch it"])
    assert result.exit_code == 0, result.output
    assert catalogue() == CATALOGUE.replace(
        "  video: https://example.org/v\n", "  video:\n    label: Watch it\n    url: https://example.org/v\n"
    )
    result = runner.invoke(app, ["edit", FIRST, "--unset", "link.label", "--set", "link=https://example.org/new"])
    assert result.exit_code == 0, result.output
    assert "  link: https://example.org/new\n" in catalogue()
    result = runner.invoke(app, ["edit", "data-zurich", "--set", "video.url=https://example.org/w"])
    assert result.exit_code == 0, result.output
    assert "  video:\n    label: Watch it\n    url: https://example.org/w\n" in catalogue()


def test_description_replaced_by_text_and_by_file(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", "data-zurich", "--set", "description=New text."])
    assert result.exit_code == 0, result.output
    assert catalogue() == CATALOGUE.replace("  description: |\n    Old text.\n", "  description: New text.\n")
    Path("d.md").write_text("Line 1\nLine 2\n", encoding="utf-8")
    result = runner.invoke(app, ["edit", "data-zurich", "--description-file", "d.md"])
    assert result.exit_code == 0, result.output
    # The one-line description before it had no final line break: the new one has none either.
    assert catalogue() == CATALOGUE.replace(
        "  description: |\n    Old text.\n", "  description: |-\n    Line 1\n    Line 2\n"
    )


def test_date_today_and_a_date_out_of_order(repo: Path, runner: CliRunner) -> None:
    today = dt.date.today().isoformat()
    result = runner.invoke(app, ["edit", "data-zurich", "--set", "date=today"])
    assert result.exit_code == 0, result.output
    assert f"  date: {today}\n" in catalogue()
    assert result.stderr.endswith("note: the talk's lines stayed where they were, now out of date order\n")


def test_a_flow_mapping_entry_is_rewritten_whole(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", "2022-01-01-flow-style", "--set", "location=Online"])
    assert result.exit_code == 0, result.output
    assert catalogue() == CATALOGUE.replace(
        "- {title: Flow style, date: 2022-01-01, event: Meetup}\n",
        "- title: Flow style\n  date: 2022-01-01\n  event: Meetup\n  location: Online\n",
    )
    assert "note: the talk's entry was rewritten as a whole" in result.stderr


def test_an_accent_free_id_finds_its_talk(project: Path, runner: CliRunner) -> None:
    DATA.write_text("talks:\n- title: Zürich\n  date: 2020-01-01\n  event: E\n", encoding="utf-8")
    result = runner.invoke(app, ["edit", "2020-01-01-zurich", "--set", "location=Zürich"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "2020-01-01-zürich\n"


def test_nothing_changes_when_values_are_the_same(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", FIRST, "--set", "event=PyCon DE", "--unset", "language", "--set", "kind=talk"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{FIRST}\n"
    assert result.stderr == f"{FIRST}: nothing to change; data/talks.yaml is as it was\n"
    assert catalogue() == CATALOGUE


def test_unknown_id_suggests_the_closest(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", "2024-05-01-reproducible-reserch", "--set", "title=x"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "data/talks.yaml: no talk with id '2024-05-01-reproducible-reserch'\n"
        "hint: did you mean '2024-05-01-reproducible-research'?\n"
    )
    result = runner.invoke(app, ["edit", "zzz", "--set", "title=x"])
    assert result.stderr == (
        "data/talks.yaml: no talk with id 'zzz'\nhint: see every id with `talkcat list --data data/talks.yaml`\n"
    )
    assert catalogue() == CATALOGUE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "date=2024-02-30"], "--set date '2024-02-30' is not a real date (day is out of range for month)\n"),
        (
            ["--set", "kind=keynot"],
            "--set kind 'keynot' is not one of talk, keynote, workshop, tutorial, panel, lightning, poster, "
            "podcast, lecture (did you mean 'keynote'?)\n",
        ),
        (
            ["--set", "titel=x"],
            "--set: unknown field 'titel' (did you mean 'title'?)\nhint: fields: id, title, date, end_date, "
            "event, location, kind, language, speakers, tags, link, video, slides, description; and link.label, "
            "video.label, slides.label\n",
        ),
        (["--unset", "event"], "--unset event: a talk must have a event; --set it instead\n"),
        (["--set", "title= "], "--set title: give a value, or --unset title\n"),
        (["--set", "tags=,"], "--set tags: give at least one (comma-separated), or --unset tags\n"),
        (["--set", "video.label=x"], "this talk has no video: --set video=URL first\n"),
        (["--set", "end_date=2024-04-01"], "--set end_date 2024-04-01 is before date 2024-05-01\n"),
        (["--set", "link=https://bad host"], "--set link 'https://bad host' is not a valid URL (it contains spaces)\n"),
        (
            ["--set", "video=youtu.be/xyz"],
            "--set video 'youtu.be/xyz' is a web address without its scheme: did you mean 'https://youtu.be/xyz'?\n",
        ),
        (
            ["--set", "title=Ends in #"],
            "--set title ends in ' #', which a markdown heading drops; the README would lose it\n",
        ),
    ],
)
def test_bad_values_are_usage_errors_and_change_nothing(
    repo: Path, runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["edit", FIRST, *args])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
    assert catalogue() == CATALOGUE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "nothing to change: give --set FIELD=VALUE, --unset FIELD or --description TEXT"),
        (["--set", "title"], "--set wants FIELD=VALUE, not 'title'"),
        (["--set", "title=a", "--set", "title=b"], "title is changed twice; give it once"),
        (["--set", "description=x", "--description-file", "f"], "give the description once"),
        (["--description", "x", "--description-file", "f"], "not with both --description and --description-file"),
        (["--unset", "description", "--description", "x"], "not with both --unset description and --description"),
    ],
)
def test_usage_errors_are_exit_2(repo: Path, runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["edit", FIRST, *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert catalogue() == CATALOGUE


def test_data_and_sync(project: Path, runner: CliRunner) -> None:
    Path("talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    Path("docs.md").write_text("<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    result = runner.invoke(
        app, ["edit", "data-zurich", "--set", "title=Renamed", "--data", "talks.yaml", "--sync", "--readme", "docs.md"]
    )
    assert result.exit_code == 0, result.output
    assert "  title: Renamed\n" in Path("talks.yaml").read_text(encoding="utf-8")
    assert "### Renamed" in Path("docs.md").read_text(encoding="utf-8")
    assert result.stderr.endswith("docs.md updated (3 talks)\n")


def test_sync_runs_when_the_edit_changes_nothing(project: Path, runner: CliRunner) -> None:
    # The same edit again with --sync, to bring the README along: it said "nothing to change" and synced nothing.
    Path("talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    Path("docs.md").write_text("<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    args = [
        "edit",
        "data-zurich",
        "--set",
        "event=Data Meetup",
        "--data",
        "talks.yaml",
        "--sync",
        "--readme",
        "docs.md",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stderr == "data-zurich: nothing to change; talks.yaml is as it was\ndocs.md updated (3 talks)\n"
    assert Path("talks.yaml").read_text(encoding="utf-8") == CATALOGUE
    assert runner.invoke(app, ["sync-readme", "--check", "--data", "talks.yaml", "--readme", "docs.md"]).exit_code == 0


def test_an_id_prefix_names_the_talk_it_took(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", "2024-05", "--set", "location=Darmstadt, Germany"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{FIRST}\n"
    assert result.stderr == (
        f"'2024-05' is {FIRST}: 'Reproducible research' (2024-05-01, PyCon DE)\n"
        "updated location of 'Reproducible research' (2024-05-01, PyCon DE) in data/talks.yaml\n"
    )
    assert catalogue() == CATALOGUE.replace('"Berlin, Germany"', "Darmstadt, Germany")
    # The start of an explicit id too, and in another case: the one talk it fits.
    assert runner.invoke(app, ["edit", "DATA-z", "--set", "kind=panel"]).stderr.startswith("'DATA-z' is data-zurich: ")


def test_a_prefix_of_several_ids_names_them_and_changes_nothing(repo: Path, runner: CliRunner) -> None:
    (repo / DATA).write_text(CATALOGUE.replace("Flow style, date: 2022-01-01", "Flow style, date: 2024-05-02"))
    before = catalogue()
    result = runner.invoke(app, ["edit", "2024-05", "--set", "kind=panel"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "data/talks.yaml: '2024-05' is the start of 2 ids: 2024-05-01-reproducible-research, 2024-05-02-flow-style\n"
        "hint: give more of the id\n"
    )
    assert catalogue() == before


def test_description_as_text(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["edit", "data-zurich", "--description", "New text.\n\n## More\n\nDetails."])
    assert result.exit_code == 0, result.output
    assert catalogue() == CATALOGUE.replace(
        "  description: |\n    Old text.\n", "  description: |\n    New text.\n\n    ## More\n\n    Details.\n"
    )


def test_edit_replaces_a_quoted_description_whose_line_starts_with_a_hash(project: Path, runner: CliRunner) -> None:
    text = (
        'talks:\n- title: A\n  date: 2024-01-01\n  event: E\n  description: "Intro\n\n## Outline"\n'
        "- title: B\n  date: 2023-01-01\n  event: E\n"
    )
    (project / DATA).write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["edit", "2024-01-01-a", "--set", "description=New text"])
    assert result.exit_code == 0, result.output
    assert catalogue() == text.replace('"Intro\n\n## Outline"', "New text")
    assert "rewritten as a whole" not in result.stderr
