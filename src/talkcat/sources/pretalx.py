"""A talk from pretalx: its page's URL read, its public API asked, the answer made an entry.

A talk page is `https://HOST[/PREFIX]/EVENT/talk/CODE/` on pretalx.com and on
self-hosted instances alike; the API lives at `HOST[/PREFIX]/api/events/EVENT/`.
Mirror sites that copy talks under their own URLs (`2025.pycon.de/talks/WMBDJ8/`)
are mapped to their instance and event in `[tool.talkcat.sources]`.

Two shapes of the API are read: the one pretalx 2025.1 and later answers
anonymous requests with (`slots`, expandable objects) and the legacy one of
earlier releases (one `slot`, names as text), which newer releases still
give on request. Anything else is refused with a message, never guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from talkcat import sources
from talkcat.errors import TalkcatError

EXPAND = "speakers,slots.room,track,submission_type"
PAGE_SIZE = 50  # pretalx's largest page
_CODE = re.compile(r"[A-Za-z0-9]{4,16}")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_MIRROR_HINT = (
    "for a site that copies pretalx's talks under its own URLs, map its host to the pretalx event in "
    '[tool.talkcat.sources] (e.g. "2025.pycon.de" = "https://pretalx.com/pyconde-pydata-2025/")'
)

# GET url -> parsed JSON; `missing` is the message for a 404 (see net.Client.get).
Fetch = Callable[..., Any]


@dataclass(frozen=True)
class Event:
    """A pretalx event: the instance's root URL (ending in `/`) and the event's slug."""

    root: str
    slug: str

    @property
    def api(self) -> str:
        return f"{self.root}api/events/{self.slug}/"

    @property
    def page(self) -> str:
        return f"{self.root}{self.slug}/"

    def talk_page(self, code: str) -> str:
        return f"{self.root}{self.slug}/talk/{code}/"


@dataclass(frozen=True)
class TalkPage:
    """Where a talk lives: its event, its code (upper case), and the URL to keep as its link."""

    event: Event
    code: str
    link: str


def event_of(url: str) -> Event | None:
    """The event a pretalx event URL (`https://pretalx.com/pyconde-pydata-2025/`) names; None if it names none."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if not segments or not _SLUG.fullmatch(segments[-1]):
        return None
    root_path = "/".join(segments[:-1])
    root = urlunsplit((parts.scheme, parts.netloc, f"/{root_path}/" if root_path else "/", "", ""))
    return Event(root, segments[-1])


def talk_page(url: str, mirrors: Mapping[str, str] = {}) -> TalkPage:
    """The talk a URL names: a pretalx talk page, or a page of a mirror site in `mirrors`."""
    given = url.strip()
    parts = urlsplit(given)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TalkcatError("not a web address: give the talk's page, https://HOST/EVENT/talk/CODE/", path=url)
    segments = [s for s in parts.path.split("/") if s]
    mirror = _mirror(parts.netloc, segments, mirrors)
    if mirror is not None:
        event = event_of(mirror)
        assert event is not None, "config checks each mirror's URL"
        if not segments or not _CODE.fullmatch(segments[-1]):
            raise TalkcatError(f"a page of {parts.netloc}, but no talk code at the end of its path", path=url)
        return TalkPage(event, segments[-1].upper(), given)
    for at in range(len(segments) - 2, 0, -1):
        if segments[at].casefold() == "talk" and _CODE.fullmatch(segments[at + 1]):
            root_path = "/".join(segments[: at - 1])
            root = urlunsplit((parts.scheme, parts.netloc, f"/{root_path}/" if root_path else "/", "", ""))
            event = Event(root, segments[at - 1])
            code = segments[at + 1].upper()
            return TalkPage(event, code, event.talk_page(code))
    raise TalkcatError("not a pretalx talk page: expected https://HOST/EVENT/talk/CODE/", path=url, hint=_MIRROR_HINT)


def _mirror(host: str, segments: Sequence[str], mirrors: Mapping[str, str]) -> str | None:
    """The pretalx event of the longest mirror key (`host` or `host/path`) the URL starts with."""
    best: tuple[int, str] | None = None
    host = host.casefold()
    for key, target in mirrors.items():
        key_host, _, key_path = key.strip("/").partition("/")
        prefix = [s for s in key_path.split("/") if s]
        if key_host.casefold() == host and list(segments[: len(prefix)]) == prefix:
            if best is None or len(prefix) > best[0]:
                best = (len(prefix), target)
    return best[1] if best else None


def read_talk(page: TalkPage, fetch: Fetch) -> dict[str, Any]:
    """The catalogue entry of one talk, asked of pretalx's API."""
    event = read_event(page.event, fetch)
    url = f"{page.event.api}submissions/{page.code}/?expand={EXPAND}"
    submission = fetch(
        url,
        missing=f"talk {page.code} is not public on {page.event.page} (no such talk, or not in the published schedule)",
    )
    if not isinstance(submission, dict) or not submission:
        raise TalkcatError(f"talk {page.code} is not public on {page.event.page} (its API answer is empty)", path=url)
    return entry(submission, event, page.event, fetch, url, link=page.link)


@dataclass(frozen=True)
class EventInfo:
    """What the talks need from the event: its name, first day, timezone and language."""

    name: str
    first_day: str | None
    timezone: str | None
    locale: str | None


