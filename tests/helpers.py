"""What the tests share: paths, the stamp of a block, real git, the speaker's repository, test data.

The one module the test files import helpers from (conftest.py holds only
fixtures, and no test file imports from another).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import string
import subprocess
import sys
from pathlib import Path
from textwrap import dedent
from typing import Any
from urllib.parse import unquote

from hypothesis import assume
from hypothesis import strategies as st

from talkcat.importer import read_block
from talkcat.markdown import heading_levels, open_block, parse
from talkcat.model import FIELD_NAMES, Link, Talk

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # only the optional pyvideo tests look here, and skip without it
# The speaker's README (../shared/seeds/000_6acdbb613ddca7f9.txt), kept here so
# that the suite runs in any clone.
GOLDEN = ROOT / "tests" / "golden"
SEED_README = GOLDEN / "seed_readme.md"
EXPORT_GOLDEN = GOLDEN / "export"
TRICKY = EXPORT_GOLDEN / "talks.yaml"  # every field, and text that needs escaping
SEED_BASE_URL = "https://github.com/JesperDramsch/talks/tree/main/"


def seed_readme_text() -> str:
    return SEED_README.read_text(encoding="utf-8")


# The stamp line sync-readme writes at the end of a block.


def stamped(content: str, source: str = "data/talks.yaml") -> str:
    """A block's content as sync-readme writes it: a blank line, then the stamp line with its checksum.

    Worked out here, not with talkcat's own code: the first 16 hex digits of
    the content's BLAKE2b-256 hash, as the README documents.
    """
    if not content:
        return ""
    digest = hashlib.blake2b(content.encode("utf-8"), digest_size=32).hexdigest()[:16]
    return f"{content}\n<!-- written by talkcat from {source}: edit that file, not this block (checksum {digest}) -->\n"


def unstamped(block: str) -> str:
    """A block's content without its stamp line, which must be there and hold the right checksum."""
    if not block:
        return ""
    found = re.search(
        r"\n<!-- written by talkcat from (.*): edit that file, not this block \(checksum [0-9a-f]{16}\) -->\n\Z", block
    )
    assert found, f"no stamp at the end of:\n{block}"
    content = block[: found.start()]
    assert stamped(content, found[1]) == block, f"a wrong checksum at the end of:\n{block}"
    return content


def without_stamps(text: str) -> str:
    """A README's text without the stamp lines of its blocks (and the blank line before each)."""
    return re.sub(r"\n\n<!-- written by talkcat from .*\(checksum [0-9a-f]{16}\) -->\n", "\n", text)


# Real git, and the speaker's repository built with it.

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


def git(
    repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run git in `repo`; its config is the test's own (conftest's `_isolated`), never the user's."""
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=check)


def slides_folder(repo: Path, name: str) -> Path:
    """A talk's slides folder as a repository holds it: a file in it, added to git.

    (validate warns of a folder git does not track, or cannot: an empty one.)
    """
    folder = repo / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "slides.pdf").write_bytes(b"%PDF-1.4 slides\n")
    git(repo, "add", name)
    return folder


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
    seed = SEED_README.read_text(encoding="utf-8")
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


# Reading what talkcat wrote.


def parse_block(block: str, **kwargs: Any) -> list[dict[str, Any]]:
    """The entries `read_block` reads, without their source lines."""
    return [talk.entry for talk in read_block(block, **kwargs)]


def cells_by_talk(block: str) -> list[dict[str, str]]:
    """Each table's cells, by header name, as markdown-it splits them."""
    tables: list[dict[str, str]] = []
    headers: list[str] = []
    cells: list[str] = []
    current: list[str] | None = None  # the list the next cell's text goes to
    for token in parse(block):
        if token.type == "table_open":
            headers, cells = [], []
        elif token.type in ("th_open", "td_open"):
            current = headers if token.type == "th_open" else cells
        elif token.type in ("th_close", "td_close"):
            current = None
        elif token.type == "inline" and current is not None:
            current.append(token.content)
        elif token.type == "table_close":
            tables.append(dict(zip(headers, cells, strict=True)))
    return tables


HEAVY = "ruamel,_ruamel_yaml,yaml,tabulate,markdown_it,rich,filelock"

# Runs talkcat in a fresh interpreter, then names the heavy packages it imported.
PROBE = """\
import os, sys
from talkcat.cli import main
sys.argv[0] = "talkcat"
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code
heavy = {m.split(".")[0] for m in sys.modules} & set(os.environ["HEAVY"].split(","))
print("heavy:" + ",".join(sorted(heavy)))
sys.exit(code)
"""


def run_probe(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "HEAVY": HEAVY},
        check=False,
    )


# Catalogues more than one test file uses.

