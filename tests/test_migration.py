"""Migrating a speaker's README: sync-readme never drops or undoes what it did not write (issue 9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import SEED_README, git, stamped, unstamped
from typer.testing import CliRunner

from talkcat.cli import app

SEED_FOLDERS = (
    "2023-04-19 Community Talk",
    "2022-12-02 Pydata Global",
    "2022-09-01 Euroscipy",
    "2021-10-31 SSI Fellowship Application",
    "2021-10-28 Pydata Global",
)
TITLES = (
    (8, "How to find your people actually"),
    (22, "Real-world Perspectives to Avoid the Worst Mistakes using Machine Learning in Science"),
    (49, "Increase citations, ease review & collaboration – Making machine learning in research reproducible"),
    (60, "Application to Software Sustainability Institute Fellowship 2022"),
    (103, "How to Guarantee No One Understands What You Did in Your Machine Learning Project"),
)
FIRST_ID = "2023-04-19-how-to-find-your-people-actually"


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def speaker(project: Path) -> Path:
    """The speaker's repository: the hand-kept README, and a folder per talk."""
    shutil.copy(SEED_README, project / "README.md")
    for folder in SEED_FOLDERS:
        (project / folder).mkdir()
        (project / folder / "slides.md").write_text("# Slides\n", encoding="utf-8")
    git(project, "add", "-A")  # the speaker's slides are in the repository
    return project


def block(project: Path) -> str:
    return (project / "README.md").read_text(encoding="utf-8").split("<!-- TALKS -->\n")[1].split("<!-- //TALKS -->")[0]


def synced(speaker: Path, runner: CliRunner) -> str:
    """Import the seed, then sync: the README then holds talkcat's own block."""
    assert invoke(runner, "import", "README.md")[0] == 0
    assert invoke(runner, "sync-readme") == (0, "", "README.md updated (5 talks)\n")
    return (speaker / "README.md").read_text(encoding="utf-8")


def edit_readme(speaker: Path, old: str, new: str) -> bytes:
    readme = speaker / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    readme.write_text(text.replace(old, new), encoding="utf-8")
    return readme.read_bytes()


# -- 1. Never empty or shrink a block silently


def test_init_then_sync_keeps_the_hand_kept_talks(speaker: Path, runner: CliRunner) -> None:
    original = (speaker / "README.md").read_bytes()
    code, _, err = invoke(runner, "init", "--yes")
    assert code == 0
    assert (
        "  README.md: holds 5 talks between the markers: run `talkcat import README.md` before the first sync\n"
    ) in err
    assert err.endswith(
        "done. Next: `talkcat import README.md`, `talkcat sync-readme`, and `pre-commit install` to run the hook on every commit\n"
    )
    assert (speaker / "README.md").read_bytes() == original

    code, out, err = invoke(runner, "sync-readme")
    assert (code, out) == (1, "")
    assert err == "".join(
        f"README.md:{line}: {title!r} is in the README but not in data/talks.yaml\n" for line, title in TITLES
    ) + (
        "hint: the README holds talks talkcat did not write; nothing was written. Take them into the catalogue "
        "first: `talkcat import README.md`; or pass --force to replace them (they are lost)\n"
    )
    assert (speaker / "README.md").read_bytes() == original
    assert invoke(runner, "sync-readme", "--check")[0] == 1  # CI sees it too
    assert (speaker / "README.md").read_bytes() == original


def test_force_replaces_the_hand_kept_talks(speaker: Path, runner: CliRunner) -> None:
    (speaker / "data" / "talks.yaml").write_text("talks: []\n", encoding="utf-8")
    assert invoke(runner, "sync-readme", "--force") == (0, "", "README.md updated (0 talks)\n")
    assert block(speaker) == ""


def test_after_import_the_first_sync_replaces_the_block(speaker: Path, runner: CliRunner) -> None:
    text = synced(speaker, runner)
    assert unstamped(block(speaker)).startswith("### How to find your people actually\n")  # stamped
    assert invoke(runner, "sync-readme") == (0, "", "README.md is up to date\n")
    assert (speaker / "README.md").read_text(encoding="utf-8") == text


