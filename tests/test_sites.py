"""The exports as their own tools read them: site pages built by Nikola, Hugo and Jekyll, and
the README block rendered by GitHub's renderer (cmark-gfm).

Each site is the smallest one its generator builds, holding the pages
`talkcat export --format pages` wrote from this repository's catalogue; the
test reads each talk's page, title and date back from the HTML the generator
wrote. Nikola and cmarkgfm come with the `test` extra; Hugo and Jekyll are
Debian packages, and their tests say what to install when they are missing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from talkcat import store
from talkcat.cli import app
from talkcat.model import Talk
from talkcat.pages import page_stem, summary

SEED = ROOT / "data" / "talks.yaml"


@pytest.fixture
def talks(project: Path) -> list[Talk]:
    shutil.copy(SEED, project / "data/talks.yaml")
    return list(store.load_catalogue(Path("data/talks.yaml")).talks)


def export_pages(runner: CliRunner, site: str, folder: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "pages", "--site", site, "-o", str(folder)])
    assert result.exit_code == 0, result.output


class _Page(HTMLParser):
    """A built page's title, its time's datetime, and the text of each element with a class."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.title = ""
        self.datetime = ""
        self.classes: dict[str, str] = {}
        self._into: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "title":
            self._into = "title"
        elif tag == "time":
            self.datetime = found.get("datetime") or ""
        elif found.get("class"):
            self._into = f".{found['class']}"
            self.classes[self._into[1:]] = ""

    def handle_endtag(self, tag: str) -> None:
        self._into = None

    def handle_data(self, data: str) -> None:
        if self._into == "title":
            self.title += data
        elif self._into is not None:
            self.classes[self._into[1:]] += data


def built(path: Path) -> _Page:
    return _Page(path.read_text(encoding="utf-8"))


def run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_nikola_builds_a_page_for_each_talk(project: Path, talks: list[Talk], runner: CliRunner) -> None:
    pytest.importorskip("nikola", reason="pip install -e '.[test]' (Nikola is in the test extra)")
    run([sys.executable, "-m", "nikola", "init", "--quiet", "site"], project)
    export_pages(runner, "nikola", project / "site/posts")
    run([sys.executable, "-m", "nikola", "build"], project / "site")
    for talk in talks:
        page = built(project / "site/output/posts" / page_stem(talk.slug) / "index.html")
        assert page.title == f"{talk.title} | Demo Site"
        assert page.datetime == f"{talk.date.isoformat()}T00:00:00Z"


HUGO_LAYOUT = """\
<!DOCTYPE html>
<html><head><title>{{ .Title }}</title></head>
<body><time datetime="{{ .Date.Format "2006-01-02" }}"></time>
<p class="summary">{{ .Params.summary }}</p>
{{ .Content }}</body></html>
"""


@pytest.mark.skipif(shutil.which("hugo") is None, reason="needs Hugo: apt-get install hugo")
def test_hugo_builds_a_page_for_each_talk(project: Path, talks: list[Talk], runner: CliRunner) -> None:
    run(["hugo", "new", "site", "site"], project)
    (project / "site/layouts/_default").mkdir(parents=True, exist_ok=True)
    (project / "site/layouts/_default/single.html").write_text(HUGO_LAYOUT, encoding="utf-8")
    export_pages(runner, "hugo", project / "site/content/event")
    run(["hugo", "--quiet"], project / "site")
    for talk in talks:
        page = built(project / "site/public/event" / page_stem(talk.slug) / "index.html")
        assert (page.title, page.datetime) == (talk.title, talk.date.isoformat())
        # The summary as Hugo reads it from the front matter: the description's first paragraph.
        assert page.classes["summary"] == summary(talk.description)
    ssi = next(talk for talk in talks if talk.event == "SSI Fellowship 2022")
    page = built(project / "site/public/event" / page_stem(ssi.slug) / "index.html")
    # Its first paragraph stands right under a heading line (not "Why?", the first block without one).
    assert page.classes["summary"] == (
        "Machine learning can do amazing feats. BUT time and time again, we see problems reproducing the findings."
    )


JEKYLL_CONFIG = """\
collections:
  talks:
    output: true
defaults:
  - scope: {path: "", type: talks}
    values: {layout: talk}
"""
JEKYLL_LAYOUT = """\
<!DOCTYPE html>
<html><head><title>{{ page.title }}</title></head>
<body><time datetime="{{ page.date | date: "%Y-%m-%d" }}"></time>
<p class="venue">{{ page.venue }}</p>
{{ content }}</body></html>
"""


