"""The Typer app: assembles the commands; the one place that prints what they say and turns errors into exit codes."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from talkcat import __version__
from talkcat.errors import Declined, LinksUnchecked, OutOfDate, TalkcatError, UsageError

if TYPE_CHECKING:
    import typer

    from talkcat.said import Said

# Every way a command ends: its exit code, the error it ends with, a few words
# for --help's epilog, and the README's "Exit codes" table (a test holds the
# README, the epilog and the commands' real exit codes to this table).
EXIT_CODES: tuple[tuple[int, type[BaseException] | None, str, str], ...] = (
    (0, None, "done or in sync", "done, or already in sync"),
    (
        1,
        TalkcatError,
        "invalid input",
        "invalid input: problems in the catalogue, an unreadable file, bad README markers, an unknown id; "
        "nothing was written (but for a change made with --sync whose sync failed: the message says so)",
    ),
    (
        2,
        UsageError,
        "usage error",
        "usage error: an unknown option, a missing argument, a bad option value, options that contradict each "
        "other, a question left without an answer",
    ),
    (3, OutOfDate, "out of date", "`sync-readme --check` found the README out of date"),
    (4, Declined, "declined", "you answered no when asked to go ahead (`remove`, `init`); nothing was changed"),
    (
        5,
        LinksUnchecked,
        "links not checked",
        "`validate --check-links` could not check the links (no network), and found no other problem",
    ),
    # Ctrl-C: Python's own KeyboardInterrupt, which asyncio, click and Typer all let through.
    (130, KeyboardInterrupt, "interrupted", "interrupted (Ctrl-C); nothing was half-written"),
)
EXIT_CODES_HELP = "Exit codes: " + "; ".join(f"{code} {words}" for code, _, words, _ in EXIT_CODES) + "."

F = TypeVar("F", bound=Callable[..., Any])


def exit_code(error: BaseException) -> int:
    """The exit code of the most specific class in EXIT_CODES that `error` is."""
    for cls in type(error).__mro__:
        for code, kind, _, _ in EXIT_CODES:
            if kind is cls:
                return code
    raise AssertionError(f"no exit code for {type(error).__name__}")  # pragma: no cover


def render(said: Said) -> None:
    """Print what a command said, in order: each text on its stream, a table or chart by rich."""
    import typer

    from talkcat.said import ERR

    console = None
    for stream, part in said.parts:
        if isinstance(part, (str, bytes)):
            typer.echo(part, nl=False, err=stream == ERR)  # nothing on a closed stream, as click does
            continue
        from rich.console import Console

        console = console or Console(highlight=False)
        console.print(part(console.width))


def confirm(said: Said, question: str, default: bool) -> bool:
    """Ask `question`, after printing what the command has said so far (the plan the question is about)."""
    import typer

    render(said.taken())
    return typer.confirm(question, default=default)


def rendered(command: Callable[..., Said]) -> Callable[..., None]:
    """`command`, its result printed (see `render`)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        render(command(*args, **kwargs))

    return wrapper


def report_errors(command: F) -> F:
    """Turn the error a command ends with into what it said before, its lines on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import typer

        try:
            return command(*args, **kwargs)
        except (TalkcatError, KeyboardInterrupt) as exc:
            raise typer.Exit(_report(exc)) from None
        except typer.Abort as exc:
            # click's prompts end so on Ctrl-C, and at the end of stdin (Ctrl-D, or piped answers run out).
            hint = _notes(exc)
            if isinstance(exc.__context__, KeyboardInterrupt):
                raise typer.Exit(_report(exc.__context__, hint)) from None
            unanswered = UsageError(
                "a question was left without an answer (the input ended); nothing was changed", hint=hint
            )
            _say("")  # the question is still on its line: Ctrl-D ends no line
            raise typer.Exit(_report(unanswered)) from None

    return wrapper  # type: ignore[return-value]


def _report(error: BaseException, hint: str | None = None) -> int:
    """Print what went wrong (and, for a Ctrl-C, `hint` or its notes); the exit code."""
    if isinstance(error, KeyboardInterrupt):
        _INTERRUPTED.append(True)
        _say("")  # after the ^C the terminal shows
        said = getattr(error, "said", None)  # what was done before it: an id, "added ...", notes (`Said.kept`)
        if said is not None:
            render(said)
        _say(_interrupted())
        hint = hint or _notes(error)
        if hint:
            _say(f"hint: {hint}")
        return exit_code(error)
    assert isinstance(error, TalkcatError)
    if error.said is not None:
        render(error.said)
    for problem in error.problems:
        _say(str(problem))
    if error.hint:
        _say(f"hint: {error.hint}")
    return exit_code(error)


def _say(line: str) -> None:
    """A line on stderr; none where stderr is closed (`2>&-`): print would put it on stdout."""
    if sys.stderr is not None:
        print(line, file=sys.stderr)


def _notes(error: BaseException) -> str | None:
    """An error's notes (PEP 678), as one hint: what to run to go on, where the command said."""
    return "\n".join(getattr(error, "__notes__", ())) or None


