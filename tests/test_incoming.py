"""Talks read from elsewhere matched with the catalogue's (`talkcat.incoming`): how far each kind of source looks."""

from __future__ import annotations

import datetime as dt

from talkcat.incoming import match, plan
from talkcat.model import Link, Talk

DAY = dt.date(2024, 5, 1)


def talk(title: str, event: str = "PyCon DE 2024", link: str | None = None, day: dt.date = DAY) -> Talk:
    return Talk(title=title, date=day, event=event, link=Link(link) if link else None)


def test_an_import_never_takes_another_talk_of_that_day_and_event_for_this_one() -> None:
    # Two of title, date and event agree: from a schedule that is another talk of the same conference.
    mine = [talk("My first talk")]
    assert match(mine, [talk("My second talk")]) == {}
    outcome = plan(mine, [talk("My second talk").to_mapping()], update=True)
    assert [o.action for o in outcome] == ["add"]


def test_from_a_readme_a_title_fixed_by_hand_still_names_its_talk() -> None:
    assert match([talk("Reproducible MLL")], [talk("Reproducible ML")], "readme") == {0: 0}


def test_a_talk_page_names_one_talk_but_an_event_page_names_none() -> None:
    page = "https://pretalx.com/pyconde/talk/ABC/"
    assert match([talk("Old title", link=page)], [talk("New title", link=page)]) == {0: 0}
    event = "https://2024.pycon.de/"
    existing = [talk("One", link=event), talk("Two", link=event)]
    assert match(existing, [talk("Three", link=event)]) == {}
    assert match([talk("One", link=event)], [talk("Three", link=event), talk("Four", link=event)]) == {}


def test_a_merge_follows_ids_and_a_talk_renamed_and_nothing_else() -> None:
    page = "https://pretalx.com/pyconde/talk/ABC/"
    assert match([talk("Old title", link=page)], [talk("New title", link=page)], "id") == {0: 0}
    assert match([talk("Old title")], [talk("New title", link=page)], "id") == {}  # renamed and given a link
    assert match([talk("Same")], [talk("Same", day=dt.date(2024, 5, 2))], "id") == {0: 0}
    assert match([talk("One"), talk("Two")], [talk("Three")], "id") == {}  # which one?
