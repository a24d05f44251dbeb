"""One markdown page per talk for a static site (Hugo, Jekyll, Nikola): pure, text out.

Which pages talkcat wrote is kept in a manifest in the pages' folder: the
SHA-256 of each page as written. A page whose bytes on disk match neither
that hash nor the new text was edited by hand, and is not overwritten
without --force. A manifest (rather than a hash comment in each page) keeps
the pages exactly what a site generator expects, and a hand edit anywhere
in a page, front matter included, is noticed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from talkcat.errors import TalkcatError
from talkcat.markdown import format_link
from talkcat.model import Link, Talk

SITES = ("hugo", "jekyll", "nikola")
MANIFEST = ".talkcat-pages.json"
_MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class Page:
    """A page to write: its file name inside the pages' folder, and its text."""

    name: str
    text: str

    @property
    def digest(self) -> str:
        return digest(self.text.encode("utf-8"))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_pages(talks: Sequence[Talk], site: str, names: Mapping[str, str] | None = None) -> list[Page]:
    """A page per talk, named after its id (made safe as a file name).

    `names` (from `page_names` of the whole catalogue) keeps each talk's page
    name whichever talks are exported.
    """
    render = {"hugo": _hugo, "jekyll": _jekyll, "nikola": _nikola}[site]
    names = names or page_names(talks)
    pages = []
    for talk in talks:
        name = names[talk.slug]
        pages.append(Page(name, render(talk, name.removesuffix(".md"))))
    return pages


def page_names(talks: Sequence[Talk]) -> dict[str, str]:
    """Each talk's id -> the file name of its page."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for talk in talks:
        names[talk.slug] = _unique(page_stem(talk.slug), taken) + ".md"
    return names


_NOT_NAME = re.compile(r"[^\w.-]+")  # \w: letters and digits of any script, and `_`
_DOTS = re.compile(r"\.{2,}")


def page_stem(talk_id: str) -> str:
    """A file name from an id that cannot leave the folder: no `/`, `\\`, `..`, or leading dot."""
    stem = _DOTS.sub(".", _NOT_NAME.sub("-", talk_id)).strip(".-")
    return stem or "talk"


def _unique(stem: str, taken: set[str]) -> str:
    # Two ids can become one name (`a/b` and `a-b`); case-insensitive disks
    # would also merge `Talk` and `talk`.
    candidate, number = stem, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}-{number}"
    taken.add(candidate.casefold())
    return candidate


def conflicts(pages: Sequence[Page], on_disk: Mapping[str, bytes | None], written: Mapping[str, str]) -> list[str]:
    """The pages that were edited by hand (or never written by talkcat) and would change."""
    edited = []
    for page in pages:
        old = on_disk.get(page.name)
        if old is None or old == page.text.encode("utf-8"):
            continue
        if written.get(page.name) != digest(old):
            edited.append(page.name)
    return edited


def parse_manifest(text: str, path: str) -> dict[str, str]:
    """What talkcat wrote last time: page name -> SHA-256 of its bytes."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TalkcatError(
            f"not a talkcat pages manifest: {exc.msg}",
            path=path,
            line=exc.lineno,
            col=exc.colno,
            hint="delete it to start afresh (then pages already there count as edited by hand)",
        ) from None
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, dict) or not all(isinstance(v, str) for v in pages.values()):
        raise TalkcatError("not a talkcat pages manifest: no `pages` mapping of names to hashes", path=path)
    return {str(name): value for name, value in pages.items()}


@dataclass(frozen=True)
class Leftovers:
    """The pages talkcat wrote for talks no longer in the catalogue."""

    remove: tuple[str, ...]  # as talkcat wrote them: to delete
    kept: tuple[str, ...]  # edited by hand since: left where they are, and no longer talkcat's
    gone: tuple[str, ...]  # no longer on disk


def leftovers(written: Mapping[str, str], current: Sequence[str], on_disk: Mapping[str, bytes | None]) -> Leftovers:
    """Sort the manifest's pages that no talk of the catalogue (`current`: all their names) has."""
    remove, kept, gone = [], [], []
    for name in sorted(set(written) - set(current)):
        data = on_disk.get(name)
        if data is None:
            gone.append(name)
        elif digest(data) == written[name]:
            remove.append(name)
        else:
            kept.append(name)
    return Leftovers(tuple(remove), tuple(kept), tuple(gone))


def safe_name(name: str) -> bool:
    """Whether a manifest's name is a page in the folder itself: never a path, never hidden."""
    return bool(name) and name == page_stem(name.removesuffix(".md")) + ".md"


