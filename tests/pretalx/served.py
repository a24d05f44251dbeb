"""The recordings of a real pretalx (record.py), served from 127.0.0.1 to talkcat by a thread.

A request is answered with the recording of the same path and query (the
query's order and escaping aside), in the API version the server plays
(`current`, or `LEGACY` for an instance from before pretalx 2025.1);
anything not recorded gets a 404. ORIGIN in a recording becomes the
server's own origin. `shift_once` plays a talk list that changes while it
is read: the first time through, every page after the first comes one talk
early (a talk withdrawn), so one talk shows twice and the last never.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded"


def _key(version: str, target: str) -> str:
    parts = urlsplit(target)
    query = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(parts.query)))
    return f"{version} {parts.path}?{query}"


@dataclass
class Recorded:
    """The recordings, and what the server was asked."""

    version: str = "current"
    shift_once: bool = False
    requests: list[str] = field(default_factory=list)
    overrides: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)  # path -> status, type, body
    origin: str = ""

    def __post_init__(self) -> None:
        index = json.loads((RECORDED / "index.json").read_text(encoding="utf-8"))
        self.placeholder = index["origin"]
        self.talks: dict[str, str] = index["talks"]
        self.answers = {}
        for key, answer in index["answers"].items():
            version, target = key.split(" ", 1)
            self.answers[_key(version, target)] = answer
        self._shifted_pages: set[int] = set()

    def body(self, name: str) -> bytes:
        return (RECORDED / name).read_bytes().replace(self.placeholder.encode(), self.origin.encode())

    def json(self, name_or_path: str, version: str | None = None) -> Any:
        """A recording as JSON, by its path (`/api/events/democon/`) in the version played."""
        answer = self.answers[_key(version or self.version, name_or_path)]
        return json.loads(self.body(str(answer["file"])))

    def answer(self, target: str) -> tuple[int, str, bytes]:
        self.requests.append(target)
        path = urlsplit(target).path
        if path in self.overrides:
            return self.overrides[path]
        # The API answers in the version played; the public pages are the same in both.
        version = self.version if path.startswith("/api/") else "current"
        found = self.answers.get(_key(version, target))
        if found is None:
            return 404, "application/json", b'{"detail": "Not found."}'
        status, kind, body = int(found["status"]), str(found["content_type"]), self.body(str(found["file"]))
        query = dict(parse_qsl(urlsplit(target).query))
        if self.shift_once and "page" in query:
            body = self._shifted(int(query["page"]), body)
        return status, kind, body

    def _shifted(self, page: int, body: bytes) -> bytes:
        if page in self._shifted_pages:
            return body  # read again: as recorded
        self._shifted_pages.add(page)
        data = json.loads(body)
        data["results"] = self._page(page - 1)[-1:] + data["results"][:-1]
        return json.dumps(data).encode()

    def _page(self, number: int) -> list[Any]:
        for key, answer in self.answers.items():
            if key.startswith(f"{self.version} ") and "/submissions/?" in key:
                query = dict(parse_qsl(key.split("?", 1)[1]))
                if query.get("page", "1") == str(number):
                    return list(json.loads(self.body(str(answer["file"])))["results"])
        raise AssertionError(f"no recorded page {number}")


@contextmanager
def serving(recorded: Recorded) -> Iterator[Recorded]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            status, kind, body = recorded.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorded.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorded
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
