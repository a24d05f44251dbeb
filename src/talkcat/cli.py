"""The Typer app: assembles the commands; the one place errors become exit codes."""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import Iterable
from typing import Any, Callable, TypeVar

import typer

from talkcat import __version__
from talkcat.errors import TalkcatError

EXIT_CODES_HELP = (
    "Exit codes: 0 done or in sync; 1 invalid input (data problems, unreadable "
    "file, bad markers); 2 usage error; 3 `sync-readme --check` found the README "
    "out of date."
)

F = TypeVar("F", bound=Callable[..., Any])


def report_errors(command: F) -> F:
    """Turn a TalkcatError into its lines on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TalkcatError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            if exc.hint:
                typer.echo(f"hint: {exc.hint}", err=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        from talkcat.yamlread import parser_name

        typer.echo(f"talkcat {__version__} (YAML parser: {parser_name()})")
        raise typer.Exit()


def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Keep a catalogue of your talks in YAML and the list in your README in sync."""


# Each command: its name -> (module in talkcat.commands, function), in the order --help lists them.
COMMANDS = {
    "validate": ("validate", "validate"),
    "sync-readme": ("sync_readme", "sync_readme"),
    "import": ("import_", "import_talks"),
    "init": ("init", "init"),
    "add": ("add", "add"),
    "edit": ("edit", "edit_talk"),
    "remove": ("remove", "remove_talk"),
    "list": ("list_", "list_talks"),
    "search": ("search", "search_talks"),
    "stats": ("stats", "show_stats"),
    "export": ("export", "export_talks"),
    "schema": ("schema", "print_schema"),
}


def build_app(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The Typer app with the named commands (all of them by default)."""
    import importlib

    built = typer.Typer(
        name="talkcat",
        help="Keep a catalogue of your talks in YAML and the list in your README in sync.",
        epilog=EXIT_CODES_HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    built.callback()(_main)
    for name in names:
        module, function = COMMANDS[name]
        command = getattr(importlib.import_module(f"talkcat.commands.{module}"), function)
        built.command(name, epilog=EXIT_CODES_HELP)(report_errors(command))
    return built


@functools.cache
def _whole_app() -> typer.Typer:
    return build_app()


def __getattr__(name: str) -> Any:
    """`talkcat.cli.app`: the whole app, built on first use (see `_app_for`)."""
    if name == "app":
        return _whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    # One command, then exit: let the cyclic collector run rarely. At its
    # default pace (a pass per 700 new objects) it walks the large acyclic
    # trees a command builds again and again: a fifth of importing a README
    # of 10,000 talks, and more the larger the README.
    gc.set_threshold(100_000, 50, 100)
    _app_for(sys.argv[1:])(prog_name="talkcat")


def _app_for(args: list[str]) -> typer.Typer:
    """The app holding only the command about to run, when the arguments name one.

    Typer turns every registered command's signature into options on each
    start (a few ms per command), and each command's module has its imports:
    a pre-commit hook running one command should pay for that one only.
    `--help`, `--version` and a mistyped command get the whole app, which
    lists and suggests every command.
    """
    name = next((arg for arg in args if not arg.startswith("-")), None)
    if name in COMMANDS:
        return build_app([name])
    return _whole_app()


if __name__ == "__main__":  # pragma: no cover
    main()