def read_event(event: Event, fetch: Fetch) -> EventInfo:
    url = event.api
    data = fetch(url, missing=f"no public event {event.slug!r} on {event.root} (is the URL right?)")
    if not isinstance(data, dict) or "slug" not in data or "name" not in data:
        raise TalkcatError("the answer is JSON, but not a pretalx event (no name and slug)", path=url, hint=_OLD_HINT)
    locale = data.get("locale") if isinstance(data.get("locale"), str) else None
    name = sources.localized(data["name"], locale) or str(data["slug"])
    first = data.get("date_from") if isinstance(data.get("date_from"), str) else None
    zone = data.get("timezone") if isinstance(data.get("timezone"), str) else None
    return EventInfo(name, first, zone, locale)


_OLD_HINT = (
    "talkcat reads the API of pretalx 2025.1 and later and the legacy API of the releases before; "
    "an older or changed pretalx is not read: give --title, --date and --event instead"
)


def entry(
    submission: Any, info: EventInfo, event: Event, fetch: Fetch, url: str, *, link: str | None = None
) -> dict[str, Any]:
    """A submission of the API (either shape) as a catalogue entry."""
    if not isinstance(submission, dict) or not isinstance(submission.get("title"), str) or "code" not in submission:
        raise TalkcatError("the answer is JSON, but not a pretalx talk (no code and title)", path=url, hint=_OLD_HINT)
    if "slots" in submission and isinstance(submission["slots"], list):
        starts = [_slot_start(slot, event, fetch) for slot in submission["slots"]]
    elif "slot" in submission:
        slot = submission["slot"]
        starts = [slot.get("start")] if isinstance(slot, dict) else []
    else:
        raise TalkcatError("the answer is a talk in an API shape talkcat does not know", path=url, hint=_OLD_HINT)
    days = sorted(filter(None, (sources.local_date(s, info.timezone) for s in starts if isinstance(s, str))))
    first_day = sources.local_date(info.first_day, None) if info.first_day else None
    date = days[0] if days else first_day
    if date is None:
        raise TalkcatError("the talk has no time in the schedule, and its event no first day", path=url)
    code = str(submission["code"]).upper()
    speakers = [_speaker_name(s, event, fetch) for s in submission.get("speakers") or []]
    track = _named(submission.get("track"), f"{event.api}tracks/", info.locale, fetch)
    session_type = _named(submission.get("submission_type"), f"{event.api}submission-types/", info.locale, fetch)
    return sources.entry(
        title=sources.one_line(submission["title"]),
        date=date,
        event=info.name,
        kind=sources.kind_of(session_type),
        language=sources.one_line(submission.get("content_locale")),
        speakers=sources.names(speakers),
        tags=sources.names([track]),
        link=link or event.talk_page(code),
        description=sources.description(_text(submission.get("abstract")), _text(submission.get("description"))),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _slot_start(slot: Any, event: Event, fetch: Fetch) -> Any:
    if isinstance(slot, int):  # an instance that did not expand: ask for the slot
        slot = fetch(f"{event.api}slots/{slot}/")
    return slot.get("start") if isinstance(slot, dict) else None


def _speaker_name(speaker: Any, event: Event, fetch: Fetch) -> Any:
    if isinstance(speaker, str):  # a speaker's code, not expanded
        speaker = fetch(f"{event.api}speakers/{speaker}/")
    return speaker.get("name") if isinstance(speaker, dict) else None


def _named(value: Any, endpoint: str, locale: str | None, fetch: Fetch) -> str | None:
    """A track's or session type's name: legacy text, an i18n mapping, an expanded object, or an id to ask for."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = fetch(f"{endpoint}{value}/")
    if isinstance(value, dict) and "name" in value:
        value = value["name"]
    return sources.localized(value, locale)


def read_talks(
    event: Event, fetch: Fetch, on_page: Callable[[int, int], None] = lambda done, total: None
) -> list[dict[str, Any]]:
    """Every public talk of an event, in the order of their codes: all pages read, each talk once.

    Pages are counted in offsets, and a talk published or withdrawn while
    they are read moves the ones after it: one shows twice, or another not
    at all. Talks are kept by code, and the pages are read again (twice at
    most) until every talk the count promises has come.
    """
    info = read_event(event, fetch)
    found: dict[str, Any] = {}
    total = 0
    for _ in range(3):
        total = 0
        for page, count in _pages(f"{event.api}submissions/?expand={EXPAND}&page_size={PAGE_SIZE}", fetch):
            total = count
            for submission in page:
                code = submission.get("code") if isinstance(submission, dict) else None
                if not isinstance(code, str):
                    raise TalkcatError("the talk list holds something that is not a pretalx talk", path=event.api)
                found.setdefault(code.upper(), submission)
            on_page(min(len(found), total), total)
        if len(found) >= total:
            break
    else:
        raise TalkcatError(
            f"the talk list kept changing while it was read: {len(found)} talks came of the {total} it counts",
            path=event.api,
            hint="try again in a minute; nothing was written",
        )
    url = f"{event.api}submissions/"
    return [entry(found[code], info, event, fetch, url) for code in sorted(found)]


def _pages(first: str, fetch: Fetch) -> Iterator[tuple[list[Any], int]]:
    """Each page's talks and the count the server gives, following `next` links (a bounded number)."""
    url: str | None = first
    seen: set[str] = set()
    while url is not None:
        if url in seen or len(seen) > 2000:
            raise TalkcatError("the talk list's pages lead round in a circle", path=url)
        seen.add(url)
        data = fetch(url)
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise TalkcatError("the answer is JSON, but not a pretalx talk list (no results)", path=url, hint=_OLD_HINT)
        count = data.get("count")
        yield data["results"], count if isinstance(count, int) else len(data["results"])
        following = data.get("next")
        url = following if isinstance(following, str) and following else None
