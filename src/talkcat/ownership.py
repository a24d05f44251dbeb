"""Before talkcat replaces text it renders: would a person's work be lost?

Pure. sync-readme rewrites the README's block (and the talk folders' READMEs);
it may replace what talkcat itself wrote there, and nothing else. Text whose
stamp (`readme.own`) proves it is talkcat's goes without a look. Other text,
(written by hand before the migration, or edited since talkcat wrote it), is
read back as talks, with the importer, and compared with the catalogue: a talk
the catalogue does not have, a field that reads otherwise than the catalogue
says and, under a stamp, a talk deleted by hand would be lost. Each is a
Problem at its README line, naming what to run so the change goes into the
catalogue instead. Anything else (a table padded otherwise, a blank line) is
only layout: replacing it loses nothing.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from talkcat.errors import Problem, TalkcatError
from talkcat.model import LINK_FIELDS, Link, Talk

if TYPE_CHECKING:
    from talkcat.importer import ImportedTalk
    from talkcat.render import Layout

# The fields a README block shows: the heading, the description, and each column's.
_COLUMN_FIELDS = {"date": ("date", "end_date")}
_LABELS = {"end_date": "Date", "title": "Title", "description": "Description"}


@dataclass(frozen=True)
class Finding:
    """What a rewrite of one file would lose: empty when nothing."""

    problems: list[Problem]
    foreign: bool  # talks the catalogue never had (an import is the remedy), not edits
    hint: str | None = None  # what to do, where neither an import nor an edit is the remedy

    def __bool__(self) -> bool:
        return bool(self.problems)


def shown_fields(layout: Layout) -> tuple[str, ...]:
    """The catalogue fields a block in this layout shows, so an import can read them back."""
    fields = ["title"]
    for column in layout.columns:
        fields += _COLUMN_FIELDS.get(column, (column,))
    return (*fields, "description")


def review_block(
    content: str,
    talks: Sequence[Talk],
    layout: Layout,
    *,
    path: str,
    first_line: int,
    catalogue: str,
    templated: bool = False,
) -> Finding:
    """What replacing a README block holding `content` would lose.

    `first_line` is the README line of the block's first line; `catalogue`
    names the catalogue in messages; `templated`: the block comes from a
    template, whose output cannot be read back as talks.
    """
    from talkcat import readme
    from talkcat.importer import read_block

    body, recorded = readme.unstamped(content)
    if readme.own(content) or not body.strip():
        return Finding([], foreign=False)
    if templated:
        message = (
            "the block was changed since talkcat wrote it" if recorded else "the block holds text talkcat did not write"
        )
        return Finding([Problem(path, first_line, None, message)], foreign=recorded is None)
    try:
        read = read_block(body, layout=layout, path=path, first_line=first_line)
    except TalkcatError as exc:
        where = exc.problems[0]
        message = f"the block holds text that is not a talk as talkcat writes one: {where.message}"
        return Finding([Problem(path, where.line, None, message)], foreign=recorded is None)
    update = f"talkcat import {shlex.quote(path)} --update"
    return _compare(
        read, talks, shown_fields(layout), path, catalogue, first_line, update, stamped=recorded is not None
    )


def review_folder_readme(text: str, talk: Talk, folder: str, *, path: str, catalogue: str, layout: Layout) -> Finding:
    """What replacing a talk folder's README (`text`) with the one rendered for `talk` would lose."""
    from talkcat import readme
    from talkcat.importer import read_folder_readme

    body, recorded = readme.unstamped(text)
    if readme.own(text) or not body.strip():
        return Finding([], foreign=False)
    try:
        read = read_folder_readme(body, folder, path=path)
    except TalkcatError as exc:
        where = exc.problems[0]
        message = f"this README is not a talk as talkcat writes one: {where.message}"
        # Notes of the speaker's own, say: no import takes them, and talkcat must not replace them.
        hint = (
            f"with folder_readmes = true talkcat writes the README.md of each talk's slides folder, and {path} "
            "holds text of your own: move it to a file of its own (NOTES.md, say) and sync again, or set "
            "folder_readmes = false in the config; nothing was written"
        )
        return Finding([Problem(path, where.line, None, message)], foreign=False, hint=hint)
    fields = tuple(name for name in shown_fields(layout) if name != "slides")
    parent = posixpath.dirname(posixpath.dirname(path)) or "."
    update = f"talkcat import --folders {shlex.quote(parent)} --update"
    return _compare([read], [talk], fields, path, catalogue, 1, update, stamped=recorded is not None)


