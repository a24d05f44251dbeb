"""`--help` at 80 columns: every option's name whole, for every command (issue 11, section 7)."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from talkcat.cli import COMMANDS, app


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_no_option_name_is_cut_at_80_columns(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, name: str | None
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = runner.invoke(app, [*([name] if name else []), "--help"])
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout
    group = typer.main.get_command(app)
    command = group if name is None else group.commands[name]  # type: ignore[attr-defined]
    words = result.stdout.replace(",", " ").split()
    for param in command.params:
        for option in (*param.opts, *param.secondary_opts):
            if option.startswith("-"):
                assert option in words, f"{option} is cut or missing in:\n{result.stdout}"
    assert "…" not in result.stdout


def test_sync_readme_help_at_80_columns(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = runner.invoke(app, ["sync-readme", "-h"])
    assert "  --group-by-year / --no-group-by-year\n" in result.stdout
