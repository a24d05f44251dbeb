"""`talkcat edit ID`: change fields of one talk, touching only their lines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from talkcat.commands import completion
from talkcat.commands.common import SyncOption
from talkcat.commands.completion import IdArgument
from talkcat.commands.options import DataOption, ReadmeOption
from talkcat.errors import TalkcatError, UsageError
from talkcat.model import FIELDS, FIELDS_BY_NAME, LINK_FIELDS, REQUIRED
from talkcat.said import Said

if TYPE_CHECKING:
    from collections.abc import Sequence

    from talkcat.model import Talk
    from talkcat.store import Catalogue
    from talkcat.validate import Rules


_LISTS = [f.name for f in FIELDS if f.type == "strlist"]


def edit_talk(
    talk_id: IdArgument,
    assignments: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help=(
                f"Set a field: --set location='Berlin, Germany'. Lists ({', '.join(_LISTS)}) take "
                "commas; dates take YYYY-MM-DD or today; "
                f"{', '.join(name + '.label' for name in LINK_FIELDS)} set a link's label. Repeatable."
            ),
            metavar="FIELD=VALUE",
            show_default=False,
            autocompletion=completion.fields,
        ),
    ] = None,
    removals: Annotated[
        list[str] | None,
        typer.Option(
            "--unset",
            help="Remove an optional field (or a link's label: link.label). Repeatable.",
            metavar="FIELD",
            show_default=False,
            autocompletion=completion.optional_fields,
        ),
    ] = None,
    description: Annotated[
        str | None,
        typer.Option(
            "--description",
            help="Set the description: markdown, as if under the talk's own `# Title`.",
            metavar="TEXT",
            show_default=False,
        ),
    ] = None,
    description_file: Annotated[
        str | None,
        typer.Option(
            "--description-file",
            help="Set the description from a file (`-`: stdin).",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    data: DataOption = None,
    sync: SyncOption = False,
    readme: ReadmeOption = None,
) -> Said:
    """Change a talk's fields; every other line of the file stays as it is."""
    from talkcat import store
    from talkcat.commands import common

    said = Said()
    with said.kept():
        data, rules = common.target(data)
        requests = _requests(assignments or [], removals or [])
        for name, value in requests.items():
            if name in LINK_FIELDS or name.endswith(".url"):
                requests[name] = common.literal_link(value.strip() if value else value, rules, f"--set {name}", said)
        given = [
            flag
            for flag, value in (("--description", description), ("--description-file", description_file))
            if value is not None
        ]
        if given and "description" in requests:
            given.insert(0, "--set description" if requests["description"] is not None else "--unset description")
        if len(given) > 1:
            raise UsageError(f"give the description once, not with both {' and '.join(given)}")
        if description is not None:
            requests["description"] = description
        elif description_file is not None:
            text = common.read_description(description_file)
            if text is None:
                raise UsageError(
                    f"--description-file {description_file}: no text in it; --unset description removes it"
                )
            requests["description"] = text
        if not requests:
            raise UsageError("nothing to change: give --set FIELD=VALUE, --unset FIELD or --description TEXT")
        if sync:
            common.check_sync_target(readme)
        with store.locked(data):
            catalogue = common.load_valid(data, rules)
            index = common.find_talk(catalogue, talk_id)
            old = catalogue.talks[index]
            common.took(talk_id, old, said)
            new = _changed(old, requests, rules)
            changes = _changes(old, new, requests)
            if changes:
                result, whole = _new_text(catalogue, index, new, changes)
                store.write_catalogue(result, expected=catalogue.digest)
        said.out(new.slug)
        if changes:
            said.note(f"updated {', '.join(changes)} of {common.describe(new)} in {data}")
            said.note(*_notes(catalogue.talks, index, old, new, whole))
        else:
            said.note(f"{old.slug}: nothing to change; {data} is as it was")
        if sync:
            said.extend(common.sync(data, readme))
    return said


def _requests(assignments: list[str], removals: list[str]) -> dict[str, Any]:
    """FIELD -> the value asked for (text still), or None to remove it."""
    requests: dict[str, Any] = {}
    for assignment in assignments:
        name, sign, value = assignment.partition("=")
        if not sign:
            raise UsageError(f"--set wants FIELD=VALUE, not {assignment!r}")
        _add(requests, _field(name, "--set"), value)
    for removal in removals:
        name = _field(removal, "--unset")
        if name in REQUIRED:
            raise UsageError(f"--unset {name}: a talk must have a {name}; --set it instead")
        _add(requests, name, None)
    return requests


def _add(requests: dict[str, Any], name: str, value: Any) -> None:
    if name in requests:
        raise UsageError(f"{name} is changed twice; give it once")
    requests[name] = value


