"""A real git repository shaped like the speaker's, built from the seed README (tests/golden/seed_readme.md).

One folder per talk (`2022-12-02 Pydata Global/`), each holding its slides and
a README.md (`# Title`, the table, the description); a root README whose TALKS
block `.github/workflows/make_readme.py` rebuilds from those folder READMEs,
run by `.github/workflows/readme.yml` on every push. The script is written
here for the tests, after what the speaker's does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from textwrap import dedent
from urllib.parse import unquote

SEED = Path(__file__).parent / "golden" / "seed_readme.md"
START, END = "<!-- TALKS -->", "<!-- //TALKS -->"
FOLDERS = (
    "2023-04-19 Community Talk",
    "2022-12-02 Pydata Global",
    "2022-09-01 Euroscipy",
    "2021-10-31 SSI Fellowship Application",
    "2021-10-28 Pydata Global",
)
SCRIPT = dedent(
    '''\
    """Rebuild the TALKS block of README.md from the README.md of every talk folder."""
    import pathlib
    import re
    import urllib.parse

    ROOT = pathlib.Path(__file__).resolve().parents[2]
    START, END = "<!-- TALKS -->", "<!-- //TALKS -->"


    def section(folder):
        text = (folder / "README.md").read_text(encoding="utf-8")
        text = text.replace("](./)", "](" + urllib.parse.quote(folder.name) + "/)")
        # The folder's `# Title` becomes a `###` under the README's `## All Talks`.
        return re.sub(r"^(#{1,4}) ", lambda m: "##" + m[1] + " ", text, flags=re.M).strip() + "\\n"


    folders = sorted(
        (p for p in ROOT.iterdir() if p.is_dir() and p.name[:1].isdigit() and (p / "README.md").is_file()),
        reverse=True,
    )
    readme = ROOT / "README.md"
    before, rest = readme.read_text(encoding="utf-8").split(START, 1)
    after = rest.split(END, 1)[1]
    block = "\\n".join(section(folder) for folder in folders)
    readme.write_text(before + START + "\\n" + block + END + after, encoding="utf-8")
    '''
)
WORKFLOW = dedent(
    """\
    name: Update the README
    on:
      push:
        branches: [main]
    jobs:
      readme:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - uses: actions/setup-python@v5
            with:
              python-version: "3.11"
          - name: Rebuild the talk list
            run: python .github/workflows/make_readme.py
          - uses: stefanzweifel/git-auto-commit-action@v5
            with:
              commit_message: Update the README
    """
)
SCRIPT_PATH = ".github/workflows/make_readme.py"
WORKFLOW_PATH = ".github/workflows/readme.yml"


def git_env(home: Path) -> dict[str, str]:
    """An environment where git reads no user or system config, and commits as a test user."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "gitconfig").touch()
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(home / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
    for who in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{who}_NAME"] = "talkcat tests"
        env[f"GIT_{who}_EMAIL"] = "tests@example.invalid"
    return env


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env=env or git_env(repo.parent / "git-home"),
        capture_output=True,
        text=True,
        check=True,
    )


def folder_readmes(seed: str) -> dict[str, str]:
    """Each talk folder's README.md, taken back out of the seed's block: headings two levels up."""
    block = seed.split(START + "\n", 1)[1].split(END, 1)[0]
    sections = re.split(r"^(?=### )", block, flags=re.MULTILINE)[1:]
    readmes = {}
    for section in sections:
        link = re.search(r"\[Slides\]\(([^)]+)/\)", section)
        assert link is not None, section
        folder = unquote(link[1])
        text = section.replace(f"]({link[1]}/)", "](./)")
        text = re.sub(r"^##(#{1,4}) ", r"\1 ", text, flags=re.MULTILINE)
        readmes[folder] = text.strip() + "\n"
    return readmes


def make_repo(repo: Path) -> Path:
    """The speaker's repository at `repo`, its README made by the script, all committed."""
    seed = SEED.read_text(encoding="utf-8")
    readmes = folder_readmes(seed)
    assert tuple(readmes) == FOLDERS
    repo.mkdir(parents=True)
    for folder, text in readmes.items():
        (repo / folder).mkdir()
        (repo / folder / "README.md").write_text(text, encoding="utf-8")
        (repo / folder / "slides.pdf").write_bytes(b"%PDF-1.4 slides of " + folder.encode() + b"\n")
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / SCRIPT_PATH).write_text(SCRIPT, encoding="utf-8")
    (repo / WORKFLOW_PATH).write_text(WORKFLOW, encoding="utf-8")
    (repo / "README.md").write_text(seed, encoding="utf-8")
    subprocess.run([sys.executable, SCRIPT_PATH], cwd=repo, check=True)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Talks, as the speaker keeps them")
    return repo