def test_a_removed_talk_leaves_the_block(speaker: Path, runner: CliRunner) -> None:
    synced(speaker, runner)
    assert invoke(runner, "remove", FIRST_ID, "--yes")[0] == 0
    assert invoke(runner, "sync-readme") == (0, "", "README.md updated (4 talks)\n")
    assert "How to find your people actually" not in block(speaker)


def test_a_talk_added_by_hand_is_kept_and_named(speaker: Path, runner: CliRunner) -> None:
    synced(speaker, runner)
    talk = (
        "### Added by hand\n\n| Event | Location | Date | Link | Video | Slides |\n"
        "| --- | --- | --- | --- | --- | --- |\n| PyCon | Online | 2024-01-01 | | | |\n\nIts abstract.\n\n"
    )
    edited = edit_readme(speaker, "<!-- TALKS -->\n", "<!-- TALKS -->\n" + talk)
    code, _, err = invoke(runner, "sync-readme")
    assert (code, err) == (
        1,
        "README.md:8: 'Added by hand' is in the README but not in data/talks.yaml\n"
        "hint: the README holds talks talkcat did not write; nothing was written. Take them into the catalogue "
        "first: `talkcat import README.md --update`; or pass --force to replace them (they are lost)\n",
    )
    assert (speaker / "README.md").read_bytes() == edited

    assert invoke(runner, "import", "README.md", "--update") == (
        0,
        "",
        "README.md:8: added 'Added by hand'\nimported into data/talks.yaml: 1 added, 0 updated, 5 unchanged\n",
    )
    assert invoke(runner, "sync-readme") == (0, "", "README.md updated (6 talks)\n")
    assert "### Added by hand\n\n| Event   |" in block(speaker)


def test_a_talk_deleted_by_hand_is_named(speaker: Path, runner: CliRunner) -> None:
    synced(speaker, runner)
    text = (speaker / "README.md").read_text(encoding="utf-8")
    start = text.index("### How to find your people actually")
    end = text.index("### Real-world Perspectives")
    (speaker / "README.md").write_text(text[:start] + text[end:], encoding="utf-8")
    code, _, err = invoke(runner, "sync-readme")
    assert (code, err) == (
        1,
        "README.md:8: 'How to find your people actually' is in data/talks.yaml but not in the block: added since "
        f"the last sync, or deleted from the block by hand (to take it out of the catalogue too: talkcat remove "
        f"{FIRST_ID})\n"
        "hint: the README was changed since talkcat wrote it; nothing was written. Put the change into "
        "data/talks.yaml with the command above, then sync again; or pass --force to discard it\n",
    )
    assert invoke(runner, "remove", FIRST_ID, "--yes")[0] == 0
    assert invoke(runner, "sync-readme")[0] == 0


# -- 2. A hand edit inside the block is not silently undone


def test_a_typo_fixed_in_the_block_is_not_reverted(speaker: Path, runner: CliRunner) -> None:
    synced(speaker, runner)
    edited = edit_readme(speaker, "| Online     | 2023-04-19 |", "| Online     | 2023-04-20 |")
    code, _, err = invoke(runner, "sync-readme")
    assert (code, err) == (
        1,
        "README.md:12: 'How to find your people actually': Date changed by hand: 2023-04-20 here, 2023-04-19 in "
        "data/talks.yaml\n"
        "README.md:12: 'How to find your people actually': to keep the change, run: "
        f"talkcat edit {FIRST_ID} --set date=2023-04-20\n"
        "hint: the README was changed since talkcat wrote it; nothing was written. Put the change into "
        "data/talks.yaml with the command above, then sync again; or pass --force to discard it\n",
    )
    assert (speaker / "README.md").read_bytes() == edited
    assert invoke(runner, "sync-readme", "--check")[0] == 1
    code, out, _ = invoke(runner, "sync-readme", "--diff")
    assert code == 1  # and the diff shows what --force would discard
    assert "-| SSI Community Building Group | Online     | 2023-04-20 |" in out
    assert "+| SSI Community Building Group | Online     | 2023-04-19 |" in out
    assert (speaker / "README.md").read_bytes() == edited

    # The command it names takes the change into the catalogue; then the sync goes through.
    assert invoke(runner, "edit", FIRST_ID, "--set", "date=2023-04-20")[0] == 0
    assert invoke(runner, "sync-readme") == (0, "", "README.md updated (5 talks)\n")
    assert "| Online     | 2023-04-20 |" in block(speaker)


