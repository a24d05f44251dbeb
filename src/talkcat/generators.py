"""Other writers of the README's block: files holding its markers, and the jobs that run them. Pure.

A repository migrating to talkcat often has its own generator (a script that
rebuilds the block from the talk folders, run by a CI workflow on every
push): left in place, it and talkcat overwrite each other's block. What
counts:

- a file holding a marker that is not talkcat's (the READMEs it keeps, the
  catalogue, its config and schema are left out by the caller): a script,
  or a markdown file with a block talkcat does not keep;
- a file that runs jobs (GitHub Actions workflows, the other CI
  configurations in `RUNNERS`, a pre-commit config, a Makefile or justfile)
  and names such a script (its path, its module name or its file name), or
  holds a marker itself (an inline script).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

# Files that run other files, as paths from the repository root.
RUNNERS = (
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    ".gitlab-ci.yml",
    ".circleci/config.yml",
    ".travis.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    ".pre-commit-config.yaml",
    "Makefile",
    "justfile",
)
MIGRATING = 'talkcat\'s README: "Migrating from a script or a CI job"'
_MARKDOWN = (".md", ".markdown")


@dataclass(frozen=True)
class Finding:
    """A file that writes the block too, at the line that shows it, and what to do about it."""

    path: str  # from the repository root, with `/`
    line: int
    message: str


def is_runner(path: str) -> bool:
    """Whether the file at `path` runs jobs: `*` stays within its folder, as GitHub reads only the top one."""
    folder, name = posixpath.split(path)
    return any(
        folder == posixpath.dirname(pattern) and fnmatch.fnmatchcase(name, posixpath.basename(pattern))
        for pattern in RUNNERS
    )


def candidates(paths: Sequence[str], own: Collection[str]) -> list[str]:
    """The files to look into: all but talkcat's own (`own`), and never git's."""
    return [path for path in paths if path not in own and not path.startswith(".git/")]


def relevant(path: str, text: str, markers: tuple[str, str]) -> bool:
    """Whether a file's text is needed by `find`: a runner, or a file holding a marker."""
    return is_runner(path) or any(marker in text for marker in markers)


def find(texts: Mapping[str, str], markers: tuple[str, str]) -> list[Finding]:
    """Every other writer of the block among `texts` (path -> text), in path order."""
    findings: list[Finding] = []
    writers = {path: line for path, text in texts.items() if (line := _marker_line(text, markers)) is not None}
    scripts = [path for path in writers if not is_runner(path) and not path.endswith(_MARKDOWN)]
    for path in sorted(texts):
        text = texts[path]
        if is_runner(path):
            findings += _runner_findings(path, text, writers.get(path), scripts)
        elif path in writers:
            findings.append(Finding(path, writers[path], _writer_message(path, markers)))
    return findings


def _writer_message(path: str, markers: tuple[str, str]) -> str:
    if path.endswith(_MARKDOWN):
        return (
            f"holds a {markers[0]} block that talkcat does not keep: add this file to `readme` in the "
            "config for talkcat to keep it, or remove its markers"
        )
    return (
        f"writes the README's block too (it holds {markers[0]}): remove it, as talkcat now renders "
        "the block from the catalogue"
    )


def _runner_findings(path: str, text: str, marker_line: int | None, scripts: Sequence[str]) -> list[Finding]:
    findings = []
    if marker_line is not None:
        findings.append(Finding(path, marker_line, f"writes the README's block itself: {_advice(path)}"))
    for script in scripts:
        line = _line_naming(text, script)
        if line is not None:
            findings.append(Finding(path, line, f"runs {script}: {_advice(path)}"))
    return findings


def _advice(path: str) -> str:
    if posixpath.basename(path) == ".pre-commit-config.yaml":
        return "remove that hook, as talkcat-sync-readme replaces it"
    if path in ("Makefile", "justfile"):
        return "remove that target, or make it run `talkcat sync-readme`"
    return f"remove that step, or make the job run `talkcat sync-readme --check` ({MIGRATING})"


def _marker_line(text: str, markers: tuple[str, str]) -> int | None:
    found = [text.find(marker) for marker in markers]
    first = min((at for at in found if at >= 0), default=None)
    return None if first is None else text.count("\n", 0, first) + 1


def _line_naming(text: str, script: str) -> int | None:
    """The first line naming `script`: by its path, its module name (`python -m`) or its file name."""
    names = [script, posixpath.basename(script)]
    if "/" in script:  # `python -m tools.make_readme`; a bare `make_readme` is too common a word
        names.insert(1, posixpath.splitext(script)[0].replace("/", "."))
    for name in dict.fromkeys(names):
        found = re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w/-]|\.\w)", text)
        if found is not None:
            return text.count("\n", 0, found.start()) + 1
    return None
