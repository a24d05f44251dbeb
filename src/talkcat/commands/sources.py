"""Talks from elsewhere: `add --from URL`, `import --schedule/--ics/--pyvideo`, `export --format pyvideo`.

Parses and prints only: the sources' formats are read in `talkcat.sources`,
files through `store`, the web through `net`, and every catalogue change
goes through `incoming` (which talks are new, which changed) and
`common.save` (validated in full, written atomically), as `import --update`
does for a README.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from talkcat.errors import Problem, TalkcatError, plural
from talkcat.said import on_terminal

if TYPE_CHECKING:
    from talkcat.model import Talk
    from talkcat.said import Said
    from talkcat.store import Catalogue
    from talkcat.validate import Rules

# The fields each source can say anything about: `--update` changes no other
# (pretalx knows no location, so an update never removes yours).
SCHEDULE_COVERS = ("title", "date", "event", "kind", "language", "speakers", "tags", "link", "description")
PYVIDEO_COVERS = ("title", "date", "event", "language", "speakers", "tags", "link", "video", "slides", "description")
CALENDAR_COVERS = {
    "talkcat": tuple(name for name in ("title", "date", "end_date", "event", "location", "kind", "language",
                                       "speakers", "tags", "link", "video", "slides", "description")),
    "pretalx": ("title", "date", "speakers", "link", "description"),
    "other": ("title", "date", "end_date", "event", "location", "link", "description"),
}  # fmt: skip
PROGRESS_FROM = 100  # talks: fewer go by too fast for a bar to help


@dataclass(frozen=True)
class Incoming:
    """A talk read from a source, and where it came from, for messages (`schedule.json: talk WTUA9S`)."""

    entry: dict[str, Any]
    where: str


# add --from


def prefill(answers: dict[str, Any], url: str) -> list[str]:
    """Fill the answers `add` has no flag for with the talk pretalx has at `url`: flags win.

    The names of the fields it filled.
    """
    from talkcat import net
    from talkcat.commands import options
    from talkcat.sources import pretalx

    page = pretalx.talk_page(url, dict(options.settings().sources))
    with net.Client() as client, _progress() as progress:
        progress.step(f"reading {page.link}")
        fetched = pretalx.read_talk(page, _json_fetcher(client))
        progress.stop()
    filled = []
    for name, value in fetched.items():
        if answers.get(name) in (None, []):
            answers[name] = value
            filled.append(name)
    return filled


def show_entry(
    catalogue: Catalogue, text: str, expected: list[Talk], entry: dict[str, Any], index: int, said: Said
) -> None:
    """`add --dry-run`: check the catalogue the talk would make, show the entry, write nothing."""
    from talkcat.commands import common
    from talkcat.yamlwrite import dump_entry

    result = common.checked(catalogue, text, expected)
    if result is None:
        raise common.unsafe(catalogue)
    said.out(dump_entry(entry), end="")
    line = result.checked.entry_lines[index]
    said.note(f"would add it to {catalogue.path}:{line}; nothing was written")


def _json_fetcher(client: Any) -> Callable[..., Any]:
    def fetch(url: str, missing: str | None = None) -> Any:
        return client.get(url, missing=missing).json("pretalx's JSON")

    return fetch


# import --schedule / --ics / --pyvideo


def import_from(
    *,
    schedule: str | None,
    ics: Path | None,
    pyvideo: Path | None,
    speaker: str | None,
    event: str | None,
    data: Path,
    rules: Rules,
    update: bool,
    dry_run: bool,
    said: Said,
) -> None:
    """Read the talks of one source and merge them into the catalogue."""
    if event is not None and ics is None:
        raise typer.BadParameter("--event names the conference of a calendar's talks: it goes with --ics")
    covers: Sequence[str]
    with _progress() as progress:
        if schedule is not None:
            talks, covers, source = _schedule(schedule, progress), SCHEDULE_COVERS, schedule
        elif ics is not None:
            talks, covers = _calendar(ics, event)
            source = str(ics)
        else:
            assert pyvideo is not None
            talks, covers, source = _pyvideo(pyvideo), PYVIDEO_COVERS, str(pyvideo)
        if speaker is not None:
            talks = _by_speaker(talks, speaker, source)
        if not talks:
            raise TalkcatError("no talks in it; nothing was imported", path=source)
        merge(data, rules, talks, covers, said, update=update, dry_run=dry_run, progress=progress)


def _schedule(source: str, progress: _Progress) -> list[Incoming]:
    from talkcat import net, store
    from talkcat.sources import pretalx, schedule

    if not source.startswith(("http://", "https://")):
        text = store.read_text(Path(source))
        return [Incoming(t.entry, f"{source}: talk {t.ref}") for t in schedule.read(text, source)]
    with net.Client() as client:
        path = source.split("?")[0].split("#")[0].rstrip("/")
        if path.endswith((".json", ".xml")):
            progress.step(f"reading {source}")
            answer = client.get(source, missing="no schedule at this URL (HTTP 404)")
            return [Incoming(t.entry, f"{source}: talk {t.ref}") for t in schedule.read(answer.text(), source)]
        found = pretalx.event_of(source)
        if found is None:
            raise TalkcatError("not a schedule's URL nor a pretalx event's", path=source, hint=schedule.SCHEDULE_HINT)
        # A pretalx event's page: its talks from the API, page by page.
        event = pretalx.Event(found.root, found.slug)
        entries = pretalx.read_talks(event, _json_fetcher(client), progress.pages(f"reading {event.page}"))
    return [Incoming(entry, str(entry.get("link", event.page))) for entry in entries]


def _calendar(path: Path, event: str | None) -> tuple[list[Incoming], tuple[str, ...]]:
    from talkcat import store
    from talkcat.sources import calendar

    events = calendar.read(store.read_bytes(path), str(path), event)
    kinds = {"talkcat" if e.ref.endswith(calendar.TALKCAT_UID)
             else "pretalx" if e.ref.startswith("pretalx-") else "other"
             for e in events}  # fmt: skip
    covers = sorted({name for kind in kinds for name in CALENDAR_COVERS[kind]})
    if event is not None:
        covers.append("event")
    return [Incoming(e.entry, f"{path}: {e.ref}") for e in events], tuple(covers)


def _pyvideo(folder: Path) -> list[Incoming]:
    from talkcat.sources import pyvideo

    return [Incoming(entry, ref) for entry, ref in pyvideo.read_archive(folder)]


def _by_speaker(talks: list[Incoming], name: str, source: str) -> list[Incoming]:
    from talkcat.textfold import fold

    wanted = " ".join(fold(name).split())
    kept = [t for t in talks if any(" ".join(fold(s).split()) == wanted for s in t.entry.get("speakers", []))]
    if kept:
        return kept
    import difflib

    everyone = list(dict.fromkeys(s for t in talks for s in t.entry.get("speakers", [])))
    close = difflib.get_close_matches(name, everyone, n=3, cutoff=0.6)
    hint = ("did you mean " + " or ".join(repr(c) for c in close) + "?") if close else None
    raise TalkcatError(f"no talk by {name!r} in it ({plural(len(talks), 'talk')}); nothing was imported",
                       path=source, hint=hint)  # fmt: skip


def merge(
    data: Path,
    rules: Rules,
    talks: list[Incoming],
    covers: Sequence[str],
    said: Said,
    *,
    update: bool,
    dry_run: bool,
    progress: _Progress | None = None,
) -> None:
    """Add the talks the catalogue lacks; with `update`, take the changed fields of the others; say what happened.

    Into a catalogue that is there (with talks or without) this is `import
    --update`'s merge; a catalogue that is not there yet is written whole.
    """
    from talkcat import store
    from talkcat.commands import import_
    from talkcat.yamlwrite import dump_catalogue

    progress = progress if progress is not None and len(talks) >= PROGRESS_FROM else _Progress(None)
    # Newest first, and by title within a day: the same catalogue whatever order the source lists them in.
    talks = sorted(talks, key=lambda t: (-t.entry["date"].toordinal(), t.entry["title"]))
    entries = _with_ids([talk.entry for talk in talks])
    progress.step("checking the talks", len(talks))
    _refuse_invalid(entries, talks, data, rules)
    progress.stop()
    if data.exists():
        import_.merge(data, rules, [talk.where for talk in talks], entries, covers, dry_run, said, update=update)
        return
    text = dump_catalogue(entries)
    if dry_run:
        said.out(text, end="")
        said.note(f"would import {plural(len(talks), 'talk')} into {data}; nothing was written")
        return
    store.write_text(data, text, make_folder=True)  # its talks were checked above
    said.note(f"imported {plural(len(talks), 'talk')} into {data}")


def _with_ids(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries, an id of its own for each whose date and title an earlier one has (two lightning rounds a day)."""
    from talkcat.model import Talk

    seen: dict[str, int] = {}
    out = []
    for entry in entries:
        slug = Talk.from_mapping(entry).slug
        seen[slug] = seen.get(slug, 0) + 1
        out.append(entry if seen[slug] == 1 else {"id": f"{slug}-{seen[slug]}", **entry})
    return out


