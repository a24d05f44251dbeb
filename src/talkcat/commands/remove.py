"""`talkcat remove ID`: take a talk out of the catalogue, cutting only its lines."""

from __future__ import annotations

from typing import Annotated

import typer

from talkcat.commands.common import InputOption, SyncOption
from talkcat.commands.completion import IdArgument
from talkcat.commands.options import DataOption, ReadmeOption
from talkcat.errors import Declined, UsageError
from talkcat.said import Said


def remove_talk(
    talk_id: IdArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Remove without asking.")] = False,
    data: DataOption = None,
    ask: InputOption = None,
    sync: SyncOption = False,
    readme: ReadmeOption = None,
) -> Said:
    """Remove a talk (asks first on a terminal, unless --yes)."""
    from talkcat import edit, store
    from talkcat.cli import confirm
    from talkcat.commands import common

    said = Said()
    with said.kept():
        data, rules = common.target(data)
        if sync:
            common.check_sync_target(readme)
        if not yes:
            if not common.interactive(ask):
                raise UsageError("nothing can ask for confirmation without a terminal: add --yes")
            catalogue = common.load_valid(data, rules)
            talk = catalogue.talks[common.find_talk(catalogue, talk_id)]
            common.took(talk_id, talk, said)
            if not confirm(said, f"Remove {common.describe(talk)} from {data}?", default=False):
                raise Declined("nothing was removed")
            talk_id = talk.slug  # the talk asked about, whatever else its prefix fits by now
        with store.locked(data):
            catalogue = common.load_valid(data, rules)
            index = common.find_talk(catalogue, talk_id)
            talks = catalogue.talks
            if yes:
                common.took(talk_id, talks[index], said)
            text = edit.remove_entry(catalogue.text, catalogue.checked.extents(), index, str(data))
            common.save(catalogue, text, [*talks[:index], *talks[index + 1 :]])
        said.note(f"removed {common.describe(talks[index])} from {data}")
        if sync:
            said.extend(common.sync(data, readme))
    return said
