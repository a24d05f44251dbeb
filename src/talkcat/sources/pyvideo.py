"""pyvideo.org's archive (github.com/pyvideo/data): `EVENT/category.json` and `EVENT/videos/*.json`, both ways.

Reading: a video's title, recorded (its date), speakers, videos[0].url
(the talk's video), related_urls (the first labelled as slides becomes the
slides, the first other one the link), tags, language, summary and
description (one markdown description, summary first); the category's
title is the event.

Writing gives files that pyvideo/data's checks accept: its JSON schemas
(`.schemas/category.json`, `.schemas/video.json`), its serialisation
(sorted keys, two spaces, ASCII escapes), its language codes, unique slugs
in each event, file names under 140 bytes. pyvideo holds videos, so a talk
without a video URL is left out (the caller says how many). What pyvideo
has no field for (kind, location, last day, a slides folder) stays behind.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talkcat import sources
from talkcat.errors import TalkcatError
from talkcat.model import Link, Talk

CATEGORY = "category.json"
VIDEOS = "videos"
# pyvideo/data's own language check knows these ISO 639-3 codes.
LANGUAGES = (
    "ces", "cat", "deu", "eng", "eus", "fra", "glg", "heb", "ita", "jpn",
    "kor", "lit", "pol", "por", "rus", "slk", "spa", "tha", "ukr", "zho",
)  # fmt: skip
# ISO 639-1 codes and English names of those languages, as pretalx and people write them.
_LANGUAGE_ALIASES = {
    "cs": "ces", "czech": "ces", "ca": "cat", "catalan": "cat", "de": "deu", "german": "deu",
    "en": "eng", "english": "eng", "eu": "eus", "basque": "eus", "fr": "fra", "french": "fra",
    "gl": "glg", "galician": "glg", "he": "heb", "hebrew": "heb", "it": "ita", "italian": "ita",
    "ja": "jpn", "japanese": "jpn", "ko": "kor", "korean": "kor", "lt": "lit", "lithuanian": "lit",
    "pl": "pol", "polish": "pol", "pt": "por", "portuguese": "por", "ru": "rus", "russian": "rus",
    "sk": "slk", "slovak": "slk", "es": "spa", "spanish": "spa", "th": "tha", "thai": "tha",
    "uk": "ukr", "ukrainian": "ukr", "zh": "zho", "chinese": "zho",
}  # fmt: skip
# An unlabelled slides link is written with this label, and read back without one.
SLIDES_LABEL = "slides"
_MAX_NAME = 120  # bytes of a file name, `.json` included; pyvideo refuses 140 and more
_VIDEO_TYPES = (
    (re.compile(r"https?://(www\.|m\.)?(youtube\.com|youtu\.be)/"), "youtube"),
    (re.compile(r"https?://(www\.)?vimeo\.com/"), "vimeo"),
)
_FILE_TYPE = re.compile(r"\.(mp4|webm|ogv|mkv|flv)(\?|#|$)", re.IGNORECASE)


# Reading


def read_archive(folder: Path) -> list[tuple[dict[str, Any], str]]:
    """Each video's entry, with the file it came from: of every event in pyvideo/data's `folder`, or of the one
    event that `folder` is."""
    from talkcat import store

    if not folder.is_dir():
        raise TalkcatError("not a folder (give pyvideo/data's folder, or one event's folder in it)", path=str(folder))
    events = (
        [folder]
        if (folder / CATEGORY).is_file()
        else sorted(child for child in folder.iterdir() if (child / CATEGORY).is_file())
    )
    if not events:
        raise TalkcatError(f"no event folders here (a folder holding {CATEGORY} and videos/)", path=str(folder))
    entries: list[tuple[dict[str, Any], str]] = []
    for event_folder in events:
        category_path = event_folder / CATEGORY
        title = event_title(_json(store.read_text(category_path), category_path), str(category_path))
        videos = event_folder / VIDEOS
        for video_path in sorted(videos.glob("*.json")) if videos.is_dir() else []:
            record = _json(store.read_text(video_path), video_path)
            entries.append((entry(record, title, str(video_path)), str(video_path)))
    return entries


def _json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TalkcatError(f"not valid JSON: {exc.msg}", path=str(path), line=exc.lineno, col=exc.colno) from None


def event_title(category: Any, path: str) -> str:
    """The event a category file names."""
    title = sources.one_line(category.get("title")) if isinstance(category, dict) else None
    if title is None:
        raise TalkcatError("not a pyvideo category: no title", path=path)
    return title


def entry(video: Any, event: str, path: str) -> dict[str, Any]:
    """A video file's talk as a catalogue entry."""
    if not isinstance(video, dict):
        raise TalkcatError("not a pyvideo video: not a JSON object", path=path)
    title = sources.one_line(video.get("title"))
    recorded = video.get("recorded")
    date = sources.local_date(recorded[:10], None) if isinstance(recorded, str) else None
    if title is None:
        raise TalkcatError("not a pyvideo video: no title", path=path)
    if date is None:
        raise TalkcatError(f"{title!r} has no date (recorded: {recorded!r})", path=path)
    videos = [v.get("url") for v in video.get("videos") or [] if isinstance(v, dict)]
    slides, link = _related(video.get("related_urls") or [])
    return sources.entry(
        title=title,
        date=date,
        event=event,
        language=sources.one_line(video.get("language")),
        speakers=sources.names(video.get("speakers") or []),
        tags=sources.names(video.get("tags") or []),
        link=link,
        video=next((url for url in videos if isinstance(url, str) and url.strip()), None),
        slides=slides,
        description=sources.description(_text(video.get("summary")), _text(video.get("description"))),
    )


