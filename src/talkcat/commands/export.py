"""`talkcat export`: the talks as JSON, CSV, a calendar, a bibliography or site pages."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from talkcat.commands.filtering import takes_filters
from talkcat.commands.options import DataOption, NoCacheOption
from talkcat.errors import TalkcatError, UsageError, plural
from talkcat.filters import Filters
from talkcat.said import Said

if TYPE_CHECKING:
    from collections.abc import Sequence

    from talkcat.commands.filtering import Loaded
    from talkcat.errors import Problem
    from talkcat.model import Talk


class ExportFormat(str, enum.Enum):
    json = "json"
    csv = "csv"
    ics = "ics"
    bibtex = "bibtex"
    pages = "pages"
    pyvideo = "pyvideo"


class Site(str, enum.Enum):
    hugo = "hugo"
    jekyll = "jekyll"
    nikola = "nikola"


@takes_filters
def export_talks(
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="json, csv (RFC 4180), ics (iCalendar), bibtex (@misc entries), pages (one markdown page a talk) "
            "or pyvideo (pyvideo.org's data folders).",
            case_sensitive=False,
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (for pages and pyvideo: this folder) instead of stdout.",
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    site: Annotated[
        Site | None,
        typer.Option("--site", help="For pages: hugo, jekyll or nikola.", case_sensitive=False, show_default=False),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="For pages and pyvideo: overwrite files edited by hand since talkcat wrote them."),
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Make links that are folders in the repository (slides) URLs under this one. "
            "(default: `base_url` in the config, else left out)",
            metavar="URL",
            show_default=False,
        ),
    ] = None,
    *,
    filters: Filters,
    data: DataOption = None,
    no_cache: NoCacheOption = False,
) -> Said:
    """Export the talks (newest first; the list filters apply) to stdout or a file."""
    from talkcat import export
    from talkcat import filters as talk_filters
    from talkcat.commands import filtering, options
    from talkcat.config import base_url_problem

    if output_format is ExportFormat.pages:
        if site is None or output is None:
            raise UsageError("--format pages needs --site hugo|jekyll|nikola and --output DIR")
    elif output_format is ExportFormat.pyvideo:
        if output is None or site is not None:
            raise UsageError("--format pyvideo needs --output DIR (and no --site)")
    elif site is not None or force:
        raise UsageError("--site and --force are for --format pages only")
    if base_url is not None and base_url_problem(base_url):
        raise UsageError(f"--base-url {base_url!r} {base_url_problem(base_url)}")
    said = Said()
    with said.kept():
        chosen = options.settings()
        base_url = base_url or chosen.base_url
        loaded = filtering.load_talks(data, no_cache, said)
        positions = loaded.chosen(filters)
        talks: Sequence[Talk] = loaded.pick(positions)
        if base_url:
            talks = export.with_base_url(talks, base_url)
        if not talks and output_format is ExportFormat.ics:
            # RFC 5545 asks for at least one component: an empty calendar is no calendar.
            said.note("no talks match; an iCalendar file needs an event, so nothing was written")
            return said
        if not talks:
            said.note("no talks match")
        if output_format is ExportFormat.pages:
            from talkcat import pages

            assert site is not None and output is not None
            names = pages.page_names(talk_filters.sort_talks(loaded.talks))  # every talk's, exported or not
            _write_pages(talks, names, site.value, output, force, loaded.catalogue.path, said)
            return said
        if output_format is ExportFormat.pyvideo:
            from talkcat.commands import sources

            assert output is not None
            sources.export_pyvideo(talks, output, force, said, chosen.speaker)
            return said
        text = _render(loaded, talks, positions, output_format, chosen.speaker, rebuilt=bool(base_url))
        if output is None:
            said.out(text, end="")
            return said
        from talkcat import store

        _refuse_inputs([output], loaded.catalogue.path, loaded.talks)
        wrote = store.write_output(output, text)
        said.note(f"{'wrote' if wrote else 'unchanged:'} {plural(len(talks), 'talk')} to {output}")
    return said


def _render(
    loaded: Loaded,
    talks: Sequence[Talk],
    positions: Sequence[int],
    output_format: ExportFormat,
    speaker: str | None,
    rebuilt: bool,
) -> str:
    """The export's text (`talks`: those at `positions` in `loaded`); `rebuilt`: the talks are
    not the catalogue's own (their links were resolved)."""
    from talkcat import export, listing

    if output_format is ExportFormat.json:
        objects = listing.json_objects(talks) if rebuilt else loaded.json_objects(positions)
        return listing.to_json(objects).decode("utf-8")
    if output_format is ExportFormat.csv:
        return listing.to_csv(talks)
    if output_format is ExportFormat.ics:
        return export.to_ics(talks)
    return export.to_bibtex(talks, speaker)


