"""The speaker's repository migrated end to end, with real git and real pre-commit (issue 9).

The repository is built from the speaker's README (tests/golden/seed_readme.md):
a folder per talk holding its slides and a README.md (`# Title`, the table
without a Slides column, the description), and a workflow script that
rebuilds the root README's block from those folders, as the speaker's CI did.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import helpers
import pytest
from helpers import SEED_README

from talkcat.importer import read_block
from talkcat.readme import unstamped

START, END = "<!-- TALKS -->", "<!-- //TALKS -->"

# The speaker's CI: every push rebuilds the root README's block from the talk
# folders, newest first, each folder's `# ` headings two levels down and a
# Slides column added that links to the folder. (Written for this test.)
WORKFLOW_SCRIPT = r"""
from pathlib import Path
from urllib.parse import quote

START, END = "<!-- TALKS -->", "<!-- //TALKS -->"
sections = []
for readme in sorted(Path(".").glob("*/README.md"), reverse=True):
    out, row = [], False
    for line in readme.read_text(encoding="utf-8").split("\n"):
        if line.startswith("#"):
            line = "##" + line
        elif line.startswith("| Event |"):
            line += " Slides |"
        elif line.startswith("| ---"):
            line, row = line + " ------ |", True
        elif row:
            line, row = line + f" [Slides]({quote(readme.parent.name)}/) |", False
        out.append(line)
    sections.append("\n".join(out).rstrip("\n") + "\n")
text = Path("README.md").read_text(encoding="utf-8")
head, rest = text.split(START)
_, tail = rest.split(END)
Path("README.md").write_text(head + START + "\n" + "\n".join(sections) + END + tail, encoding="utf-8")
"""
WORKFLOW = """\
name: Rebuild Readme
on:
  push:
    paths-ignore:
      - README.md
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python ./.github/workflows/make_readme.py
      - run: git commit -am "Update dynamic content" && git push
"""


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return helpers.git(repo, *args, env=_env(repo), check=check)


def talkcat(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "talkcat", *args], cwd=repo, capture_output=True, text=True, env=_env(repo)
    )


def _env(repo: Path) -> dict[str, str]:
    env = {
        **os.environ,
        # The hook runs the talkcat installed beside this Python, as a user's would from their PATH.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
        "GIT_AUTHOR_NAME": "Speaker",
        "GIT_AUTHOR_EMAIL": "speaker@example.org",
        "GIT_COMMITTER_NAME": "Speaker",
        "GIT_COMMITTER_EMAIL": "speaker@example.org",
    }
    return env


def _seed_talks() -> list[tuple[str, str, str]]:
    """(slides folder, title, the talk's text below its heading) of each talk in the seed's block."""
    block = SEED_README.read_text(encoding="utf-8").split(START)[1].split(END)[0]
    talks = []
    for section in re.split(r"^### ", block, flags=re.MULTILINE)[1:]:
        title, _, body = section.partition("\n")
        folder = re.search(r"\[Slides\]\(([^)]*)/\)", body)
        assert folder, title
        talks.append((folder[1].replace("%20", " "), title, body))
    return talks


def _folder_readme(title: str, body: str) -> str:
    """A talk folder's README as the speaker wrote it: no Slides column, headings two levels up."""
    lines = []
    for line in body.strip("\n").split("\n"):
        if line.startswith("| Event |"):
            line = line.removesuffix(" Slides |")
        elif line.startswith("| -----"):
            line = line.removesuffix(" ------ |")
        elif line.startswith("| "):
            line = re.sub(r" \[Slides\]\([^)]*\) \|$", "", line)
        elif line.startswith("###"):
            line = line[2:]
        lines.append(line)
    return f"# {title}\n\n" + "\n".join(lines).strip("\n") + "\n"


@pytest.fixture
def speaker(tmp_path: Path) -> Path:
    repo = tmp_path / "talks"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for folder, title, body in _seed_talks():
        (repo / folder).mkdir()
        (repo / folder / "slides.md").write_text(f"# {title}\n\n---\n\nA slide.\n", encoding="utf-8")
        (repo / folder / "README.md").write_text(_folder_readme(title, body), encoding="utf-8")
    seed = SEED_README.read_text(encoding="utf-8")
    head, rest = seed.split(START)
    (repo / "README.md").write_text(head + START + "\n" + END + rest.split(END)[1], encoding="utf-8")
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "make_readme.py").write_text(WORKFLOW_SCRIPT, encoding="utf-8")
    (repo / ".github" / "workflows" / "readme.yml").write_text(WORKFLOW, encoding="utf-8")
    subprocess.run([sys.executable, ".github/workflows/make_readme.py"], cwd=repo, check=True)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "The talks, as the workflow builds them")
    return repo