def _related(items: Sequence[Any]) -> tuple[Any, Any]:
    """(slides, link) from related_urls: each a URL, or {label, url}."""
    slides = link = None
    for item in items:
        if isinstance(item, str):
            url, label = item, None
        elif isinstance(item, dict) and isinstance(item.get("url"), str):
            url, label = item["url"], sources.one_line(item.get("label"))
        else:
            continue
        if label is not None and "slide" in label.casefold():
            if slides is None:
                slides = Link(url, None if label == SLIDES_LABEL else label).to_value()
        elif link is None:
            link = Link(url, label).to_value()
    return slides, link


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# Writing


@dataclass(frozen=True)
class File:
    """A file to write: its path under the output folder (`/`-separated) and its text."""

    name: str
    text: str


def render(talks: Sequence[Talk], speaker: str | None = None) -> tuple[list[File], list[Talk]]:
    """pyvideo's files for the talks that have a video URL, and the talks left out for having none.

    `speaker` (the setting: who gives the talks) is each talk's first speaker, as in BibTeX.
    """
    folders: dict[str, str] = {}  # event -> folder
    taken_folders: set[str] = set()
    taken_names: dict[str, set[str]] = {}
    files: list[File] = []
    left_out: list[Talk] = []
    for talk in sorted(talks, key=lambda t: (t.event, t.date, t.title)):
        if talk.video is None or not _is_web(talk.video.url):
            left_out.append(talk)
            continue
        if talk.event not in folders:
            folder = _unique(slug(talk.event) or "event", taken_folders)
            folders[talk.event] = folder
            files.append(File(f"{folder}/{CATEGORY}", dumps({"title": talk.event})))
        folder = folders[talk.event]
        stem = _unique(
            slug(talk.title)[: _MAX_NAME - len(".json")].strip("-") or "talk", taken_names.setdefault(folder, set())
        )
        files.append(File(f"{folder}/{VIDEOS}/{stem}.json", dumps(video(talk, stem, speaker))))
    return files, left_out


def video(talk: Talk, stem: str, speaker: str | None = None) -> dict[str, Any]:
    """A talk as pyvideo's video record."""
    assert talk.video is not None
    record: dict[str, Any] = {
        "title": talk.title,
        "recorded": talk.date.isoformat(),
        "speakers": list(dict.fromkeys([*([speaker] if speaker else []), *talk.speakers])),
        "description": talk.description or "",
        "slug": stem,
        "videos": [{"type": video_type(talk.video.url), "url": talk.video.url}],
    }
    tags = list(dict.fromkeys(tag for tag in talk.tags if tag))
    if tags:
        record["tags"] = tags
    language = language_code(talk.language)
    if language is not None:
        record["language"] = language
    related: list[Any] = []
    if talk.link is not None and _is_web(talk.link.url):
        related.append(talk.link.to_value())
    if talk.slides is not None and _is_web(talk.slides.url):
        related.append({"label": talk.slides.label or SLIDES_LABEL, "url": talk.slides.url})
    if related:
        record["related_urls"] = list({json.dumps(item, sort_keys=True): item for item in related}.values())
    return record


def dumps(record: dict[str, Any]) -> str:
    """JSON as pyvideo/data serialises it (its `shape` check): sorted keys, two spaces, ASCII."""
    return json.dumps(record, indent=2, separators=(",", ": "), sort_keys=True) + "\n"


def video_type(url: str) -> str:
    for pattern, name in _VIDEO_TYPES:
        if pattern.match(url):
            return name
    found = _FILE_TYPE.search(url)
    return found[1].lower() if found else "url"


def language_code(language: str | None) -> str | None:
    """pyvideo's code for a language (`en`, `English`, `eng`); None for one it does not know."""
    if language is None:
        return None
    key = language.strip().casefold()
    if key in LANGUAGES:
        return key
    return _LANGUAGE_ALIASES.get(key) or _LANGUAGE_ALIASES.get(key.split("-")[0].split("_")[0])


def slug(text: str) -> str:
    """An ASCII slug, as pyvideo's folders and files are named (accents dropped, other scripts lost)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


def _unique(stem: str, taken: set[str]) -> str:
    candidate, number = stem, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}"
    taken.add(candidate)
    return candidate


def _is_web(url: str) -> bool:
    return url.startswith(("http://", "https://"))
