"""What the commands that change the catalogue (add, edit, remove) share."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from talkcat.errors import TalkcatError, UsageError
from talkcat.said import on_terminal

if TYPE_CHECKING:
    from talkcat.model import Field, Talk
    from talkcat.said import Said
    from talkcat.store import Catalogue
    from talkcat.validate import Rules

InputOption = Annotated[
    bool | None,
    typer.Option(
        "--input/--no-input",
        help=(
            "Ask for what is missing. Default: ask only when stdin is a terminal; "
            "--input asks even when it is not (answers piped in), --no-input never asks."
        ),
        show_default=False,
    ),
]
SyncOption = Annotated[
    bool, typer.Option("--sync", help="Run sync-readme afterwards, to update the README's talk list.")
]


def interactive(flag: bool | None) -> bool:
    """Whether to prompt: as told, else only when a person is at the terminal."""
    return on_terminal(sys.stdin) if flag is None else flag


def parse_date(value: str, option: str) -> dt.date:
    """A YYYY-MM-DD date, `today` or `yesterday`; anything else is a usage error."""
    text = value.strip()
    relative = {"today": 0, "yesterday": 1}.get(text.casefold())
    if relative is not None:
        return dt.date.today() - dt.timedelta(days=relative)
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"{option} {value!r} is not a real date ({exc})") from None
    raise UsageError(f"{option} {value!r} is not a date; write it as YYYY-MM-DD (or `today`, `yesterday`)")


def check_kind(value: str, option: str = "--kind") -> str:
    """A kind as typed (`Keynote`): the catalogue's word for it, checked as validation checks it."""
    from talkcat.validate import check_value

    kind = value.strip().lower()
    for problem in check_value("kind", kind):
        raise UsageError(f"{option} {problem.removeprefix('kind ')}")
    return kind


def field_value(field: Field, text: str, option: str) -> Any:
    """A field's value from its text as typed (an option's, an answer), by its type; None for no text.

    A date takes `today` and `yesterday` too, a kind any case, a list commas
    between its items. Any other problem is validation's (`check_value`); one
    here is a usage error naming `option`.
    """
    if field.type == "text":
        return description_text(text)
    if field.type == "strlist":
        return [item.strip() for item in text.split(",") if item.strip()] or None
    text = text.strip()
    if not text:
        return None
    if field.type == "date":
        return parse_date(text, option)
    if field.type == "kind":
        return check_kind(text, option)
    return text


def clean(value: str | None) -> str | None:
    """An option's text without surrounding spaces; None when nothing is left."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def description_text(text: str) -> str | None:
    """A description as the catalogue keeps it: LF line ends, no blank lines around it and no
    final line break, as import reads one (written as a `|-` block, as the README shows)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\n").rstrip()
    return text or None


def read_description(source: str) -> str | None:
    """A description from a file, or from stdin for `-`."""
    from talkcat import store

    if source == "-":
        if sys.stdin is None:  # `<&-`
            raise TalkcatError("stdin is closed: there is no description to read from it (`-`)")
        text = sys.stdin.read(DESCRIPTION_LIMIT + 1)
        if len(text) > DESCRIPTION_LIMIT:
            raise TalkcatError(f"the description on stdin is longer than {DESCRIPTION_LIMIT // 2**20} Mi characters")
    else:
        path = Path(source)
        text = store.decode(store.read_bytes(path, pipe=True, limit=DESCRIPTION_LIMIT), path)
    return description_text(text)


def literal_link(
    value: str | dict[str, str] | None, rules: Rules, option: str, said: Said
) -> str | dict[str, str] | None:
    """A link as the catalogue keeps it: a percent-encoded path (copied from a README link) becomes the one it names.

    The README encodes the paths it links, so `2022-09-01%20Euroscipy/`
    kept as it is would render as `%2520`, a dead link. Said in a note.
    """
    from talkcat.model import Link
    from talkcat.validate import decoded_path

    if value is None or rules.repo_root is None:
        return value
    link = Link.from_value(value)
    decoded = decoded_path(link.url, rules.repo_root)
    if decoded is None:
        return value
    said.note(
        f"note: {option} {link.url!r} is percent-encoded, as in a link: the catalogue keeps the path it names, "
        f"{decoded!r}"
    )
    return Link(decoded, link.label).to_value()


# A description file is read up to this size: /dev/zero or an endless pipe must not read forever.
DESCRIPTION_LIMIT = 16 * 2**20


def target(data: Path | None) -> tuple[Path, Rules]:
    """The catalogue to change (--data, else the config's) and the rules it must follow."""
    from talkcat.commands import options

    chosen = options.settings()
    path = options.data_path(data, chosen)
    return path, options.rules(path, chosen)


