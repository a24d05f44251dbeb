"""Fixtures shared by the whole suite: real temp folders, no user state."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # only the optional pyvideo tests look here, and skip without it
# The speaker's README (../shared/seeds/000_6acdbb613ddca7f9.txt), kept here so
# that the suite runs in any clone.
SEED_README = ROOT / "tests" / "golden" / "seed_readme.md"


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the user's cache and from a terminal's settings."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("TALKCAT_CACHE_DIR", str(cache))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty repository folder (with a .git folder) as the current directory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def stamped(content: str, source: str = "data/talks.yaml") -> str:
    """A block's content as sync-readme writes it: a blank line, then the stamp line with its checksum.

    Worked out here, not with talkcat's own code: the first 16 hex digits of
    the content's BLAKE2b-256 hash, as the README documents.
    """
    import hashlib

    if not content:
        return ""
    digest = hashlib.blake2b(content.encode("utf-8"), digest_size=32).hexdigest()[:16]
    return f"{content}\n<!-- written by talkcat from {source}: edit that file, not this block (checksum {digest}) -->\n"


def unstamped(block: str) -> str:
    """A block's content without its stamp line, which must be there and hold the right checksum."""
    import re

    if not block:
        return ""
    found = re.search(
        r"\n<!-- written by talkcat from (.*): edit that file, not this block \(checksum [0-9a-f]{16}\) -->\n\Z", block
    )
    assert found, f"no stamp at the end of:\n{block}"
    content = block[: found.start()]
    assert stamped(content, found[1]) == block, f"a wrong checksum at the end of:\n{block}"
    return content


def without_stamps(text: str) -> str:
    """A README's text without the stamp lines of its blocks (and the blank line before each)."""
    import re

    return re.sub(r"\n\n<!-- written by talkcat from .*\(checksum [0-9a-f]{16}\) -->\n", "\n", text)


def seed_readme_text() -> str:
    return SEED_README.read_text(encoding="utf-8")


__all__ = ["ROOT", "SHARED", "SEED_README", "seed_readme_text", "stamped", "unstamped", "without_stamps", "os"]
