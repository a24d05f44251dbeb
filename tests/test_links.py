"""`talkcat validate --check-links`, against a local HTTP server the tests start (never the internet)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from talkcat.cli import app
from talkcat.links import _retry_after, find_links

# Short, yet long enough for a busy machine to answer from 127.0.0.1: only /slow may take it.
FAST = ["--link-timeout", "1", "--link-retries", "1"]


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops connections when eight requests and a
    # redirect loop arrive at once; a dropped SYN is retried only after 1 s.
    request_queue_size = 128
    hits: Counter[tuple[str, str]]  # (method, path) -> requests
    in_flight = 0  # requests to /wait/... being answered now
    peak = 0  # the most of them at once
    lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    server: Server

    def do_HEAD(self) -> None:
        self.answer(with_body=False)

    def do_GET(self) -> None:
        self.answer(with_body=True)

    def answer(self, with_body: bool) -> None:
        path = self.path
        self.server.hits[(self.command, path)] += 1
        served = sum(n for (_, p), n in self.server.hits.items() if p == path)
        status, headers = 200, {}
        if path == "/moved":
            status, headers = 301, {"Location": "/ok"}
        elif path == "/moved-to-gone":
            status, headers = 302, {"Location": "/gone?via=redirect"}
        elif path == "/loop":
            status, headers = 302, {"Location": "/loop"}
        elif path.startswith("/gone"):
            status = 404
        elif path == "/error":
            status = 500
        elif path == "/no-head" and self.command == "HEAD":
            status = 405
        elif path == "/flaky" and served <= 2:
            status, headers = 503, {"Retry-After": "0"}
        elif path == "/busy":
            status, headers = 429, {"Retry-After": "3600"}
        elif path == "/slow":
            time.sleep(4)
        elif path.startswith("/wait/"):
            with self.server.lock:
                self.server.in_flight += 1
                self.server.peak = max(self.server.peak, self.server.in_flight)
            time.sleep(0.3)
            with self.server.lock:
                self.server.in_flight -= 1
        body = b"hello\n" if with_body else b""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "6")
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (the slow page)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    # A proxy from the environment must not stand between the test and its server.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.hits = Counter()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def base(server: Server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def write_catalogue(project: Path, server: Server, text: str) -> None:
    (project / "data/talks.yaml").write_text(text.replace("BASE", base(server)), encoding="utf-8")


ALIVE = """\
talks:
- title: Fine
  date: 2023-01-01
  event: E
  link: BASE/ok
  video:
    label: Recording
    url: BASE/moved
  slides: BASE/no-head
"""


def test_live_links_pass(project: Path, server: Server, runner: CliRunner) -> None:
    write_catalogue(project, server, ALIVE)
    result = runner.invoke(app, ["validate", "--check-links", *FAST])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == "checked 3 links: 0 dead\ndata/talks.yaml: 1 talk, all valid\n"
    assert server.hits == Counter(
        {
            ("HEAD", "/ok"): 2,  # once for the link, once at the end of the redirect
            ("HEAD", "/moved"): 1,
            ("HEAD", "/no-head"): 1,  # refused,
            ("GET", "/no-head"): 1,  # so asked again with GET
        }
    )


DEAD = """\
talks:
- title: Gone
  date: 2023-01-01
  event: E
  link: BASE/gone
  video:
    url: BASE/moved-to-gone
- title: Broken
  date: 2023-01-02
  event: E
  loaction: typo
  slides: BASE/error
  video: BASE/slow
- title: Flaky but there
  date: 2023-01-03
  event: E
  link: BASE/flaky
  video: BASE/busy
  slides: BASE/loop
- title: Same link again
  date: 2023-01-04
  event: E
  link: BASE/gone
