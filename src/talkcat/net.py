"""Reading from the web for `add --from` and `import --schedule URL`: one GET at a time, every failure a clear message.

httpx (the `net` extra) is imported on the first request, never when this
module is imported: a pre-commit hook never pays for it, and never opens a
socket. Each request has a timeout; an answer that is not what was asked
for (an HTTP error, a page that is not JSON) becomes a TalkcatError naming
the URL, so a command stops before it writes anything.
"""

from __future__ import annotations

import errno
import os
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from talkcat.errors import TalkcatError

if TYPE_CHECKING:
    import httpx

NET_HINT = "pip install 'talkcat[net]'"
TIMEOUT_VARIABLE = "TALKCAT_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
# Answers worth asking again after a pause: too many requests, a proxy or server in trouble.
_RETRY_STATUSES = frozenset((429, 502, 503, 504))


@dataclass(frozen=True)
class Answer:
    """What a server sent back: its final URL (redirects followed), content type and body."""

    url: str
    content_type: str
    body: bytes

    def text(self) -> str:
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TalkcatError(f"the answer is not UTF-8 text (byte {exc.start})", path=self.url) from None

    def json(self, what: str) -> Any:
        """The body as JSON; `what` names what was expected, for the message when it is not."""
        import json

        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            kind = self.content_type.split(";")[0].strip() or "no content type"
            raise TalkcatError(f"expected {what}, got something that is not JSON ({kind})", path=self.url) from None


def timeout_from_environment(environ: Mapping[str, str] = os.environ) -> float:
    """Seconds to wait for each answer: $TALKCAT_TIMEOUT, else 10."""
    value = environ.get(TIMEOUT_VARIABLE, "").strip()
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 600:
        raise TalkcatError(f"${TIMEOUT_VARIABLE} must be a number of seconds from 0 to 600, not {value!r}")
    return seconds


class Client:
    """A web client for one command: connections kept open, the same timeout and retries for every GET."""

    def __init__(
        self,
        timeout: float | None = None,
        retries: int = 2,
        backoff: float = 0.5,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout_from_environment() if timeout is None else timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self._client: httpx.Client | None = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()

    def get(self, url: str, headers: Mapping[str, str] | None = None, *, missing: str | None = None) -> Answer:
        """GET `url`, following redirects. `missing` is the message for a 404 (else `HTTP 404 Not Found`)."""
        httpx = _httpx()
        client = self._open(httpx)
        for attempt in range(self.retries + 1):
            try:
                response = client.get(url, headers=dict(headers or {}))
            except httpx.TimeoutException:
                raise TalkcatError(f"no answer within {self.timeout:g} s", path=url, hint=_TIMEOUT_HINT) from None
            except httpx.TooManyRedirects:
                raise TalkcatError("too many redirects", path=url) from None
            except httpx.InvalidURL as exc:
                raise TalkcatError(f"not a URL talkcat can fetch ({exc})", path=url) from None
            except httpx.UnsupportedProtocol:
                raise TalkcatError("not a web address (http:// or https://)", path=url) from None
            except httpx.HTTPError as exc:
                raise _connection_error(url, exc) from None
            status = response.status_code
            if status < 400:
                return Answer(str(response.url), response.headers.get("content-type", ""), response.content)
            if status == 404 and missing is not None:
                raise TalkcatError(missing, path=url)
            wait = self._wait(response, attempt)
            if wait is None:
                phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
                tries = f" (after {attempt + 1} tries)" if attempt else ""
                raise TalkcatError(f"HTTP {status}{phrase}{tries}", path=url)
            self.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _open(self, httpx: Any) -> httpx.Client:
        if self._client is None:
            from talkcat import __version__

            self._client = httpx.Client(
                follow_redirects=True,
                timeout=self.timeout,
                headers={"User-Agent": f"talkcat/{__version__}", "Accept": "application/json, */*;q=0.5"},
                trust_env=True,
            )
        return self._client

    def _wait(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before asking again; None when not to ask again."""
        if response.status_code not in _RETRY_STATUSES or attempt == self.retries:
            return None
        header = response.headers.get("Retry-After", "").strip()
        wait = float(header) if header.isdigit() else self.backoff * 2**attempt
        return wait if wait <= self.max_wait else None


_TIMEOUT_HINT = f"the server may be busy: try again, or wait longer with {TIMEOUT_VARIABLE}=30"


def _httpx() -> Any:
    try:
        import httpx
    except ImportError:
        raise TalkcatError(
            "reading from the web needs the httpx package, which is not installed", hint=NET_HINT
        ) from None
    return httpx


def _connection_error(url: str, exc: Exception) -> TalkcatError:
    """The reason a connection failed, in words: no such host, no network, refused."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or url
    cause = _os_error(exc)
    if isinstance(cause, socket.gaierror):
        if cause.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None)):
            return TalkcatError(
                f"cannot look up {host}: no network, or no name server answers ({cause.strerror})",
                path=url,
                hint="check the connection, then try again",
            )
        return TalkcatError(f"no such host: {host} (the name does not resolve)", path=url, hint="check the URL")
    if isinstance(cause, ConnectionRefusedError):
        return TalkcatError(f"{host} refused the connection (nothing listens there)", path=url)
    if cause is not None and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN):
        return TalkcatError(
            f"cannot reach {host}: no network ({cause.strerror})", path=url, hint="check the connection"
        )
    detail = str(cause or exc) or type(exc).__name__
    return TalkcatError(f"cannot connect to {host} ({detail})", path=url)


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError that an httpx error wraps, if any (httpx keeps it as a cause or context)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        for inner in current.args:
            if isinstance(inner, OSError):
                return inner
        current = current.__cause__ or current.__context__
    return None
