"""What the shell completes from the catalogue: ids, kinds, fields and their values.

Typer calls these while completing (`talkcat --install-completion` sets the
shell up); commands and options it completes by itself. Each reads the
catalogue the command would read (`--data` when it is typed already, else
the config's), from the cache when it can, and completes nothing rather
than fail: a shell's Tab key must never print an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from talkcat.model import Talk


def _talks(ctx: typer.Context) -> Sequence[Talk]:
    from talkcat import store
    from talkcat.commands import options
    from talkcat.errors import TalkcatError

    given = ctx.params.get("data")  # as typed: completion does not convert values
    try:
        chosen = options.settings()
        path = options.data_path(Path(given) if given else None, chosen)
        return store.load_catalogue(path, options.rules(path, chosen)).talks
    except (TalkcatError, OSError, ValueError):
        return []


def _starting(words: Sequence[str], incomplete: str) -> list[str]:
    # In the case typed: Typer keeps only the values that start with it as they are.
    return [word for word in words if word.startswith(incomplete)]


def ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Each talk's id, with its title as the help zsh and fish show beside it."""
    titles = {talk.slug: talk.title for talk in _talks(ctx)}
    return [(slug, titles[slug]) for slug in _starting(list(titles), incomplete)]


# The id `edit` and `remove` take, completed from the catalogue's.
IdArgument = Annotated[
    str,
    typer.Argument(
        help="The talk's id, or enough of its start to tell it from the others.",
        metavar="ID",
        show_default=False,
        autocompletion=ids,
    ),
]


def kinds(incomplete: str) -> list[str]:
    from talkcat.model import KINDS

    return _starting(KINDS, incomplete)


def values(name: str) -> Callable[[typer.Context, str], list[str]]:
    """What the catalogue's talks hold in the field `name` (each item of a list), for its options."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        found: set[str] = set()
        for talk in _talks(ctx):
            value = getattr(talk, name)
            found.update(value if isinstance(value, tuple) else (value,) if value else ())
        return _starting(sorted(found, key=str.casefold), incomplete)

    return complete


tags = values("tags")
events = values("event")


def fields(incomplete: str) -> list[str]:
    """`--set`'s FIELD=, link labels too."""
    from talkcat.model import FIELD_NAMES, LINK_FIELDS

    names = [*FIELD_NAMES, *(f"{link}.label" for link in LINK_FIELDS)]
    return _starting([f"{name}=" for name in names], incomplete)


def optional_fields(incomplete: str) -> list[str]:
    """`--unset`'s FIELD: every field a talk can do without."""
    from talkcat.model import FIELD_NAMES, LINK_FIELDS, REQUIRED

    names = [name for name in FIELD_NAMES if name not in REQUIRED]
    return _starting([*names, *(f"{link}.label" for link in LINK_FIELDS)], incomplete)