def manifest_text(written: Mapping[str, str], pages: Sequence[Page], dropped: Sequence[str] = ()) -> str:
    """The manifest after writing `pages`; pages of talks not exported this time stay listed,
    the `dropped` ones (removed, or kept as hand edits) are no longer talkcat's."""
    merged = {
        **{name: value for name, value in written.items() if name not in dropped},
        **{page.name: page.digest for page in pages},
    }
    data = {"format": _MANIFEST_FORMAT, "generator": "talkcat", "pages": dict(sorted(merged.items()))}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# The sites


def _hugo(talk: Talk, stem: str) -> str:
    # The field names of Hugo Blox's `event` pages.
    matter: dict[str, Any] = {"title": talk.title, "event": talk.event}
    _put(matter, "event_url", _url(talk.link))
    _put(matter, "location", talk.location)
    matter["date"] = talk.date
    _put(matter, "date_end", talk.end_date)
    matter["all_day"] = True
    _put(matter, "summary", summary(talk.description))
    _put(matter, "url_slides", _url(talk.slides))
    _put(matter, "url_video", _url(talk.video))
    _put(matter, "tags", list(talk.tags))
    _put(matter, "authors", list(talk.speakers))
    return _yaml_page(matter, talk.description)


def _jekyll(talk: Talk, stem: str) -> str:
    # The `_talks` collection of the academicpages theme.
    matter: dict[str, Any] = {
        "title": talk.title,
        "collection": "talks",
        "type": talk.kind.capitalize(),
        "permalink": f"/talks/{stem}",
        "venue": talk.event,
        "date": talk.date,
    }
    _put(matter, "location", talk.location)
    links = ((talk.link, "Event page"), (talk.video, "Video"), (talk.slides, "Slides"))
    return _yaml_page(matter, _with_links(talk, links))


def _nikola(talk: Talk, stem: str) -> str:
    # Nikola's metadata comment, as its `new_post` writes it for markdown.
    header = {
        "title": talk.title,
        "slug": stem,
        "date": f"{talk.date.isoformat()} 00:00:00 UTC",
        "tags": ", ".join(tag.replace(",", " ") for tag in talk.tags),
        "category": talk.kind,
        "link": _url(talk.link) or "",
        "description": talk.event,
        "type": "text",
    }
    # An empty value keeps the space after its colon, as Nikola writes it.
    lines = ["<!--", *(f".. {key}: {_comment_safe(value)}" for key, value in header.items()), "-->"]
    body = _with_links(talk, ((talk.video, "Video"), (talk.slides, "Slides")))
    return "\n".join(lines) + "\n" + (f"\n{body}\n" if body else "")


def _comment_safe(value: str) -> str:
    # `-->` would end the comment early.
    return value.replace("-->", "-- >")


def _yaml_page(matter: Mapping[str, Any], body: str | None) -> str:
    from talkcat.yamlwrite import dump_mapping

    text = "---\n" + dump_mapping(matter) + "---\n"
    return text + (f"\n{body.rstrip()}\n" if body else "")


def _put(matter: dict[str, Any], key: str, value: str | dt.date | list[str] | None) -> None:
    if value:
        matter[key] = value


def _url(link: Link | None) -> str | None:
    # A path inside the talks repository means nothing on a website.
    return link.url if link is not None and link.is_url else None


def _with_links(talk: Talk, links: tuple[tuple[Link | None, str], ...]) -> str | None:
    """The description, then a line of the links the front matter has no field for."""
    shown = [format_link(link.label or default, link.url) for link, default in links if link and _url(link)]
    parts = [part for part in ((talk.description or "").rstrip(), " · ".join(shown)) if part]
    return "\n\n".join(parts) or None


def summary(description: str | None) -> str | None:
    """The description's first paragraph, as the markdown parser finds it, on one line.

    A paragraph right under a heading counts; a heading (`#` or underlined),
    a code block, an HTML block or comment, a link definition, a list or a
    table never does. A paragraph in a quote does, without its `>` marks.
    """
    from talkcat.markdown import parse

    tokens = parse(description or "")
    nested = 0  # inside lists and tables
    for number, token in enumerate(tokens):
        if token.type in _NESTING:
            nested += token.nesting
        elif token.type == "paragraph_open" and not nested:
            return " ".join(line.strip() for line in tokens[number + 1].content.splitlines()) or None
    return None


_NESTING = frozenset(
    ("bullet_list_open", "bullet_list_close", "ordered_list_open", "ordered_list_close", "table_open", "table_close")
)
