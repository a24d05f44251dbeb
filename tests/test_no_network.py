"""No command touches the network, but `validate --check-links` (issue 5, section 5)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from talkcat.cli import COMMANDS, app

CATALOGUE = """\
talks:
- title: Reproducible ML
  date: 2023-04-19
  event: PyCon DE
  location: Berlin, Germany
  tags: [ml]
  link: https://example.org/talk
  video: https://example.org/video
  description: |-
    A talk with a [link](https://example.org).
"""
README = "# Me\n\n<!-- TALKS -->\n<!-- //TALKS -->\n"
OLD_README = README.replace(
    "<!-- TALKS -->\n", "<!-- TALKS -->\n### Old\n\n| Event | Date |\n|---|---|\n| E | 2020-01-01 |\n\n"
)

EVERY_COMMAND = [
    ["validate"],
    ["validate", "--format", "json"],
    ["sync-readme"],
    ["sync-readme", "--check"],
    ["sync-readme", "--diff"],
    ["import", "OLD.md", "--data", "imported.yaml"],
    ["add", "--title", "New", "--date", "2024-01-01", "--event", "E", "--sync"],
    ["edit", "2023-04-19-reproducible-ml", "--set", "location=Online"],
    ["list"],
    ["list", "--format", "markdown"],
    ["list", "--format", "csv"],
    ["list", "--format", "json"],
    ["search", "reproducib"],
    ["stats"],
    ["stats", "--format", "json"],
    ["export", "--format", "json"],
    ["export", "--format", "csv"],
    ["export", "--format", "ics"],
    ["export", "--format", "bibtex"],
    ["export", "--format", "pages", "--site", "hugo", "--output", "site/hugo"],
    ["export", "--format", "pages", "--site", "jekyll", "--output", "site/jekyll"],
    ["export", "--format", "pages", "--site", "nikola", "--output", "site/nikola"],
    ["schema"],
    ["remove", "2023-04-19-reproducible-ml", "--yes"],
    ["init", "--yes"],
    ["merge-driver", "base.yaml", "ours.yaml", "theirs.yaml", "data/talks.yaml"],
    ["merge-driver", "base.md", "ours.md", "theirs.md", "README.md"],
]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every attempt to open a socket or look up a name is recorded and fails."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("talkcat tried the network")

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)
    return attempts


def test_the_guard_catches_a_connection(no_network: list[object]) -> None:
    with pytest.raises(OSError):
        socket.create_connection(("example.org", 80))
    assert no_network == [(("example.org", 80),)]


def test_no_command_but_check_links_touches_the_network(
    project: Path, runner: CliRunner, no_network: list[object]
) -> None:
    (project / "data/talks.yaml").write_text(CATALOGUE, encoding="utf-8")
    (project / "README.md").write_text(README, encoding="utf-8")
    (project / "OLD.md").write_text(OLD_README, encoding="utf-8")
    for version in ("base", "ours", "theirs"):  # what git hands its merge driver
        (project / f"{version}.yaml").write_text(CATALOGUE, encoding="utf-8")
        (project / f"{version}.md").write_text(README, encoding="utf-8")
    for args in EVERY_COMMAND:
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 3), (args, result.output)
        assert no_network == [], args
    assert {args[0] for args in EVERY_COMMAND} == set(COMMANDS)
