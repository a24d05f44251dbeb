"""Talks as a calendar (iCalendar) and as a bibliography (BibTeX): pure, text out.

`json` and `csv` exports are `listing.to_json` and `listing.to_csv`, the very
text `talkcat list` prints; the site pages are in `pages.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urljoin

from talkcat.errors import TalkcatError
from talkcat.model import Link, Talk

PRODID = "-//talkcat//talkcat//EN"
UID_DOMAIN = "talkcat"
CALENDAR_HINT = "pip install 'talkcat[calendar]'"


def with_base_url(talks: Sequence[Talk], base_url: str) -> list[Talk]:
    """The talks with each link that is a path in the repository (a slides folder) made a
    URL under `base_url`, the way the README's relative links resolve on the web.

    For the exports only: the README keeps its relative links, which the
    repository's own pages resolve.
    """
    base = base_url if base_url.endswith("/") else base_url + "/"

    def resolved(link: Link | None) -> Link | None:
        if link is None or link.is_url:
            return link
        return Link(urljoin(base, quote(link.url, safe="/")), link.label)

    return [
        replace(talk, link=resolved(talk.link), video=resolved(talk.video), slides=resolved(talk.slides))
        for talk in talks
    ]


def to_ics(talks: Sequence[Talk]) -> str:
    """An iCalendar file: one all-day event per talk (several days with an end_date).

    DTSTAMP is the talk's first day at midnight UTC, not the time of the
    export: exporting an unchanged catalogue twice gives the same bytes, so
    the file in a repository changes only when a talk does, and golden files
    are reproducible. A calendar matches events by UID, which comes from the
    talk's id and so stays the same across exports.
    """
    try:
        import icalendar
    except ImportError:
        raise TalkcatError(
            "the ics format needs the icalendar package, which is not installed",
            hint=CALENDAR_HINT,
        ) from None
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    for talk in talks:
        calendar.add_component(_event(icalendar.Event(), talk))
    text: str = calendar.to_ical().decode("utf-8")
    return text


def _event(event: Any, talk: Talk) -> Any:
    last = talk.end_date or talk.date
    event.add("uid", f"{talk.slug}@{UID_DOMAIN}")
    event.add("dtstamp", dt.datetime(talk.date.year, talk.date.month, talk.date.day, tzinfo=dt.timezone.utc))
    event.add("dtstart", talk.date)
    # DTEND of an all-day event is exclusive: the day after the last day.
    event.add("dtend", last + dt.timedelta(days=1))
    event.add("summary", talk.title)
    if talk.location:
        event.add("location", talk.location)
    if talk.link is not None and talk.link.is_url:
        event.add("url", talk.link.url)
    event.add("description", _ics_description(talk))
    event.add("categories", [talk.kind, *talk.tags])
    from talkcat.sources.calendar import FIELDS_PROPERTY, extra_fields

    extra = extra_fields(talk)  # what `import --ics` needs to give back the same talk
    if extra is not None:
        event.add(FIELDS_PROPERTY, extra)
    return event


def _ics_description(talk: Talk) -> str:
    lines = [talk.event]
    if talk.speakers:
        lines.append("Speakers: " + ", ".join(talk.speakers))
    for name, link in (("Link", talk.link), ("Video", talk.video), ("Slides", talk.slides)):
        if link is not None and link.is_url:
            lines.append(f"{name}: {link.url}")
    if talk.description:
        lines += ["", talk.description]  # as it is, a final line break too: `import --ics` gives it back
    return "\n".join(lines)


# BibTeX: LaTeX's special characters are escaped; every other character is
# written as itself, in UTF-8, as biber and LaTeX (UTF-8 input by default
# since 2018) read it. Turning `ü` into `{\"u}` would lose scripts that have
# no such macro, and clutter what people read and edit.


_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL = re.compile("[" + re.escape("".join(_LATEX_SPECIALS)) + "]")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")


def latex_escape(text: str) -> str:
    """Text with LaTeX's special characters escaped; other characters (UTF-8) kept as they are."""
    return _LATEX_SPECIAL.sub(lambda m: _LATEX_SPECIALS[m[0]], text)


def bibtex_key(talk_id: str) -> str:
    """An ASCII key from the id: accents dropped, other characters turned into `-`.

    A key that lost more than accents (an id in Greek or Japanese, say) gets
    a short hash of the whole id, so two such talks never share a key and a
    key never depends on which other talks are exported.
    """
    folded = "".join(ch for ch in unicodedata.normalize("NFKD", talk_id) if not unicodedata.combining(ch))
    key = _KEY_UNSAFE.sub("-", folded).strip("-.") or "talk"
    if key != folded:
        key += "-" + hashlib.sha256(talk_id.encode("utf-8")).hexdigest()[:8]
    return key


def to_bibtex(talks: Sequence[Talk], speaker: str | None = None) -> str:
    """One `@misc` entry per talk, for a CV; fields in a fixed order, values in braces.

    The author is `speaker` (the `speaker` setting: who gives the talks), then
    the talk's own `speakers`.
    """
    entries = []
    seen: set[str] = set()
    for talk in talks:
        key = bibtex_key(talk.slug)
        # Ids are unique; two ids folding to one key (`zürich` and `zurich`) are not.
        if key in seen:
            key += "-" + hashlib.sha256(talk.slug.encode("utf-8")).hexdigest()[:8]
        seen.add(key)
        entries.append(_bibtex_entry(key, talk, speaker))
    return "\n".join(entries)


def _bibtex_entry(key: str, talk: Talk, speaker: str | None) -> str:
    fields: list[tuple[str, str]] = []
    # Double braces keep the title's capitals: styles lower-case @misc titles.
    fields.append(("title", "{" + latex_escape(talk.title) + "}"))
    authors = list(dict.fromkeys([*([speaker] if speaker else []), *talk.speakers]))
    if authors:
        fields.append(("author", " and ".join(_name(name) for name in authors)))
    where = talk.event + (f", {talk.location}" if talk.location else "")
    fields.append(("howpublished", latex_escape(where)))
    fields.append(("year", str(talk.date.year)))
    month = _MONTHS[talk.date.month - 1]
    # biblatex reads `date` (a range for several days); BibTeX ignores it.
    day = talk.date.isoformat() + (f"/{talk.end_date.isoformat()}" if talk.end_date else "")
    fields.append(("date", day))
    url = _first_url(talk.link, talk.video, talk.slides)
    if url is not None:
        fields.append(("url", _url(url)))
    fields.append(("note", latex_escape(talk.kind.capitalize())))
    return _assemble(key, fields, month)


def _assemble(key: str, fields: list[tuple[str, str]], month: str) -> str:
    lines = [f"@misc{{{key},"]
    for name, value in fields:
        lines.append(f"  {name} = {{{value}}},")
        if name == "year":
            # The month as BibTeX's macro, which styles print in their own language.
            lines.append(f"  month = {month},")
    return "\n".join(lines) + "\n}\n"


def _name(speaker: str) -> str:
    name = latex_escape(speaker)
    # BibTeX splits authors at ` and `: a name holding it is kept whole.
    return "{" + name + "}" if re.search(r"\sand\s", name, re.IGNORECASE) else name


def _first_url(*links: Link | None) -> str | None:
    for link in links:
        if link is not None and link.is_url:
            return link.url
    return None


def _url(url: str) -> str:
    # The url field is read verbatim by the url package and biblatex: only a
    # brace or a backslash (never part of a valid URL) could break the entry.
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")