def test_edited_links_name_the_edit_that_keeps_them(speaker: Path, runner: CliRunner) -> None:
    synced(speaker, runner)
    edit_readme(speaker, "[Youtube](https://youtu.be/I1st7eeyo2k)", "[Recording](https://youtu.be/new)")
    code, _, err = invoke(runner, "sync-readme")
    lines = err.split("\n")
    assert code == 1
    assert lines[1] == (
        "README.md:24: 'Real-world Perspectives to Avoid the Worst Mistakes using Machine Learning in Science': "
        "to keep the change, run: talkcat edit "
        "2022-12-02-real-world-perspectives-to-avoid-the-worst-mistakes-using-machine-learning-in-science "
        "--set video=https://youtu.be/new --set video.label=Recording"
    )
    command = lines[1].split("run: talkcat ")[1].split(" ")
    assert invoke(runner, *command)[0] == 0
    assert invoke(runner, "sync-readme")[0] == 0
    assert "[Recording](https://youtu.be/new)" in block(speaker)


def test_import_update_takes_the_hand_edits_back(speaker: Path, runner: CliRunner) -> None:
    synced(speaker, runner)
    catalogue = speaker / "data" / "talks.yaml"
    catalogue.write_text("# my talks\n" + catalogue.read_text(encoding="utf-8"), encoding="utf-8")
    before = catalogue.read_text(encoding="utf-8")
    edit_readme(speaker, "A guide on how to find and build", "A guide to finding and building")
    code, _, err = invoke(runner, "sync-readme")
    assert code == 1
    assert err.startswith(
        "README.md:14: 'How to find your people actually': the description was changed by hand "
        "(data/talks.yaml has another)\n"
        "README.md:14: 'How to find your people actually': to keep the changes, run: "
        "talkcat import README.md --update\n"
    )
    assert invoke(runner, "import", "README.md", "--update", "--dry-run") == (
        0,
        "--- a/data/talks.yaml\n+++ b/data/talks.yaml\n@@ -6,7 +6,7 @@\n"
        "   location: Online\n   slides: 2023-04-19 Community Talk/\n   description: |-\n"
        "-    A guide on how to find and build a community that is welcoming, diverse, and aligned with your beliefs. \n"
        "+    A guide to finding and building a community that is welcoming, diverse, and aligned with your beliefs. \n"
        " \n"
        "     The author, Jesper Dramsch, shares their personal experience of participating in various communities, "
        "including queer munches, gaming discords, and professional communities, and highlights the issues that led "
        "to their departure, such as lack of diversity and recognition, questionable ethics, and personality cults. \n"
        " \n",
        "README.md:8: updated description of 'How to find your people actually' (data/talks.yaml:3)\n"
        "would import into data/talks.yaml: 0 added, 1 updated, 4 unchanged; nothing was written\n",
    )
    assert catalogue.read_text(encoding="utf-8") == before
    assert invoke(runner, "import", "README.md", "--update")[0] == 0
    after = catalogue.read_text(encoding="utf-8")
    # Only that line changed: the comment and every other byte stay.
    assert after == before.replace("A guide on how to find and build", "A guide to finding and building")
    assert invoke(runner, "sync-readme") == (0, "", "README.md updated (5 talks)\n")


def test_force_discards_the_hand_edits(speaker: Path, runner: CliRunner) -> None:
    text = synced(speaker, runner)
    edit_readme(speaker, "| Online     | 2023-04-19 |", "| Online     | 2023-04-20 |")
    assert invoke(runner, "sync-readme", "--force") == (0, "", "README.md updated (5 talks)\n")
    assert (speaker / "README.md").read_text(encoding="utf-8") == text


def test_layout_only_changes_are_not_edits(speaker: Path, runner: CliRunner) -> None:
    text = synced(speaker, runner)
    edit_readme(speaker, "| Online     | 2023-04-19 |", "| Online | 2023-04-19 |")  # a table re-padded
    assert invoke(runner, "sync-readme") == (0, "", "README.md updated (5 talks)\n")
    assert (speaker / "README.md").read_text(encoding="utf-8") == text