def _field(name: str, option: str) -> str:
    import difflib

    from talkcat.model import FIELD_NAMES

    wanted = name.strip().replace("-", "_")
    known = [*FIELD_NAMES, *(f"{link}.label" for link in LINK_FIELDS), *(f"{link}.url" for link in LINK_FIELDS)]
    if wanted in known:
        return wanted
    close = difflib.get_close_matches(wanted, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise UsageError(
        f"{option}: unknown field {name.strip()!r}{hint}",
        hint="fields: " + ", ".join(FIELD_NAMES) + "; and " + ", ".join(f"{link}.label" for link in LINK_FIELDS),
    )


def _changed(old: Talk, requests: dict[str, Any], rules: Rules) -> Talk:
    """The talk with every requested change made; bad values are a TalkcatError."""
    from talkcat.model import Link, Talk
    from talkcat.validate import dates_problem

    mapping = old.to_mapping()
    links = {name: Link.from_value(mapping[name]) if name in mapping else None for name in LINK_FIELDS}
    for name, value in requests.items():
        base, _, part = name.partition(".")
        if base in LINK_FIELDS:
            links[base] = _new_link(base, part, links[base], value)
        elif value is None:
            mapping.pop(name, None)
        else:
            mapping[name] = _value(name, value, getattr(old, name))
    for name, link in links.items():
        if link is None:
            mapping.pop(name, None)
        else:
            mapping[name] = link.to_value()
    problem = dates_problem(mapping["date"], mapping.get("end_date"))
    if problem:
        raise UsageError(f"--set {problem}")
    _check_values(mapping, requests, rules)
    return Talk.from_mapping(mapping)


def _check_values(mapping: dict[str, Any], requests: dict[str, Any], rules: Rules) -> None:
    """Each changed field's new value checked as validation would: a bad one is a usage error."""
    from talkcat.errors import Problem
    from talkcat.validate import check_value

    problems = []
    for name in dict.fromkeys(name.partition(".")[0] for name in requests):
        if name in mapping:
            messages = check_value(name, mapping[name], rules)
            problems += [Problem("", None, None, f"--set {message}") for message in messages]
    if problems:
        raise UsageError(problems)


def _value(name: str, text: str, old: Any) -> Any:
    """The field's new value, from its text as typed."""
    from talkcat.commands import common

    field = FIELDS_BY_NAME[name]
    value = common.field_value(field, text, f"--set {name}")
    if value is None:
        what = {"strlist": "at least one (comma-separated)", "text": "some text"}.get(field.type, "a value")
        raise UsageError(f"--set {name}: give {what}, or --unset {name}")
    if field.type == "text" and "\n" in value and isinstance(old, str) and old.endswith("\n"):
        return value + "\n"  # a text the file keeps with its final line break (a `|` block) keeps it
    return value


def _new_link(base: str, part: str, link: Any, value: str | None) -> Any:
    from talkcat.model import Link

    if not part:  # the link itself: a new URL keeps the label
        if value is None:
            return None
        url = value.strip()
        if not url:
            raise UsageError(f"--set {base}: give a URL, or --unset {base}")
        return Link(url, link.label if link else None)
    if link is None:
        raise UsageError(f"this talk has no {base}: --set {base}=URL first")
    if part == "url":
        if value is None:
            raise UsageError(f"--unset {base}.url: use --unset {base} to remove the link")
        return _new_link(base, "", link, value)
    label = value.strip() if value is not None else None
    return Link(link.url, label or None)


def _changes(old: Talk, new: Talk, requests: dict[str, Any]) -> dict[str, Any]:
    """The keys whose value really changes -> their new catalogue value (edit.UNSET to remove)."""
    from talkcat import edit

    mapping = new.to_mapping()
    changes: dict[str, Any] = {}
    for name in dict.fromkeys(name.partition(".")[0] for name in requests):
        if getattr(old, name) == getattr(new, name):
            continue
        changes[name] = mapping.get(name, edit.UNSET)
    return changes


def _new_text(catalogue: Catalogue, index: int, new: Talk, changes: dict[str, Any]) -> tuple[Catalogue, bool]:
    """The catalogue with its new text, validated, and whether the whole entry had to be rewritten."""
    from talkcat import edit
    from talkcat.commands import common
    from talkcat.yamlwrite import dump_entry

    text, lines, path = catalogue.text, catalogue.checked.extents(), str(catalogue.path)
    talks = list(catalogue.talks)
    talks[index] = new
    problem: TalkcatError | None = None
    try:
        precise = common.checked(catalogue, edit.set_fields(text, lines, index, changes, path), talks)
        if precise is not None:
            return precise, False
    except edit.LayoutError:
        pass
    except TalkcatError as exc:
        problem = exc  # bad values, or a layout misread: the rewrite tells which
    # Only when the keys cannot be edited one by one (a flow mapping, say).
    whole = edit.rewrite_entry(text, lines, index, dump_entry(new.to_mapping()), path)
    try:
        result = common.checked(catalogue, whole, talks)
    except TalkcatError:
        if problem is not None:
            raise problem from None  # its lines are those of the file as it would have been
        raise
    if result is None:
        raise common.unsafe(catalogue)
    return result, True


def _notes(talks: Sequence[Talk], index: int, old: Talk, new: Talk, whole: bool) -> list[str]:
    """What to say of an edit beyond the fields it changed."""
    notes = []
    if whole:
        notes.append("note: the talk's entry was rewritten as a whole (its layout could not be edited key by key)")
    if new.slug != old.slug:
        how = "it is derived from the date and title" if new.id is None else "you set it"
        notes.append(f"note: the id changed from {old.slug!r} to {new.slug!r} ({how})")
    if new.date != old.date:
        before = talks[index - 1].date if index > 0 else None
        after = talks[index + 1].date if index + 1 < len(talks) else None
        if (before is not None and before < new.date) or (after is not None and after > new.date):
            notes.append("note: the talk's lines stayed where they were, now out of date order")
    return notes
