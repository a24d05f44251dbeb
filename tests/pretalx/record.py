"""Record what talkcat's tests ask a pretalx: API answers (current and legacy) and schedule exports.

    python tests/pretalx/record.py            # about 1 minute (plus the install, the first time)

Starts a real pretalx (see instance.py) with its demo event, pages limited
to 10 talks so that the talk list spans several pages, asks it every URL
the tests need, and writes the answers into tests/pretalx/recorded/ with
an index.json. The instance's origin is written as ORIGIN, which the
tests' server (served.py) replaces with its own. The demo event is made
with random names and dates near today: recording again changes the
files, and the tests' expectations with them.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import instance  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "recorded"
ORIGIN = "http://pretalx.example"
EXPAND = "speakers,slots.room,track,submission_type"
LEGACY = "LEGACY"
PAGE_LIMIT = 10


def main() -> int:
    python = instance.install()
    with tempfile.TemporaryDirectory(prefix="talkcat-pretalx-") as tmp:
        with instance.running(python, Path(tmp) / "data", page_limit=PAGE_LIMIT) as pretalx:
            recorder = Recorder(pretalx.origin)
            record(recorder)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    for name, body in recorder.bodies.items():
        (OUT / name).write_bytes(body)
    index = {"origin": ORIGIN, "pretalx": instance.PRETALX, "answers": recorder.index, "talks": recorder.talks}
    (OUT / "index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"recorded {len(recorder.index)} answers into {OUT}")
    return 0


class Recorder:
    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.index: dict[str, dict[str, object]] = {}
        self.bodies: dict[str, bytes] = {}
        self.talks: dict[str, str] = {}

    def get(self, path: str, version: str | None = None) -> bytes:
        """Ask for `path`, keep the answer (status, type, body with the origin replaced), return the body."""
        request = urllib.request.Request(self.origin + path)
        if version is not None:
            request.add_header("Pretalx-Version", version)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, kind, body = answer.status, answer.headers.get("Content-Type", ""), answer.read()
        except urllib.error.HTTPError as error:
            status, kind, body = error.code, error.headers.get("Content-Type", ""), error.read()
        body = body.replace(self.origin.encode(), ORIGIN.encode())
        key = f"{version or 'current'} {path}"
        name = f"{len(self.index):03d}{_suffix(kind)}"
        self.index[key] = {"status": status, "content_type": kind, "file": name}
        self.bodies[name] = body
        return body

    def pages(self, path: str, version: str | None = None) -> list[dict[str, object]]:
        results: list[dict[str, object]] = []
        url: str | None = path
        while url:
            data = json.loads(self.get(url, version))
            results += data["results"]
            url = data["next"].replace(ORIGIN, "") if data.get("next") else None
        return results


def _suffix(content_type: str) -> str:
    for kind, suffix in (("json", ".json"), ("xml", ".xml"), ("calendar", ".ics"), ("html", ".html")):
        if kind in content_type:
            return suffix
    return ".txt"


def record(recorder: Recorder) -> None:
    event = instance.EVENT
    api = f"/api/events/{event}/"
    for version in (None, LEGACY):
        recorder.get(api, version)
        talks = recorder.pages(f"{api}submissions/?expand={EXPAND}&page_size=50", version)
        if version is None:
            assert len(talks) > PAGE_LIMIT, "the demo event should fill several pages"
            two = next(t for t in talks if len(t["speakers"]) >= 2)  # type: ignore[arg-type]
            workshop = next(t for t in talks if "Workshop" in json.dumps(t["submission_type"]))
            recorder.talks = {"two_speakers": str(two["code"]), "workshop": str(workshop["code"])}
        for code in recorder.talks.values():
            recorder.get(f"{api}submissions/{code}/?expand={EXPAND}", version)
    recorder.get(f"{api}submissions/NOPE42/?expand={EXPAND}")
    recorder.get("/api/events/nocon/")
    schedule = json.loads(recorder.get(f"/{event}/schedule/export/schedule.json"))
    recorder.get(f"/{event}/schedule/export/schedule.xml")
    speakers: dict[str, int] = {}
    for day in schedule["schedule"]["conference"]["days"]:
        for room in day["rooms"].values():
            for talk in room:
                for person in talk["persons"]:
                    speakers[person["code"]] = speakers.get(person["code"], 0) + 1
    busiest = max(sorted(speakers), key=lambda code: speakers[code])
    recorder.talks["speaker"] = busiest
    recorder.get(f"/{event}/speaker/{busiest}/talks.ics")


if __name__ == "__main__":
    raise SystemExit(main())