# `talkcat list`'s (tests/test_list.py).
LIST_CATALOGUE = """\
# Dates far from today, so that --upcoming and --past do not drift.
talks:
- title: Future keynote
  date: 2999-06-01
  event: FutureCon
  location: Zürich, Switzerland
  kind: keynote
  tags: [ml, python]
- title: Workshop on data
  date: 2023-05-10
  end_date: 2023-05-11
  event: PyData Berlin
  location: Berlin, Germany
  kind: workshop
  tags: [data, python]
  video: https://example.org/v1
  slides:
    label: Deck
    url: https://example.org/s1
- title: 'A talk, with "quotes"'
  date: 2023-01-20
  event: EuroPython
  location: Online
  tags: [Python]
  speakers: [Ada, Grace]
  link: https://example.org/a
  language: English
  description: |
    Two
    lines.
- title: Old podcast
  date: 2001-02-03
  event: Talk Python | To Me
  kind: podcast
  video:
    label: Listen
    url: https://example.org/p
"""

# `talkcat search`'s (tests/test_search.py).
SEARCH_CATALOGUE = """\
talks:
- title: Reproducible research in Python
  date: 2024-05-01
  event: PyCon DE
  location: Berlin, Germany
  tags: [reproducibility, python]
  description: How to make science repeatable.
- title: Reproducible builds
  date: 2024-05-01
  event: PackagingCon
  location: Online
  video: https://example.org/builds
- title: Data pipelines
  date: 2024-03-01
  event: Reproducibility Summit
  location: Zürich, Switzerland
  tags: [data]
- title: Notebooks at scale
  date: 2023-11-11
  event: JupyterCon
  location: Online
  tags: [jupyter, reproducible-science]
  description: We discuss reproducible notebooks.
- title: 'Keynote: Machine learning for science'
  date: 2023-06-01
  event: EuroSciPy
  kind: keynote
  location: Basel, Switzerland
  speakers: [Ada Lovelace]
  description: Learning machine details.
- title: Djangonauts unite
  date: 2022-09-01
  event: DjangoCon Europe
  location: Porto, Portugal
  tags: [django]
  slides: https://example.org/slides
  description: Machine learning with Django, at last.
- title: 東京の話
  date: 2021-01-01
  event: PyCon JP
  location: 東京, 日本
  description: 機械学習について
- title: Learning the machine
  date: 2020-01-01
  event: Meetup
"""

# Layouts the fast path must read as the full parser does (tests/test_fast_path.py).
FAST_PATH_CATALOGUES = {
    "empty list": "talks: []\n",
    "comments and odd formatting": dedent(
        """\
        # The talks, newest first.
        talks:

        # A comment between entries.
        -   title:    "Spaced  out"   # trailing comment
            date: 2024-01-02
            event: 'It''s a conference'
            location: NO
            kind: keynote
            tags: [ a, "b c", 'd' ]
            speakers:
              - Ann
              - "Bob: the second"
        - {title: Flow entry, date: 2023-12-31, event: Flow Conf, language: "yes"}
        """
    ),
    "scalars YAML 1.1 would misread": dedent(
        """\
        talks:
        - title: 'on'
          date: 2022-09-01
          end_date: 2022-09-03
          event: '1.0'
          location: 'off'
          language: 'no'
          id: '2022'
          tags: ['null', '~', 'true', '0x10', '1_000', '12:30', '.inf']
        """
    ),
    "links, unicode and block scalars": dedent(
        """\
        talks:
        - title: "Zürich \\u2014 データ科学 🎉"
          date: 2021-10-30
          event: PyData Global 2021
          link: https://example.org/a?b=c&d=e#f
          video:
            label: Video
            url: https://www.youtube.com/watch?v=ucgCGGb088E
          slides:
            url: 2021-10-30 Pydata/
          description: |
            Intro.

            ## A heading

            ```python
            # a comment, not a heading
            ```
        - title: Folded
          date: 2020-02-29
          event: Leap day
          description: >-
            Folded text
            on two lines.

            A second paragraph.
        - title: Keep
          date: 2020-02-28
          event: Keep trailing lines
          description: |+
            text


        - title: Quoted
          date: 2020-02-27
          event: "Escapes \\\\ and \\"quotes\\""
          description: "Line one\\n\\tLine two\\n"
        """
    ),
}


# Hypothesis strategies: YAML-ish strings and entries (yamlwrite), talks that survive a README round trip (importer).

YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "null",
                "~",
                "Yes",
                "off",
                "n",
                "TRUE",
                ".inf",
                "-.NaN",
                "0x1F",
                "0o17",
                "0b101",
                "1_000",
                "1:20",
                "1e3",
                "+1.",
                "2023-04-19",
                "2001-12-14 21:59:43.10 -5",
                "=",
                "<<",
                "---",
                "...",
                "- ",
                "? ",
                ": ",
                " #",
                "'",
                '"',
                "\\",
            ]
        ),
        st.text(alphabet=" \t\n\r#:-[{,'\"abyYnN019.eE_+x\xa0\x85\u2028\ufeff\x00", max_size=8),
    ),
    max_size=4,
).map("".join)
STRINGS = st.one_of(st.text(), YAMLISH)
DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
LINKS = st.one_of(STRINGS, st.fixed_dictionaries({"label": STRINGS, "url": STRINGS}))
ENTRIES = st.fixed_dictionaries(
    {"title": STRINGS, "date": DATES, "event": STRINGS},
    optional={
        "id": STRINGS,
        "end_date": DATES,
        "location": STRINGS,
        "kind": STRINGS,
        "language": STRINGS,
        "speakers": st.lists(STRINGS, max_size=3),
        "tags": st.lists(STRINGS, max_size=4),
        "link": LINKS,
        "video": LINKS,
        "slides": LINKS,
        "description": STRINGS,
    },
).map(lambda entry: {name: entry[name] for name in FIELD_NAMES if name in entry})


