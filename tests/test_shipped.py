"""This repository's data/talks.yaml is what the README says made it."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import ROOT, SEED_README
from typer.testing import CliRunner

from talkcat.cli import app

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/talks.schema.json\n"


def _documented_commands() -> list[list[str]]:
    """The `talkcat ...` lines of the README's block under "was made that way"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"was made that way.*?```sh\n(.*?)```", readme, re.S)
    assert block, "README.md no longer says how data/talks.yaml was made"
    return [line.split()[1:] for line in block.group(1).splitlines()]


def test_the_shipped_catalogue_is_the_seed_imported_as_documented(project: Path, runner: CliRunner) -> None:
    commands = _documented_commands()
    assert [c[0] for c in commands] == ["import", "edit", "edit"]
    for args in commands:
        args = [str(SEED_README) if a == "README.md" else a for a in args]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    made = (project / "data" / "talks.yaml").read_text(encoding="utf-8")
    shipped = (ROOT / "data" / "talks.yaml").read_text(encoding="utf-8")
    assert SCHEMA_LINE + made == shipped