@pytest.mark.skipif(shutil.which("jekyll") is None, reason="needs Jekyll: apt-get install jekyll")
def test_jekyll_builds_a_page_for_each_talk(project: Path, talks: list[Talk], runner: CliRunner) -> None:
    site = project / "site"
    (site / "_layouts").mkdir(parents=True)
    (site / "_config.yml").write_text(JEKYLL_CONFIG, encoding="utf-8")
    (site / "_layouts/talk.html").write_text(JEKYLL_LAYOUT, encoding="utf-8")
    export_pages(runner, "jekyll", site / "_talks")
    run(["jekyll", "build", "--quiet"], site)
    for talk in talks:
        page = built(site / "_site/talks" / f"{page_stem(talk.slug)}.html")
        assert (page.title, page.datetime, page.classes["venue"]) == (talk.title, talk.date.isoformat(), talk.event)


# The README block as GitHub shows it.


class _Blocks(HTMLParser):
    """The headings, and each table's rows of (text, [(href, text) of its links]) cells."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.tables: list[list[list[tuple[str, list[tuple[str, str]]]]]] = []
        self._heading: list[str] | None = None
        self._cell: list[str] | None = None
        self._links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._anchor: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h3":
            self._heading = []
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell, self._links = [], []
        elif tag == "a" and self._cell is not None:
            self._href, self._anchor = dict(attrs).get("href") or "", []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3" and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(("".join(self._cell), self._links))
            self._cell = None
        elif tag == "a" and self._href is not None:
            self._links.append((self._href, "".join(self._anchor)))
            self._href = None

    def handle_data(self, data: str) -> None:
        for part in (self._heading, self._cell, self._anchor if self._href is not None else None):
            if part is not None:
                part.append(data)


def test_github_renders_each_talk_of_the_readme_block(project: Path, talks: list[Talk], runner: CliRunner) -> None:
    cmarkgfm = pytest.importorskip("cmarkgfm", reason="pip install -e '.[test]' (cmarkgfm is in the test extra)")
    (project / "README.md").write_text("# Talks\n\n<!-- TALKS -->\n<!-- //TALKS -->\n", encoding="utf-8")
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    block = (project / "README.md").read_text(encoding="utf-8")
    parsed = _Blocks()
    parsed.feed(cmarkgfm.github_flavored_markdown_to_html(block))
    assert parsed.headings == [talk.title for talk in talks]
    assert len(parsed.tables) == len(talks)
    for talk, table in zip(talks, parsed.tables):
        header, row = table
        assert [text for text, _ in header] == ["Event", "Location", "Date", "Link", "Video", "Slides"]
        assert [text for text, _ in row[:3]] == [talk.event, talk.location or "", talk.date.isoformat()]
        for (text, links), link in zip(row[3:], (talk.link, talk.video, talk.slides)):
            expected = [] if link is None else [(link.url, link.label or link.url)]
            assert (links, text) == (expected, expected[0][1] if expected else "")


def test_github_renders_the_seeds_slides_folders_as_links_into_the_repository(project: Path, runner: CliRunner) -> None:
    # The speaker's own README links each talk's slides folder relatively (`2022-09-01%20Euroscipy/`):
    # imported as folders of the repository and synced, GitHub's renderer gives the same links.
    cmarkgfm = pytest.importorskip("cmarkgfm", reason="pip install -e '.[test]' (cmarkgfm is in the test extra)")
    from helpers import SEED_README

    seed = SEED_README.read_text(encoding="utf-8")
    folders = ["2023-04-19 Community Talk", "2022-12-02 Pydata Global", "2022-09-01 Euroscipy",
               "2021-10-31 SSI Fellowship Application", "2021-10-28 Pydata Global"]  # fmt: skip
    for folder in folders:
        (project / folder).mkdir()
    (project / "README.md").write_text(seed, encoding="utf-8")
    assert runner.invoke(app, ["import", "README.md"]).exit_code == 0
    assert runner.invoke(app, ["sync-readme"]).exit_code == 0
    before, after = _Blocks(), _Blocks()
    before.feed(cmarkgfm.github_flavored_markdown_to_html(seed))
    after.feed(cmarkgfm.github_flavored_markdown_to_html((project / "README.md").read_text(encoding="utf-8")))
    slides = [row[5] for _, row in after.tables]
    assert slides == [("Slides", [(folder.replace(" ", "%20") + "/", "Slides")]) for folder in folders]
    assert [row[5] for _, row in before.tables] == slides
    assert after.headings == before.headings