def _refuse_invalid(entries: list[dict[str, Any]], talks: list[Incoming], data: Path, rules: Rules) -> None:
    """Every problem of the talks read, named at the talk it is in; before anything is written."""
    import bisect

    from talkcat import store
    from talkcat.yamlwrite import dump_catalogue

    catalogue = store.parse_catalogue(dump_catalogue(entries), data, rules)
    if not catalogue.problems:
        return
    lines = catalogue.checked.entry_lines
    problems = []
    for problem in catalogue.problems:
        at = bisect.bisect_right(lines, problem.line or 0) - 1
        where = talks[at].where if 0 <= at < len(talks) else str(data)
        title = entries[at].get("title") if 0 <= at < len(entries) else None
        about = f" ({title!r})" if title else ""
        problems.append(Problem(where, None, None, f"{problem.message}{about}"))
    raise TalkcatError(problems, hint=f"nothing was written to {data}")


# export --format pyvideo


def export_pyvideo(talks: Sequence[Talk], folder: Path, force: bool, said: Said, speaker: str | None = None) -> None:
    """Write pyvideo's files for the talks into `folder`, never outside it, never over a hand edit unless forced.

    `speaker`: the setting, each talk's first speaker.
    """
    from talkcat import pages, store
    from talkcat.sources import pyvideo

    store.output_folder(folder)
    files, left_out = pyvideo.render(talks, speaker)
    rendered = [pages.Page(file.name, file.text) for file in files]
    manifest_path = folder / pages.MANIFEST
    manifest = store.read_if_exists(manifest_path)
    written = (
        {} if manifest is None else pages.parse_manifest(store.decode(manifest, manifest_path), str(manifest_path))
    )
    for name in (*(page.name for page in rendered), pages.MANIFEST):
        if not _inside(folder, name):
            raise TalkcatError("leads outside the folder (a symlink?); nothing was written", path=str(folder / name))
    on_disk = {page.name: store.read_if_exists(folder / page.name) for page in rendered}
    edited = [] if force else pages.conflicts(rendered, on_disk, written)
    if edited:
        raise TalkcatError(
            [Problem(str(folder / name), None, None, "not written by talkcat, or edited since; nothing was written")
             for name in edited],
            hint="pass --force to overwrite them",
        )  # fmt: skip
    changed = sum(store.write_output(folder / page.name, page.text) for page in rendered)
    store.write_output(manifest_path, pages.manifest_text(written, rendered))
    videos = len(rendered) - sum(page.name.endswith("/" + pyvideo.CATEGORY) for page in rendered)
    said.note(
        f"pyvideo files in {folder}: {plural(videos, 'video')}, {changed} files written, "
        f"{len(rendered) - changed} unchanged"
    )
    if left_out:
        said.note(f"left out {plural(len(left_out), 'talk')} without a video URL (pyvideo lists videos)")


