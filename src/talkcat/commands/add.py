"""`talkcat add`: put a new talk into the catalogue, in date order, touching no other line.

Every catalogue field (`model.FIELDS`) is an option, and on a terminal a
question for what the options did not give: each answer is checked where it
is typed (asking again) rather than after the last one. Whatever still goes
wrong at the end, what was typed is printed back as a `talkcat add ...`
command that finishes the job.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from talkcat.commands import completion
from talkcat.commands.common import InputOption, SyncOption
from talkcat.commands.options import DataOption, ReadmeOption, splice
from talkcat.errors import TalkcatError, UsageError
from talkcat.model import FIELDS, FIELDS_BY_NAME, KINDS, Field
from talkcat.said import Said, on_terminal

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from talkcat.errors import Problem
    from talkcat.model import Talk
    from talkcat.store import Catalogue
    from talkcat.validate import Rules

# The fields in the order add offers them: the required ones first, then as the catalogue has them.
ASKED = sorted(FIELDS, key=lambda f: not f.required)
# The new talk as it is made: each field's catalogue value, None (or []) until an option or answer gives it.
Answers = dict[str, Any]
F = TypeVar("F", bound=Callable[..., Any])
_TEXTS = ("str", "strlist")  # the types whose options complete from the catalogue's values


def _text(flag: str, help: str, metavar: str = "TEXT") -> Any:
    return typer.Option(flag, help=help, metavar=metavar, show_default=False)


def _options(f: Field) -> list[tuple[str, Any]]:
    """A field's options: its own, and a link's label or a text's file."""
    notes = {"date": " Also `today` or `yesterday`.", "strlist": " Repeat for more."}
    metavars = {"date": "DATE", "link": "URL", "kind": "KIND", "id": "ID", "strlist": (f.singular or f.name).upper()}
    completer = completion.kinds if f.type == "kind" else completion.values(f.name) if f.type in _TEXTS else None
    option = typer.Option(
        f.option,
        help=f.help + notes.get(f.type, "") + (" [required]" if f.required else ""),
        metavar=metavars.get(f.type, "TEXT"),
        show_default=False,
        autocompletion=completer,
    )
    kind: Any = list[str] | None if f.type == "strlist" else str | None
    options = [(f.name, Annotated[kind, option])]
    if f.type == "link":
        help = f"The text the README shows for {f.option}."
        options.append((f"{f.name}_label", Annotated[str | None, _text(f"{f.option}-label", help)]))
    if f.type == "text":
        help = f"Read the {f.name.replace('_', ' ')} from a file (`-`: stdin)."
        options.append((f"{f.name}_file", Annotated[str | None, _text(f"{f.option}-file", help, "PATH")]))
    return options


def takes_fields(command: F) -> F:
    """Give `command` each field's options (see `_options`) where its `given` parameter stands:
    it receives their values, as typed, by name."""
    return splice(command, "given", [option for f in ASKED for option in _options(f)], dict)


