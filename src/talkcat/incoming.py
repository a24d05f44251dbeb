"""Talks read from elsewhere merged into a catalogue: which are new, which changed.

Pure: talks and entries in, a plan and new text out. What the talks come from
(a README's block, talk folders, a conference schedule, a calendar) is the
caller's business; every such import shares these rules:

- an incoming talk is matched to a catalogue talk by its id, else by its date
  and title as a derived id would read them, else by its link where no other
  talk has it (a talk page names one talk); from a README, also by two of
  title, date and event when only one talk fits (a typo fixed in a title
  keeps its talk);
- an unmatched talk is added, in date order, newest first;
- a matched talk whose fields differ is updated only when asked (`update`),
  and only in the fields the source can say anything about (`covers`: a
  README's table shows no tags, so an import from it never removes them).

The catalogue's text is changed with `edit`'s splices, so every other byte of
the file stays as it was; the caller validates the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from talkcat.model import FIELD_NAMES, Talk, derive_id

if TYPE_CHECKING:
    from talkcat.edit import Extent

Action = Literal["add", "update", "same", "differs"]
# How far `match` looks for an incoming talk's counterpart:
# - "id": its id, else (a merge) the one talk that differs from it in its title,
#   its date or its event alone: a talk retitled on one side is still itself there,
#   but a talk removed and another added on that day of that event are two;
# - "import": its id, its date and title as a derived id reads them, its link
#   where no other talk has that link (a talk page; a schedule's talk renamed upstream);
# - "readme": that, and two of title, date and event where only one talk fits
#   each way: a README's block is a rendering of the catalogue, talk for talk,
#   so a typo fixed in a title by hand still names its talk.
Matching = Literal["id", "import", "readme"]


@dataclass(frozen=True)
class Outcome:
    """What merging did (or would do) with one incoming talk."""

    action: Action  # add; update (changed fields written); same; differs (changed, not written)
    talk: Talk  # the incoming talk
    index: int | None = None  # the catalogue talk it matched
    fields: tuple[str, ...] = ()  # the fields that differ, in catalogue order
    changes: Mapping[str, Any] = field(default_factory=dict)  # field -> new value, or edit.UNSET


def plan(
    existing: Sequence[Talk],
    incoming: Sequence[Mapping[str, Any]],
    covers: Collection[str] = FIELD_NAMES,
    *,
    update: bool = False,
    how: Matching = "import",
) -> list[Outcome]:
    """What to do with each incoming entry, in the order given (`how`: see `Matching`)."""
    from talkcat import edit

    talks = [Talk.from_mapping(dict(entry)) for entry in incoming]
    matches = match(existing, talks, how)
    outcomes = []
    for number, talk in enumerate(talks):
        index = matches.get(number)
        if index is None:
            outcomes.append(Outcome("add", talk))
            continue
        old = existing[index].to_mapping()
        new = talk.to_mapping()
        changes = {
            name: new.get(name, edit.UNSET)
            for name in FIELD_NAMES
            if name in covers and name != "id" and old.get(name) != new.get(name)
        }
        if not changes:
            outcomes.append(Outcome("same", talk, index))
        else:
            action: Action = "update" if update else "differs"
            outcomes.append(Outcome(action, talk, index, tuple(changes), changes))
    return outcomes


def match(existing: Sequence[Talk], incoming: Sequence[Talk], how: Matching = "import") -> dict[int, int]:
    """incoming position -> existing position, each existing talk taken at most once.

    `how` says how far to look (see `Matching`).
    """
    taken: set[int] = set()
    found: dict[int, int] = {}
    keys = {"id": (_id,), "import": (_id, _derived, _link), "readme": (_id, _derived, _link)}[how]
    for key in keys:
        index: dict[str, list[int]] = {}
        for at, talk in enumerate(existing):
            value = key(talk)
            if value is not None and at not in taken:
                index.setdefault(value, []).append(at)
        wanted: dict[str, list[int]] = {}
        for number, talk in enumerate(incoming):
            value = key(talk)
            if number not in found and value is not None:
                wanted.setdefault(value, []).append(number)
        for value, numbers in wanted.items():
            free = [at for at in index.get(value, []) if at not in taken]
            if not free or (key is _link and (len(free) > 1 or len(numbers) > 1)):
                continue  # a link several talks share is an event's page, not a talk's
            for number, at in zip(numbers, free):
                found[number] = at
                taken.add(at)
    if how == "import":
        return found
    # Last, where exactly one talk fits each way: from a README, two of title,
    # date and event alike; in a merge, only one of them changed, nothing else.
    alike = _alike if how == "readme" else _renamed
    left_in = [number for number in range(len(incoming)) if number not in found]
    left_out = [at for at in range(len(existing)) if at not in taken]
    for number in left_in:
        fits = [at for at in left_out if alike(existing[at], incoming[number])]
        if len(fits) == 1 and [n for n in left_in if alike(existing[fits[0]], incoming[n])] == [number]:
            found[number] = fits[0]
    return found


def _id(talk: Talk) -> str:
    return talk.slug


def _derived(talk: Talk) -> str:
    return derive_id(talk.date, talk.title)


def _link(talk: Talk) -> str | None:
    return talk.link.url.rstrip("/").casefold() if talk.link is not None and talk.link.is_url else None


def _renamed(one: Talk, other: Talk) -> bool:
    """The same talk with its title, date or event changed (so its derived id), and nothing else."""
    old, new = one.to_mapping(), other.to_mapping()  # an id only where it is set, not derived
    changed = {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}
    return len(changed) == 1 and changed <= {"title", "date", "event"}


def _alike(one: Talk, other: Talk) -> bool:
    same = (one.title == other.title, one.date == other.date, one.event == other.event)
    return sum(same) >= 2


def merged_talks(existing: Sequence[Talk], outcomes: Sequence[Outcome]) -> list[Talk]:
    """The catalogue's talks once `apply_text` has run: what the new text must hold."""
    talks = list(existing)
    for outcome in outcomes:
        if outcome.action == "update":
            assert outcome.index is not None
            talks[outcome.index] = updated(existing[outcome.index], outcome.changes)
    for talk in _added(outcomes):
        talks.insert(_position(talks, talk.date), talk)
    return talks


