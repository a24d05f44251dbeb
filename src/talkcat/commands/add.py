"""`talkcat add`: put a new talk into the catalogue, in date order, touching no other line.

On a terminal it asks for what the options did not give, and checks each
answer where it is typed (asking again) rather than after the last one.
Whatever still goes wrong at the end, what was typed is printed back as a
`talkcat add ...` command that finishes the job.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import typer

from talkcat.commands import completion
from talkcat.commands.common import InputOption, SyncOption
from talkcat.commands.options import DataOption, ReadmeOption
from talkcat.errors import TalkcatError, UsageError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence
    from pathlib import Path

    from talkcat.errors import Problem
    from talkcat.model import Talk
    from talkcat.store import Catalogue
    from talkcat.validate import Rules


def _text(flag: str, help: str, metavar: str = "TEXT") -> Any:
    return typer.Option(flag, help=help, metavar=metavar, show_default=False)


def add(
    title: Annotated[Optional[str], _text("--title", "The talk's title. [required]")] = None,
    date: Annotated[
        Optional[str], _text("--date", "The day of the talk: YYYY-MM-DD, `today` or `yesterday`. [required]", "DATE")
    ] = None,
    event: Annotated[
        Optional[str],
        typer.Option(
            "--event",
            help="The conference, meetup or podcast. [required]",
            metavar="TEXT",
            show_default=False,
            autocompletion=completion.events,
        ),
    ] = None,
    location: Annotated[
        Optional[str], _text("--location", "City, Country; `Online` for a virtual event.")
    ] = None,
    link: Annotated[Optional[str], _text("--link", "The event's or talk's page.", "URL")] = None,
    link_label: Annotated[
        Optional[str], _text("--link-label", "The text the README shows for --link.")
    ] = None,
    video: Annotated[Optional[str], _text("--video", "The recording.", "URL")] = None,
    video_label: Annotated[
        Optional[str], _text("--video-label", "The text the README shows for --video.")
    ] = None,
    slides: Annotated[
        Optional[str], _text("--slides", "The slides: a URL or a folder in the repository.", "URL")
    ] = None,
    slides_label: Annotated[
        Optional[str], _text("--slides-label", "The text the README shows for --slides.")
    ] = None,
    kind: Annotated[
        Optional[str],
        typer.Option(
            "--kind",
            help="talk, keynote, workshop, tutorial, panel, lightning, poster, podcast or lecture.",
            metavar="KIND",
            show_default=False,
            autocompletion=completion.kinds,
        ),
    ] = None,
    tags: Annotated[
        Optional[list[str]],
        typer.Option(
            "--tag",
            help="A topic (repeat for more).",
            metavar="TAG",
            show_default=False,
            autocompletion=completion.tags,
        ),
    ] = None,
    speakers: Annotated[
        Optional[list[str]], _text("--speaker", "Who gave it, when not only you (repeat for more).", "NAME")
    ] = None,
    language: Annotated[Optional[str], _text("--language", "The language it was given in.")] = None,
    end_date: Annotated[
        Optional[str], _text("--end-date", "The last day, for a talk over several days.", "DATE")
    ] = None,
    description: Annotated[
        Optional[str], _text("--description", "Markdown, as if under the talk's own `# Title`.")
    ] = None,
    description_file: Annotated[
        Optional[str], _text("--description-file", "Read the description from a file (`-`: stdin).", "PATH")
    ] = None,
    talk_id: Annotated[
        Optional[str], _text("--id", "A stable id; derived from date and title when left out.", "ID")
    ] = None,
    from_url: Annotated[
        Optional[str], _text("--from", "Read the talk from its pretalx page; the flags given win.", "URL")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the entry it would add; write nothing.")] = False,
    data: DataOption = None,
    ask: InputOption = None,
    sync: SyncOption = False,
    readme: ReadmeOption = None,
) -> None:
    """Add a talk; ask for missing fields on a terminal. Prints the new talk's id."""
    from talkcat.commands import common

    given_data = data
    data, rules = common.target(data)
    if description is not None and description_file is not None:
        raise UsageError("give --description or --description-file, not both")
    labelled = (("link", link, link_label), ("video", video, video_label), ("slides", slides, slides_label))
    for name, url, label in labelled:
        if label is not None and url is None:
            raise UsageError(f"--{name}-label needs --{name}")
    check = _Check(rules)
    day, last_day, kind_name = common.clean(date), common.clean(end_date), common.clean(kind)
    answers = _Answers(
        title=check.option("title", common.clean(title)),
        date=common.parse_date(day, "--date") if day else None,
        event=check.option("event", common.clean(event)),
        location=check.option("location", common.clean(location)),
        kind=common.check_kind(kind_name) if kind_name else None,
        language=check.option("language", common.clean(language)),
        end_date=common.parse_date(last_day, "--end-date") if last_day else None,
        speakers=check.option("speakers", _items(speakers)) or [],
        tags=check.option("tags", _items(tags)) or [],
        link=check.option("link", common.literal_link(_link(link, link_label), rules, "--link")),
        video=check.option("video", common.literal_link(_link(video, video_label), rules, "--video")),
        slides=check.option("slides", common.literal_link(_link(slides, slides_label), rules, "--slides")),
        talk_id=check.option("id", common.clean(talk_id)),
    )
    if description_file is not None:
        answers.description = check.option("description", common.read_description(description_file))
    elif description is not None:
        answers.description = check.option("description", common.description_text(description))
    if from_url is not None:
        from talkcat.commands import sources

        sources.prefill(answers, from_url)
    _check_dates(answers)
    can_ask = common.interactive(ask) and description_file != "-"
    missing = answers.missing()
    if missing and not can_ask:
        flags = ", ".join("--" + name.replace("_", "-") for name in missing)
        raise UsageError(
            f"missing {flags}: give them as options (nothing asks for them without a terminal; --input asks anyway)"
        )
    if sync:
        common.check_sync_target(readme)
    again = _Again(answers, given_data, sync, readme)
    if missing or (from_url is not None and can_ask):  # what pretalx did not say, offered
        try:
            _Prompts(answers, common.load_valid(data, rules), check).ask()
        except (KeyboardInterrupt, typer.Abort):
            typer.echo(f"\nnothing was written; {again.text('to go on from here, run what you typed')}", err=True)
            raise
        finally:
            _forget_typeahead()
    try:
        written = _write(data, rules, answers, dry_run)
    except TalkcatError as exc:
        if missing:  # what was typed comes last, under the problems, ready to copy
            exc.hint = (f"{exc.hint}\n" if exc.hint else "") + again.text("once this is fixed, add the talk with")
        raise
    if written is None:
        return  # --dry-run: the entry is printed, nothing written
    new, line = written
    typer.echo(new.slug)
    typer.echo(f"added {common.describe(new)} to {data}:{line}", err=True)
    if sync:
        common.sync(data, readme)


