"""Branches merged, rebased and cherry-picked by the real git, with the merge driver `talkcat init` sets up.

Each repository is made by `talkcat init` and `talkcat add --sync`, as a
speaker's would be; git runs `talkcat merge-driver` from PATH (the talkcat
installed beside this Python).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

BIN = str(Path(sys.executable).parent)


def _env() -> dict[str, str]:
    # git's config is the test's own (conftest's `_isolated`): none of this machine's settings.
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GIT_AUTHOR_NAME": "Speaker",
        "GIT_AUTHOR_EMAIL": "speaker@example.org",
        "GIT_COMMITTER_NAME": "Speaker",
        "GIT_COMMITTER_EMAIL": "speaker@example.org",
        "GIT_EDITOR": "true",
    }


class Repo:
    """A speaker's talks repository: git and talkcat run in it as a person would."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = _env()

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(["git", *args], cwd=self.path, capture_output=True, text=True, env=self.env)
        if check and result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
        return result

    def talkcat(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "talkcat", *args], cwd=self.path, capture_output=True, text=True, env=self.env
        )

    def add(self, title: str, date: str, event: str, *more: str) -> None:
        result = self.talkcat("add", "--title", title, "--date", date, "--event", event, *more, "--no-input", "--sync")
        assert result.returncode == 0, result.stderr

    def edit(self, talk_id: str, *changes: str) -> None:
        args = [arg for change in changes for arg in ("--set", change)]
        result = self.talkcat("edit", talk_id, *args, "--sync")
        assert result.returncode == 0, result.stderr

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def read(self, name: str = "data/talks.yaml") -> str:
        return (self.path / name).read_bytes().decode("utf-8")

    def write(self, text: str, name: str = "data/talks.yaml") -> None:
        (self.path / name).write_bytes(text.encode("utf-8"))

    def in_sync(self) -> None:
        validate = self.talkcat("validate")
        assert validate.returncode == 0, validate.stdout + validate.stderr
        check = self.talkcat("sync-readme", "--check")
        assert check.returncode == 0, check.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A repository set up by `talkcat init`, with one talk committed on main."""
    made = Repo(tmp_path / "talks")
    made.path.mkdir()
    made.git("init", "-q", "-b", "main")
    init = made.talkcat("init", "--yes")
    assert init.returncode == 0, init.stderr
    made.add("Reproducible ML", "2024-03-07", "PyCon DE 2024", "--location", "Berlin, Germany")
    made.commit("first talk")
    return made


def _talks(text: str) -> list[str]:
    return re.findall(r"^- title: (.*)$", text, re.MULTILINE)


def test_init_sets_up_the_driver_and_a_clone_sets_it_up_again(repo: Repo, tmp_path: Path) -> None:
    assert repo.read(".gitattributes") == (
        "# talkcat: merge the catalogue talk by talk, and the README's talks from it (talkcat init)\n"
        "data/talks.yaml merge=talkcat\n"
        "README.md merge=talkcat\n"
    )
    assert repo.git("check-attr", "merge", "--", "data/talks.yaml", "README.md", "talks/x/README.md").stdout == (
        "data/talks.yaml: merge: talkcat\nREADME.md: merge: talkcat\ntalks/x/README.md: merge: talkcat\n"
    )
    driver = repo.git("config", "merge.talkcat.driver").stdout
    assert driver.startswith(
        "if command -v talkcat >/dev/null 2>&1; then talkcat merge-driver --marker-size %L %O %A %B %P;"
    )
    # .git/config is not committed: a clone has the attributes but no driver, until `talkcat init`.
    clone = Repo(tmp_path / "clone")
    subprocess.run(["git", "clone", "-q", str(repo.path), str(clone.path)], check=True, env=repo.env)
    assert clone.git("config", "merge.talkcat.driver", check=False).returncode == 1
    plan = clone.talkcat("init", "--dry-run")
    assert plan.stderr == (
        "talkcat init would change:\n"
        "  .git/config: add the merge driver talkcat (not committed: `talkcat init` sets it up in each clone)\n"
    )
    assert clone.talkcat("init", "--yes").returncode == 0
    assert clone.git("config", "merge.talkcat.driver").stdout == driver
    again = clone.talkcat("init", "--yes")
    assert again.stderr == "nothing to do: the catalogue, the README and the hook are set up\n"


def test_two_branches_adding_a_talk_the_same_week_merge_without_a_conflict(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.add("Data pipelines", "2024-05-02", "EuroPython 2024", "--location", "Prague, Czechia")
    repo.commit("a talk on the feature branch")
    repo.git("checkout", "-q", "main")
    repo.add("Testing ML code", "2024-04-29", "PyData Berlin", "--tag", "testing")
    repo.commit("a talk on main")
    merged = repo.git("merge", "-q", "--no-edit", "feature", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert _talks(repo.read()) == ["Data pipelines", "Testing ML code", "Reproducible ML"]
    repo.in_sync()
    # Against each parent, the merge shows only the other branch's talk.
    assert _changed_lines(repo, "HEAD^1") == [
        "+- title: Data pipelines",
        "+  date: 2024-05-02",
        "+  event: EuroPython 2024",
        "+  location: Prague, Czechia",
    ]
    assert _changed_lines(repo, "HEAD^2") == [
        "+- title: Testing ML code",
        "+  date: 2024-04-29",
        "+  event: PyData Berlin",
        "+  tags:",
        "+  - testing",
    ]
    assert repo.git("status", "--porcelain").stdout == ""


def _changed_lines(repo: Repo, parent: str, name: str = "data/talks.yaml") -> list[str]:
    diff = repo.git("diff", "-U0", parent, "HEAD", "--", name).stdout
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_edits_to_different_fields_of_one_talk_merge(repo: Repo) -> None:
    talk = "2024-03-07-reproducible-ml"
    repo.git("checkout", "-q", "-b", "feature")
    repo.edit(talk, "video=https://youtu.be/abc")
    repo.commit("the video")
    repo.git("checkout", "-q", "main")
    repo.edit(talk, "location=Darmstadt, Germany", "tags=ml,science")
    repo.commit("where it was, and tags")
    assert repo.git("merge", "-q", "--no-edit", "feature", check=False).returncode == 0
    assert repo.read() == dedent(
        """\
        # yaml-language-server: $schema=talks.schema.json
        talks:
        - title: Reproducible ML
          date: 2024-03-07
          event: PyCon DE 2024
          location: Darmstadt, Germany
          tags:
          - ml
          - science
          video: https://youtu.be/abc
        """
    )
    repo.in_sync()


def test_a_talk_removed_on_one_side_and_left_alone_on_the_other_is_removed(repo: Repo) -> None:
    repo.add("Old talk", "2023-01-10", "Meetup")
    repo.commit("an old talk")
    repo.git("checkout", "-q", "-b", "feature")
    assert repo.talkcat("remove", "2023-01-10-old-talk", "--yes", "--sync").returncode == 0
    repo.commit("not that one")
    repo.git("checkout", "-q", "main")
    repo.add("New talk", "2024-06-01", "Conf")
    repo.commit("a new one")
    assert repo.git("merge", "-q", "--no-edit", "feature", check=False).returncode == 0
    assert _talks(repo.read()) == ["New talk", "Reproducible ML"]
    repo.in_sync()


CONFLICTED = dedent(
    """\
    # yaml-language-server: $schema=talks.schema.json
    talks:
    - title: Reproducible ML
      date: 2024-03-07
      event: PyCon DE 2024
    <<<<<<< ours
      location: Munich, Germany
    =======
      location: Darmstadt, Germany
    >>>>>>> theirs
      video: https://youtu.be/abc
    """
)


def test_the_same_field_changed_both_ways_stops_the_merge_and_validate_names_it(repo: Repo) -> None:
    talk = "2024-03-07-reproducible-ml"
    repo.git("checkout", "-q", "-b", "feature")
    repo.edit(talk, "location=Darmstadt, Germany")
    repo.commit("it was in Darmstadt")
    repo.git("checkout", "-q", "main")
    repo.edit(talk, "location=Munich, Germany", "video=https://youtu.be/abc")
    repo.commit("it was in Munich")
    merged = repo.git("merge", "--no-edit", "feature", check=False)
    assert merged.returncode == 1
    assert "CONFLICT (content): Merge conflict in data/talks.yaml" in merged.stdout
    message = (
        "data/talks.yaml:6:1: merge conflict in 'Reproducible ML' (2024-03-07-reproducible-ml), "
        "location: 'Munich, Germany' in ours, 'Darmstadt, Germany' in theirs"
    )
    assert message in merged.stderr
    assert repo.read() == CONFLICTED
    validate = repo.talkcat("validate")
    assert (validate.returncode, validate.stdout, validate.stderr) == (
        1,
        message + "\n",
        "1 problem in data/talks.yaml\n",
    )
    # The README waits for the catalogue: ours' side of the conflict, and git stops on it too.
    assert repo.git("status", "--porcelain").stdout == "UU README.md\nUU data/talks.yaml\n"
    assert "| PyCon DE 2024 | Munich, Germany | 2024-03-07 |" in repo.read("README.md")
    # Resolved by hand (theirs' location, both kept the video), synced, committed.
    repo.write(
        CONFLICTED.replace("<<<<<<< ours\n  location: Munich, Germany\n=======\n", "").replace(">>>>>>> theirs\n", "")
    )
    assert repo.talkcat("validate").returncode == 0
    assert repo.talkcat("sync-readme").returncode == 0
    repo.git("add", "data/talks.yaml", "README.md")
    repo.git("commit", "-q", "--no-edit")
    repo.in_sync()
    assert "| PyCon DE 2024 | Darmstadt, Germany | 2024-03-07 |" in repo.read("README.md")
    assert repo.git("log", "-1", "--format=%P").stdout.count(" ") == 1  # a merge commit


def test_a_talk_removed_on_one_side_and_changed_on_the_other_is_a_conflict(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    assert repo.talkcat("remove", "2024-03-07-reproducible-ml", "--yes", "--sync").returncode == 0
    repo.add("Another talk", "2024-01-05", "Meetup")
    repo.commit("gone, and another")
    repo.git("checkout", "-q", "main")
    repo.edit("2024-03-07-reproducible-ml", "video=https://youtu.be/abc")
    repo.commit("its video")
    assert repo.git("merge", "--no-edit", "feature", check=False).returncode == 1
    assert repo.read() == dedent(
        """\
        # yaml-language-server: $schema=talks.schema.json
        talks:
        <<<<<<< ours
        - title: Reproducible ML
          date: 2024-03-07
          event: PyCon DE 2024
          location: Berlin, Germany
          video: https://youtu.be/abc
        =======
        >>>>>>> theirs
        - title: Another talk
          date: 2024-01-05
          event: Meetup
        """
    )
    validate = repo.talkcat("validate")
    assert validate.stdout == (
        "data/talks.yaml:3:1: merge conflict at 'Reproducible ML' (2024-03-07-reproducible-ml): "
        "ours has this talk, theirs does not\n"
    )
    # And the other way round: removed in ours, changed in theirs.
    repo.git("merge", "--abort")
    repo.git("checkout", "-q", "feature")
    assert repo.git("merge", "--no-edit", "main", check=False).returncode == 1
    validate = repo.talkcat("validate")
    assert validate.stdout == (
        "data/talks.yaml:3:1: merge conflict at 'Reproducible ML' (2024-03-07-reproducible-ml): "
        "theirs has this talk, ours does not\n"
    )


def test_crlf_catalogues_stay_crlf(repo: Repo) -> None:
    repo.write(repo.read().replace("\n", "\r\n"))
    repo.commit("CRLF, as an editor on Windows writes it")
    repo.git("checkout", "-q", "-b", "feature")
    repo.add("Data pipelines", "2024-05-02", "EuroPython 2024")
    repo.commit("feature")
    repo.git("checkout", "-q", "main")
    repo.add("Testing ML code", "2024-04-29", "PyData Berlin")
    repo.edit("2024-03-07-reproducible-ml", "video=https://youtu.be/abc")
    repo.commit("main")
    assert repo.git("merge", "-q", "--no-edit", "feature", check=False).returncode == 0
    data = (repo.path / "data" / "talks.yaml").read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") == 13
    assert _talks(repo.read().replace("\r\n", "\n")) == ["Data pipelines", "Testing ML code", "Reproducible ML"]
    repo.in_sync()


HAND_KEPT = dedent(
    """\
    # My talks, newest first.
    talks:

    # --- 2024 ---
    - title: "Reproducible ML"   # the keynote
      date: 2024-03-07
      event: PyCon DE 2024
      location: Berlin, Germany

    # --- 2023 ---
    - title: 'Old talk'
      date: 2023-01-10
      event: Meetup
      tags:
        - community
    """
)


def test_comments_between_talks_and_every_other_byte_of_ours_are_kept(repo: Repo) -> None:
    repo.write(HAND_KEPT)
    assert repo.talkcat("sync-readme").returncode == 0
    repo.commit("kept by hand")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(
        HAND_KEPT.replace(
            "\n# --- 2024 ---\n",
            "\n# --- 2024 ---\n- title: Data pipelines\n  date: 2024-05-02  # a Thursday\n  event: EuroPython 2024\n\n",
        ).replace("    - community\n", "    - community\n    - meetups\n")
    )
    assert repo.talkcat("sync-readme").returncode == 0
    repo.commit("feature")
    repo.git("checkout", "-q", "main")
    repo.edit("2024-03-07-reproducible-ml", "video=https://youtu.be/abc")
    repo.commit("main")
    assert repo.git("merge", "-q", "--no-edit", "feature", check=False).returncode == 0
    assert repo.read() == dedent(
        """\
        # My talks, newest first.
        talks:

        - title: Data pipelines
          date: 2024-05-02  # a Thursday
          event: EuroPython 2024

        # --- 2024 ---
        - title: "Reproducible ML"   # the keynote
          date: 2024-03-07
          event: PyCon DE 2024
          location: Berlin, Germany
          video: https://youtu.be/abc

        # --- 2023 ---
        - title: 'Old talk'
          date: 2023-01-10
          event: Meetup
          tags:
          - community
          - meetups
        """
    )
    repo.in_sync()


@pytest.mark.slow
def test_ten_branches_merged_one_after_another(repo: Repo) -> None:
    dates = [
        "2024-05-02",
        "2024-05-01",
        "2024-05-03",
        "2024-04-30",
        "2024-05-02",
        "2024-06-11",
        "2024-02-14",
        "2024-05-01",
        "2024-09-09",
        "2023-12-31",
    ]
    for number, date in enumerate(dates):
        repo.git("checkout", "-q", "-b", f"talk-{number}", "main")
        repo.add(f"Talk {number}", date, f"Event {number}")
        repo.commit(f"talk {number}")
    repo.git("checkout", "-q", "main")
    for number in range(len(dates)):
        merged = repo.git("merge", "-q", "--no-edit", f"talk-{number}", check=False)
        assert merged.returncode == 0, merged.stdout + merged.stderr
    text = repo.read()
    found = re.findall(r"^- title: (.*)\n  date: (.*)$", text, re.MULTILINE)
    assert len(found) == 11
    assert [date for _, date in found] == sorted([date for _, date in found], reverse=True)
    repo.in_sync()


@pytest.mark.slow
def test_rebase_and_cherry_pick_use_the_driver(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.add("Data pipelines", "2024-05-02", "EuroPython 2024")
    repo.commit("one")
    repo.edit("2024-03-07-reproducible-ml", "video=https://youtu.be/abc")
    repo.commit("two")
    repo.git("checkout", "-q", "-b", "fix", "main")
    repo.add("Lightning talk", "2024-05-03", "PyCon US", "--kind", "lightning")
    repo.commit("a lightning talk")
    picked = repo.git("cherry-pick", "feature~1", check=False)
    assert picked.returncode == 0, picked.stdout + picked.stderr
    assert _talks(repo.read()) == ["Lightning talk", "Data pipelines", "Reproducible ML"]
    repo.in_sync()
    repo.git("checkout", "-q", "main")
    repo.add("Testing ML code", "2024-04-29", "PyData Berlin")
    repo.edit("2024-03-07-reproducible-ml", "location=Darmstadt, Germany")
    repo.commit("main moves on")
    repo.git("checkout", "-q", "feature")
    rebased = repo.git("rebase", "main", check=False)
    assert rebased.returncode == 0, rebased.stdout + rebased.stderr
    assert _talks(repo.read()) == ["Data pipelines", "Testing ML code", "Reproducible ML"]
    assert "  location: Darmstadt, Germany\n  video: https://youtu.be/abc\n" in repo.read()
    repo.in_sync()
    assert repo.git("log", "--format=%s", "main..").stdout == "two\none\n"


def test_without_the_driver_git_merges_as_before(repo: Repo) -> None:
    repo.git("config", "--remove-section", "merge.talkcat")
    repo.git("checkout", "-q", "-b", "feature")
    repo.add("Data pipelines", "2024-05-02", "EuroPython 2024")
    repo.commit("feature")
    repo.git("checkout", "-q", "main")
    repo.add("Testing ML code", "2024-04-29", "PyData Berlin")
    repo.commit("main")
    merged = repo.git("merge", "--no-edit", "feature", check=False)
    assert merged.returncode == 1
    assert "CONFLICT (content): Merge conflict in data/talks.yaml" in merged.stdout
    text = repo.read()
    assert "<<<<<<< HEAD\n- title: Testing ML code\n" in text
    # validate names the conflict where it can: git's own markers, both talks.
    assert repo.talkcat("validate").stdout.splitlines() == [
        "data/talks.yaml:3:1: merge conflict at 'Testing ML code' (2024-04-29-testing-ml-code): "
        "ours has this talk, theirs does not",
        "data/talks.yaml:3:1: merge conflict at 'Data pipelines' (2024-05-02-data-pipelines): "
        "theirs has this talk, ours does not",
    ]


def test_where_talkcat_is_not_on_path_git_merges_as_text(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.add("Data pipelines", "2024-05-02", "EuroPython 2024")
    repo.commit("feature")
    repo.git("checkout", "-q", "main")
    repo.add("Testing ML code", "2024-04-29", "PyData Berlin")
    repo.commit("main")
    repo.env["PATH"] = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != BIN)
    merged = repo.git("merge", "--no-edit", "feature", check=False)
    assert merged.returncode == 1
    assert "talkcat is not on PATH: data/talks.yaml merged as text" in merged.stderr
    assert "<<<<<<< ours\n- title: Testing ML code\n" in repo.read()
    assert "=======\n- title: Data pipelines\n" in repo.read()


def test_a_side_that_is_no_valid_catalogue_is_merged_as_text_with_a_note(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(repo.read().replace("  event: PyCon DE 2024\n", "  event: PyCon DE 2024\n  loaction: Berlin\n"))
    repo.commit("a typo")
    repo.git("checkout", "-q", "main")
    repo.add("Testing ML code", "2024-04-29", "PyData Berlin")
    repo.commit("main")
    merged = repo.git("merge", "--no-edit", "feature", check=False)
    assert merged.returncode == 0
    assert (
        "talkcat merge-driver: data/talks.yaml: theirs is not a valid catalogue (data/talks.yaml:6:3: unknown key "
        "'loaction' (did you mean 'location'?)); merged as text by git merge-file"
    ) in merged.stderr
    assert "  loaction: Berlin\n" in repo.read() and "Testing ML code" in repo.read()


def test_a_talk_folders_readme_is_rendered_from_the_merged_catalogue(repo: Repo) -> None:
    folder = repo.path / "2024-03-07 PyCon DE"
    folder.mkdir()
    (folder / "slides.pdf").write_bytes(b"%PDF")
    (repo.path / "talkcat.toml").write_text("folder_readmes = true\n", encoding="utf-8")
    repo.edit("2024-03-07-reproducible-ml", "slides=2024-03-07 PyCon DE/")
    repo.commit("slides in a folder")
    assert (folder / "README.md").exists()
    repo.git("checkout", "-q", "-b", "feature")
    repo.edit("2024-03-07-reproducible-ml", "video=https://youtu.be/abc")
    repo.commit("feature")
    repo.git("checkout", "-q", "main")
    repo.edit("2024-03-07-reproducible-ml", "link=https://pycon.de/talk")
    repo.commit("main")
    merged = repo.git("merge", "-q", "--no-edit", "feature", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "https://youtu.be/abc" in readme and "https://pycon.de/talk" in readme
    repo.in_sync()


def test_text_outside_the_block_merges_and_a_real_conflict_there_stays_one(repo: Repo) -> None:
    readme = repo.read("README.md")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("Talks I gave.\n\n" + readme, "README.md")
    repo.add("Data pipelines", "2024-05-02", "EuroPython 2024")
    repo.commit("feature")
    repo.git("checkout", "-q", "main")
    repo.write(readme + "\nLicense: CC BY 4.0\n", "README.md")
    repo.add("Testing ML code", "2024-04-29", "PyData Berlin")
    repo.commit("main")
    assert repo.git("merge", "-q", "--no-edit", "feature", check=False).returncode == 0
    text = repo.read("README.md")
    assert text.startswith("Talks I gave.\n\n# talks\n") and text.endswith("<!-- //TALKS -->\n\nLicense: CC BY 4.0\n")
    repo.in_sync()
    # Both sides change the same line outside the block: a conflict, the block still rendered.
    repo.git("checkout", "-q", "-b", "other")
    repo.write(repo.read("README.md").replace("License: CC BY 4.0", "License: MIT"), "README.md")
    repo.add("Third talk", "2024-07-01", "SciPy")
    repo.commit("other")
    repo.git("checkout", "-q", "main")
    repo.write(repo.read("README.md").replace("License: CC BY 4.0", "License: CC0"), "README.md")
    repo.add("Fourth talk", "2024-08-01", "JupyterCon")
    repo.commit("main again")
    merged = repo.git("merge", "--no-edit", "other", check=False)
    assert merged.returncode == 1
    assert "README.md: 1 merge conflict outside the talks block" in merged.stderr
    text = repo.read("README.md")
    assert text.endswith("<<<<<<< ours\nLicense: CC0\n=======\nLicense: MIT\n>>>>>>> theirs\n")
    assert repo.git("status", "--porcelain").stdout == "UU README.md\nM  data/talks.yaml\n"
    repo.write(text.replace("<<<<<<< ours\nLicense: CC0\n=======\n", "").replace(">>>>>>> theirs\n", ""), "README.md")
    repo.in_sync()  # the block was already the merged catalogue's


def test_a_block_edited_by_hand_on_one_side_is_merged_as_text_so_the_edit_is_not_lost(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.add("Data pipelines", "2024-05-02", "EuroPython 2024")
    repo.write(repo.read("README.md").replace("| Berlin, Germany |", "| Berlin, DE      |"), "README.md")
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-verify", "-m", "a typo fixed in the README, by hand")
    repo.git("checkout", "-q", "main")
    repo.add("Testing ML code", "2024-04-29", "PyData Berlin")
    repo.commit("main")
    merged = repo.git("merge", "--no-edit", "feature", check=False)
    assert merged.returncode == 1
    assert (
        "talkcat merge-driver: README.md: a side's talks block was changed by hand since talkcat wrote it; "
        "merged as text by git merge-file\n"
    ) in merged.stderr
    assert repo.git("status", "--porcelain").stdout == "UU README.md\nM  data/talks.yaml\n"
    assert "| Berlin, DE      |" in repo.read("README.md")  # for `talkcat import README.md --update` to take
    assert _talks(repo.read()) == ["Data pipelines", "Testing ML code", "Reproducible ML"]
