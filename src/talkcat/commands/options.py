"""Options shared by several commands, and the settings their defaults come from."""

from __future__ import annotations

import enum
import functools
import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, get_type_hints

import typer

from talkcat.config import DEFAULT_DATA, DEFAULT_README

if TYPE_CHECKING:
    from talkcat.config import Settings
    from talkcat.render import Layout
    from talkcat.validate import Rules

__all__ = ["DEFAULT_DATA", "DEFAULT_README"]

F = TypeVar("F", bound=Callable[..., Any])


def splice(command: F, name: str, options: Sequence[tuple[str, Any]], gather: Callable[[dict[str, Any]], Any]) -> F:
    """`command` with `options` (a parameter's name, its `Annotated` option) where its parameter `name` stands.

    Typer reads the options from the wrapper's signature, each None unless
    given; `command` gets what `gather` makes of their values (by name) as `name`.
    """
    hints = get_type_hints(command, include_extras=True)
    signature = inspect.signature(command)
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.name == name:
            parameters += [inspect.Parameter(n, parameter.kind, default=None, annotation=a) for n, a in options]
        else:
            parameters.append(parameter.replace(annotation=hints[parameter.name]))

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {option: kwargs.pop(option) for option, _ in options}
        return command(*args, **{name: gather(values)}, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
    del wrapper.__wrapped__  # Typer must see the options, not the command's own signature
    return wrapper  # type: ignore[return-value]


class SortOrder(str, enum.Enum):
    newest = "newest"
    oldest = "oldest"


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help=(
            "The catalogue file. (default: `data` in the config, else data/talks.yaml; both looked for from here "
            "up to the repository root)"
        ),
        metavar="PATH",
        show_default=False,
    ),
]
ReadmeOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--readme",
        help="The README holding the TALKS block (repeat for several)."
        " (default: `readme` in the config, else README.md)",
        metavar="PATH",
        show_default=False,
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Parse and validate the catalogue afresh; neither read nor write the cache.",
    ),
]
HeadingLevelOption = Annotated[
    int | None,
    typer.Option(
        "--heading-level",
        help="The level of the block's headings (1-6). (default: `heading_level` in the config, else 3)",
        metavar="N",
        min=1,
        max=6,
        show_default=False,
    ),
]
GroupByYearOption = Annotated[
    bool | None,
    typer.Option(
        "--group-by-year/--no-group-by-year",
        help="A heading per year, the talks' headings one level below."
        " (default: `group_by_year` in the config, else off)",
        show_default=False,
    ),
]


def settings() -> Settings:
    """The settings found from the current directory upward (see `store.find_config`)."""
    from talkcat import config, store

    cwd = Path.cwd()
    return config.located(store.find_config(cwd), cwd, cwd)


def data_path(flag: Path | None, chosen: Settings | None = None) -> Path:
    """--data if given, else the config's catalogue."""
    if flag is not None:
        return flag
    return (chosen or settings()).data


def readme_paths(flag: list[Path] | None, chosen: Settings | None = None) -> list[Path]:
    """--readme (each one) if given, else the config's READMEs."""
    if flag:
        return list(flag)
    return list((chosen or settings()).readmes)


def layout(
    chosen: Settings,
    heading_level: int | None = None,
    group_by_year: bool | None = None,
    sort: SortOrder | None = None,
    chart: bool | None = None,
) -> Layout:
    """The config's layout with the flags given on the command line in its place."""
    from dataclasses import replace

    result = chosen.layout
    if group_by_year is not None:
        result = replace(result, group_by_year=group_by_year)
    if heading_level is not None:
        result = replace(result, heading_level=heading_level)
    if sort is not None:
        result = replace(result, sort=sort.value)
    if chart is not None:
        result = replace(result, chart=chart)
    if result.talk_level > 6:
        raise typer.BadParameter(
            f"heading level {result.heading_level} leaves no level for the talks under the years; use 1 to 5"
        )
    return result


def rules(data: Path, chosen: Settings, chosen_layout: Layout | None = None) -> Rules:
    """What validation checks the catalogue against: the repository, the talks' heading level, the markers."""
    from talkcat import store
    from talkcat.validate import Rules

    level = (chosen_layout or chosen.layout).talk_level
    return Rules(repo_root=store.find_repo_root(data.parent), heading_level=level, markers=chosen.markers)