def _block(text: str) -> str:
    return text.split(START + "\n")[1].split(END)[0]


def _talks(text: str) -> list[dict[str, object]]:
    return [talk.entry for talk in read_block(unstamped(_block(text))[0])]


@pytest.mark.slow
def test_the_speakers_repository_migrates_and_stays_in_sync(speaker: Path) -> None:
    made_by_the_script = (speaker / "README.md").read_text(encoding="utf-8")
    assert len(_talks(made_by_the_script)) == 5

    # Day one: init, then the first sync finds the hand-kept talks and keeps them.
    assert talkcat(speaker, "init", "--yes").returncode == 0
    refused = talkcat(speaker, "sync-readme")
    assert refused.returncode == 1
    assert refused.stderr.count("is in the README but not in data/talks.yaml") == 5
    assert (speaker / "README.md").read_text(encoding="utf-8") == made_by_the_script

    imported = talkcat(speaker, "import", "--folders", ".")  # into the empty catalogue init made
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr.startswith("imported 5 talks into data/talks.yaml\n")
    synced = talkcat(speaker, "sync-readme")
    assert synced.returncode == 0, synced.stderr
    readme = (speaker / "README.md").read_text(encoding="utf-8")
    # What talkcat renders from the catalogue is what the script made from the folders.
    for new, old in zip(_talks(readme), _talks(made_by_the_script), strict=True):
        assert new == old
    assert readme.split(START)[0] == made_by_the_script.split(START)[0]
    assert readme.split(END)[1] == made_by_the_script.split(END)[1]

    # The hooks as init wrote them, installed as written.
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=speaker, capture_output=True, text=True, env=_env(speaker)
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    git(speaker, "add", ".")
    assert git(speaker, "commit", "-q", "-m", "talkcat keeps the talks", check=False).returncode == 0

    # An edit to the catalogue: the commit's hook rewrites the README and the talk's folder README.
    edit = talkcat(
        speaker, "edit", "2023-04-19-how-to-find-your-people-actually", "--set", "video=https://youtu.be/new"
    )
    assert edit.returncode == 0, edit.stderr
    stale = git(speaker, "commit", "-q", "-am", "A video", check=False)
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "files were modified by this hook" in stale.stdout + stale.stderr
    assert "https://youtu.be/new" in (speaker / "README.md").read_text(encoding="utf-8")
    assert "https://youtu.be/new" in (speaker / "2023-04-19 Community Talk" / "README.md").read_text(encoding="utf-8")
    assert git(speaker, "commit", "-q", "-am", "A video", check=False).returncode == 0

    # A typo fixed by hand in the block: the hook does not undo it, and says where it belongs.
    text = (speaker / "README.md").read_text(encoding="utf-8")
    fixed = text.replace("| SSI Fellowship 2022 |", "| SSI Fellowship 2021 |")
    (speaker / "README.md").write_text(fixed, encoding="utf-8")
    refused = git(speaker, "commit", "-q", "-am", "A typo", check=False)
    assert refused.returncode == 1
    said = refused.stdout + refused.stderr
    assert "Event changed by hand: 'SSI Fellowship 2021' here, 'SSI Fellowship 2022' in data/talks.yaml" in said
    assert "files were modified by this hook" not in said
    assert (speaker / "README.md").read_text(encoding="utf-8") == fixed
    updated = talkcat(speaker, "import", "README.md", "--update")
    assert updated.returncode == 0, updated.stderr
    assert git(speaker, "commit", "-q", "-am", "A typo", check=False).returncode == 1  # the folder README follows
    assert git(speaker, "commit", "-q", "-am", "A typo", check=False).returncode == 0
    assert "| SSI Fellowship 2021 |" in (speaker / "2021-10-31 SSI Fellowship Application" / "README.md").read_text(
        encoding="utf-8"
    )