def load_valid(data: Path, rules: Rules | None = None) -> Catalogue:
    """The catalogue, which must be valid before anything in it changes."""
    from talkcat import store

    catalogue = store.load_catalogue(data, rules)
    if catalogue.problems:
        raise TalkcatError(
            catalogue.problems,
            hint=f"fix these first (`talkcat validate --data {data}`); nothing was changed",
        )
    return catalogue


def find_talk(catalogue: Catalogue, talk_id: str) -> int:
    """The index of the talk with this id, or whose id alone starts with it (`list`'s table
    shows the shortest such prefix); an unknown id names the closest ones."""
    import difflib

    from talkcat.textfold import fold

    ids = [talk.slug for talk in catalogue.talks]
    if talk_id in ids:
        return ids.index(talk_id)
    # `zurich` for `zürich`, `Berlin` for `berlin`: fine when only one id fits.
    wanted = fold(talk_id)
    for fits in (
        lambda known: known.startswith(talk_id),
        lambda known: fold(known) == wanted,
        lambda known: fold(known).startswith(wanted),
    ):
        found = [number for number, known in enumerate(ids) if fits(known)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            shown = ", ".join(ids[number] for number in found[:5]) + (", ..." if len(found) > 5 else "")
            raise TalkcatError(
                f"{talk_id!r} is the start of {len(found)} ids: {shown}",
                path=str(catalogue.path),
                hint="give more of the id",
            )
    containing = [known for known in ids if talk_id.casefold() in known.casefold()][:3]
    close = difflib.get_close_matches(talk_id, ids, n=3, cutoff=0.6)
    suggestions = list(dict.fromkeys([*containing, *close]))[:3]
    if suggestions:
        hint = "did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
    else:
        hint = f"see every id with `talkcat list --data {catalogue.path}`"
    raise TalkcatError(f"no talk with id {talk_id!r}", path=str(catalogue.path), hint=hint)


def took(talk_id: str, talk: Talk, said: Said) -> None:
    """Say which talk an id prefix (or a spelling in another case) stands for."""
    if talk.slug != talk_id:
        said.note(f"{talk_id!r} is {talk.slug}: {describe(talk)}")


def save(catalogue: Catalogue, text: str, expected: list[Talk]) -> Catalogue:
    """Validate the changed text in full, check it holds `expected`, then write it atomically."""
    from talkcat import store

    result = checked(catalogue, text, expected)
    if result is None:
        raise unsafe(catalogue)
    # Only over the bytes it was read from; and cache its validation for the next command.
    store.write_catalogue(result, expected=catalogue.digest)
    return result


def unsafe(catalogue: Catalogue) -> TalkcatError:
    return TalkcatError(
        "could not make this change without disturbing other lines of the file; nothing was written",
        path=str(catalogue.path),
        hint="please report this, with the part of the file around the talk",
    )


def checked(catalogue: Catalogue, text: str, expected: list[Talk]) -> Catalogue | None:
    """The changed catalogue if it is valid and holds exactly `expected`; None if it holds other talks."""
    from talkcat import store

    result = store.reparse(catalogue, text)  # only the changed entries parsed again
    if result.problems:
        raise TalkcatError(result.problems, hint="nothing was written")
    if result.checked.talks != expected:
        return None
    return result


def check_sync_target(readme: list[Path] | None) -> None:
    """Before a change made with --sync: each README must be there and hold its block.

    Otherwise the catalogue would be changed and then the sync fail, and the
    same command run again would be refused as a duplicate.
    """
    from talkcat import store
    from talkcat.commands import options

    chosen = options.settings()
    paths = options.readme_paths(readme, chosen)
    for path in paths:
        store.find_readme_block(store.read_text(path), path, chosen.markers)
    store.check_writable(paths)  # read-only, or a symlink out of the repository: said before the change


def sync(data: Path, readme: list[Path] | None) -> Said:
    """What `talkcat sync-readme` says, run after a change (--sync)."""
    import dataclasses

    from talkcat.commands.sync_readme import sync_readme

    try:
        return sync_readme(data=data, readme=readme)
    except TalkcatError as exc:
        # The sync's "nothing was written" is of the README: the catalogue was.
        def scoped(text: str) -> str:
            return text.replace("nothing was written", "the README was not written")

        exc.problems = [dataclasses.replace(p, message=scoped(p.message)) for p in exc.problems]
        fix = "fix this, then run `talkcat sync-readme`"
        if exc.hint:
            exc.hint = f"{scoped(exc.hint)}; {data} was changed: {fix}"
        else:
            exc.hint = f"{data} was changed, the README was not: {fix}"
        raise


def describe(talk: Talk) -> str:
    """A talk in a few words, for messages."""
    return f"{talk.title!r} ({talk.date.isoformat()}, {talk.event})"
