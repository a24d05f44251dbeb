"""`add --from` and `import --schedule` against a real pretalx, started here (tests/pretalx/instance.py).

Slow: pretalx is installed once into a cached virtual environment outside
the clone (about a minute, the first time), and each run sets up a fresh
instance with its demo event (about 20 s). Skipped only where pretalx
cannot be installed.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import pytest
from helpers import ROOT
from typer.testing import CliRunner

from talkcat.cli import app

sys.path.insert(0, str(ROOT / "tests" / "pretalx"))
import instance  # noqa: E402


@pytest.mark.slow
def test_add_from_and_import_schedule_against_a_real_pretalx(tmp_path: Path, project: Path, runner: CliRunner) -> None:
    try:
        python = instance.install()
    except instance.Unavailable as exc:
        pytest.skip(f"pretalx cannot be installed here: {exc}")
    (project / "data" / "talks.yaml").write_text("talks: []\n", encoding="utf-8")
    with instance.running(python, tmp_path / "pretalx-data") as pretalx:
        with urllib.request.urlopen(pretalx.url("/democon/schedule/export/schedule.json"), timeout=30) as answer:
            schedule = json.load(answer)
        talks = [
            talk
            for day in schedule["schedule"]["conference"]["days"]
            for room in day["rooms"].values()
            for talk in room
        ]
        talk = next(t for t in talks if len(t["persons"]) >= 2)
        added = runner.invoke(
            app, ["add", "--from", pretalx.url(f"/democon/talk/{talk['code'].lower()}/"), "--no-input"]
        )
        assert added.exit_code == 0, added.output
        from_schedule = runner.invoke(
            app,
            ["import", "--schedule", pretalx.url("/democon/schedule/export/schedule.json"), "--data", "schedule.yaml"],
        )
        assert from_schedule.exit_code == 0, from_schedule.output
        from_api = runner.invoke(app, ["import", "--schedule", pretalx.url("/democon/"), "--data", "api.yaml"])
        assert from_api.exit_code == 0, from_api.output
    catalogue = (project / "data" / "talks.yaml").read_text(encoding="utf-8")
    assert catalogue.startswith(f"talks:\n- title: {talk['title']}\n  date: {talk['date'][:10]}\n  event: DemoCon\n")
    # Labelled as the catalogue labels its links: an empty one, with the event's short name.
    labelled = f"  link:\n    label: DemoCon\n    url: {talk['url']}\n"
    assert labelled in catalogue
    for person in talk["persons"]:
        assert f"  - {person['name']}\n" in catalogue
    imported = (project / "schedule.yaml").read_text(encoding="utf-8")
    assert from_schedule.stderr == f"imported {len(talks)} talks into schedule.yaml\n"
    assert imported.count("\n- title: ") == len(talks) == 36
    assert (project / "api.yaml").read_text(encoding="utf-8") == imported
    # The talk added by hand is the schedule's, entry for entry, but for the link's label.
    entry = catalogue[len("talks:\n") :].replace(labelled, f"  link: {talk['url']}\n")
    assert entry in imported
