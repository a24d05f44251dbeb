"""`talkcat validate`: report every problem in the catalogue."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from talkcat.commands.options import DataOption, NoCacheOption
from talkcat.errors import LinksUnchecked, TalkcatError, plural
from talkcat.said import Said

if TYPE_CHECKING:
    from collections.abc import Sequence

    from talkcat.errors import Problem
    from talkcat.store import Catalogue


class ValidateFormat(str, enum.Enum):
    text = "text"
    json = "json"


def validate(
    data: DataOption = None,
    output_format: Annotated[
        ValidateFormat,
        typer.Option(
            "--format",
            help="text: one `path:line:col: message` per line (`path:line:col: warning: message` for a warning, "
            "which does not fail); json: for machines.",
        ),
    ] = ValidateFormat.text,
    no_cache: NoCacheOption = False,
    check_links: Annotated[
        bool,
        typer.Option(
            "--check-links",
            help="Also ask every web URL of link, video and slides whether it still answers (needs the `links` extra).",
        ),
    ] = False,
    link_timeout: Annotated[
        float, typer.Option("--link-timeout", help="Seconds to wait for each answer.", metavar="SECONDS", min=0.001)
    ] = 10.0,
    link_retries: Annotated[
        int, typer.Option("--link-retries", help="How many more tries after a 429 or 5xx answer.", metavar="N", min=0)
    ] = 2,
    link_concurrency: Annotated[
        int, typer.Option("--link-concurrency", help="Links asked at once.", metavar="N", min=1)
    ] = 8,
) -> Said:
    """Check the catalogue and report every problem, one per line."""
    from talkcat.commands.common import target
    from talkcat.store import check_tracked, load_catalogue

    said = Said()
    data, rules = target(data)
    try:
        catalogue = load_catalogue(data, rules, cache=not no_cache)
    except TalkcatError as exc:
        if output_format is not ValidateFormat.json:
            raise
        # A file that cannot be read or decoded is still a report for machines.
        said.out(_json(str(data), None, exc.problems))
        raise exc.reported().after(said) from None
    check_tracked(catalogue)
    problems = catalogue.problems
    skipped: list[str] = []
    if check_links:
        problems, skipped = _with_dead_links(catalogue, link_timeout, link_retries, link_concurrency, said)
    warnings = catalogue.warnings
    if output_format is ValidateFormat.json:
        said.out(_json(str(data), len(catalogue.checked.talks), problems, warnings, skipped if check_links else None))
    else:
        for problem in _in_file_order([*problems, *warnings]):
            said.out(str(problem))
        count = len(catalogue.checked.talks)
        if problems:
            also = f" (and {plural(len(warnings), 'warning')})" if warnings else ""
            said.note(f"{plural(len(problems), 'problem')} in {data}{also}")
        else:
            also = f" ({plural(len(warnings), 'warning')})" if warnings else ""
            said.note(f"{data}: {plural(count, 'talk')}, all valid{also}")
    if problems:
        raise TalkcatError([]).after(said)  # reported above
    if skipped:
        raise LinksUnchecked(
            f"could not check {plural(len(skipped), 'link')}: no host name resolves (is this machine offline?)",
            path=str(data),
            hint="run `talkcat validate --check-links` again with a network",
        ).after(said)
    return said


def _json(
    path: str,
    talks: int | None,
    problems: list[Problem],
    warnings: Sequence[Problem] = (),
    unchecked: list[str] | None = None,
) -> str:
    """The report as one JSON object; `talks` is None (null) when the file could not be read.

    Warnings are listed with the problems, each entry saying its `severity`;
    only problems make the catalogue not `valid`. With --check-links,
    `unchecked_links` lists the URLs that could not be checked.
    """
    import json

    listed = [p.to_json() for p in _in_file_order([*problems, *warnings])]
    report: dict[str, object] = {"path": path, "valid": not problems, "talks": talks, "problems": listed}
    if unchecked is not None:
        report["unchecked_links"] = unchecked
    return json.dumps(report, ensure_ascii=False, indent=2)


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.col or 0))


def _with_dead_links(
    catalogue: Catalogue, timeout: float, retries: int, concurrency: int, said: Said
) -> tuple[list[Problem], list[str]]:
    """The catalogue's problems and its dead links, in file order; and the URLs that could not be checked."""
    from talkcat import links
    from talkcat.store import BOM

    text = catalogue.text[1:] if catalogue.text.startswith(BOM) else catalogue.text
    found = links.find_links(text, str(catalogue.path))
    settings = links.Settings(timeout=timeout, retries=retries, concurrency=concurrency)
    outcomes = links.check_urls([link.url for link in found], settings)
    dead = links.dead_links(found, outcomes, str(catalogue.path))
    skipped = links.unchecked(outcomes)
    dead_urls = sum(not outcome.alive for outcome in outcomes.values()) - len(skipped)
    unresolved = f"; {len(skipped)} could not be checked" if skipped else ""
    said.note(f"checked {plural(len(outcomes) - len(skipped), 'link')}: {dead_urls} dead{unresolved}")
    return _in_file_order([*catalogue.problems, *dead]), skipped