"""


def test_dead_links_are_reported_where_they_are_written(project: Path, server: Server, runner: CliRunner) -> None:
    write_catalogue(project, server, DEAD)
    url = base(server)
    result = runner.invoke(app, ["validate", "--check-links", *FAST])
    assert result.exit_code == 1
    assert result.stdout == (
        f"data/talks.yaml:5:9: link {url}/gone is dead: HTTP 404 Not Found\n"
        f"data/talks.yaml:7:10: video {url}/moved-to-gone is dead: HTTP 404 Not Found\n"
        "data/talks.yaml:11:3: unknown key 'loaction' (did you mean 'location'?)\n"
        f"data/talks.yaml:12:11: slides {url}/error is dead: HTTP 500 Internal Server Error (after 2 tries)\n"
        f"data/talks.yaml:13:10: video {url}/slow is dead: timed out (no answer within 1 s)\n"
        f"data/talks.yaml:18:10: video {url}/busy is dead: HTTP 429 Too Many Requests "
        "(asks to retry after 3600 s, longer than talkcat waits)\n"
        f"data/talks.yaml:19:11: slides {url}/loop is dead: too many redirects\n"
        f"data/talks.yaml:23:9: link {url}/gone is dead: HTTP 404 Not Found\n"
    )
    assert result.stderr == "checked 7 links: 6 dead\n8 problems in data/talks.yaml\n"
    # HEAD is not trusted with a bad answer; a 5xx is tried again; a URL is asked once.
    assert (server.hits[("HEAD", "/gone")], server.hits[("GET", "/gone")]) == (1, 1)
    assert server.hits[("GET", "/gone?via=redirect")] == 1
    assert (server.hits[("HEAD", "/error")], server.hits[("GET", "/error")]) == (1, 2)
    assert (server.hits[("HEAD", "/flaky")], server.hits[("GET", "/flaky")]) == (1, 2)


def test_retries_can_be_turned_off(project: Path, server: Server, runner: CliRunner) -> None:
    write_catalogue(project, server, DEAD)
    result = runner.invoke(app, ["validate", "--check-links", "--link-timeout", "1", "--link-retries", "0"])
    assert f"link {base(server)}/flaky is dead: HTTP 503 Service Unavailable\n" in result.stdout
    assert f"slides {base(server)}/error is dead: HTTP 500 Internal Server Error\n" in result.stdout
    assert server.hits[("GET", "/error")] == 1


def test_dead_links_in_json(project: Path, server: Server, runner: CliRunner) -> None:
    write_catalogue(project, server, ALIVE.replace("/ok", "/gone"))
    result = runner.invoke(app, ["validate", "--check-links", "--format", "json", *FAST])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["problems"] == [
        {
            "path": "data/talks.yaml",
            "line": 5,
            "col": 9,
            "severity": "error",
            "message": f"link {base(server)}/gone is dead: HTTP 404 Not Found",
        }
    ]


def test_no_request_without_the_option(project: Path, server: Server, runner: CliRunner) -> None:
    write_catalogue(project, server, DEAD.replace("  loaction: typo\n", ""))
    result = runner.invoke(app, ["validate"])
    assert (result.exit_code, result.stderr) == (0, "data/talks.yaml: 4 talks, all valid\n")
    assert server.hits == Counter()


def test_only_web_urls_are_asked(project: Path, server: Server, runner: CliRunner) -> None:
    (project / "decks").mkdir()
    write_catalogue(
        project,
        server,
        "talks:\n- title: T\n  date: 2023-01-01\n  event: E\n  slides: decks/\n"
        "  link: mailto:me@example.org\n  video: BASE/ok\n  description: See BASE/gone\n",
    )
    result = runner.invoke(app, ["validate", "--check-links", *FAST])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (0, "checked 1 link: 0 dead")
    assert server.hits == Counter({("HEAD", "/ok"): 1})


def test_without_httpx_says_what_to_install(project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "data/talks.yaml").write_text(
        "talks:\n- {title: T, date: 2023-01-01, event: E, link: 'https://example.org'}\n", encoding="utf-8"
    )
    monkeypatch.setitem(sys.modules, "httpx", None)  # as if not installed: import fails
    result = runner.invoke(app, ["validate", "--check-links"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "--check-links needs the httpx package, which is not installed\nhint: pip install 'talkcat[links]'\n"
    )


def test_find_links_reads_positions_even_in_a_broken_catalogue() -> None:
    text = "talks:\n- title: T\n  video: {label: V, url: 'https://a.example/x'}\n- 3\n- link: HTTP://b.example\n"
    found = find_links(text, "t.yaml")
    assert [(link.field, link.url, link.line, link.col) for link in found] == [
        ("video", "https://a.example/x", 3, 26),
        ("link", "HTTP://b.example", 5, 9),
    ]


def test_retry_after_as_seconds_or_a_date() -> None:
    now = dt.datetime(2024, 1, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
    assert _retry_after("120", now) == 120.0
    assert _retry_after(" 0 ", now) == 0.0
    assert _retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now) == 30.0
    assert _retry_after("Mon, 01 Jan 2024 11:00:00 GMT", now) == 0.0
    assert _retry_after("soon", now) is None
    assert _retry_after(None, now) is None


@pytest.mark.slow
@pytest.mark.parametrize(("args", "bound"), [(["--link-concurrency", "3"], 3), ([], 8)])
def test_links_are_asked_a_bounded_number_at_a_time(
    project: Path, server: Server, runner: CliRunner, args: list[str], bound: int
) -> None:
    talks = "".join(
        f"- title: Talk {n}\n  date: 2023-01-{n:02d}\n  event: E\n  link: BASE/wait/{n}\n" for n in range(1, 21)
    )
    write_catalogue(project, server, "talks:\n" + talks)
    result = runner.invoke(app, ["validate", "--check-links", "--link-timeout", "5", *args])
    assert result.exit_code == 0, result.output
    assert result.stderr == "checked 20 links: 0 dead\ndata/talks.yaml: 20 talks, all valid\n"
    # 20 answers of 0.3 s each overlap: the bound is reached, never passed.
    assert 2 <= server.peak <= bound


# Without a network: a real talkcat process whose name look-ups fail, as they do on a
# machine with no network (an audit hook raises at each one, before any packet is sent).
OFFLINE = """\
import socket, sys
def _offline(event, args):
    if event == "socket.getaddrinfo" and args[0] not in ("127.0.0.1", b"127.0.0.1"):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
