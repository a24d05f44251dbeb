"""A real pretalx on 127.0.0.1, with its demo event: for `record.py` and the slow end-to-end test.

pretalx is installed from PyPI into a virtual environment of its own, kept
outside the clone ($TALKCAT_PRETALX_VENV, else ~/.cache/talkcat-tests/pretalx-VERSION)
and reused when it is there: the first run takes about a minute for the
install, later ones none. Each instance gets a fresh data folder (SQLite):
`migrate`, `init`, `create_test_event` (the demo event `democon`, 36 talks
with a schedule), then `runserver`. Its site URL is `http://localhost:PORT`,
the host its public pages answer on.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PRETALX = "pretalx==2025.2.2"
EXTRAS = ("Faker", "freezegun")  # create_test_event needs them
EVENT = "democon"


class Unavailable(Exception):
    """pretalx could not be installed here (no package index, say): the reason, for a skip."""


def venv_folder() -> Path:
    chosen = os.environ.get("TALKCAT_PRETALX_VENV")
    if chosen:
        return Path(chosen)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "talkcat-tests" / f"pretalx-{PRETALX.split('==')[1]}"


def install(folder: Path | None = None) -> Path:
    """The python of a virtual environment holding pretalx: the cached one, else made now."""
    folder = folder or venv_folder()
    python = folder / "bin" / "python"
    ready = folder / ".talkcat-ready"
    if ready.exists() and python.exists():
        return python
    folder.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(folder)],
        [str(python), "-m", "pip", "install", "-q", PRETALX, *EXTRAS],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise Unavailable(f"cannot install {PRETALX} ({' '.join(step[-3:])}): {done.stderr.strip()[-500:]}")
    ready.write_text(PRETALX + "\n", encoding="utf-8")
    return python


@dataclass(frozen=True)
class Instance:
    origin: str  # http://localhost:PORT
    data_dir: Path

    def url(self, path: str) -> str:
        return self.origin + path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running(python: Path, data_dir: Path, *, page_limit: int | None = None) -> Iterator[Instance]:
    """pretalx with the demo event, serving on 127.0.0.1 until the block ends."""
    port = free_port()
    origin = f"http://localhost:{port}"
    env = {
        **os.environ,
        "PRETALX_DATA_DIR": str(data_dir),
        "PRETALX_SITE_URL": origin,
        "DJANGO_SUPERUSER_EMAIL": "admin@example.org",
        "DJANGO_SUPERUSER_PASSWORD": "talkcat-test-admin",
        "PRETALX_INIT_ORGANISER_NAME": "Demo",
        "PRETALX_INIT_ORGANISER_SLUG": "demo",
    }
    if page_limit is not None:
        env["PRETALX_MAX_PAGINATION_LIMIT"] = str(page_limit)
    data_dir.mkdir(parents=True, exist_ok=True)
    for command in (["migrate"], ["init", "--noinput"], ["create_test_event"]):
        done = subprocess.run([str(python), "-m", "pretalx", *command], env=env, capture_output=True, text=True,
                              timeout=600)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"pretalx {command[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    log = open(data_dir / "runserver.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [str(python), "-m", "pretalx", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for(f"{origin}/api/events/{EVENT}/", server, data_dir)
        yield Instance(origin, data_dir)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_for(url: str, server: subprocess.Popen[bytes], data_dir: Path) -> None:
    # Bounded: 120 tries, a quarter of a second apart.
    for _ in range(120):
        if server.poll() is not None:
            raise RuntimeError(f"pretalx runserver exited: {(data_dir / 'runserver.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"pretalx did not answer {url} within 30 s")
