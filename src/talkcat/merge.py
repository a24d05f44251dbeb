"""Three versions of a catalogue merged talk by talk: pure, texts in, text out.

A talk is followed from the base to each side by its id, else as the one talk
that differs from it only in its title, its date or its event (`incoming.match`):
a talk retitled on one side is still itself, but two talks that only look
alike (one removed, another added on that day of that event) are never taken
for one. Then, for each talk:

- added on one side, or on both (by id): kept; added on both with different
  values, merged field by field as if the base had none of them;
- changed on one side only: that side's fields; changed on both: field by
  field, a field changed both ways being a conflict;
- removed on one side and left alone on the other: removed; removed on one
  side and changed on the other: a conflict.

The result is "ours" with theirs' changes spliced in by `edit` (set_fields,
insert_entry, remove_entry, as `talkcat edit`, `add` and `remove` make them),
so every other byte of ours stays: comments, quoting, key order, blank lines,
line endings. A talk theirs added goes in with its own lines from theirs
(its comments and quoting), in date order. Each conflict is then marked on
that clean text with git's `<<<<<<<`/`=======`/`>>>>>>>` lines around just
the lines the two sides differ in: ours' lines, then theirs'.

The caller parses (`Parse`: text -> `Checked`, validation included) and so
decides the rules; `merge` checks that the text it made holds the talks it
meant, and raises `Unsafe` otherwise, for the caller to fall back to a text
merge rather than write something else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from talkcat.errors import TalkcatError
from talkcat.lines import split as split_lines
from talkcat.model import FIELD_NAMES, Talk
from talkcat.validate import Checked

Parse = Callable[[str], Checked]


class Unsafe(TalkcatError):
    """The merge could not be made safely as splices: fall back to a text merge."""


@dataclass(frozen=True)
class Version:
    """One version of the catalogue: its text and what validation made of it (all talks valid)."""

    text: str
    checked: Checked

    @property
    def talks(self) -> list[Talk]:
        return [talk for talk in self.checked.talks if talk is not None]


@dataclass(frozen=True)
class Conflict:
    """A talk both sides changed, in `field` two ways; or (field None) removed on one side, changed on the other."""

    slug: str
    title: str
    field: str | None
    ours: Any  # the value (None: not set); for the whole talk, the Talk or None (removed)
    theirs: Any


@dataclass
class Result:
    """The merged catalogue."""

    text: str  # to write: with a marked hunk at each conflict
    clean: str  # the same without the hunks, ours' side taken at each: a valid catalogue
    talks: list[Talk]  # what `clean` holds
    conflicts: list[Conflict] = field(default_factory=list)
    added: list[Talk] = field(default_factory=list)  # the talks theirs added
    changed: list[Talk] = field(default_factory=list)  # the talks theirs changed (as merged)
    removed: list[Talk] = field(default_factory=list)  # the talks theirs removed


def merge(
    base: Version | None,
    ours: Version,
    theirs: Version,
    parse: Parse,
    *,
    path: str = "",
    marker_size: int = 7,
) -> Result:
    """Merge `theirs` into `ours` (`base`: their common ancestor; None when there is none)."""
    plan = _plan(base.talks if base is not None else [], ours.talks, theirs.talks)
    try:
        return _carry_out(plan, ours, theirs, parse, path, marker_size, own_lines=True)
    except (Unsafe, TalkcatError):
        # Theirs' own lines for its talks did not splice in as the talks they
        # are; talkcat's own rendering of them always does.
        return _carry_out(plan, ours, theirs, parse, path, marker_size, own_lines=False)


# -- what to do, talk by talk --------------------------------------------------


@dataclass
class _Plan:
    ours: list[Talk]
    theirs: list[Talk]
    updates: dict[int, dict[str, Any]] = field(default_factory=dict)  # ours index -> field -> value (None: unset)
    removals: list[int] = field(default_factory=list)  # ours indices
    additions: list[int] = field(default_factory=list)  # theirs indices
    field_conflicts: dict[int, dict[str, Any]] = field(default_factory=dict)  # ours index -> field -> theirs' value
    kept: list[int] = field(default_factory=list)  # ours indices: changed in ours, removed in theirs
    restored: list[int] = field(default_factory=list)  # theirs indices: removed in ours, changed in theirs


def _plan(base: Sequence[Talk], ours: Sequence[Talk], theirs: Sequence[Talk]) -> _Plan:
    from talkcat.incoming import match

    plan = _Plan(list(ours), list(theirs))
    in_ours = {b: o for o, b in match(base, ours, "id").items()}
    in_theirs = {b: t for t, b in match(base, theirs, "id").items()}
    for b, talk in enumerate(base):
        o, t = in_ours.get(b), in_theirs.get(b)
        if o is not None and t is not None:
            _fields(plan, o, talk.to_mapping(), ours[o], theirs[t])
        elif o is not None and ours[o] == talk:
            plan.removals.append(o)
        elif o is not None:
            plan.kept.append(o)
        elif t is not None and theirs[t] != talk:
            plan.restored.append(t)
    ours_added = {ours[o].slug: o for o in range(len(ours)) if o not in in_ours.values()}
    for t in range(len(theirs)):
        if t in in_theirs.values():
            continue
        o = ours_added.get(theirs[t].slug)
        if o is None:
            plan.additions.append(t)
        else:  # added on both sides: merged as if the base had none of its fields
            _fields(plan, o, {}, ours[o], theirs[t])
    return plan


def _fields(plan: _Plan, o: int, base: Mapping[str, Any], ours: Talk, theirs: Talk) -> None:
    mine, yours = ours.to_mapping(), theirs.to_mapping()
    for name in FIELD_NAMES:
        was, now, other = base.get(name), mine.get(name), yours.get(name)
        if now == other or other == was:
            continue
        if now == was:
            plan.updates.setdefault(o, {})[name] = other
        else:
            plan.field_conflicts.setdefault(o, {})[name] = other


# -- carrying it out on ours' text ---------------------------------------------


@dataclass(frozen=True)
class _Op:
    """One splice: at `position` (a talk's index), change or remove that talk, or insert one before it."""

    position: int
    changes: Mapping[str, Any] | None = None  # set these fields (None: unset)
    remove: bool = False
    insert: Talk | None = None
    lines: str | None = None  # the inserted talk's own entry text, when it has one

    def sort_key(self) -> tuple[int, int, int]:
        # Last position first: a splice moves only what comes after it. At one
        # position, the talk there first, then what goes before it, oldest
        # first (each insert goes before the one made just before).
        date = self.insert.date if self.insert is not None else dt.date.min
        return (self.position, 0 if self.insert is not None else 1, -date.toordinal())


def _carry_out(
    plan: _Plan, ours: Version, theirs: Version, parse: Parse, path: str, marker_size: int, *, own_lines: bool
) -> Result:
    def entry(t: int) -> str | None:
        return entry_lines(theirs, t) if own_lines else None

    dates = [talk.date for talk in plan.ours]
    ops = [_Op(o, changes=changes) for o, changes in plan.updates.items()]
    ops += [_Op(o, remove=True) for o in plan.removals]
    ops += [
        _Op(_position_for(dates, plan.theirs[t].date), insert=plan.theirs[t], lines=entry(t)) for t in plan.additions
    ]
    clean, talks = _apply(ours.text, ours.checked, plan.ours, ops, parse, path)
    result = Result(clean, clean, talks)
    result.added = [plan.theirs[t] for t in plan.additions]
    result.removed = [plan.ours[o] for o in plan.removals]
    result.changed = [_updated(plan.ours[o], changes) for o, changes in plan.updates.items()]
    if not (plan.field_conflicts or plan.kept or plan.restored):
        return result
    # The conflicts, on the clean text: where each talk is now.
    checked = parse(clean)
    now = {id(talk): index for index, talk in enumerate(_identities(plan, talks, ops))}
    marks: list[_Op] = []
    for o, fields in plan.field_conflicts.items():
        talk, at = plan.ours[o], now[id(plan.ours[o])]
        mine = talks[at].to_mapping()
        result.conflicts += [
            Conflict(talk.slug, talk.title, name, mine.get(name), value) for name, value in fields.items()
        ]
        marks.append(_Op(at, changes=fields))
    for o in plan.kept:
        talk = plan.ours[o]
        result.conflicts.append(Conflict(talk.slug, talk.title, None, talk, None))
        marks.append(_Op(now[id(talk)], remove=True))
    for t in plan.restored:
        talk = plan.theirs[t]
        result.conflicts.append(Conflict(talk.slug, talk.title, None, None, talk))
        marks.append(_Op(_position_for([t.date for t in talks], talk.date), insert=talk, lines=entry(t)))
    result.text = _marked(clean, checked, talks, marks, parse, path, marker_size)
    return result


def _identities(plan: _Plan, talks: list[Talk], ops: Sequence[_Op]) -> list[Talk]:
    """The clean talks as the objects of ours (and theirs) they came from, to find each talk's new index."""
    order = list(plan.ours)
    for op in sorted(ops, key=_Op.sort_key, reverse=True):
        if op.remove:
            del order[op.position]
        elif op.insert is not None:
            order.insert(op.position, op.insert)
    assert len(order) == len(talks)
    return order


def _apply(
    text: str, checked: Checked, talks: Sequence[Talk], ops: Sequence[_Op], parse: Parse, path: str
) -> tuple[str, list[Talk]]:
    """`text` with every op spliced in, checked to hold the talks they make."""
    from talkcat import edit
    from talkcat.yamlwrite import dump_entry

    expected = list(talks)
    for number, op in enumerate(sorted(ops, key=_Op.sort_key, reverse=True)):
        if number:
            checked = parse(text)
            if checked.problems:
                raise Unsafe("a splice made the catalogue invalid", path=path)
        where = positions(checked)
        if op.remove:
            text = edit.remove_entry(text, where, op.position, path)
            del expected[op.position]
        elif op.insert is not None:
            lines = op.lines if op.lines is not None else dump_entry(op.insert.to_mapping())
            text = edit.insert_entry(text, where, op.position, lines, path)
            expected.insert(op.position, op.insert)
        else:
            assert op.changes is not None
            new = _updated(expected[op.position], op.changes)
            changes = {name: edit.UNSET if value is None else value for name, value in op.changes.items()}
            try:
                text = edit.set_fields(text, where, op.position, changes, path)
            except edit.LayoutError:  # a talk written as a flow mapping, say: rewritten as a whole
                text = edit.rewrite_entry(text, where, op.position, dump_entry(new.to_mapping()), path)
            expected[op.position] = new
    result = parse(text)
    if result.problems or list(result.talks) != expected:
        raise Unsafe("the merged catalogue did not hold the talks it should", path=path)
    return text, expected


def positions(checked: Checked) -> Sequence[tuple[int, int, int]]:
    """Where `edit` finds each entry of a parsed catalogue: its extent, from the parser."""
    return checked.extents()


def _updated(talk: Talk, changes: Mapping[str, Any]) -> Talk:
    mapping = talk.to_mapping()
    for name, value in changes.items():
        if value is None:
            mapping.pop(name, None)
        else:
            mapping[name] = value
    return Talk.from_mapping(mapping)


def _position_for(dates: Sequence[dt.date], date: dt.date) -> int:
    from talkcat.edit import position_for

    return position_for(dates, date)


def entry_lines(version: Version, index: int) -> str | None:
    """The talk's own lines in `version`, LF-ended and at column 0, for `edit.insert_entry`.

    They are what `remove_entry` would cut (less the blank lines after), so
    its comments and quoting come along; None where they cannot be told.
    """
    from talkcat import edit

    try:
        cut = edit.remove_entry(version.text, positions(version.checked), index)
    except TalkcatError:
        return None
    old, new = split_lines(version.text), split_lines(cut)
    first, stop, _, _ = region(old, new)
    lines = [line.rstrip("\r\n") for line in old[first:stop]]
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines or not lines[0].lstrip(" ").startswith("-"):
        return None
    column = len(lines[0]) - len(lines[0].lstrip(" "))
    if any(line.strip() and len(line) - len(line.lstrip(" ")) < column for line in lines):
        return None
    return "".join(line[column:] + "\n" for line in lines)


# -- conflicts marked ------------------------------------------------------------


def region(old: Sequence[str], new: Sequence[str]) -> tuple[int, int, int, int]:
    """The lines two texts differ in: old[a:b] became new[c:d] (common first and last lines left out)."""
    first = 0
    while first < len(old) and first < len(new) and old[first] == new[first]:
        first += 1
    last = 0
    while last < len(old) - first and last < len(new) - first and old[-1 - last] == new[-1 - last]:
        last += 1
    return first, len(old) - last, first, len(new) - last


def _marked(
    clean: str,
    checked: Checked,
    talks: list[Talk],
    ops: Sequence[_Op],
    parse: Parse,
    path: str,
    marker_size: int,
) -> str:
    """`clean` with a hunk at each op's lines: clean's, then the lines the op would make (theirs)."""
    from talkcat.lines import newline

    old = split_lines(clean)
    hunks: list[tuple[int, int, list[str]]] = []
    groups: list[list[_Op]] = [[op] for op in ops]
    while True:
        hunks = []
        for group in groups:
            variant, _ = _apply(clean, checked, talks, group, parse, path)
            a, b, c, d = region(old, split_lines(variant))
            hunks.append((a, b, split_lines(variant)[c:d]))
        merged = _overlapping(hunks, groups)
        if merged is None:
            break
        groups = merged
    nl = newline(clean)
    out = list(old)
    for a, b, theirs in sorted(hunks, key=lambda h: (h[0], h[1]), reverse=True):
        mine = _ended(old[a:b], nl)
        out[a:b] = [
            f"{'<' * marker_size} ours{nl}",
            *mine,
            f"{'=' * marker_size}{nl}",
            *_ended(theirs, nl),
            f"{'>' * marker_size} theirs{nl}",
        ]
    return "".join(out)


def _overlapping(hunks: list[tuple[int, int, list[str]]], groups: list[list[_Op]]) -> list[list[_Op]] | None:
    """The groups with the first two whose lines overlap made one; None when none overlap."""
    order = sorted(range(len(hunks)), key=lambda n: (hunks[n][0], hunks[n][1]))
    for one, other in zip(order, order[1:]):
        # Overlapping lines, or two talks going in at one place: one hunk. A talk going in
        # just before lines another hunk changes is a hunk of its own, spliced in first.
        (a, b), (c, d) = hunks[one][:2], hunks[other][:2]
        if c < b or (a == b == c == d):
            joined = [group for n, group in enumerate(groups) if n not in (one, other)]
            return [*joined, groups[one] + groups[other]]
    return None


def _ended(lines: Sequence[str], nl: str) -> list[str]:
    """Lines each ending in a line break (a file's last line may have had none)."""
    return [line if line.endswith(("\n", "\r")) else line + nl for line in lines]
