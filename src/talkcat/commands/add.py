"""`talkcat add`: put a new talk into the catalogue, in date order, touching no other line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from talkcat.commands.common import InputOption, SyncOption
from talkcat.commands.options import DataOption, ReadmeOption
from talkcat.errors import TalkcatError

if TYPE_CHECKING:
    import datetime as dt

    from talkcat.model import Talk
    from talkcat.store import Catalogue


def _text(flag: str, help: str, metavar: str = "TEXT") -> Any:
    return typer.Option(flag, help=help, metavar=metavar, show_default=False)


def add(
    title: Annotated[Optional[str], _text("--title", "The talk's title. [required]")] = None,
    date: Annotated[
        Optional[str], _text("--date", "The day of the talk: YYYY-MM-DD or `today`. [required]", "DATE")
    ] = None,
    event: Annotated[
        Optional[str], _text("--event", "The conference, meetup or podcast. [required]")
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
        _text("--kind", "talk, keynote, workshop, tutorial, panel, lightning, poster, podcast or lecture.", "KIND"),
    ] = None,
    tags: Annotated[Optional[list[str]], _text("--tag", "A topic (repeat for more).", "TAG")] = None,
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
    from talkcat import edit, store
    from talkcat.commands import common
    from talkcat.model import Talk
    from talkcat.yamlwrite import dump_entry

    data, rules = common.target(data)
    if description is not None and description_file is not None:
        raise typer.BadParameter("give --description or --description-file, not both")
    labelled = (("--link", link, link_label), ("--video", video, video_label), ("--slides", slides, slides_label))
    for flag, url, label in labelled:
        if label is not None and url is None:
            raise typer.BadParameter(f"{flag}-label needs {flag}")
    day, last_day, kind_name = common.clean(date), common.clean(end_date), common.clean(kind)
    answers = _Answers(
        title=common.clean(title),
        date=common.parse_date(day, "--date") if day else None,
        event=common.clean(event),
        location=common.clean(location),
        kind=common.check_kind(kind_name) if kind_name else None,
        language=common.clean(language),
        end_date=common.parse_date(last_day, "--end-date") if last_day else None,
        speakers=_items(speakers),
        tags=_items(tags),
        link=_link(link, link_label),
        video=_link(video, video_label),
        slides=_link(slides, slides_label),
        talk_id=common.clean(talk_id),
    )
    if description_file is not None:
        answers.description = common.read_description(description_file)
    elif description is not None:
        answers.description = common.description_text(description)
    if from_url is not None:
        from talkcat.commands import sources

        sources.prefill(answers, from_url)
    can_ask = common.interactive(ask) and description_file != "-"
    missing = answers.missing()
    if missing and not can_ask:
        flags = ", ".join("--" + name.replace("_", "-") for name in missing)
        raise typer.BadParameter(
            f"missing {flags}: give them as options (nothing asks for them without a terminal; "
            "--input asks anyway)"
        )
    if missing or (from_url is not None and can_ask):
        answers.ask()
    for name in ("link", "video", "slides"):
        setattr(answers, name, common.literal_link(getattr(answers, name), rules, f"--{name}"))
    entry = answers.entry()
    if answers.end_date is not None and answers.date is not None and answers.end_date < answers.date:
        raise TalkcatError(f"--end-date {answers.end_date} is before --date {answers.date}")
    new = Talk.from_mapping(entry)
    if sync:
        common.check_sync_target(readme)
    with store.locked(data):
        catalogue = common.load_valid(data, rules)
        talks = catalogue.talks
        _refuse_duplicate(catalogue, new, answers.talk_id is not None)
        index = edit.position_for([t.date for t in talks], new.date)
        text = edit.insert_entry(
            catalogue.text, catalogue.checked.entry_lines, index, dump_entry(entry), str(data)
        )
        if dry_run:
            from talkcat.commands import sources

            sources.show_entry(catalogue, text, [*talks[:index], new, *talks[index:]], entry, index)
            return
        result = common.save(catalogue, text, [*talks[:index], new, *talks[index:]])
    typer.echo(new.slug)
    typer.echo(f"added {common.describe(new)} to {data}:{result.checked.entry_lines[index]}", err=True)
    if sync:
        common.sync(data, readme)


def _items(values: list[str] | None) -> list[str]:
    return [item for item in (v.strip() for v in values or []) if item]


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

    def ask(self) -> None:
        """Prompt for each missing required field, then offer the optional ones still empty."""
        required: dict[str, tuple[str, Callable[[str], Any]]] = {
            "title": ("Title", _required_text),
            "date": ("Date (YYYY-MM-DD or today)", _prompt_date),
            "event": ("Event", _required_text),
        }
        for name in self.missing():
            prompt, convert = required[name]
            setattr(self, name, typer.prompt(prompt, value_proc=convert))
        optional: dict[str, tuple[str, Callable[[str], Any]]] = {
            "location": ("Location (City, Country, or Online)", _optional_text),
            "kind": ("Kind (talk, keynote, workshop, ...)", _prompt_kind),
            "tags": ("Tags (comma-separated)", _comma_list),
            "speakers": ("Other speakers (comma-separated)", _comma_list),
            "language": ("Language", _optional_text),
            "link": ("Link (the event's or talk's page)", _optional_text),
            "video": ("Video URL", _optional_text),
            "slides": ("Slides URL or folder", _optional_text),
            "end_date": ("Last day, for several days (YYYY-MM-DD)", _prompt_optional_date),
            "description": ("Description (one line; --description-file for more)", _prompt_description),
        }
        for name, (prompt, convert) in optional.items():
            if getattr(self, name) in (None, []):
                value = typer.prompt(prompt, default="", show_default=False, value_proc=convert)
                setattr(self, name, value if value not in ("", []) else getattr(self, name))

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


def _required_text(value: str) -> str:

    value = value.strip()
    if not value:
        raise typer.BadParameter("this field is required")
    return value


def _optional_text(value: str) -> str | None:
    return value.strip() or None


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


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _prompt_description(value: str) -> str | None:
    from talkcat.commands.common import description_text

    return description_text(value)
