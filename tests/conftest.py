"""Fixtures shared by the whole suite: real temp folders, no user state."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_README = SHARED / "seeds" / "000_6acdbb613ddca7f9.txt"


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


def seed_readme_text() -> str:
    return SEED_README.read_text(encoding="utf-8")


__all__ = ["ROOT", "SHARED", "SEED_README", "seed_readme_text", "os"]