def _interrupted() -> str:
    """What to say on Ctrl-C: which files were written (each whole) before it came, or that none was."""
    # store only if it was imported: what is half-imported cannot be imported again.
    store = sys.modules.get("talkcat.store")
    said = store.interrupted() if store is not None and hasattr(store, "interrupted") else None
    return said or "interrupted; nothing was written"


def _unraisable(info: Any) -> None:
    """A Ctrl-C that lands in a callback whose errors Python only prints (a weakref's, in
    the import system, or at exit) would print a traceback and be lost. While the command
    runs, it is raised again there (which then says what was written); after, the command
    has said what it did, and it goes unsaid."""
    if isinstance(info.exc_value, KeyboardInterrupt):
        if _RUNNING:
            import _thread

            _thread.interrupt_main()  # raised as the main thread runs on, not in this hook (os.kill would)
        return
    sys.__unraisablehook__(info)


_RUNNING: list[bool] = []  # while the command runs


_INTERRUPTED: list[bool] = []  # said already


def _after_ctrl_c(error: BaseException) -> bool:
    """Whether `error` was raised while handling a KeyboardInterrupt, or from one."""
    seen: BaseException | None = error.__cause__ or error.__context__
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _version(value: bool) -> None:
    if value:
        import typer

        from talkcat.yamlread import parser_name

        typer.echo(f"talkcat {__version__} (YAML parser: {parser_name()})")
        raise typer.Exit()


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
    "merge-driver": ("merge_driver", "merge_driver"),
}
COMPLETE_VARIABLE = "_TALKCAT_COMPLETE"  # what the shell completion scripts set

# The commands a pre-commit hook runs, and which of their runs (by the options Typer parsed)
# may be answered the next time from what they looked at (`cache.replay`): none that must
# not use the cache, none that asks the network.
REPLAYABLE: dict[str, Callable[[dict[str, Any]], bool]] = {
    "validate": lambda options: not options["no_cache"] and not options["check_links"],
    "sync-readme": lambda options: not options["no_cache"],
}