def _compare(
    read: Sequence[ImportedTalk],
    talks: Sequence[Talk],
    fields: Sequence[str],
    path: str,
    catalogue: str,
    first_line: int,
    update: str,
    *,
    stamped: bool,
) -> Finding:
    from talkcat.incoming import match

    found = [Talk.from_mapping(imported.entry) for imported in read]
    matches = match(talks, found, "readme")
    problems: list[Problem] = []
    foreign = False
    for number, (imported, talk) in enumerate(zip(read, found)):
        if number not in matches:
            foreign = True
            message = f"{talk.title!r} is in the README but not in {catalogue}"
            problems.append(Problem(path, imported.lines["title"], None, message))
            continue
        problems += _changed_fields(imported, talk, talks[matches[number]], fields, catalogue, update)
    if stamped:
        kept = set(matches.values())
        for at, talk in enumerate(talks):
            if at not in kept:
                # The stamp says the block was edited, not what it held: the talk may be new since the last sync.
                message = (
                    f"{talk.title!r} is in {catalogue} but not in the block: added since the last sync, or "
                    f"deleted from the block by hand (to take it out of the catalogue too: "
                    f"talkcat remove {shlex.quote(talk.slug)})"
                )
                problems.append(Problem(path, first_line, None, message))
    return Finding(problems, foreign=foreign)


def _changed_fields(
    imported: ImportedTalk, shown: Talk, talk: Talk, fields: Sequence[str], catalogue: str, update: str
) -> list[Problem]:
    """A problem per field the README shows otherwise than the catalogue, and how to keep it (`update`: all of it)."""
    problems = []
    flags: list[str] = []
    long_text = False
    for name in fields:
        here, there = getattr(shown, name), getattr(talk, name)
        if here == there or _published(here, there):
            continue
        line = imported.lines.get(name, imported.lines["title"])
        label = _LABELS.get(name, name.capitalize())
        if name == "description":
            long_text = True
            message = f"{talk.title!r}: the description was changed by hand ({catalogue} has another)"
        else:
            message = f"{talk.title!r}: {label} changed by hand: {_show(here)} here, {_show(there)} in {catalogue}"
            flags += _edit_flags(name, here, there)
        problems.append(Problem(imported.path, line, None, message))
    if not problems:
        return []
    if flags and not long_text:
        command = f"talkcat edit {shlex.quote(talk.slug)} " + " ".join(flags)
        message = f"{talk.title!r}: to keep the change, run: {command}"
    else:
        message = f"{talk.title!r}: to keep the changes, run: {update}"
    last = problems[-1]
    problems.append(Problem(last.path, last.line, None, message))
    return problems


def _published(here: Any, there: Any) -> bool:
    """A README's relative link (a slides folder) that the catalogue holds as its published URL.

    `talkcat import --base-url` makes `[Slides](2022-09-01%20Euroscipy/)` the URL of
    that folder in the speaker's repository: replacing the one with the other loses nothing.
    """
    from urllib.parse import unquote

    if not (isinstance(here, Link) and isinstance(there, Link)) or here.is_url or not there.is_url:
        return False
    return here.label in (None, there.label) and unquote(there.url).endswith("/" + here.url.lstrip("./"))


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Link):
        return value.url if value.label is None else f"[{value.label}]({value.url})"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return repr(value)


def _edit_flags(name: str, here: Any, there: Any) -> list[str]:
    """The `talkcat edit` options that make the catalogue's `there` the README's `here`."""
    if here is None:
        return [f"--unset {name}"]
    if name in LINK_FIELDS:
        assert isinstance(here, Link)
        flags = []
        if there is None or here.url != there.url:
            flags.append(f"--set {shlex.quote(f'{name}={here.url}')}")
        if there is None or here.label != there.label:
            flags.append(
                f"--unset {name}.label" if here.label is None else f"--set {shlex.quote(f'{name}.label={here.label}')}"
            )
        return flags
    value = here.isoformat() if hasattr(here, "isoformat") else str(here)
    return [f"--set {shlex.quote(f'{name}={value}')}"]
