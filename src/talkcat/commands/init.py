"""`talkcat init`: a catalogue, a README block and the pre-commit hooks for a new user."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from talkcat.commands.common import InputOption
from talkcat.commands.options import DataOption, ReadmeOption

PRE_COMMIT_NAME = ".pre-commit-config.yaml"
SCHEMA_NAME = "talks.schema.json"


def init(
    data: DataOption = None,
    readme: ReadmeOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would change; write nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Go ahead without asking.")] = False,
    ask: InputOption = None,
) -> None:
    """Set up a repository: data/talks.yaml, a Talks section in the README, the pre-commit hooks."""
    from talkcat import config, scaffold, store
    from talkcat.commands import common, options

    chosen = options.settings()
    # pre-commit reads the config at the top of the work tree, and only that one.
    root = store.find_repo_root(Path.cwd())
    data = options.data_path(data, chosen)
    changes: list[tuple[Path, str, str]] = []
    if not data.exists():
        from talkcat import schema
        from talkcat.validate import Rules

        # Editors check entries as they are typed against the schema beside the
        # catalogue: the one `talkcat schema` prints, for the configured markers.
        schema_path = data.parent / SCHEMA_NAME
        if not schema_path.exists():
            text = schema.schema_text(Rules(markers=chosen.markers))
            changes.append((schema_path, text, "create: the catalogue's JSON Schema, for editors"))
        header = schema.modeline(data, schema_path)
        changes.append((data, scaffold.catalogue_text(header), "create, with no talks yet"))
    for path in options.readme_paths(readme, chosen):
        readme_text = _read_if_there(path)
        # The project's name, wherever in the repository init was run from.
        title = root.name
        new_readme = scaffold.readme_with_section(readme_text, str(path), title, chosen.markers)
        if new_readme is not None:
            what = "create, with a Talks section" if readme_text is None else "add a Talks section at the end"
            changes.append((path, new_readme, what))
    hooks_path = config.near(root / PRE_COMMIT_NAME, Path.cwd())
    config_text = _read_if_there(hooks_path)
    new_config = scaffold.precommit_with_hooks(config_text, str(hooks_path))
    if new_config is not None:
        what = "create, with talkcat's hooks" if config_text is None else "add talkcat's hooks to `repos:`"
        changes.append((hooks_path, new_config, what))

    if not changes:
        typer.echo("nothing to do: the catalogue, the README and the hooks are set up", err=True)
        return
    typer.echo("talkcat init " + ("would change:" if dry_run else "changes:"), err=True)
    for path, _, what in changes:
        typer.echo(f"  {path}: {what}", err=True)
    if dry_run:
        return
    if not yes and common.interactive(ask) and not typer.confirm("Go ahead?", default=True):
        typer.echo("nothing was changed", err=True)
        raise typer.Exit(1)
    for path, text, _ in changes:
        store.write_text(path, text, make_folder=True)
    typer.echo(
        "done. Next: `talkcat add` (or `talkcat import OLD_README`), `talkcat sync-readme`, "
        "and `pre-commit install` to run the hooks on every commit",
        err=True,
    )


def _read_if_there(path: Path) -> str | None:
    from talkcat import store

    return store.read_text(path) if path.exists() or path.is_symlink() else None