def _refuse_inputs(outputs: Sequence[Path], data: Path, talks: Sequence[Talk] = ()) -> None:
    """An export never replaces what talkcat reads or set up: the catalogue, a README (or a
    talk folder's README) it syncs, its config, template and schema, the hook and git's attributes."""
    from talkcat import store
    from talkcat.commands import options
    from talkcat.commands.init import PRE_COMMIT_NAME, SCHEMA_NAME
    from talkcat.commands.sync_readme import talk_folder
    from talkcat.config import near
    from talkcat.errors import Problem

    chosen = options.settings()
    root = store.find_repo_root(data.parent)
    inputs = [(data, "the catalogue"), *((readme, "a README that sync-readme writes") for readme in chosen.readmes)]
    if chosen.folder_readmes:
        folders = [talk_folder(talk, root) for talk in talks]
        inputs += [(root / folder / "README.md", "a talk folder's README") for folder in folders if folder]
    inputs += [
        (path, what) for path, what in ((chosen.path, "talkcat's config"), (chosen.template, "the template")) if path
    ]
    inputs += [
        (data.parent / SCHEMA_NAME, "the catalogue's schema"),
        (root / PRE_COMMIT_NAME, "the pre-commit configuration"),
        (root / ".gitattributes", "git's attributes (the merge driver)"),
    ]
    advice = "write the export to a file of its own; nothing was written"
    problems = [
        Problem(str(output), None, None, f"is {what} ({near(path, Path.cwd())}); {advice}")
        for output in outputs
        for path, what in inputs
        if store.same_file(output, path)
    ]
    if problems:
        raise TalkcatError(problems)


def _write_pages(
    talks: Sequence[Talk], names: dict[str, str], site: str, folder: Path, force: bool, data: Path, said: Said
) -> None:
    """Write a page per talk into `folder`, never outside it, never over a hand edit unless forced;
    remove the pages talkcat wrote for talks that are gone, unless edited by hand since.

    Every page is checked before any is written: a name too long for the
    file system, a read-only page, or one that is the catalogue or a README
    stops them all, with the manifest.
    """
    from talkcat import pages, store

    store.output_folder(folder)
    rendered = pages.render_pages(talks, site, names)
    manifest_path = folder / pages.MANIFEST
    manifest = store.read_if_exists(manifest_path)
    written = (
        {} if manifest is None else pages.parse_manifest(store.decode(manifest, manifest_path), str(manifest_path))
    )
    for name in written:
        if not pages.safe_name(name):
            raise TalkcatError(
                f"names {name!r}, which is not a page of this folder; nothing was written",
                path=str(manifest_path),
                hint="delete the manifest to start afresh (then pages already there count as edited by hand)",
            )
    for name in (*(page.name for page in rendered), *written, pages.MANIFEST):
        # A symlink in the folder would carry the write elsewhere.
        if not store.stays_in(folder, name):
            raise TalkcatError("leads outside the folder (a symlink?); nothing was written", path=str(folder / name))
    targets = [*(folder / page.name for page in rendered), manifest_path]
    _refuse_inputs(targets, data, talks)
    store.check_writable(targets, in_repository=False)
    on_disk = {page.name: store.read_if_exists(folder / page.name) for page in rendered}
    edited = [] if force else pages.conflicts(rendered, on_disk, written)
    if edited:
        raise TalkcatError(
            [_edited(folder / name) for name in edited],
            hint="pass --force to overwrite them (or move your edits into the catalogue)",
        )
    others = [name for name in written if name not in names.values()]
    on_disk_others = {name: store.read_if_exists(folder / name) for name in others}
    left = pages.leftovers(written, list(names.values()), on_disk_others)
    changed = sum(store.write_output(folder / page.name, page.text) for page in rendered)
    for name in left.remove:
        store.remove_output(folder / name)
    store.write_output(manifest_path, pages.manifest_text(written, rendered, [*left.remove, *left.kept, *left.gone]))
    for name in left.kept:
        said.note(
            f"kept {folder / name}: its talk is gone from the catalogue, but the page was edited by hand "
            "since talkcat wrote it; it is yours now"
        )
    removed = f", {len(left.remove)} removed (their talks are gone)" if left.remove else ""
    said.note(f"{site} pages in {folder}: {changed} written, {len(rendered) - changed} unchanged{removed}")


def _edited(path: Path) -> Problem:
    from talkcat.errors import Problem

    return Problem(str(path), None, None, "edited by hand since talkcat wrote it; nothing was written")
