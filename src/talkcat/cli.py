"""The Typer app: assembles the commands; the one place errors become exit codes."""

from __future__ import annotations

import copy
import functools
import gc
import sys
from typing import Any, Callable, TypeVar

import typer

from talkcat import __version__
from talkcat.errors import TalkcatError

EXIT_CODES_HELP = (
    "Exit codes: 0 done or in sync; 1 invalid input (data problems, unreadable "
    "file, bad markers); 2 usage error; 3 `sync-readme --check` found the README "
    "out of date."
)

app = typer.Typer(
    name="talkcat",
    help="Keep a catalogue of your talks in YAML and the list in your README in sync.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
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


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Keep a catalogue of your talks in YAML and the list in your README in sync."""


def _register() -> None:
    from talkcat.commands import import_, init, sync_readme, validate

    app.command("validate", epilog=EXIT_CODES_HELP)(report_errors(validate.validate))
    app.command("sync-readme", epilog=EXIT_CODES_HELP)(report_errors(sync_readme.sync_readme))
    app.command("import", epilog=EXIT_CODES_HELP)(report_errors(import_.import_talks))
    app.command("init", epilog=EXIT_CODES_HELP)(report_errors(init.init))
    _register_talk_commands()


def _register_talk_commands() -> None:
    from talkcat.commands import add, edit, export, list_, remove, schema, search, stats

    app.command("add", epilog=EXIT_CODES_HELP)(report_errors(add.add))
    app.command("edit", epilog=EXIT_CODES_HELP)(report_errors(edit.edit_talk))
    app.command("remove", epilog=EXIT_CODES_HELP)(report_errors(remove.remove_talk))
    app.command("list", epilog=EXIT_CODES_HELP)(report_errors(list_.list_talks))
    app.command("search", epilog=EXIT_CODES_HELP)(report_errors(search.search_talks))
    app.command("stats", epilog=EXIT_CODES_HELP)(report_errors(stats.show_stats))
    app.command("export", epilog=EXIT_CODES_HELP)(report_errors(export.export_talks))
    app.command("schema", epilog=EXIT_CODES_HELP)(report_errors(schema.print_schema))


_register()


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
    start (a few ms per command): a pre-commit hook running one command
    should not pay for all of them. `--help`, `--version` and a mistyped
    command get the whole app, which lists and suggests every command.
    """
    name = next((arg for arg in args if not arg.startswith("-")), None)
    chosen = [info for info in app.registered_commands if info.name == name]
    if not chosen:
        return app
    lean = copy.copy(app)
    lean.registered_commands = chosen
    return lean


if __name__ == "__main__":  # pragma: no cover
    main()