def apply_text(
    text: str,
    extents: Sequence[Extent],
    existing: Sequence[Talk],
    outcomes: Sequence[Outcome],
    reparse: Callable[[str], Sequence[Extent]],
    path: str = "",
) -> str:
    """The catalogue text with the updates and additions of `outcomes` spliced in.

    Updates go first, last entry first: an entry's change moves only the
    lines after it, so the earlier entries' lines stay right. Added talks are
    grouped by where they go, newest first within a group, and each group is
    one splice; `reparse` gives the entries' extents in the text between groups.
    """
    from talkcat import edit
    from talkcat.lines import count as line_breaks
    from talkcat.yamlwrite import dump_entry

    lines = list(extents)
    updates = sorted((o for o in outcomes if o.action == "update"), key=lambda o: o.index or 0, reverse=True)
    for outcome in updates:
        assert outcome.index is not None
        before = text
        text = edit.set_fields(text, lines, outcome.index, outcome.changes, path)
        moved = line_breaks(text) - line_breaks(before)
        after = lines[outcome.index + 1 :]
        lines[outcome.index + 1 :] = [(first + moved, end + moved, col) for first, end, col in after]
    groups: dict[int, list[Talk]] = {}
    dates = [talk.date for talk in existing]
    for talk in _added(outcomes):
        groups.setdefault(edit.position_for(dates, talk.date), []).append(talk)
    for number, (index, talks) in enumerate(sorted(groups.items(), reverse=True)):
        if number:
            lines = list(reparse(text))
        entries = "".join(dump_entry(t.to_mapping()) for t in sorted(talks, key=lambda t: t.date, reverse=True))
        text = edit.insert_entry(text, lines, index, entries, path)
    return text


def _added(outcomes: Sequence[Outcome]) -> list[Talk]:
    return [outcome.talk for outcome in outcomes if outcome.action == "add"]


def _position(talks: Sequence[Talk], date: dt.date) -> int:
    from talkcat import edit

    return edit.position_for([talk.date for talk in talks], date)


def updated(talk: Talk, changes: Mapping[str, Any]) -> Talk:
    """`talk` with `changes` made (a value of `edit.UNSET` removes the field)."""
    from talkcat import edit

    mapping = talk.to_mapping()
    for name, value in changes.items():
        if value is edit.UNSET:
            mapping.pop(name, None)
        else:
            mapping[name] = value
    return Talk.from_mapping(mapping)
