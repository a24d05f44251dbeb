"""`talkcat import`: migrate an existing README's talks into the catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from talkcat.commands.options import DataOption, GroupByYearOption, HeadingLevelOption
from talkcat.errors import TalkcatError

if TYPE_CHECKING:
    from talkcat.config import Settings
    from talkcat.render import Layout


def import_talks(
    source: Annotated[
        Optional[Path],
        typer.Argument(help="A README with a TALKS block.", metavar="README", show_default=False),
    ] = None,
    data: DataOption = None,
    folders: Annotated[
        Optional[Path],
        typer.Option(
            "--folders",
            help="Read one folder per talk, each with a README.md (# Title, table, description).",
            metavar="DIR",
        ),
    ] = None,
    base_url: Annotated[
        Optional[str],
        typer.Option("--base-url", help="Resolve the README's relative links against this URL.", metavar="URL"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a catalogue that already holds talks.")
    ] = False,
    heading_level: HeadingLevelOption = None,
    group_by_year: GroupByYearOption = None,
) -> None:
    """Read an existing README's TALKS block (or talk folders) into the catalogue."""
    from talkcat import store
    from talkcat.commands import options

    if (source is None) == (folders is None):
        raise typer.BadParameter("give a README to read, or --folders DIR (one of the two)")
    chosen = options.settings()
    data = options.data_path(data, chosen)
    layout = options.layout(chosen, heading_level, group_by_year)
    rules = options.rules(data, chosen, layout)
    _refuse_to_overwrite(data, force)
    if source is not None:
        entries = _from_readme(source, base_url, chosen, layout)
    else:
        assert folders is not None
        entries = _from_folders(folders, base_url)
    text = _catalogue_text(entries, _header(data))
    store.parse_catalogue(text, data, rules).require_valid()
    store.write_text(data, text, make_folder=True)
    typer.echo(f"imported {len(entries)} talks into {data}", err=True)


def _refuse_to_overwrite(data: Path, force: bool) -> None:
    from talkcat import store

    if force or not data.exists():
        return
    try:
        catalogue = store.load_catalogue(data)
    except TalkcatError:
        catalogue = None
    if catalogue is not None and not catalogue.problems and not catalogue.checked.talks:
        return  # an empty catalogue: nothing to lose
    raise TalkcatError(
        "the catalogue already exists and is not empty; nothing was imported",
        path=str(data),
        hint="pass --force to replace it",
    )


def _from_readme(source: Path, base_url: str | None, chosen: Settings, layout: Layout) -> list[dict[str, Any]]:
    from talkcat import readme, store
    from talkcat.importer import parse_block

    text = store.read_text(source)
    block = readme.find_block(text, str(source), chosen.markers)
    return parse_block(
        readme.block_content(text, block),
        layout=layout,
        base_url=base_url,
        path=str(source),
        first_line=block.first_line,
    )


def _from_folders(folders: Path, base_url: str | None) -> list[dict[str, Any]]:
    from talkcat import store
    from talkcat.importer import parse_folder_readme

    if not folders.is_dir():
        raise TalkcatError("not a folder", path=str(folders))
    entries = []
    # Newest folder first, as the old script listed them.
    for folder in sorted(folders.iterdir(), key=lambda p: p.name, reverse=True):
        readme = folder / "README.md"
        if folder.name.startswith(".") or not readme.is_file():
            continue
        entry = parse_folder_readme(store.read_text(readme), folder.name, path=str(readme))
        entries.append(entry)
    if not entries:
        raise TalkcatError("no talk folders (a folder with a README.md) here", path=str(folders))
    return entries


def _header(data: Path) -> str:
    """The comment lines at the top of the catalogue being replaced (its schema line, say)."""
    from talkcat import store

    old = store.read_if_exists(data)
    if old is None:
        return ""
    lines = store.decode(old, data).removeprefix(store.BOM).split("\n")
    header = ""
    for line in lines:
        if not line.startswith("#"):
            break
        header += line.rstrip("\r") + "\n"
    return header


def _catalogue_text(entries: list[dict[str, Any]], header: str = "") -> str:
    from talkcat.model import Talk
    from talkcat.yamlwrite import dump_catalogue

    # Two talks with one date and title (two keynotes on a day) need ids of their own.
    seen: dict[str, int] = {}
    for number, entry in enumerate(entries):
        slug = Talk.from_mapping(entry).slug
        seen[slug] = seen.get(slug, 0) + 1
        if seen[slug] > 1:
            entries[number] = {"id": f"{slug}-{seen[slug]}", **entry}
    return dump_catalogue(entries, header=header)