def _write(data: Path, rules: Rules, answers: _Answers, dry_run: bool = False) -> tuple[Talk, int] | None:
    """Put the talk into the catalogue, under its lock; the talk and its first line (None: a dry run)."""
    from talkcat import edit, store
    from talkcat.commands import common
    from talkcat.model import Talk
    from talkcat.yamlwrite import dump_entry

    entry = answers.entry()
    new = Talk.from_mapping(entry)
    with store.locked(data):
        catalogue = common.load_valid(data, rules)
        talks = catalogue.talks
        _refuse_duplicate(catalogue, new, answers.talk_id is not None)
        index = edit.position_for([t.date for t in talks], new.date)
        text = edit.insert_entry(catalogue.text, catalogue.checked.extents(), index, dump_entry(entry), str(data))
        if dry_run:
            from talkcat.commands import sources

            sources.show_entry(catalogue, text, [*talks[:index], new, *talks[index:]], entry, index)
            return None
        result = common.save(catalogue, text, [*talks[:index], new, *talks[index:]])
    return new, result.checked.entry_lines[index]


def _check_dates(answers: _Answers) -> None:
    if answers.end_date is not None and answers.date is not None and answers.end_date < answers.date:
        raise UsageError(f"--end-date {answers.end_date} is before --date {answers.date}")


def _items(values: list[str] | None) -> list[str] | None:
    items = [item for item in (v.strip() for v in values or []) if item]
    return items or None


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

        if sys.stdin.isatty():
            termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)
    except (ImportError, OSError, ValueError):  # pragma: no cover - no termios (Windows), or stdin closed
        pass


_V = TypeVar("_V")


