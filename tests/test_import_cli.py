"""`talkcat import` end to end: a README or talk folders in, data/talks.yaml out, then `sync-readme`."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from helpers import ROOT, SEED_README, cells_by_talk, git, seed_readme_text, stamped
from typer.testing import CliRunner

from talkcat.cli import app

BASE = "https://github.com/JesperDramsch/talks/tree/main/"
START, END = "<!-- TALKS -->\n", "<!-- //TALKS -->"
SEED_FOLDERS = [
    "2023-04-19 Community Talk",
    "2022-12-02 Pydata Global",
    "2022-09-01 Euroscipy",
    "2021-10-31 SSI Fellowship Application",
    "2021-10-28 Pydata Global",
]
MISSING_HINT = (
    "hint: nothing was written to data/talks.yaml; pass --base-url URL to link relative paths where they are "
    "published, or fix README.md and import again\n"
)


def md(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def split(readme: str) -> tuple[str, str, str]:
    """The text before the block, the block, and the text after it."""
    before, rest = readme.split(START)
    block, after = rest.split(END)
    return before + START, block, END + after


def text_lines(block: str) -> list[str]:
    """The headings and description lines, trailing spaces dropped; blank lines, tables and the stamp left out."""
    return [
        line.rstrip()
        for line in block.split("\n")
        if line.strip() and not line.startswith(("|", "<!-- written by talkcat"))
    ]


def copy_seed(project: Path) -> str:
    text = seed_readme_text()
    (project / "README.md").write_text(text, encoding="utf-8")
    return text


# The seed README.


def test_seed_with_base_url_then_sync_changes_no_cell_and_no_line(project: Path, runner: CliRunner) -> None:
    original = copy_seed(project)
    imported = invoke(runner, "import", "README.md", "--base-url", BASE)
    assert imported == (0, "", "imported 5 talks into data/talks.yaml\n")
    # The shipped catalogue is this import plus a schema line and two `kind:` edits (README, "made that way").
    shipped = (ROOT / "data" / "talks.yaml").read_text(encoding="utf-8")
    expected = re.sub(r"\A# yaml-language-server.*\n|  kind: (workshop|tutorial)\n", "", shipped)
    assert (project / "data" / "talks.yaml").read_text(encoding="utf-8") == expected

    code, out, err = invoke(runner, "sync-readme")
    assert (code, out, err) == (0, "", "README.md updated (5 talks)\n")
    synced = (project / "README.md").read_text(encoding="utf-8")
    before, block, after = split(original)
    assert synced.startswith(before) and synced.endswith(after)
    new_block = split(synced)[1]
    old_cells, new_cells = cells_by_talk(block), cells_by_talk(new_block)
    assert len(old_cells) == len(new_cells) == 5
    for old, new in zip(old_cells, new_cells):
        # The slides folders now link into the speaker's repository; nothing else moves.
        folder = re.fullmatch(r"\[Slides\]\((.*)\)", old.pop("Slides"))
        assert folder and new.pop("Slides") == f"[Slides]({BASE}{folder[1]})"
        assert new == old
    assert text_lines(new_block) == text_lines(block)
    assert invoke(runner, "sync-readme") == (0, "", "README.md is up to date\n")


def test_seed_with_its_slides_folders_round_trips_every_cell(project: Path, runner: CliRunner) -> None:
    original = copy_seed(project)
    for folder in SEED_FOLDERS:
        (project / folder).mkdir()
    assert invoke(runner, "import", "README.md") == (0, "", "imported 5 talks into data/talks.yaml\n")
    assert "  slides: 2023-04-19 Community Talk/\n" in (project / "data" / "talks.yaml").read_text(encoding="utf-8")
    assert invoke(runner, "sync-readme")[0] == 0
    block, new_block = split(original)[1], split((project / "README.md").read_text(encoding="utf-8"))[1]
    assert cells_by_talk(new_block) == cells_by_talk(block)
    assert text_lines(new_block) == text_lines(block)


def test_seed_without_its_slides_folders_is_reported_at_the_readme(project: Path, runner: CliRunner) -> None:
    copy_seed(project)
    root = project.resolve()
    assert invoke(runner, "import", "README.md") == (
        1,
        "",
        f"README.md:13: slides '2023-04-19 Community Talk/' does not exist in the repository ({root})\n"
        f"README.md:27: slides '2022-12-02 Pydata Global/' does not exist in the repository ({root})\n"
        f"README.md:53: slides '2022-09-01 Euroscipy/' does not exist in the repository ({root})\n"
        f"README.md:64: slides '2021-10-31 SSI Fellowship Application/' does not exist in the repository ({root})\n"
        f"README.md:107: slides '2021-10-28 Pydata Global/' does not exist in the repository ({root})\n" + MISSING_HINT,
    )
    assert list((project / "data").iterdir()) == []


def test_seed_by_another_path_names_that_path(project: Path, runner: CliRunner) -> None:
    code, _, err = invoke(runner, "import", str(SEED_README), "--data", "data/seed.yaml")
    assert code == 1
    assert err.startswith(f"{SEED_README}:13: slides '2023-04-19 Community Talk/' does not exist")
    assert err.endswith(f"or fix {SEED_README} and import again\n")
    assert not (project / "data" / "seed.yaml").exists()


# The old layout: one folder per talk.

NO_VIDEO = md(
    """
    # How to Guarantee No One Understands What You Did in Your Machine Learning Project

    | Event | Location | Date | Link |
    | ----- | -------- | ---- | ---- |
    | Pydata Global 2021 | Online | 2021-10-30 | [Pydata](https://pydata.org/global2021/) |

    Machine learning projects are hard to follow. 

    ## What you will learn
    - Reproducibility
    """
)
WITH_VIDEO = md(
    """
    # Increase citations

    | Event | Location | Date | Link | Video |
    |---|---|---|---|---|
    | Euroscipy 2022 | Basel, Switzerland | 2022-09-01 | [Euroscipy](https://pretalx.com/8RAJX7/) | https://youtu.be/x |

    A tutorial:

    ```python
    # a comment, not a heading
    ```
    """
)
FOLDERS_CATALOGUE = md(
    """
    talks:
    - title: Increase citations
      date: 2022-09-01
      event: Euroscipy 2022
      location: Basel, Switzerland
      link:
        label: Euroscipy
        url: https://pretalx.com/8RAJX7/
      video: https://youtu.be/x
      slides: talks/2022-09-01 Euroscipy/
      description: |-
        A tutorial:

        ```python
        # a comment, not a heading
        ```
    - title: How to Guarantee No One Understands What You Did in Your Machine Learning Project
      date: 2021-10-30
      event: Pydata Global 2021
      location: Online
      link:
        label: Pydata
        url: https://pydata.org/global2021/
      slides: talks/2021-10-28 Pydata Global/
      description: |-
        Machine learning projects are hard to follow. 

        ## What you will learn
        - Reproducibility
    """
)


FOLDER_READMES_ON = "folder_readmes = true: sync-readme keeps each talk folder's README.md in sync from now on\n"


def make_folders(parent: Path) -> None:
    for name, text in (("2021-10-28 Pydata Global", NO_VIDEO), ("2022-09-01 Euroscipy", WITH_VIDEO)):
        (parent / name).mkdir(parents=True)
        (parent / name / "README.md").write_text(text, encoding="utf-8")
    (parent / "assets").mkdir()  # no README.md: not a talk
    (parent / ".github").mkdir()


def test_folders_below_the_repository_root_then_sync(project: Path, runner: CliRunner) -> None:
    make_folders(project / "talks")
    git(project, "add", "-A")  # the talk folders are in the repository
    assert invoke(runner, "import", "--folders", "talks") == (
        0,
        "",
        f"imported 2 talks into data/talks.yaml\ntalkcat.toml: {FOLDER_READMES_ON}",
    )
    assert (project / "talkcat.toml").read_text(encoding="utf-8") == "folder_readmes = true\n"
    assert (project / "data" / "talks.yaml").read_text(encoding="utf-8") == FOLDERS_CATALOGUE
    (project / "README.md").write_text("# Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    # The folders' READMEs are talkcat's from now on: rewritten from the catalogue, in the same layout.
    assert invoke(runner, "sync-readme") == (
        0,
        "",
        "README.md updated (2 talks)\n"
        "talks/2022-09-01 Euroscipy/README.md updated\n"
        "talks/2021-10-28 Pydata Global/README.md updated\n",
    )
    assert (project / "talks/2021-10-28 Pydata Global/README.md").read_text(encoding="utf-8") == stamped(
        md(
            """
            # How to Guarantee No One Understands What You Did in Your Machine Learning Project

            | Event              | Location   | Date       | Link                                     | Video   |
            |--------------------|------------|------------|------------------------------------------|---------|
            | Pydata Global 2021 | Online     | 2021-10-30 | [Pydata](https://pydata.org/global2021/) |         |

            Machine learning projects are hard to follow.\x20

            ## What you will learn
            - Reproducibility
            """
        ),
        "../../data/talks.yaml",
    )
    assert invoke(runner, "sync-readme") == (0, "", "README.md is up to date\n2 talk folder READMEs up to date\n")
    assert (project / "README.md").read_text(encoding="utf-8") == "# Talks\n\n<!-- TALKS -->\n" + stamped(
        md(
            """
        ### Increase citations

        | Event          | Location           | Date       | Link                                     | Video              | Slides                                  |
        |----------------|--------------------|------------|------------------------------------------|--------------------|-----------------------------------------|
        | Euroscipy 2022 | Basel, Switzerland | 2022-09-01 | [Euroscipy](https://pretalx.com/8RAJX7/) | https://youtu.be/x | [Slides](talks/2022-09-01%20Euroscipy/) |

        A tutorial:

        ```python
        # a comment, not a heading
        ```

        ### How to Guarantee No One Understands What You Did in Your Machine Learning Project

        | Event              | Location   | Date       | Link                                     | Video   | Slides                                        |
        |--------------------|------------|------------|------------------------------------------|---------|-----------------------------------------------|
        | Pydata Global 2021 | Online     | 2021-10-30 | [Pydata](https://pydata.org/global2021/) |         | [Slides](talks/2021-10-28%20Pydata%20Global/) |

        Machine learning projects are hard to follow. 

        #### What you will learn
        - Reproducibility
        """
        )
    ) + "<!-- //TALKS -->\n"
    assert invoke(runner, "validate")[0] == 0


def test_folders_from_inside_the_folder_keep_the_path_from_the_root(
    project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_folders(project / "talks")
    monkeypatch.chdir(project / "talks")
    code, _, err = invoke(runner, "import", "--folders", ".", "--data", "../data/talks.yaml")
    assert (code, err) == (0, f"imported 2 talks into ../data/talks.yaml\n../talkcat.toml: {FOLDER_READMES_ON}")
    assert (project / "data" / "talks.yaml").read_text(encoding="utf-8") == FOLDERS_CATALOGUE


def test_one_folder_is_one_talk(project: Path, runner: CliRunner) -> None:
    (project / "2021-10-28 Pydata Global").mkdir()
    (project / "2021-10-28 Pydata Global" / "README.md").write_text(NO_VIDEO, encoding="utf-8")
    assert invoke(runner, "import", "--folders", ".") == (
        0,
        "",
        f"imported 1 talk into data/talks.yaml\ntalkcat.toml: {FOLDER_READMES_ON}",
    )
    assert "  slides: 2021-10-28 Pydata Global/\n" in (project / "data" / "talks.yaml").read_text(encoding="utf-8")


def test_folders_with_base_url(project: Path, runner: CliRunner) -> None:
    make_folders(project / "talks")
    assert invoke(runner, "import", "--folders", "talks", "--base-url", BASE)[0] == 0
    assert (project / "data" / "talks.yaml").read_text(encoding="utf-8") == FOLDERS_CATALOGUE.replace(
        "  slides: talks/2022-09-01 Euroscipy/\n",
        f"  slides:\n    label: Slides\n    url: {BASE}talks/2022-09-01%20Euroscipy/\n",
    ).replace(
        "  slides: talks/2021-10-28 Pydata Global/\n",
        f"  slides:\n    label: Slides\n    url: {BASE}talks/2021-10-28%20Pydata%20Global/\n",
    )


def test_folders_with_base_url_are_paths_in_their_own_repository(project: Path, runner: CliRunner) -> None:
    """A clone of the speaker's talks repository, beside or inside this one: the URL publishes that one."""
    make_folders(project / "vendor" / "talks")
    (project / "vendor" / "talks" / ".git").mkdir()
    assert invoke(runner, "import", "--folders", "vendor/talks", "--base-url", BASE)[0] == 0
    catalogue = (project / "data" / "talks.yaml").read_text(encoding="utf-8")
    assert f"    url: {BASE}2022-09-01%20Euroscipy/\n" in catalogue
    assert f"    url: {BASE}2021-10-28%20Pydata%20Global/\n" in catalogue


def test_folders_outside_the_repository_are_refused(
    project: Path, runner: CliRunner, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    make_folders(elsewhere)
    assert invoke(runner, "import", "--folders", str(elsewhere)) == (
        1,
        "",
        f"{elsewhere}: the talk folders are outside the repository ({project.resolve()})\n"
        "hint: pass --base-url URL to link to the folders where they are published\n",
    )
    assert list((project / "data").iterdir()) == []


def test_folder_readme_with_a_second_title_is_refused_at_its_line(project: Path, runner: CliRunner) -> None:
    make_folders(project / "talks")
    readme = project / "talks" / "2022-09-01 Euroscipy" / "README.md"
    readme.write_text(WITH_VIDEO + "\n# Details\n", encoding="utf-8")
    assert invoke(runner, "import", "--folders", "talks") == (
        1,
        "",
        "talks/2022-09-01 Euroscipy/README.md:13: a second level-1 heading in the README of 'Increase citations'; "
        "the description sits under its `# Title`, so its headings start at `##`: make this one `##` or deeper\n",
    )
    assert list((project / "data").iterdir()) == []


def test_folder_readme_problems_found_by_validation_are_reported_there(project: Path, runner: CliRunner) -> None:
    make_folders(project / "talks")
    readme = project / "talks" / "2022-09-01 Euroscipy" / "README.md"
    readme.write_text(
        WITH_VIDEO.replace("| https://youtu.be/x |", "| [Notes](notes.md) |") + "\n```\nopen fence\n",
        encoding="utf-8",
    )
    assert invoke(runner, "import", "--folders", "talks") == (
        1,
        "",
        "talks/2022-09-01 Euroscipy/README.md:5: video 'talks/2022-09-01 Euroscipy/notes.md' does not exist "
        f"in the repository ({project.resolve()})\n"
        "talks/2022-09-01 Euroscipy/README.md:13: description: the code block '```' is never closed; "
        "in the README it would swallow the talks after it\n"
        "hint: nothing was written to data/talks.yaml; pass --base-url URL to link relative paths where they are "
        "published, or fix the folder READMEs named above and import again\n",
    )
    assert list((project / "data").iterdir()) == []


# Replacing a catalogue, and READMEs without a block.

ONE_TALK = "# my talks\ntalks:\n- title: Kept\n  date: 2020-01-01\n  event: E\n"


def test_a_catalogue_with_talks_is_kept_unless_force(project: Path, runner: CliRunner) -> None:
    copy_seed(project)
    catalogue = project / "data" / "talks.yaml"
    catalogue.write_bytes(ONE_TALK.encode("utf-8"))
    assert invoke(runner, "import", "README.md", "--base-url", BASE) == (
        1,
        "",
        "data/talks.yaml: the catalogue already exists and is not empty; nothing was imported\n"
        "hint: pass --update to add the talks it lacks and take the changed fields, or --force to replace it\n",
    )
    assert catalogue.read_bytes() == ONE_TALK.encode("utf-8")

    assert invoke(runner, "import", "README.md", "--base-url", BASE, "--force") == (
        0,
        "",
        "imported 5 talks into data/talks.yaml\n",
    )
    text = catalogue.read_text(encoding="utf-8")
    assert text.startswith("# my talks\ntalks:\n- title: How to find your people actually\n")
    assert "Kept" not in text


def test_an_empty_catalogue_is_replaced_without_force(project: Path, runner: CliRunner) -> None:
    copy_seed(project)
    catalogue = project / "data" / "talks.yaml"
    catalogue.write_text("talks: []\n", encoding="utf-8")
    assert invoke(runner, "import", "README.md", "--base-url", BASE)[0:2] == (0, "")
    assert catalogue.read_text(encoding="utf-8").startswith("talks:\n- title: How to find your people actually\n")


def test_a_readme_without_markers(project: Path, runner: CliRunner) -> None:
    (project / "README.md").write_text("# Talks\n\nnone yet\n", encoding="utf-8")
    assert invoke(runner, "import", "README.md") == (
        1,
        "",
        "README.md: no <!-- TALKS --> ... <!-- //TALKS --> block\n"
        "hint: put the two marker lines where the talks should go:\n"
        "<!-- TALKS -->\n"
        "<!-- //TALKS -->\n",
    )
    (project / "README.md").write_text("# Talks\n\n<!-- TALKS -->\n### A talk\n", encoding="utf-8")
    assert invoke(runner, "import", "README.md") == (
        1,
        "",
        "README.md:3: <!-- TALKS --> has no <!-- //TALKS --> after it\n",
    )
    assert list((project / "data").iterdir()) == []


def test_a_block_whose_start_marker_sits_in_a_list_item_is_read_on_its_own(project: Path, runner: CliRunner) -> None:
    # The README is parsed once, and the block's talks are read from that parse when the
    # start marker is a block of its own; indented under a list item it is not, and the
    # block is parsed alone, as sync-readme writes it.
    talk = "### T\n\n| Event | Location | Date | Link | Video | Slides |\n| - | - | - | - | - | - |\n| E | | 2024-05-01 | | | |\n"
    (project / "README.md").write_text(f"- my talks:\n  <!-- TALKS -->\n{talk}<!-- //TALKS -->\n", encoding="utf-8")
    assert invoke(runner, "import", "README.md") == (0, "", "imported 1 talk into data/talks.yaml\n")
    assert "- title: T\n  date: 2024-05-01\n  event: E\n" in (project / "data/talks.yaml").read_text(encoding="utf-8")