@takes_fields
def add(
    given: dict[str, Any],
    from_url: Annotated[
        str | None, _text("--from", "Read the talk from its pretalx page; the flags given win.", "URL")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the entry it would add; write nothing.")] = False,
    data: DataOption = None,
    ask: InputOption = None,
    sync: SyncOption = False,
    readme: ReadmeOption = None,
) -> Said:
    """Add a talk; ask for missing fields on a terminal. Prints the new talk's id."""
    from talkcat.commands import common

    said = Said()
    given_data = data
    data, rules = common.target(data)
    with said.kept():
        check = _Check(rules, said)
        answers = {f.name: check.given(f, given) for f in FIELDS}
        if from_url is not None:
            from talkcat.commands import sources

            fetched = sources.prefill(answers, from_url)
            _check_fetched(answers, fetched, from_url, check, data, rules)
        _check_dates(answers)
        from_stdin = "-" in (given[f"{f.name}_file"] for f in FIELDS if f.type == "text")
        can_ask = common.interactive(ask) and not from_stdin
        missing = [f for f in FIELDS if f.required and answers[f.name] is None]
        if missing and not can_ask:
            flags = ", ".join(f.option for f in missing)
            raise UsageError(
                f"missing {flags}: give them as options (nothing asks for them without a terminal; --input asks anyway)"
            )
        if sync:
            common.check_sync_target(readme)
        again = _Again(answers, given_data, sync, readme)
        if missing or (from_url is not None and can_ask):  # what pretalx did not say, offered
            before = dict(answers)
            try:
                _Prompts(answers, common.load_valid(data, rules), check).ask()
            except (KeyboardInterrupt, typer.Abort) as exc:
                if answers != before:  # a command that says no more than the one just run is no help
                    # Said under the outcome, ready to copy (PEP 678's notes, which `add_note` adds from 3.11).
                    go_on = again.text("to go on from here, run what you typed")
                    exc.__notes__ = [*getattr(exc, "__notes__", ()), go_on]
                raise
            finally:
                _forget_typeahead()
        try:
            written = _write(data, rules, answers, said, dry_run)
        except TalkcatError as exc:
            if missing:  # what was typed comes last, under the problems, ready to copy
                exc.hint = (f"{exc.hint}\n" if exc.hint else "") + again.text("once this is fixed, add the talk with")
            raise
        if written is None:
            return said  # --dry-run: the entry is shown, nothing written
        new, line = written
        said.out(new.slug)
        said.note(f"added {common.describe(new)} to {data}:{line}")
        if sync:
            said.extend(common.sync(data, readme))
    return said


def _write(data: Path, rules: Rules, answers: Answers, said: Said, dry_run: bool = False) -> tuple[Talk, int] | None:
    """Put the talk into the catalogue, under its lock; the talk and its first line (None: a dry run)."""
    from talkcat import edit, store
    from talkcat.commands import common
    from talkcat.model import Talk
    from talkcat.yamlwrite import dump_entry

    new = Talk.from_mapping({name: value for name, value in answers.items() if value not in (None, [])})
    entry = new.to_mapping()
    with store.locked(data):
        catalogue = common.load_valid(data, rules)
        talks = catalogue.talks
        _refuse_duplicate(catalogue, new, answers["id"] is not None)
        index = edit.position_for([t.date for t in talks], new.date)
        text = edit.insert_entry(catalogue.text, catalogue.checked.extents(), index, dump_entry(entry), str(data))
        if dry_run:
            from talkcat.commands import sources

            sources.show_entry(catalogue, text, [*talks[:index], new, *talks[index:]], entry, index, said)
            return None
        result = common.save(catalogue, text, [*talks[:index], new, *talks[index:]])
    return new, result.checked.entry_lines[index]


def _check_dates(answers: Answers) -> None:
    from talkcat.validate import dates_problem

    problem = dates_problem(answers["date"], answers["end_date"])
    if problem:
        raise UsageError([_for_option("end_date", problem)])


def _link(url: str | None, label: str | None) -> str | dict[str, str] | None:
    from talkcat.commands.common import clean
    from talkcat.model import Link

    url = clean(url)
    if url is None:
        return None
    return Link(url, clean(label)).to_value()


def _refuse_duplicate(catalogue: Catalogue, new: Talk, explicit: bool) -> None:
    from talkcat.commands.common import describe

    for talk, line in zip(catalogue.talks, catalogue.checked.entry_lines):
        if talk.slug == new.slug:
            how = "" if explicit else " (derived from the date and title)"
            raise TalkcatError(
                f"a talk with the id {new.slug!r}{how} is already in the catalogue: {describe(talk)}",
                path=str(catalogue.path),
                line=line,
                hint="if this is another talk, give it an id of its own with --id"
                if not explicit
                else "choose another --id",
            )


def _forget_typeahead() -> None:
    """Drop what is still waiting to be read on the terminal once the last question is answered.

    A multi-line paste at a one-line question would otherwise leave its other
    lines behind, for the shell to run as commands when talkcat exits.
    """
    import sys

    try:
        import termios

        if on_terminal(sys.stdin):
            termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
    except (ImportError, OSError, ValueError):  # pragma: no cover - no termios (Windows), or stdin closed
        pass


_V = TypeVar("_V")


def _check_fetched(
    answers: dict[str, Any], fetched: list[str], url: str, check: _Check, data: Path, rules: Rules
) -> None:
    """What pretalx gave, checked as a typed answer is (naming the option to give instead), and its
    link labelled as the catalogue labels its links: the new row looks like the others."""
    from talkcat.commands import common
    from talkcat.errors import Problem
    from talkcat.model import FIELDS, Link

    options = {f.name: f.option for f in FIELDS}
    problems = [
        Problem(url, None, None, f"pretalx's {problem}; give {options[name]} to say it otherwise")
        for name in fetched
        for problem in check.problems(name, answers[name])
    ]
    if problems:
        raise TalkcatError(problems, hint="nothing was written")
    link = answers.get("link")
    if "link" in fetched and isinstance(link, str):
        label = usual_label(common.load_valid(data, rules).talks, "link", answers.get("event") or "")
        answers["link"] = Link(link, label).to_value()


class _Check:
    """Each value checked as validation would check it in the file, before it is there."""

    def __init__(self, rules: Rules, said: Said) -> None:
        self.rules = rules
        self.said = said  # the command's: a value's notes are said with what it did

    def problems(self, name: str, value: Any) -> list[str]:
        from talkcat.validate import check_value

        return check_value(name, value, self.rules)

    def given(self, f: Field, given: dict[str, Any]) -> Any:
        """The field's value from its options (None when none gives it), or a usage error naming the option."""
        from talkcat.commands import common

        value = given[f.name]
        if f.type == "link":
            label = given[f"{f.name}_label"]
            if label is not None and value is None:
                raise UsageError(f"{f.option}-label needs {f.option}")
            value = common.literal_link(_link(value, label), self.rules, f.option, self.said)
        elif f.type == "text" and given[f"{f.name}_file"] is not None:
            if value is not None:
                raise UsageError(f"give {f.option} or {f.option}-file, not both")
            value = common.read_description(given[f"{f.name}_file"])
        elif f.type == "strlist":
            value = [item for item in (v.strip() for v in value or []) if item] or None
        elif value is not None:
            value = common.field_value(f, value, f.option)
        return self.option(f.name, value)

    def option(self, name: str, value: Any) -> Any:
        """An option's value, or a usage error naming the option."""
        if value is None:
            return None
        problems = self.problems(name, value)
        if problems:
            raise UsageError([_for_option(name, problem) for problem in problems])
        return value

    def prompted(self, name: str, value: _V) -> _V:
        """A prompt's answer, or BadParameter: click shows it and asks again."""
        problems = self.problems(name, value)
        if problems:
            raise typer.BadParameter("; ".join(problems))
        return value


def _for_option(name: str, problem: str) -> Problem:
    """A field's problem, said of the option that gave the value: `--video 'x' is not ...`."""
    from talkcat.errors import Problem

    flag = FIELDS_BY_NAME[name].option
    if problem.startswith(f"{name} "):
        return Problem("", None, None, f"{flag} {problem[len(name) + 1 :]}")
    return Problem("", None, None, f"{flag}: {problem}")


@dataclass
class _Again:
    """The `talkcat add ...` command that adds the talk from what was typed so far."""

    answers: Answers
    data: Path | None
    sync: bool
    readmes: list[Path] | None

    def command(self) -> str:
        import shlex

        from talkcat.model import Link

        args = ["talkcat", "add"]

        def put(flag: str, value: object) -> None:
            if value is not None:
                args.extend((flag, str(value)))

        for f in ASKED:
            value = self.answers[f.name]
            if f.type == "link" and value is not None:
                link = Link.from_value(value)
                put(f.option, link.url)
                put(f"{f.option}-label", link.label)
            elif f.type == "strlist":
                for item in value or []:
                    put(f.option, item)
            else:
                put(f.option, value.isoformat() if f.type == "date" and value is not None else value)
        put("--data", self.data)
        if self.sync:
            args.append("--sync")
            for path in self.readmes or []:
                put("--readme", path)
        return " ".join(shlex.quote(arg) for arg in args)

    def text(self, lead: str) -> str:
        return f"{lead}:\n{self.command()}"


class _Prompts:
    """The questions for what the options left out, each answer checked where it is typed."""

    def __init__(self, answers: Answers, catalogue: Catalogue, check: _Check) -> None:
        self.answers = answers
        self.talks = catalogue.talks
        self.check = check

    def ask(self) -> None:
        for f in ASKED:
            if f.type == "id":
                self.ask_id()
            elif self.answers[f.name] in (None, []):
                self.answers[f.name] = self.ask_field(f)

    def ask_field(self, f: Field) -> Any:
        """The answer to the field's question: its value, or None for none."""
        from talkcat.commands import common

        if f.type == "link":
            return self.ask_link(f)
        if f.type == "text":
            return self.ask_text(f)

        def proc(text: str) -> Any:
            if f.required and not text.strip():
                raise typer.BadParameter("this field is required")
            try:
                value = common.field_value(f, text, f.name)
            except TalkcatError as exc:
                raise typer.BadParameter(exc.problems[0].message) from None
            if value is None:
                return None
            if f.type == "date":
                self.check_dates({**self.answers, f.name: value})
            return self.check.prompted(f.name, value)

        if f.required:
            return typer.prompt(_question(f), value_proc=proc)
        return typer.prompt(_question(f), default="", show_default=False, value_proc=proc)

    def check_dates(self, answers: Answers) -> None:
        from talkcat.validate import dates_problem

        problem = dates_problem(answers["date"], answers["end_date"])
        if problem:
            raise typer.BadParameter(problem)

    def ask_id(self) -> None:
        """When the id derived from the date and title is taken, ask for one of the talk's own."""
        from talkcat.commands.common import describe
        from talkcat.model import derive_id

        a = self.answers
        assert a["title"] is not None and a["date"] is not None
        taken = {talk.slug: talk for talk in self.talks}
        slug = a["id"] or derive_id(a["date"], a["title"])
        if slug not in taken:
            return
        typer.echo(f"The id {slug!r} is taken, by {describe(taken[slug])}.", err=True)

        def proc(value: str) -> str:
            answer = self.check.prompted("id", _required(value))
            if answer in taken:
                raise typer.BadParameter(f"{answer!r} is taken too, by {describe(taken[answer])}")
            return answer

        a["id"] = typer.prompt("Id for this talk", default=f"{slug}-2", value_proc=proc)

    def ask_link(self, f: Field) -> str | dict[str, str] | None:
        """A link, checked where it is typed, then the label the README shows for it."""
        from talkcat.model import Link
        from talkcat.validate import looks_like_host

        name = f.name
        while True:
            url: str = typer.prompt(_question(f), default="", show_default=False).strip()
            if not url:
                return None
            if looks_like_host(url) and self.check.problems(name, url):
                if typer.confirm(f"Did you mean https://{url}?", default=True):
                    url = f"https://{url}"
            # A path copied from a README link (`2022-09-01%20Euroscipy/`): the folder it names, as for --slides.
            from talkcat.cli import render
            from talkcat.commands import common

            said = Said()  # said at once, in the conversation
            literal = common.literal_link(url, self.check.rules, name, said)
            render(said)
            url = literal if isinstance(literal, str) else url
            problems = self.check.problems(name, url)
            if not problems:
                break
            typer.echo(f"Error: {'; '.join(problems)}")
        usual = usual_label(self.talks, name, self.answers["event"] or "")

        def labelled(value: str) -> str | dict[str, str]:
            label = value.strip()
            if label in ("", "-"):
                return url
            return self.check.prompted(name, Link(url, label).to_value())

        return typer.prompt(  # type: ignore[no-any-return]
            f"Its label in the README ({'-' if usual else 'Enter'} for none)",
            default=usual or "",
            show_default=bool(usual),
            value_proc=labelled,
        )

    def ask_text(self, f: Field) -> str | None:
        """Several paragraphs, read line by line until a line holding only `.`.

        Each pasted line is read here, not left for the shell: the end mark is
        what says the text is complete.
        """
        import sys

        from talkcat.commands.common import description_text

        typer.echo(f"{_question(f)} (markdown, as many paragraphs as you like; a line holding only `.` ends it):")
        while True:
            lines = []
            # No prompt before each line: a paste shows as pasted, not interleaved with prompts.
            for line in iter(sys.stdin.readline, ""):  # "" is the end of the input (Ctrl-D)
                if line.strip() == ".":
                    break
                lines.append(line.rstrip("\r\n"))
            text = description_text("\n".join(lines))
            problems = self.check.problems(f.name, text) if text else []
            if not problems:
                return text
            typer.echo(f"Error: {'; '.join(problems)}; give the {f.name} again (only `.` for none):")


def _question(f: Field) -> str:
    """What `add` asks for a field: its prompt, or its name; and how to answer, for some types."""
    how = {
        "date": " (YYYY-MM-DD, today or yesterday)",
        "kind": f" ({', '.join(KINDS[:3])}, ...)",
        "strlist": " (comma-separated)",
    }
    return (f.prompt or f.name.replace("_", " ").capitalize()) + how.get(f.type, "")


_EVENT = object()  # a label that is its talk's event's first word: `Pydata` for "Pydata Global 2022"


def usual_label(talks: Sequence[Talk], name: str, event: str) -> str | None:
    """The label the catalogue gives its `name` links most, for a talk at `event`.

    A label that is the event's short name (its first word: `Pydata` for
    "Pydata Global 2022") counts as that, whatever the event. A catalogue
    with no such link yet gets the seed's own: the event's name for a link,
    else the field's (`Video`, `Slides`).
    """
    counts: collections.Counter[object] = collections.Counter()
    for talk in talks:
        link = getattr(talk, name)
        if link is None:
            continue
        label = link.label
        counts[_EVENT if label is not None and label == _short(talk.event) else label] += 1
    if not counts:
        return _short(event) if name == "link" else name.capitalize()
    usual = counts.most_common(1)[0][0]
    if usual is _EVENT:
        return _short(event)
    return usual if isinstance(usual, str) else None


def _short(event: str) -> str | None:
    words = event.split()
    return words[0] if words else None


def _required(value: str) -> str:
    value = value.strip()
    if not value:
        raise typer.BadParameter("this field is required")
    return value