def test_a_block_written_by_a_template_is_protected_too(speaker: Path, runner: CliRunner) -> None:
    synced(speaker, runner)
    (speaker / "talks.md.j2").write_text("{% for t in talks %}- {{ t.title }}\n{% endfor %}", encoding="utf-8")
    (speaker / "talkcat.toml").write_text('template = "talks.md.j2"\n', encoding="utf-8")
    assert invoke(runner, "sync-readme")[0] == 0  # talkcat's own block: replaced
    edited = edit_readme(speaker, "- How to find your people actually\n", "- How to find my people\n")
    code, _, err = invoke(runner, "sync-readme")
    assert (code, err.split("\n")[0]) == (1, "README.md:8: the block was changed since talkcat wrote it")
    assert (speaker / "README.md").read_bytes() == edited


def test_the_stamp_is_an_html_comment_after_a_blank_line(speaker: Path, runner: CliRunner) -> None:
    synced(speaker, runner)
    content = unstamped(block(speaker))
    assert block(speaker) == stamped(content)
    assert content.startswith("### How to find your people actually\n")


# -- 7. Import reports what it decided


def test_two_talks_with_one_title_and_date_are_both_imported(project: Path, runner: CliRunner) -> None:
    talk = "### Keynote\n\n| Event | Location | Date | Link | Video | Slides |\n| - | - | - | - | - | - |\n| E | | 2024-05-01 | | | |\n"
    (project / "README.md").write_text(f"<!-- TALKS -->\n{talk}\n{talk}<!-- //TALKS -->\n", encoding="utf-8")
    assert invoke(runner, "import", "README.md") == (
        0,
        "",
        "README.md:2: note: 'Keynote' (2024-05-01) comes again at line 8; both are imported\n"
        "README.md:8: note: 'Keynote' (2024-05-01) is also at line 2: imported with the id '2024-05-01-keynote-2'\n"
        "imported 2 talks into data/talks.yaml\n",
    )
    assert "- id: 2024-05-01-keynote-2\n  title: Keynote\n" in (project / "data/talks.yaml").read_text(encoding="utf-8")


def test_import_dry_run_prints_the_catalogue_and_writes_nothing(speaker: Path, runner: CliRunner) -> None:
    code, out, err = invoke(runner, "import", "README.md", "--dry-run")
    assert (code, err) == (0, "would import 5 talks into data/talks.yaml; nothing was written\n")
    assert out.startswith("talks:\n- title: How to find your people actually\n  date: 2023-04-19\n")
    assert list((speaker / "data").iterdir()) == []
    assert invoke(runner, "import", "README.md")[0] == 0
    assert (speaker / "data" / "talks.yaml").read_text(encoding="utf-8") == out


def test_a_hard_line_break_survives_import(project: Path, runner: CliRunner) -> None:
    talk = (
        "### T\n\n| Event | Location | Date | Link | Video | Slides |\n| - | - | - | - | - | - |\n"
        "| E | | 2024-05-01 | | | |\n\nRoses are red,  \nviolets are blue.\n"
    )
    (project / "README.md").write_text(f"<!-- TALKS -->\n{talk}<!-- //TALKS -->\n", encoding="utf-8")
    assert invoke(runner, "import", "README.md")[0] == 0
    assert "    Roses are red,  \n    violets are blue.\n" in (project / "data/talks.yaml").read_text(encoding="utf-8")
    assert invoke(runner, "sync-readme")[0] == 0
    assert "Roses are red,  \nviolets are blue.\n" in block(project)


def test_import_folders_skips_a_readme_that_is_no_talk(speaker: Path, runner: CliRunner) -> None:
    (speaker / "notes").mkdir()
    (speaker / "notes" / "README.md").write_text("# Notes\n\nIdeas for talks.\n", encoding="utf-8")
    (speaker / "2022-09-01 Euroscipy" / "README.md").write_text(
        "# Increase citations\n\n| Event | Location | Date | Link | Video |\n| - | - | - | - | - |\n"
        "| Euroscipy 2022 | Basel | 2022-09-01 | | |\n",
        encoding="utf-8",
    )
    assert invoke(runner, "import", "--folders", ".") == (
        0,
        "",
        "notes/README.md:1: note: skipped, not a talk (the talk 'Notes' has no table right after its heading); "
        "--exclude notes says so\nimported 1 talk into data/talks.yaml\n"
        "talkcat.toml: folder_readmes = true: sync-readme keeps each talk folder's README.md in sync from now on\n",
    )
    (speaker / "data" / "talks.yaml").unlink()
    assert invoke(runner, "import", "--folders", ".", "--exclude", "note*") == (  # the setting is there now
        0,
        "",
        "imported 1 talk into data/talks.yaml\n",
    )


