"""`talkcat import`: migrate an existing README's talks into the catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from talkcat.commands.options import DataOption, GroupByYearOption, HeadingLevelOption
from talkcat.errors import Problem, TalkcatError, UsageError, plural
from talkcat.said import Said

if TYPE_CHECKING:
    from talkcat import incoming
    from talkcat.config import Settings
    from talkcat.importer import ImportedTalk
    from talkcat.render import Layout
    from talkcat.store import Catalogue
    from talkcat.validate import Rules


def import_talks(
    source: Annotated[
        Path | None,
        typer.Argument(help="A README with a TALKS block.", metavar="README", show_default=False),
    ] = None,
    data: DataOption = None,
    folders: Annotated[
        Path | None,
        typer.Option(
            "--folders",
            help="Read one folder per talk, each with a README.md (# Title, table, description).",
            metavar="DIR",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            help="With --folders: leave out the folders whose name (or path under DIR) matches GLOB. Repeatable.",
            metavar="GLOB",
            show_default=False,
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Resolve the README's relative links against this URL.", metavar="URL"),
    ] = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            help="Into a catalogue that holds talks: add the new ones and take the changed fields; nothing else moves.",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace a catalogue that already holds talks.")] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Write nothing; print the catalogue it would write (a diff, for --update)."),
    ] = False,
    heading_level: HeadingLevelOption = None,
    group_by_year: GroupByYearOption = None,
    schedule: Annotated[
        str | None,
        _source(
            "--schedule",
            "A conference schedule: frab/c3voc JSON or frab XML, a file or a URL; or a pretalx event's URL.",
            "FILE_OR_URL",
        ),
    ] = None,
    ics: Annotated[
        Path | None, _source("--ics", "A calendar of talks (pretalx's talks.ics, talkcat's export).", "FILE")
    ] = None,
    pyvideo: Annotated[
        Path | None, _source("--pyvideo", "pyvideo.org's data: its folder, or one event's folder in it.", "DIR")
    ] = None,
    speaker: Annotated[
        str | None, _source("--speaker", "With --schedule, --ics or --pyvideo: only this speaker's talks.", "NAME")
    ] = None,
    event: Annotated[str | None, _source("--event", "With --ics: the conference its talks belong to.", "NAME")] = None,
) -> Said:
    """Read a README's TALKS block (or talk folders, a schedule, a calendar, pyvideo's data) into the catalogue."""
    from talkcat import store
    from talkcat.commands import migration, options
    from talkcat.ownership import shown_fields
    from talkcat.render import Layout

    said = Said()
    with said.kept():
        from_source = schedule is not None or ics is not None or pyvideo is not None
        given = (source, folders, schedule, ics, pyvideo)
        if sum(value is not None for value in given) != 1:
            raise UsageError("give one thing to read: a README, --folders DIR, --schedule, --ics or --pyvideo")
        if update and force:
            raise UsageError("--update keeps the catalogue's talks and --force replaces them: give one")
        if exclude and folders is None:
            raise UsageError("--exclude leaves out talk folders: it needs --folders DIR")
        chosen = options.settings()
        data = options.data_path(data, chosen)
        layout = options.layout(chosen, heading_level, group_by_year)
        rules = options.rules(data, chosen, layout)
        before = store.snapshot(data)  # the catalogue is replaced only over these bytes
        if from_source:
            from talkcat.commands import sources

            if force:
                raise UsageError("--force replaces the catalogue with a README's talks; a source adds to it")
            sources.import_from(schedule=schedule, ics=ics, pyvideo=pyvideo, speaker=speaker, event=event,
                                data=data, rules=rules, update=update, dry_run=dry_run, said=said)  # fmt: skip
            return said
        if speaker is not None or event is not None:
            raise UsageError("--speaker and --event go with --schedule, --ics or --pyvideo")
        if not update:
            _refuse_to_overwrite(data, force)
        if source is not None:
            talks, notes = _from_readme(source, base_url, chosen, layout), list[Problem]()
            covers = shown_fields(layout)
            named = str(source)
        else:
            assert folders is not None and rules.repo_root is not None
            talks, notes = _from_folders(folders, base_url, rules.repo_root, exclude or [])
            covers = shown_fields(Layout())
            named = "the folder READMEs named above"
        entries, twins = _with_ids(talks)
        text = _catalogue_text(entries, _header(data))
        catalogue = store.parse_catalogue(text, data, rules)
        if catalogue.problems:
            _refuse_invalid(catalogue, talks, base_url, named)
        said.notes([*notes, *twins])
        assert rules.repo_root is not None
        also = [source] if source else []
        if update and _holds_talks(data):
            # A README's block (a talk folder's README) renders the catalogue talk for talk: a title
            # or a date fixed there by hand still names its talk.
            where = [f"{t.path}:{t.lines['title']}" for t in talks]
            merge(data, rules, where, entries, covers, dry_run, said, how="readme")
            if folders is not None:
                _keep_folder_readmes(chosen, said, dry_run)
            if not dry_run:
                said.note(
                    *migration.other_writers(rules.repo_root, chosen, data, options.readme_paths(None, chosen), also)
                )
            return said
        if dry_run:
            said.out(text, end="")
            said.note(f"would import {plural(len(talks), 'talk')} into {data}; nothing was written")
            if folders is not None:
                _keep_folder_readmes(chosen, said, dry_run)
            return said
        store.write_text(data, text, expected=before, make_folder=True)
        said.note(f"imported {plural(len(talks), 'talk')} into {data}")
        if folders is not None:
            _keep_folder_readmes(chosen, said)
        said.note(*migration.other_writers(rules.repo_root, chosen, data, options.readme_paths(None, chosen), also))
    return said


def _keep_folder_readmes(chosen: Settings, said: Said, dry_run: bool = False) -> None:
    """Turn on `folder_readmes`, so that sync-readme keeps the talk folders' READMEs in sync from now on."""
    from talkcat import config, store

    path = chosen.path or config.near(store.find_repo_root(Path.cwd()) / config.CONFIG_NAME, Path.cwd())
    there = store.read_if_exists(path)
    old = None if there is None else store.decode(there, path)
    try:
        new = config.with_setting(old, path, "folder_readmes", "true")
    except ValueError:
        said.note(f"note: add `folder_readmes = true` to {path} to keep each talk folder's README.md in sync")
        return
    if new is None:
        return  # set already, one way or the other: the user's choice
    if dry_run:
        said.note(f"{path}: would set folder_readmes = true (sync-readme would keep each talk folder's README.md)")
        return
    store.write_text(path, new, expected=there if there is not None else store.ABSENT)
    said.note(f"{path}: folder_readmes = true: sync-readme keeps each talk folder's README.md in sync from now on")