class _Check:
    """Each value checked as validation would check it in the file, before it is there."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    def problems(self, name: str, value: Any) -> list[str]:
        from talkcat.validate import check_value

        return check_value(name, value, self.rules)

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

    flag = {"tags": "--tag", "speakers": "--speaker"}.get(name, "--" + name.replace("_", "-"))
    if problem.startswith(f"{name} "):
        return Problem("", None, None, f"{flag} {problem[len(name) + 1:]}")
    return Problem("", None, None, f"{flag}: {problem}")


@dataclass
class _Answers:
    """The new talk's fields, from options first and then from prompts."""

    title: str | None = None
    date: dt.date | None = None
    event: str | None = None
    location: str | None = None
    kind: str | None = None
    language: str | None = None
    end_date: dt.date | None = None
    speakers: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    link: str | dict[str, str] | None = None
    video: str | dict[str, str] | None = None
    slides: str | dict[str, str] | None = None
    description: str | None = None
    talk_id: str | None = None

    def missing(self) -> list[str]:
        return [name for name in ("title", "date", "event") if getattr(self, name) is None]

    def entry(self) -> dict[str, Any]:
        """The catalogue entry, keys in catalogue order, empty fields left out."""
        values: dict[str, Any] = {
            "id": self.talk_id,
            "title": self.title,
            "date": self.date,
            "end_date": self.end_date,
            "event": self.event,
            "location": self.location,
            "kind": self.kind if self.kind != "talk" else None,
            "language": self.language,
            "speakers": self.speakers or None,
            "tags": self.tags or None,
            "link": self.link,
            "video": self.video,
            "slides": self.slides,
            "description": self.description,
        }
        return {name: value for name, value in values.items() if value is not None}


@dataclass
class _Again:
    """The `talkcat add ...` command that adds the talk from what was typed so far."""

    answers: _Answers
    data: Path | None
    sync: bool
    readmes: list[Path] | None

    def command(self) -> str:
        import shlex

        from talkcat.model import Link

        a = self.answers
        args = ["talkcat", "add"]

        def put(flag: str, value: object) -> None:
            if value is not None:
                args.extend((flag, str(value)))

        put("--title", a.title)
        put("--date", a.date.isoformat() if a.date else None)
        put("--event", a.event)
        put("--location", a.location)
        put("--kind", a.kind)
        for tag in a.tags:
            put("--tag", tag)
        for speaker in a.speakers:
            put("--speaker", speaker)
        put("--language", a.language)
        for name in ("link", "video", "slides"):
            value = getattr(a, name)
            if value is not None:
                link = Link.from_value(value)
                put(f"--{name}", link.url)
                put(f"--{name}-label", link.label)
        put("--end-date", a.end_date.isoformat() if a.end_date else None)
        put("--id", a.talk_id)
        put("--data", self.data)
        if self.sync:
            args.append("--sync")
            for path in self.readmes or []:
                put("--readme", path)
        put("--description", a.description)
        return " ".join(shlex.quote(arg) for arg in args)

    def text(self, lead: str) -> str:
        return f"{lead}:\n{self.command()}"