def test_import_update_and_force_exclude_each_other(speaker: Path, runner: CliRunner) -> None:
    code, _, err = invoke(runner, "import", "README.md", "--update", "--force")
    assert code == 2
    assert "--update keeps the catalogue's talks and --force replaces them: give one" in err


# -- 5. Per-talk folder READMEs stay in sync

FOLDER_README = (
    "# How to find your people actually\n\n| Event | Location | Date | Link | Video |\n"
    "| ----- | -------- | ---- | ---- | ----- |\n| SSI Community Building Group | Online | 2023-04-19 |  | |\n\n"
    "A guide on how to find and build a community.\n"
)


@pytest.fixture
def folders(speaker: Path, runner: CliRunner) -> Path:
    """The speaker's repository migrated from one talk folder: folder_readmes is on."""
    (speaker / "2023-04-19 Community Talk" / "README.md").write_text(FOLDER_README, encoding="utf-8")
    (speaker / "README.md").write_text("# Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    assert invoke(runner, "import", "--folders", ".")[0] == 0
    assert (speaker / "talkcat.toml").read_text(encoding="utf-8") == "folder_readmes = true\n"
    return speaker


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_folder_readme_is_rewritten_from_the_catalogue(folders: Path, runner: CliRunner) -> None:
    folder = folders / "2023-04-19 Community Talk"
    assert invoke(runner, "sync-readme", "--check") == (
        3,
        "",
        "README.md is out of date; run `talkcat sync-readme` to update it\n"
        "2023-04-19 Community Talk/README.md is out of date; run `talkcat sync-readme` to update it\n",
    )
    code, out, _ = invoke(runner, "sync-readme", "--diff")
    assert code == 0 and "+++ b/2023-04-19 Community Talk/README.md\n" in out
    assert (folder / "README.md").read_text(encoding="utf-8") == FOLDER_README
    assert invoke(runner, "sync-readme")[0] == 0
    assert (folder / "README.md").read_text(encoding="utf-8") == stamped(
        "# How to find your people actually\n\n"
        "| Event                        | Location   | Date       | Link   | Video   |\n"
        "|------------------------------|------------|------------|--------|---------|\n"
        "| SSI Community Building Group | Online     | 2023-04-19 |        |         |\n\n"
        "A guide on how to find and build a community.\n",
        "../data/talks.yaml",
    )
    assert files(folder) == {"README.md": (folder / "README.md").read_bytes(), "slides.md": b"# Slides\n"}
    assert invoke(runner, "sync-readme") == (0, "", "README.md is up to date\n1 talk folder README up to date\n")


def test_an_edit_to_a_talk_shows_in_its_folder_readme(folders: Path, runner: CliRunner) -> None:
    assert invoke(runner, "sync-readme")[0] == 0
    assert invoke(runner, "edit", FIRST_ID, "--set", "video=https://youtu.be/abc", "--sync")[0] == 0
    assert "| https://youtu.be/abc |" in (folders / "2023-04-19 Community Talk" / "README.md").read_text(
        encoding="utf-8"
    )


def test_a_new_talk_with_a_slides_folder_gets_its_readme(folders: Path, runner: CliRunner) -> None:
    assert invoke(runner, "sync-readme")[0] == 0
    args = ["add", "--title", "Euroscipy", "--date", "2022-09-01", "--event", "Euroscipy 2022"]
    assert invoke(runner, *args, "--slides", "2022-09-01 Euroscipy/", "--sync")[0] == 0
    text = (folders / "2022-09-01 Euroscipy" / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# Euroscipy\n\n| Event          |")
    assert files(folders / "2022-09-01 Euroscipy").keys() == {"README.md", "slides.md"}


def test_a_hand_edit_in_a_folder_readme_is_not_reverted(folders: Path, runner: CliRunner) -> None:
    assert invoke(runner, "sync-readme")[0] == 0
    readme = folders / "2023-04-19 Community Talk" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("| Online     |", "| Zurich     |"), encoding="utf-8")
    edited = readme.read_bytes()
    code, _, err = invoke(runner, "sync-readme")
    assert (code, err) == (
        1,
        "README.md is up to date\n"
        "2023-04-19 Community Talk/README.md:5: 'How to find your people actually': Location changed by hand: "
        "'Zurich' here, 'Online' in data/talks.yaml\n"
        "2023-04-19 Community Talk/README.md:5: 'How to find your people actually': to keep the change, run: "
        f"talkcat edit {FIRST_ID} --set location=Zurich\n"
        "hint: the README was changed since talkcat wrote it; nothing was written. Put the change into "
        "data/talks.yaml with the command above, then sync again; or pass --force to discard it\n",
    )
    assert readme.read_bytes() == edited
    assert invoke(runner, "import", "--folders", ".", "--update")[2].endswith(
        "imported into data/talks.yaml: 0 added, 1 updated, 0 unchanged\n"
    )
    assert invoke(runner, "sync-readme")[0] == 0
    assert "| Zurich     |" in readme.read_text(encoding="utf-8")


def test_a_folder_readme_that_is_no_talk_is_left_alone(folders: Path, runner: CliRunner) -> None:
    readme = folders / "2023-04-19 Community Talk" / "README.md"
    readme.write_text("# Notes\n\nWhat I learned giving this talk.\n", encoding="utf-8")
    code, _, err = invoke(runner, "sync-readme")
    assert code == 1
    assert err == (
        "2023-04-19 Community Talk/README.md:1: this README is not a talk as talkcat writes one: "
        "the talk 'Notes' has no table right after its heading\n"
        "hint: with folder_readmes = true talkcat writes the README.md of each talk's slides folder, and "
        "2023-04-19 Community Talk/README.md holds text of your own: move it to a file of its own (NOTES.md, "
        "say) and sync again, or set folder_readmes = false in the config; nothing was written\n"
    )
    assert readme.read_text(encoding="utf-8") == "# Notes\n\nWhat I learned giving this talk.\n"
    # As it says: the notes moved, the sync goes through.
    readme.rename(readme.with_name("NOTES.md"))
    assert invoke(runner, "sync-readme")[0] == 0
    assert (readme.parent / "NOTES.md").read_text(encoding="utf-8") == "# Notes\n\nWhat I learned giving this talk.\n"


def test_without_the_setting_folder_readmes_are_not_touched(speaker: Path, runner: CliRunner) -> None:
    (speaker / "2023-04-19 Community Talk" / "README.md").write_text(FOLDER_README, encoding="utf-8")
    synced(speaker, runner)
    assert (speaker / "2023-04-19 Community Talk" / "README.md").read_text(encoding="utf-8") == FOLDER_README


def test_import_folders_dry_run_says_it_would_turn_folder_readmes_on(speaker: Path, runner: CliRunner) -> None:
    (speaker / "2023-04-19 Community Talk" / "README.md").write_text(FOLDER_README, encoding="utf-8")
    code, _, err = invoke(runner, "import", "--folders", ".", "--dry-run")
    assert (code, err.split("\n")[-3:]) == (
        0,
        [
            "would import 1 talk into data/talks.yaml; nothing was written",
            "talkcat.toml: would set folder_readmes = true (sync-readme would keep each talk folder's README.md)",
            "",
        ],
    )
    assert not (speaker / "talkcat.toml").exists()


def test_init_names_talk_folders_and_their_import(speaker: Path, runner: CliRunner) -> None:
    (speaker / "2023-04-19 Community Talk" / "README.md").write_text(FOLDER_README, encoding="utf-8")
    (speaker / "notes").mkdir()
    (speaker / "notes" / "README.md").write_text("# Notes\n\nNot a talk.\n", encoding="utf-8")
    code, _, err = invoke(runner, "init", "--yes")
    assert code == 0
    assert (
        "  2023-04-19 Community Talk/README.md: the README of a talk: `talkcat import --folders .` reads it, "
        "and from then on keeps it in sync (folder_readmes = true)\n"
    ) in err
    assert "done. Next: `talkcat import --folders .` (or `talkcat import README.md`), `talkcat sync-readme`" in err