def build_app(names: Iterable[str] = COMMANDS, completion: bool = False) -> typer.Typer:
    """The Typer app with the named commands (all of them by default).

    `completion` adds Typer's --install-completion and --show-completion.
    """
    import importlib

    import typer

    built = typer.Typer(
        name="talkcat",
        help="Keep a catalogue of your talks in YAML and the list in your README in sync.",
        epilog=EXIT_CODES_HELP,
        no_args_is_help=True,
        add_completion=completion,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    def _main(
        version: bool = typer.Option(
            False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ) -> None:
        """Keep a catalogue of your talks in YAML and the list in your README in sync."""

    built.callback()(_main)
    for name in names:
        module, function = COMMANDS[name]
        command = rendered(getattr(importlib.import_module(f"talkcat.commands.{module}"), function))
        command = _replayable(name, command) if name in REPLAYABLE else command
        built.command(name, cls=_command_class(), epilog=EXIT_CODES_HELP)(report_errors(command))
    return built


@functools.cache
def _command_class() -> type:
    """Typer's command, refusing a flag given with its opposite (`--online --in-person`):
    click would let the last one win, and the talks shown would depend on the order."""
    from typer.core import TyperCommand

    class Command(TyperCommand):
        def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
            if not ctx.resilient_parsing:  # shell completion parses half-typed lines
                _refuse_opposites(ctx, self.params, args)
            return super().parse_args(ctx, args)

    return Command


def _refuse_opposites(ctx: Any, params: list[Any], args: list[str]) -> None:
    import typer

    takes_value = {opt for p in params if not getattr(p, "is_flag", True) and p.nargs == 1 for opt in p.opts}
    given: list[str] = []
    words = iter(args)
    for word in words:
        if word == "--":
            break
        given.append(word)
        if word in takes_value:
            next(words, None)  # its value, even one that looks like a flag
    for param in params:
        pairs = getattr(param, "secondary_opts", None)
        if not getattr(param, "is_flag", False) or not pairs:
            continue
        on = [word for word in given if word in param.opts]
        off = [word for word in given if word in pairs]
        if on and off:
            raise typer.BadParameter(f"{on[0]} and {off[0]} contradict each other: give one of them", ctx=ctx)


def _replayable(name: str, command: F) -> F:
    """`command`, keeping its verdict (see `cache.keep_verdict`) when it ends well having written nothing."""
    replayable = REPLAYABLE[name]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # A closed stream (`>&-`) is None: click writes nothing there, and no verdict could say so.
        if not _ARGV or not replayable(kwargs) or sys.stdout is None or sys.stderr is None:
            return command(*args, **kwargs)
        with _verdict_kept(_ARGV[0]):
            return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


_ARGV: list[list[str]] = []  # the arguments `main` runs the app with


@contextlib.contextmanager
def _verdict_kept(argv: list[str]) -> Iterator[None]:
    """Record what the command looks at and says; keep it as a verdict if it returns having written nothing."""
    from talkcat import cache, store

    noted: list[tuple[int, str]] = []
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Noted(sys.stdout, 1, noted), _Noted(sys.stderr, 2, noted)
    cache.record()
    try:
        yield
    except BaseException:
        cache.stop_recording()
        raise
    finally:
        sys.stdout, sys.stderr = streams
    if store.WRITTEN:
        cache.stop_recording()
    else:
        cache.keep_verdict(argv, os.getcwd(), noted)


class _Noted:
    """A text stream that notes what is written through it (click's echo writes through
    whatever `sys.stdout` is), in order with the other stream's."""

    def __init__(self, stream: Any, number: int, said: list[tuple[int, str]]) -> None:
        self._stream = stream
        self._number = number
        self._said = said

    def write(self, text: str) -> int:
        written = self._stream.write(text)  # raises on bytes, as click's probe expects
        self._said.append((self._number, text))
        return int(written)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@functools.cache
def _whole_app() -> typer.Typer:
    return build_app(completion=True)


def __getattr__(name: str) -> Any:
    """`talkcat.cli.app`: the whole app, built on first use (see `_app_for`)."""
    if name == "app":
        return _whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    sys.unraisablehook = _unraisable
    _RUNNING.append(True)
    _ARGV[:] = [sys.argv[1:]]
    try:
        from talkcat import store

        store.collect_rarely()  # one command, then exit
        _app_for(sys.argv[1:])(prog_name="talkcat")
    except KeyboardInterrupt as exc:  # Ctrl-C before a command runs: importing, building the app
        sys.exit(_report(exc))
    except Exception as exc:
        # Python 3.11 wraps a Ctrl-C that lands in a class's making (a dataclass field's
        # `__set_name__`, while a module is imported) in a RuntimeError: a Ctrl-C still.
        if not _after_ctrl_c(exc):
            raise
        sys.exit(_report(KeyboardInterrupt()))
    except SystemExit as exc:
        # Typer turns a Ctrl-C while it parses the arguments into exit 130, without a word.
        if exc.code == 130 and not _INTERRUPTED and _after_ctrl_c(exc):
            _say(f"\n{_interrupted()}")
        raise
    finally:
        _RUNNING.clear()


def _app_for(args: list[str]) -> typer.Typer:
    """The app holding only the command about to run, when the arguments name one.

    Typer turns every registered command's signature into options on each
    start (a few ms per command), and each command's module has its imports:
    a pre-commit hook running one command should pay for that one only.
    `--help`, `--version`, a mistyped command and shell completion (whose
    words come in the environment, not the arguments) get the whole app,
    which lists, suggests and completes every command.
    """
    name = next((arg for arg in args if not arg.startswith("-")), None)
    if name in COMMANDS and not os.environ.get(COMPLETE_VARIABLE):
        return build_app([name])
    return _whole_app()


if __name__ == "__main__":  # pragma: no cover
    main()