class _Prompts:
    """The questions for what the options left out, each answer checked where it is typed."""

    def __init__(self, answers: _Answers, catalogue: Catalogue, check: _Check) -> None:
        self.answers = answers
        self.talks = catalogue.talks
        self.check = check

    def ask(self) -> None:
        a = self.answers
        if a.title is None:
            a.title = typer.prompt("Title", value_proc=lambda v: self.check.prompted("title", _required(v)))
        if a.date is None:
            a.date = typer.prompt("Date (YYYY-MM-DD, today or yesterday)", value_proc=_prompt_date)
        if a.event is None:
            a.event = typer.prompt("Event", value_proc=lambda v: self.check.prompted("event", _required(v)))
        self.ask_id()
        if a.location is None:
            a.location = self.optional("Location (City, Country, or Online)", "location")
        if a.kind is None:
            a.kind = typer.prompt(
                "Kind (talk, keynote, workshop, ...)", default="", show_default=False, value_proc=_prompt_kind
            )
        if not a.tags:
            a.tags = self.optional("Tags (comma-separated)", "tags", _comma_list) or []
        if not a.speakers:
            a.speakers = self.optional("Other speakers (comma-separated)", "speakers", _comma_list) or []
        if a.language is None:
            a.language = self.optional("Language", "language")
        for name, question in (
            ("link", "Link (the event's or talk's page)"),
            ("video", "Video (a URL)"),
            ("slides", "Slides (a URL, or a folder in the repository)"),
        ):
            if getattr(a, name) is None:
                setattr(a, name, self.ask_link(name, question))
        if a.end_date is None:
            a.end_date = typer.prompt(
                "Last day, for several days (YYYY-MM-DD)",
                default="",
                show_default=False,
                value_proc=lambda v: self.after_start(_prompt_optional_date(v)),
            )
        if a.description is None:
            a.description = self.ask_description()

    def optional(self, question: str, name: str, convert: Any = None) -> Any:
        def proc(value: str) -> Any:
            answer = convert(value) if convert else (value.strip() or None)
            return self.check.prompted(name, answer) if answer else None

        return typer.prompt(question, default="", show_default=False, value_proc=proc)

    def after_start(self, day: dt.date | None) -> dt.date | None:
        start = self.answers.date
        if day is not None and start is not None and day < start:
            raise typer.BadParameter(f"the last day is before the first ({start})")
        return day

    def ask_id(self) -> None:
        """When the id derived from the date and title is taken, ask for one of the talk's own."""
        from talkcat.commands.common import describe
        from talkcat.model import derive_id

        a = self.answers
        assert a.title is not None and a.date is not None
        taken = {talk.slug: talk for talk in self.talks}
        slug = a.talk_id or derive_id(a.date, a.title)
        if slug not in taken:
            return
        typer.echo(f"The id {slug!r} is taken, by {describe(taken[slug])}.", err=True)

        def proc(value: str) -> str:
            answer = self.check.prompted("id", _required(value))
            if answer in taken:
                raise typer.BadParameter(f"{answer!r} is taken too, by {describe(taken[answer])}")
            return answer

        a.talk_id = typer.prompt("Id for this talk", default=f"{slug}-2", value_proc=proc)

    def ask_link(self, name: str, question: str) -> str | dict[str, str] | None:
        """A link, checked where it is typed, then the label the README shows for it."""
        from talkcat.model import Link
        from talkcat.validate import looks_like_host

        while True:
            url: str = typer.prompt(question, default="", show_default=False).strip()
            if not url:
                return None
            if looks_like_host(url) and self.check.problems(name, url):
                if typer.confirm(f"Did you mean https://{url}?", default=True):
                    url = f"https://{url}"
            problems = self.check.problems(name, url)
            if not problems:
                break
            typer.echo(f"Error: {'; '.join(problems)}")
        usual = usual_label(self.talks, name, self.answers.event or "")

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

    def ask_description(self) -> str | None:
        """Several paragraphs, read line by line until a line holding only `.`.

        Each pasted line is read here, not left for the shell: the end mark is
        what says the description is complete.
        """
        from talkcat.commands.common import description_text

        typer.echo("Description (markdown, as many paragraphs as you like; a line holding only `.` ends it):")
        import sys

        while True:
            lines = []
            # No prompt before each line: a paste shows as pasted, not interleaved with prompts.
            for line in iter(sys.stdin.readline, ""):  # "" is the end of the input (Ctrl-D)
                if line.strip() == ".":
                    break
                lines.append(line.rstrip("\r\n"))
            text = description_text("\n".join(lines))
            problems = self.check.problems("description", text) if text else []
            if not problems:
                return text
            typer.echo(f"Error: {'; '.join(problems)}; give the description again (only `.` for none):")


_EVENT = object()  # a label that is its talk's event's first word: `Pydata` for "Pydata Global 2022"


def usual_label(talks: Sequence[Talk], name: str, event: str) -> str | None:
    """The label the catalogue gives its `name` links most, for a talk at `event`.

    A label that is the event's short name (its first word: `Pydata` for
    "Pydata Global 2022") counts as that, whatever the event. A catalogue
    with no such link yet gets the seed's own: the event's name, `Video`,
    `Slides`.
    """
    counts: collections.Counter[object] = collections.Counter()
    for talk in talks:
        link = getattr(talk, name)
        if link is None:
            continue
        label = link.label
        counts[_EVENT if label is not None and label == _short(talk.event) else label] += 1
    if not counts:
        return {"link": _short(event), "video": "Video", "slides": "Slides"}[name]
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


def _prompt_date(value: str) -> Any:
    from talkcat.commands.common import parse_date

    try:
        return parse_date(value, "date")
    except TalkcatError as exc:
        raise typer.BadParameter(exc.problems[0].message) from None


def _prompt_optional_date(value: str) -> Any:
    return _prompt_date(value) if value.strip() else None


def _prompt_kind(value: str) -> str | None:
    from talkcat.commands.common import check_kind

    if not value.strip():
        return None
    try:
        return check_kind(value, "kind")
    except TalkcatError as exc:
        raise typer.BadParameter(exc.problems[0].message) from None


def _comma_list(value: str) -> list[str] | None:
    return [item.strip() for item in value.split(",") if item.strip()] or None