def _inside(folder: Path, name: str) -> bool:
    """Whether `folder/name` stays inside `folder`, symlinks followed."""
    root = os.path.realpath(folder)
    target = os.path.realpath(folder / name)
    return os.path.commonpath([root, target]) == root and target != root


# Progress, on a terminal


class _Progress:
    """Steps shown with rich on stderr when it is a terminal (a bar where the count is known); nothing otherwise."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.task: Any = None

    def step(self, description: str, total: int | None = None) -> None:
        """Start a step, the one before it done: `total` talks, or a spinner while the count is unknown."""
        if self.progress is None:
            return
        self._finish()
        self.task = self.progress.add_task(description, total=total, shown="")

    def pages(self, description: str) -> Callable[[int, int], None]:
        """A callback for each page read: talks so far, talks in all."""

        def advance(done: int, total: int) -> None:
            if self.progress is None:
                return
            if self.task is None:
                self.step(description, total)
            self.progress.update(self.task, completed=done, total=total, shown=f"{done}/{total}")

        return advance

    def stop(self) -> None:
        """Finish the last step and stop drawing, so that messages print below the steps."""
        if self.progress is not None:
            self._finish()
            self.progress.stop()

    def _finish(self) -> None:
        if self.task is None:
            return
        total = self.progress.tasks[-1].total
        if total is None:
            self.progress.update(self.task, total=1, completed=1)
        else:
            self.progress.update(self.task, completed=total, shown=f"{total}/{total}")
        self.task = None


@contextlib.contextmanager
def _progress() -> Iterator[_Progress]:
    if not on_terminal(sys.stderr):
        yield _Progress(None)
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(finished_text="done"), TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.fields[shown]}"), TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=Console(stderr=True)) as progress:
        shown = _Progress(progress)
        try:
            yield shown
        finally:
            shown.stop()