def _holds_talks(data: Path) -> bool:
    """Whether the catalogue is there with talks in it (an empty one is simply replaced)."""
    from talkcat import store

    if not data.exists():
        return False
    try:
        return bool(store.load_catalogue(data).checked.talks)
    except TalkcatError:
        return True  # `--update` then says what is wrong with it


def merge(
    data: Path,
    rules: Rules,
    sources: Sequence[str],
    entries: list[dict[str, Any]],
    covers: Sequence[str],
    dry_run: bool,
    said: Said,
    *,
    update: bool = True,
    how: incoming.Matching = "import",
) -> None:
    """Add the talks the catalogue lacks and (`update`) take the changed fields of the others: `import --update`.

    `sources` names where each entry was read, for the messages (`README.md:12`); `how`
    finds each one's talk in the catalogue (see `incoming.Matching`).
    """
    from talkcat import incoming, store
    from talkcat.commands import common
    from talkcat.commands.sync_readme import _unified_diff

    with store.locked(data):
        catalogue = common.load_valid(data, rules)
        outcomes = incoming.plan(catalogue.talks, entries, covers, update=update, how=how)
        text = incoming.apply_text(
            catalogue.text,
            catalogue.checked.extents(),
            catalogue.talks,
            outcomes,
            lambda changed: store.parse_catalogue(changed, data, rules).checked.extents(),
            str(data),
        )
        merged = incoming.merged_talks(catalogue.talks, outcomes)
        if dry_run:
            if common.checked(catalogue, text, merged) is None:
                raise common.unsafe(catalogue)
            said.out(_unified_diff(catalogue.text, text, str(data)), end="")
        elif text != catalogue.text:
            common.save(catalogue, text, merged)
    for where, outcome in zip(sources, outcomes):
        if outcome.action == "add" and catalogue.talks:
            said.note(f"{where}: added {outcome.talk.title!r}")
        elif outcome.action == "update":
            assert outcome.index is not None
            at = f"{data}:{catalogue.checked.entry_lines[outcome.index]}"
            said.note(f"{where}: updated {', '.join(outcome.fields)} of {outcome.talk.title!r} ({at})")
            old = catalogue.talks[outcome.index]
            old_id, new_id = old.slug, incoming.updated(old, outcome.changes).slug
            if old_id != new_id:
                said.note(f"note: its id changed from {old_id!r} to {new_id!r} (derived from the date and title)")
        elif outcome.action == "differs":
            assert outcome.index is not None
            at = f"{data}:{catalogue.checked.entry_lines[outcome.index]}"
            said.note(f"{where}: skipped {outcome.talk.title!r} ({at}): its {', '.join(outcome.fields)} changed; "
                      "--update takes them")  # fmt: skip
    counts = {action: sum(o.action == action for o in outcomes) for action in ("add", "update", "same", "differs")}
    skipped = f", {counts['differs']} skipped (changed; --update takes them)" if counts["differs"] else ""
    verb = "would import" if dry_run else "imported"
    tail = "; nothing was written" if dry_run else ""
    said.note(
        f"{verb} into {data}: {counts['add']} added, {counts['update']} updated, "
        f"{counts['same']} unchanged{skipped}{tail}"
    )


