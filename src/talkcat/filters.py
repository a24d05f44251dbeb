"""Which talks to show and in what order: pure functions over Talk lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from talkcat import model
from talkcat.model import Talk
from talkcat.textfold import fold

SORT_KEYS = ("date", "title", "event")


@dataclass(frozen=True)
class Filters:
    """Every list filter; all of them must hold. None (or empty) means "any"."""

    today: dt.date
    years: frozenset[int] = frozenset()
    since: dt.date | None = None
    until: dt.date | None = None
    event: str | None = None  # a substring, without case or accents
    location: str | None = None
    online: bool | None = None  # True: online only; False: in person only
    kinds: frozenset[str] = frozenset()
    tags: tuple[str, ...] = field(default=())  # each must be one of the talk's tags
    video: bool | None = None
    slides: bool | None = None
    upcoming: bool | None = None  # True: today or later; False: before today

    def keep(self, talk: Talk) -> bool:
        return all(check(self, talk) for check in self._checks())

    def _checks(self) -> list[Callable[[Filters, Talk], bool]]:
        """The checks of the filters that are set: an unset one keeps every talk, so
        `list` without filters asks nothing of 20,000 talks."""
        return [check for name, check in _CHECKS if getattr(self, name) not in _UNSET]


def apply(talks: Sequence[Talk], filters: Filters) -> Sequence[Talk]:
    """The talks every filter keeps, in their order."""
    if not filters._checks():
        return talks  # not a copy: an unfiltered list reads no talk
    return [talks[i] for i in kept(talks, filters)]


def kept(talks: Sequence[Talk], filters: Filters) -> Sequence[int]:
    """The positions of the talks every filter keeps, in their order."""
    checks = filters._checks()
    if not checks:
        return range(len(talks))
    return [i for i, talk in enumerate(talks) if all(check(filters, talk) for check in checks)]


def sort_talks(talks: Sequence[Talk], key: str = "date", reverse: bool = False) -> list[Talk]:
    """Newest first by default; by title or event A to Z (newest first within one)."""
    return model.sort_talks(talks, key, reverse)


def order(
    talks: Sequence[Talk],
    among: Sequence[int],
    key: str = "date",
    reverse: bool = False,
    dates: Sequence[int] | None = None,
) -> list[int]:
    """The positions `among` (of `talks`) in the order `model.sort_talks` puts their talks in.

    That one sort orders stand-ins for the talks: `dates` (every talk's
    `date.toordinal()`, where the caller has them) give a stand-in its date
    without its talk being read, so that a date order reads no talk.
    """
    stand_ins: list[Any] = [_StandIn(talks, at, None if dates is None else dates[at]) for at in among]
    ordered: list[Any] = model.sort_talks(stand_ins, key, reverse)
    return [stand_in.at for stand_in in ordered]


class _StandIn:
    """A talk's place in a sort: its date (from an ordinal, when given), anything else from the talk."""

    __slots__ = ("talks", "at", "ordinal")

    def __init__(self, talks: Sequence[Talk], at: int, ordinal: int | None) -> None:
        self.talks, self.at, self.ordinal = talks, at, ordinal

    @property
    def date(self) -> dt.date:
        return self.talks[self.at].date if self.ordinal is None else dt.date.fromordinal(self.ordinal)

    def __getattr__(self, name: str) -> object:
        return getattr(self.talks[self.at], name)


def last_day(talk: Talk) -> dt.date:
    return talk.end_date or talk.date


def _years(f: Filters, talk: Talk) -> bool:
    return not f.years or talk.date.year in f.years


def _since(f: Filters, talk: Talk) -> bool:
    return f.since is None or talk.date >= f.since


def _until(f: Filters, talk: Talk) -> bool:
    return f.until is None or talk.date <= f.until


def _event(f: Filters, talk: Talk) -> bool:
    return f.event is None or fold(f.event) in fold(talk.event)


def _location(f: Filters, talk: Talk) -> bool:
    return f.location is None or fold(f.location) in fold(talk.location or "")


def _online(f: Filters, talk: Talk) -> bool:
    if f.online is None:
        return True
    if f.online:
        return talk.online
    # In person: a place was given, and it is not `Online`.
    return talk.location is not None and not talk.online


def _kinds(f: Filters, talk: Talk) -> bool:
    return not f.kinds or talk.kind in f.kinds


def _tags(f: Filters, talk: Talk) -> bool:
    if not f.tags:
        return True
    have = {fold(tag) for tag in talk.tags}
    return all(fold(tag) in have for tag in f.tags)


def _video(f: Filters, talk: Talk) -> bool:
    return f.video is None or (talk.video is not None) == f.video


def _slides(f: Filters, talk: Talk) -> bool:
    return f.slides is None or (talk.slides is not None) == f.slides


def _upcoming(f: Filters, talk: Talk) -> bool:
    # A talk over several days is upcoming until its last day has passed.
    return f.upcoming is None or (last_day(talk) >= f.today) == f.upcoming


# Each check with the field of Filters that turns it on.
_CHECKS: tuple[tuple[str, Callable[[Filters, Talk], bool]], ...] = (
    ("years", _years),
    ("since", _since),
    ("until", _until),
    ("event", _event),
    ("location", _location),
    ("online", _online),
    ("kinds", _kinds),
    ("tags", _tags),
    ("video", _video),
    ("slides", _slides),
    ("upcoming", _upcoming),
)
_UNSET: tuple[object, ...] = (None, frozenset(), ())  # what an unset filter holds
