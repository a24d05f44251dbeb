"""Dead-link checking for `talkcat validate --check-links`: the web URLs of link, video and slides.

The only module that talks to the network. httpx (an optional extra) is
imported only when links are checked. URLs in descriptions are not checked:
they hold examples and code as often as references, and a description's
own links are the author's prose, not the catalogue's data.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from talkcat.errors import Problem, TalkcatError
from talkcat.model import LINK_FIELDS

if TYPE_CHECKING:
    import httpx

    from talkcat.yamlread import Mark

LINKS_HINT = "pip install 'talkcat[links]'"
# Answers worth asking again, after a pause: too many requests, server trouble.
_RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))


@dataclass(frozen=True)
class LinkAt:
    """A web URL in the catalogue, and where its text starts."""

    url: str
    field: str
    line: int
    col: int


@dataclass(frozen=True)
class Settings:
    """How patient the check is."""

    timeout: float = 10.0  # seconds, for each request
    concurrency: int = 8  # requests at once
    retries: int = 2  # more tries after a 429 or 5xx answer
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    max_wait: float = 30.0  # longest wait before a retry, Retry-After included
    user_agent: str = "talkcat link check"


@dataclass(frozen=True)
class Outcome:
    """What became of one URL: alive or not, and why not."""

    alive: bool
    detail: str = ""
    answered: bool = False  # an HTTP answer came, whatever its status
    unresolved: bool = False  # its host name did not resolve


def find_links(text: str, path: str) -> list[LinkAt]:
    """The http(s) URLs of every entry's link, video and slides, with their positions."""
    from talkcat.yamlread import load

    doc = load(text, path)
    found: list[LinkAt] = []
    talks, talks_mark = _child(doc.data, doc.mark, "talks")
    if not isinstance(talks, list) or talks_mark is None or not isinstance(talks_mark[2], list):
        return found
    for entry, entry_mark in zip(talks, talks_mark[2]):
        for name in LINK_FIELDS:
            value, mark = _child(entry, entry_mark, name)
            if isinstance(value, dict):
                value, mark = _child(value, mark, "url")
            if isinstance(value, str) and mark is not None and _is_web(value):
                found.append(LinkAt(value, name, mark[0], mark[1]))
    return found


def _child(data: Any, mark: Mark | None, key: str) -> tuple[Any, Mark | None]:
    """A mapping's value and the value's mark, or (None, None)."""
    if not isinstance(data, dict) or mark is None or not isinstance(mark[2], dict) or key not in mark[2]:
        return None, None
    return data.get(key), mark[2][key][1]


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def check_urls(urls: Sequence[str], settings: Settings = Settings()) -> dict[str, Outcome]:
    """Ask each URL once (a URL used by several talks too), a bounded number at a time."""
    try:
        import httpx
    except ImportError:
        raise TalkcatError("--check-links needs the httpx package, which is not installed", hint=LINKS_HINT) from None
    unique = list(dict.fromkeys(urls))
    outcomes = asyncio.run(_check_all(httpx, unique, settings))
    return dict(zip(unique, outcomes))


async def _check_all(httpx: Any, urls: list[str], settings: Settings) -> list[Outcome]:
    gate = asyncio.Semaphore(settings.concurrency)
    async with httpx.AsyncClient(
        follow_redirects=True,
        timeout=settings.timeout,
        headers={"User-Agent": settings.user_agent},
        limits=httpx.Limits(max_connections=settings.concurrency),
    ) as client:
        return list(await asyncio.gather(*(_check_one(httpx, client, gate, url, settings) for url in urls)))


async def _check_one(
    httpx: Any, client: httpx.AsyncClient, gate: asyncio.Semaphore, url: str, settings: Settings
) -> Outcome:
    async with gate:
        method = "HEAD"
        for attempt in range(settings.retries + 1):
            try:
                response = await _ask(client, method, url)
                # Servers refuse HEAD (405, 403, 501) or mishandle it (404, 400):
                # an error answer to HEAD is asked again with GET, which decides.
                if method == "HEAD" and response.status_code >= 400:
                    method = "GET"
                    response = await _ask(client, method, url)
            except httpx.TimeoutException:
                return Outcome(False, f"timed out (no answer within {settings.timeout:g} s)")
            except httpx.TooManyRedirects:
                return Outcome(False, "too many redirects", answered=True)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                return _not_connected(exc, url)
            status = response.status_code
            if status < 400:
                return Outcome(True, answered=True)
            detail = f"HTTP {status}{_reason(response)}"
            if status not in _RETRY_STATUSES or attempt == settings.retries:
                tries = f" (after {attempt + 1} tries)" if attempt else ""
                return Outcome(False, detail + tries, answered=True)
            wait = _retry_after(response.headers.get("Retry-After"), dt.datetime.now(dt.timezone.utc))
            if wait is None:
                wait = settings.backoff * 2**attempt
            if wait > settings.max_wait:
                return Outcome(False, f"{detail} (asks to retry after {wait:g} s, longer than talkcat waits)", True)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable: the last attempt returns")  # pragma: no cover


def _not_connected(exc: BaseException, url: str) -> Outcome:
    """A request that got no answer: its host name did not resolve, or no connection was made."""
    import socket
    from urllib.parse import urlsplit

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            host = urlsplit(url).hostname or url
            return Outcome(False, f"its host name {host!r} does not resolve", unresolved=True)
        if isinstance(cause, ConnectionRefusedError):
            return Outcome(False, "could not connect (connection refused)")
        cause = cause.__cause__ or cause.__context__
    return Outcome(False, f"could not connect ({str(exc) or type(exc).__name__})")


async def _ask(client: httpx.AsyncClient, method: str, url: str) -> httpx.Response:
    # Stream, and never read the body: only the status matters.
    async with client.stream(method, url) as response:
        return response


def _reason(response: httpx.Response) -> str:
    phrase = response.reason_phrase
    return f" {phrase}" if phrase else ""


def _retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header: a number, or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


def unchecked(outcomes: dict[str, Outcome]) -> list[str]:
    """The URLs that could not be checked: none got an answer and their host names did not
    resolve, as on a machine without a network. (When other URLs got answers, a host name
    that does not resolve is a dead link: the domain is gone.)"""
    if any(outcome.answered for outcome in outcomes.values()):
        return []
    return [url for url, outcome in outcomes.items() if outcome.unresolved]


def dead_links(links: Sequence[LinkAt], outcomes: dict[str, Outcome], path: str) -> list[Problem]:
    """A problem at each place a dead URL is written (not the ones that could not be checked)."""
    skipped = set(unchecked(outcomes))
    return [
        Problem(path, link.line, link.col, f"{link.field} {link.url} is dead: {outcomes[link.url].detail}")
        for link in links
        if not outcomes[link.url].alive and link.url not in skipped
    ]
