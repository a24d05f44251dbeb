"""`talkcat import`: migrate an existing README's talks into the catalogue."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer

from talkcat.commands.options import DataOption, GroupByYearOption, HeadingLevelOption
from talkcat.errors import TalkcatError, plural

if TYPE_CHECKING:
    from talkcat.config import Settings
    from talkcat.importer import ImportedTalk
    from talkcat.render import Layout
    from talkcat.store import Catalogue


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
        talks = _from_readme(source, base_url, chosen, layout)
    else:
        assert folders is not None and rules.repo_root is not None
        talks = _from_folders(folders, base_url, rules.repo_root)
    text = _catalogue_text([talk.entry for talk in talks], _header(data))
    catalogue = store.parse_catalogue(text, data, rules)
    if catalogue.problems:
        _refuse_invalid(catalogue, talks, base_url, str(source) if source else "the folder READMEs named above")
    store.write_text(data, text, make_folder=True)
    typer.echo(f"imported {plural(len(talks), 'talk')} into {data}", err=True)


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


def _refuse_invalid(catalogue: Catalogue, talks: list[ImportedTalk], base_url: str | None, source: str) -> NoReturn:
    """Report what is wrong with the catalogue import made at the source lines it came from."""
    from talkcat.importer import locate_problems

    # What validation found on disk (a slides folder missing, say) names no field.
    on_disk = set(catalogue.problems) - set(catalogue.checked.problems)
    problems = locate_problems(
        catalogue.problems, catalogue.text, catalogue.checked.entry_lines, talks, unnamed=on_disk
    )
    advice = f"fix {source} and import again"
    if on_disk and base_url is None:
        advice = f"pass --base-url URL to link relative paths where they are published, or {advice}"
    raise TalkcatError(problems, hint=f"nothing was written to {catalogue.path}; {advice}")


def _from_readme(source: Path, base_url: str | None, chosen: Settings, layout: Layout) -> list[ImportedTalk]:
    from talkcat import readme, store
    from talkcat.importer import read_block

    text = store.read_text(source)
    block = readme.find_block(text, str(source), chosen.markers)
    content, _ = readme.unstamped(readme.block_content(text, block))
    return read_block(
        content,
        layout=layout,
        base_url=base_url,
        path=str(source),
        first_line=block.first_line,
    )


def _from_folders(folders: Path, base_url: str | None, repo_root: Path) -> list[ImportedTalk]:
    from talkcat import store
    from talkcat.importer import read_folder_readme

    if not folders.is_dir():
        raise TalkcatError("not a folder", path=str(folders))
    # A talk's slides are its folder's path from the root of the repository:
    # the catalogue's, where validation and the README's links look for it;
    # with --base-url, the one holding the folders, which the URL publishes.
    root = repo_root if base_url is None else store.find_repo_root(folders)
    if base_url is None:
        hint = "pass --base-url URL to link to the folders where they are published"
    else:
        hint = "run talkcat in the repository that holds them"
    where = _path_in(folders, root, hint)
    talks = []
    # Newest folder first, as the old script listed them.
    for folder in sorted(folders.iterdir(), key=lambda p: p.name, reverse=True):
        readme = folder / "README.md"
        if folder.name.startswith(".") or not readme.is_file():
            continue
        in_repo = posixpath.join(where, folder.name) if where else folder.name
        talks.append(read_folder_readme(store.read_text(readme), in_repo, path=str(readme), base_url=base_url))
    if not talks:
        raise TalkcatError("no talk folders (a folder with a README.md) here", path=str(folders))
    return talks


def _path_in(folder: Path, root: Path, hint: str) -> str:
    """The folder's POSIX path from the repository root (`` for the root itself)."""
    try:
        relative = folder.resolve().relative_to(root.resolve())
    except ValueError:
        message = f"the talk folders are outside the repository ({root})"
        raise TalkcatError(message, path=str(folder), hint=hint) from None
    return "" if relative == Path(".") else relative.as_posix()


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