# Printable characters as Python defines them: letters, marks, numbers,
# punctuation, symbols and the plain space.
CHARS = st.characters(categories=["L", "M", "N", "P", "S"], include_characters=" ")
SPECIALS = ["|", "[", "]", "`", "*", "<!-- x -->", "\\", "#", "](", "&amp;", "_", "<", ">"]
text = st.lists(st.one_of(st.text(CHARS, max_size=8), st.sampled_from(SPECIALS)), max_size=6).map("".join)
# Catalogue values (validated) have no leading or trailing whitespace.
value = text.map(str.strip).filter(bool)

URL_CHARS = string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%|é"
url = st.builds(
    lambda host, path: f"https://{host}.org/{path}",
    st.text(string.ascii_lowercase, min_size=1, max_size=8),
    # No spaces or backslashes: neither is a URL character (RFC 3986).
    st.text(URL_CHARS, max_size=20),
)
# A path in the repository; one that starts like `scheme:` would be a URL.
path = st.text(CHARS, min_size=1, max_size=12).filter(lambda p: not Link(p).is_url)


def links(column: str) -> st.SearchStrategy[Link | None]:
    labelled_path = st.builds(Link, path, text.filter(bool)).filter(
        # `[Slides](folder/)` is how the bare path renders in the Slides column,
        # so the label that equals the column name cannot be told from none.
        lambda link: link.label != column
    )
    return st.one_of(
        st.none(),
        st.builds(Link, url),
        st.builds(Link, url, text.filter(bool)),
        st.builds(Link, path),
        labelled_path,
    )


def title_survives_atx(title: str) -> bool:
    # In `### title`, a trailing run of `#` after a space is the heading's
    # optional closing sequence: markdown reads `### A #` as `A`.
    # Validation has to reject such titles; markdown cannot carry them as is.
    body = title.rstrip("#")
    return body == title or (body != "" and not body.endswith(" "))


# Description lines, some indented, some with trailing spaces (two of them are
# a markdown hard line break, which must survive the round trip).
# Now and then a long line, of a few hundred characters.
long_line = st.builds(lambda run, t: (run * 40 + t)[:400], st.text(CHARS, min_size=1, max_size=10), text)
line = st.one_of(
    *[st.builds(str.__add__, st.sampled_from(["", "", "", " ", "  ", "   "]), text)] * 6, long_line
).flatmap(lambda line: st.sampled_from([line, line, line + "  ", line + " \t"]))
code_line = st.one_of(st.sampled_from(["# comment", "## not a heading", "x = 1  # trailing", ""]), line)
fence = st.lists(code_line, max_size=4).map(lambda lines: "\n".join(["```", *lines, "```"]))
sub_heading = st.builds(lambda level, t: "#" * level + " " + t, st.integers(2, 4), value)
description_part = st.one_of(line, line, fence, sub_heading, st.just(""))


def description_is_valid(description: str) -> bool:
    lines = description.split("\n")
    return (
        # Blank lines (spaces and tabs only) at either end are dropped.
        lines[0].strip(" \t") != ""
        and lines[-1].strip(" \t") != ""
        # A description is written under `# Title`: headings from `##`, and at
        # most `####` so that they still fit under `###` talk headings.
        and all(2 <= level <= 4 for level, _ in heading_levels(description))
        # An open fence or HTML block would swallow the talks after it.
        and open_block(description) is None
    )


# Blank lines at either end are dropped by the importer (and by render_block).
descriptions = st.lists(description_part, min_size=1, max_size=6).map(lambda parts: "\n".join(parts).strip("\n"))


@st.composite
def talks(draw: st.DrawFn) -> Talk:
    title = draw(value.filter(title_survives_atx))
    description = draw(st.one_of(st.none(), descriptions))
    if description is not None:
        assume(description_is_valid(description))
    return Talk(
        title=title,
        date=draw(st.dates()),
        end_date=draw(st.one_of(st.none(), st.dates())),
        event=draw(value),
        location=draw(st.one_of(st.none(), value)),
        link=draw(links("Link")),
        video=draw(links("Video")),
        slides=draw(links("Slides")),
        description=description,
    )


# A catalogue of one talk, for tests of the hooks and init that need one valid talk.
ONE_TALK = dedent(
    """\
    talks:
    - title: Reproducible ML
      date: 2024-05-02
      event: PyCon DE 2024
      location: Berlin, Germany
    """
)
