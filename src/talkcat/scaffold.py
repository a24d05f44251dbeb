"""What `talkcat init` adds to a repository: pure `str | None -> str | None` steps.

Each step takes a file's current text (None when there is no file) and gives
the text it should have, or None when it needs nothing: so running init twice
changes nothing the second time, and nothing the user wrote is overwritten.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from talkcat.errors import TalkcatError
from talkcat.lines import newline
from talkcat.validate import END_MARKER, START_MARKER

if TYPE_CHECKING:
    from talkcat.yamlread import Mark

HOOK_ID = "talkcat-sync-readme"
# The hook init writes: .pre-commit-hooks.yaml's (a test keeps them the same),
# as a `repo: local` hook running the talkcat installed on the machine. No
# release of talkcat is published for a `repo: <url>` entry's `rev:` to pin,
# and a local hook installs nothing, so it runs as written with no network.
# One hook, not validate and sync-readme: sync-readme validates first.
LOCAL_HOOK = (
    f"id: {HOOK_ID}",
    "name: talkcat sync-readme",
    "entry: talkcat sync-readme",
    "language: system",
    "pass_filenames: false",
    # On every commit: pre-commit hands a hook only the files a commit adds or
    # changes, never the ones it deletes, so `files:` would miss a slides
    # folder deleted or renamed (a dead link) and a folder README edited.
    "always_run: true",
)


def catalogue_text(header: str = "") -> str:
    """An empty catalogue, after `header` (comment lines, each ending in a newline)."""
    return f"{header}talks: []\n"


def readme_with_section(
    text: str | None, path: str, title: str, markers: tuple[str, str] = (START_MARKER, END_MARKER)
) -> str | None:
    """The README with a `## Talks` section holding the markers, or None if it has them."""
    from talkcat import readme

    section = f"## Talks\n\n{markers[0]}\n{markers[1]}\n"
    if text is None:
        return f"# {title}\n\n{section}"
    try:
        readme.find_block(text, path, markers)
        return None
    except readme.NoBlock:
        pass  # any other marker trouble (one missing, two, inverted) is the user's to look at
    nl = newline(text)
    body = text.rstrip("\r\n")
    glue = nl * 2 if body else ""
    return body + glue + section.replace("\n", nl)


def precommit_with_hook(text: str | None, path: str, args: Sequence[str] = ()) -> str | None:
    """The pre-commit config with talkcat's hook added, or None if it has it.

    `args`: the hook's arguments (`--data`, `docs/talks.yaml`), if it needs any.
    """
    extra = [f"args: [{', '.join(map(_flow_item, args))}]"] if args else []
    if text is None:
        return "repos:\n" + _repo_entry(2, "\n", extra)
    from talkcat import yamlread

    doc = yamlread.load(text, path)
    if doc.problems:
        raise TalkcatError(doc.problems, hint="fix the file, or add talkcat's hook by hand (see README.md)")
    data, mark = doc.data, doc.mark
    if data is None:
        data, mark = {}, (1, 1, {}, 1, 1, "")
    if not isinstance(data, dict) or not isinstance(mark[2], dict):
        raise TalkcatError("not a pre-commit configuration (a mapping with `repos:`)", path=path)
    if HOOK_ID in _hook_ids(data.get("repos")):
        return None
    nl = newline(text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += nl
    if "repos" not in data:
        new_lines = lines + [f"repos:{nl}", _repo_entry(2, nl, extra)]
    else:
        entry = functools.partial(_repo_entry, newline=nl, extra=extra)
        new_lines = _append_to_repos(lines, data["repos"], mark[2], entry, path)
    result = "".join(new_lines)
    check = yamlread.load(result, path)
    if check.problems or not isinstance(check.data, dict) or HOOK_ID not in _hook_ids(check.data.get("repos")):
        raise _by_hand(path)  # the text was not laid out as we thought: write nothing
    return result


def _append_to_repos(
    lines: list[str],
    repos: object,
    children: dict[Any, tuple[Mark, Mark]],
    entry: Callable[[int], str],
    path: str,
) -> list[str]:
    """`lines` with the repo `entry` (made at the list's indentation) at the end of `repos:`."""
    key_mark, value_mark = children["repos"]
    if repos is None:
        indent = 2
    elif isinstance(repos, list) and repos and isinstance(value_mark[2], list):
        first_line, first_col = value_mark[2][0][0], value_mark[2][0][1]
        dash = lines[first_line - 1].rfind("-", 0, first_col - 1)
        if dash < 0:
            raise _by_hand(path)  # a flow sequence: [...]
        indent = dash
    else:
        raise _by_hand(path)
    # The entry goes after the last line of the repos list: before the next
    # top-level key, and before the comments and blank lines leading up to it.
    later = sorted(km[0] for km, _ in children.values() if km[0] > key_mark[0])
    end = later[0] - 1 if later else len(lines)
    while later and end > key_mark[0] and _is_blank_or_comment(lines[end - 1]):
        end -= 1
    return lines[:end] + [entry(indent)] + lines[end:]


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _hook_ids(repos: object) -> set[str]:
    ids: set[str] = set()
    for repo in repos if isinstance(repos, list) else []:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        for hook in hooks if isinstance(hooks, list) else []:
            if isinstance(hook, dict) and isinstance(hook.get("id"), str):
                ids.add(hook["id"])
    return ids


def _flow_item(text: str) -> str:
    """`text` as an item of a YAML flow sequence, plain where that reads back as the same string."""
    from talkcat.yamlwrite import dump_scalar

    if re.fullmatch(r"--[a-z]+", text):
        return text  # an option: `-` starts a sequence entry only before a space
    scalar = dump_scalar(text)
    if scalar == text and re.search(r"[,\[\]{}]", text):
        return "'" + text.replace("'", "''") + "'"  # they end a plain item in a flow sequence
    return scalar


def _repo_entry(indent: int, newline: str, extra: Sequence[str]) -> str:
    pad = " " * indent
    first, *rest = LOCAL_HOOK
    lines = [f"{pad}- repo: local", f"{pad}  hooks:", f"{pad}    - {first}"]
    lines += [f"{pad}      {line}" for line in (*rest, *extra)]
    return newline.join(lines) + newline


def _by_hand(path: str) -> TalkcatError:
    return TalkcatError(
        "cannot add talkcat's hook to this file's `repos:` without rewriting it",
        path=path,
        hint="add it by hand (see README.md, 'Use it as a pre-commit hook')",
    )


ATTRIBUTES_COMMENT = "# talkcat: merge the catalogue talk by talk, and the README's talks from it (talkcat init)"


def gitattributes_with_driver(text: str | None, patterns: Sequence[str], driver: str) -> str | None:
    """The .gitattributes with `PATTERN merge=DRIVER` for each pattern lacking it; None if none does."""
    have = set()
    for line in (text or "").splitlines():
        words = line.split()
        if len(words) > 1 and f"merge={driver}" in words[1:]:
            have.add(words[0])
    missing = [pattern for pattern in dict.fromkeys(patterns) if pattern not in have]
    if not missing:
        return None
    nl = newline(text or "")
    lines = [ATTRIBUTES_COMMENT, *(f"{pattern} merge={driver}" for pattern in missing)]
    head = (text or "").rstrip("\r\n")
    glue = nl * 2 if head else ""
    return head + glue + nl.join(lines) + nl


def attributes_pattern(path: str) -> str:
    """A path from the top of the repository as a .gitattributes pattern matching it alone.

    A name without `/` would match in every folder: a leading `/` anchors it.
    Wildcards are escaped, and a path with spaces or quotes is quoted, as git reads them.
    """
    pattern = "".join("\\" + char if char in "*?[\\" else char for char in path)
    if "/" not in path:
        pattern = "/" + pattern
    if any(char in path for char in ' \t"'):
        pattern = '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return pattern