def _source(flag: str, help: str, metavar: str) -> Any:
    return typer.Option(flag, help=help, metavar=metavar, show_default=False)


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
        hint="pass --update to add the talks it lacks and take the changed fields, or --force to replace it",
    )


def _refuse_invalid(catalogue: Catalogue, talks: list[ImportedTalk], base_url: str | None, source: str) -> NoReturn:
    """Report what is wrong with the catalogue import made at the source lines it came from."""
    from talkcat.importer import locate_problems

    # What validation found on disk (a slides folder missing, say) names no field.
    on_disk = set(catalogue.problems) - set(catalogue.checked.problems)
    problems = locate_problems(catalogue.problems, talks, unnamed=on_disk)
    advice = f"fix {source} and import again"
    if on_disk and base_url is None:
        advice = f"pass --base-url URL to link relative paths where they are published, or {advice}"
    raise TalkcatError(problems, hint=f"nothing was written to {catalogue.path}; {advice}")


def _from_readme(source: Path, base_url: str | None, chosen: Settings, layout: Layout) -> list[ImportedTalk]:
    from talkcat import store
    from talkcat.importer import read_readme

    text = store.read_text(source)
    return read_readme(text, path=str(source), markers=chosen.markers, layout=layout, base_url=base_url)


def _from_folders(
    folders: Path, base_url: str | None, repo_root: Path, exclude: list[str]
) -> tuple[list[ImportedTalk], list[Problem]]:
    """The talks of the folders' READMEs, newest folder first; and a note for each README that is no talk."""
    from talkcat import store
    from talkcat.importer import read_folders

    readmes = store.folder_readmes(folders, exclude)
    # A talk's slides are its folder's path from the root of the repository:
    # the catalogue's, where validation and the README's links look for it;
    # with --base-url, the one holding the folders, which the URL publishes.
    root = repo_root if base_url is None else store.find_repo_root(folders)
    if base_url is None:
        hint = "pass --base-url URL to link to the folders where they are published"
    else:
        hint = "run talkcat in the repository that holds them"
    talks, notes = read_folders(readmes, _path_in(folders, root, hint), base_url)
    if not talks:
        raise TalkcatError("no talk folders (a folder with a README.md) here", path=str(folders))
    return talks, notes


def _with_ids(talks: list[ImportedTalk]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The talks' entries, an id of its own for each talk whose date and title another has; a note for each."""
    from talkcat.model import Talk

    entries = [dict(talk.entry) for talk in talks]
    first: dict[str, int] = {}
    seen: dict[str, int] = {}
    notes: list[Problem] = []
    for number, entry in enumerate(entries):
        slug = Talk.from_mapping(entry).slug
        seen[slug] = seen.get(slug, 0) + 1
        if slug not in first:
            first[slug] = number
            continue
        # Two keynotes on one day, or a copy-paste slip: both are kept, and both places named.
        twin = talks[first[slug]]
        entries[number] = {"id": f"{slug}-{seen[slug]}", **entry}
        this, that = talks[number], twin.lines["title"]
        what = f"{entry['title']!r} ({entry['date'].isoformat()})"
        notes.append(
            Problem(twin.path, that, None, f"note: {what} comes again at line {this.lines['title']}; both are imported")
        )
        notes.append(
            Problem(
                this.path,
                this.lines["title"],
                None,
                f"note: {what} is also at line {that}: imported with the id {entries[number]['id']!r}",
            )
        )
    return entries, notes


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
    from talkcat.yamlwrite import dump_catalogue

    return dump_catalogue(entries, header=header)