sys.addaudithook(_offline)
from talkcat.cli import main
main()
"""


def offline_talkcat(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", OFFLINE, *args], cwd=project, capture_output=True, text=True, timeout=60
    )


UNREACHABLE = """\
talks:
- title: One
  date: 2023-01-01
  event: E
  link: https://pydata.org/global2023/
  video: https://youtu.be/xyz
- title: Two
  date: 2023-01-02
  event: E
  slides: https://example.org/deck
"""


def test_without_a_network_the_links_are_not_checked_and_say_so(project: Path) -> None:
    (project / "data/talks.yaml").write_text(UNREACHABLE, encoding="utf-8")
    result = offline_talkcat(project, "validate", "--check-links", *FAST)
    assert (result.returncode, result.stdout) == (5, "")
    assert result.stderr == (
        "checked 0 links: 0 dead; 3 could not be checked\n"
        "data/talks.yaml: 2 talks, all valid\n"
        "data/talks.yaml: could not check 3 links: no host name resolves (is this machine offline?)\n"
        "hint: run `talkcat validate --check-links` again with a network\n"
    )
    assert "dead" not in result.stdout
    as_json = offline_talkcat(project, "validate", "--check-links", "--format", "json", *FAST)
    assert as_json.returncode == 5
    report = json.loads(as_json.stdout)
    assert (report["valid"], report["problems"]) == (True, [])
    assert report["unchecked_links"] == [
        "https://pydata.org/global2023/",
        "https://youtu.be/xyz",
        "https://example.org/deck",
    ]


def test_without_a_network_other_problems_still_decide_the_exit_code(project: Path) -> None:
    (project / "data/talks.yaml").write_text(UNREACHABLE.replace("  event: E\n", "  event: E\n  loaction: x\n", 1))
    result = offline_talkcat(project, "validate", "--check-links", *FAST)
    assert result.returncode == 1
    assert result.stdout == "data/talks.yaml:5:3: unknown key 'loaction' (did you mean 'location'?)\n"


def test_a_host_that_does_not_resolve_is_dead_when_other_links_answer(project: Path, server: Server) -> None:
    # The network works (the local server answers), so the name that does not resolve is a domain gone.
    write_catalogue(
        project,
        server,
        ALIVE + "  description: x\n- title: T\n  date: 2023-01-02\n  event: E\n  video: https://gone.example/talk\n",
    )
    result = offline_talkcat(project, "validate", "--check-links", *FAST)
    assert result.returncode == 1
    assert result.stdout == (
        "data/talks.yaml:14:10: video https://gone.example/talk is dead: "
        "its host name 'gone.example' does not resolve\n"
    )
    assert result.stderr.startswith("checked 4 links: 1 dead\n")


def test_the_wording_tells_refused_timed_out_and_404_apart(project: Path, server: Server, runner: CliRunner) -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    refused = f"http://127.0.0.1:{closed.getsockname()[1]}/talk"
    closed.close()  # nothing listens there now: the connection is refused
    write_catalogue(
        project,
        server,
        f"talks:\n- title: T\n  date: 2023-01-01\n  event: E\n  link: {refused}\n  video: BASE/slow\n"
        "  slides: BASE/gone\n",
    )
    result = runner.invoke(app, ["validate", "--check-links", *FAST])
    assert result.exit_code == 1
    assert result.stdout == (
        f"data/talks.yaml:5:9: link {refused} is dead: could not connect (connection refused)\n"
        f"data/talks.yaml:6:10: video {base(server)}/slow is dead: timed out (no answer within 1 s)\n"
        f"data/talks.yaml:7:11: slides {base(server)}/gone is dead: HTTP 404 Not Found\n"
    )
