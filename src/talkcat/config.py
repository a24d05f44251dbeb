"""The settings of `talkcat.toml` or `[tool.talkcat]` in pyproject.toml: parsed and checked.

Pure: text in, settings out. `store.find_config` finds and reads the file.

Relative paths resolve against the config file's folder (so every command
works the same from any subfolder), and are then shown relative to the
current directory, the way git shows paths.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from talkcat.errors import Problem, TalkcatError
from talkcat.render import COLUMN_ATTRIBUTES, SORTS, Layout
from talkcat.validate import END_MARKER, START_MARKER

CONFIG_NAME = "talkcat.toml"
PYPROJECT_NAME = "pyproject.toml"
DEFAULT_DATA = Path("data/talks.yaml")
DEFAULT_README = Path("README.md")
KEYS = (
    "data",
    "readme",
    "markers",
    "columns",
    "labels",
    "heading_level",
    "sort",
    "group_by_year",
    "chart",
    "template",
    "folder_readmes",
    "sources",
    "speaker",
    "name",
    "base_url",
)
_HOST_KEY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d+)?(?:/[A-Za-z0-9._~%-]+)*/?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Settings:
    """Where the files are and how the block looks; the defaults when there is no config."""

    path: Path | None = None  # the config file, as shown to the user
    data: Path = DEFAULT_DATA
    readmes: tuple[Path, ...] = (DEFAULT_README,)
    markers: tuple[str, str] = (START_MARKER, END_MARKER)
    layout: Layout = field(default_factory=Layout)
    template: Path | None = None
    folder_readmes: bool = False  # keep `<slides folder>/README.md` of each talk in sync too
    # Mirror sites of pretalx talks: host (or host/path) -> the pretalx event's URL.
    sources: tuple[tuple[str, str], ...] = ()
    speaker: str | None = None  # who gives the talks: the exports' author (`name` is the same setting)
    base_url: str | None = None  # where the repository's folders are on the web, for the exports


@dataclass(frozen=True)
class Found:
    """What `store.find_config` found: the folder the files are in, and its config if it has one.

    Paths are relative to the folder the search started from (`..` for its parent).
    """

    folder: Path
    config: Path | None = None
    text: str = ""
    table: dict[str, Any] | None = None


def located(found: Found, start: Path, cwd: Path) -> Settings:
    """The settings of what a search from `start` found, their paths as typed from `cwd`."""
    if found.config is None or found.table is None:
        folder = start / found.folder
        return Settings(data=near(folder / DEFAULT_DATA, cwd), readmes=(near(folder / DEFAULT_README, cwd),))
    return settings(found.table, start / found.config, cwd, found.text)


def read_table(text: str, path: Path) -> dict[str, Any] | None:
    """The talkcat settings table of a config file's text; None for a pyproject.toml without one."""
    if path.name == PYPROJECT_NAME and "talkcat" not in text:
        return None  # most pyproject.toml files: no TOML parser needed
    document = _parse_toml(text, path)
    if path.name != PYPROJECT_NAME:
        return document
    tool = document.get("tool")
    table = tool.get("talkcat") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise TalkcatError(f"tool.talkcat must be a table, not {_kind(table)}", path=str(path))
    return table


def _parse_toml(text: str, path: Path) -> dict[str, Any]:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib says where only in its message: "... (at line 3, column 7)".
        message = str(exc)
        where = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if where is None:
            raise TalkcatError(f"not valid TOML: {message}", path=str(path)) from None
        raise TalkcatError(
            f"not valid TOML: {message[: where.start()]}",
            path=str(path),
            line=int(where[1]),
            col=int(where[2]),
        ) from None


def settings(table: dict[str, Any], path: Path, cwd: Path, text: str = "") -> Settings:
    """The settings a config table holds; every wrong key or value is reported at once.

    `path` is the config file as found (absolute or relative to `cwd`); its
    `text` is only searched for the line of a wrong key.
    """
    return _Checker(table, path, cwd, text).settings()


def with_setting(text: str | None, path: Path, key: str, value: str) -> str | None:
    """The config's text with `key = value` (TOML) added, every other byte kept; None when it sets `key` already.

    In a pyproject.toml the line goes under `[tool.talkcat]` (which the text
    must hold); in a talkcat.toml before its first table, so that no table takes it.
    """
    if text is None:
        return f"{key} = {value}\n"
    table = _parse_toml(text, path)
    if path.name == PYPROJECT_NAME:
        table = table.get("tool", {}).get("talkcat", {})
    if key in table:
        return None
    from talkcat.lines import newline

    line = f"{key} = {value}{newline(text)}"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline(text)
    headers = [number for number, content in enumerate(lines) if re.match(r"\s*\[", content)]
    if path.name == PYPROJECT_NAME:
        found = [n for n in headers if re.match(r"\s*\[\s*tool\s*\.\s*talkcat\s*\]", lines[n])]
        if not found:
            raise ValueError("no [tool.talkcat] header line to put the setting under")
        at = found[0] + 1
    else:
        at = headers[0] if headers else len(lines)
    return "".join([*lines[:at], line, *lines[at:]])


def near(path: Path, cwd: Path) -> Path:
    """`path` as the user would type it from `cwd`: relative when that is possible."""
    try:
        return Path(os.path.relpath(path, cwd))
    except ValueError:  # pragma: no cover - another drive on Windows
        return path


def from_top(path: Path, root: Path) -> str:
    """`path` as git and pre-commit name it: from the top of the work tree at `root`, with `/`."""
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()


class _Checker:
    def __init__(self, table: dict[str, Any], path: Path, cwd: Path, text: str) -> None:
        self.table = table
        self.folder = path.parent
        self.cwd = cwd
        self.shown = str(near(path, cwd)) if path.is_absolute() else str(path)
        self.text = text
        self.in_pyproject = path.name == PYPROJECT_NAME
        self.problems: list[Problem] = []

    def settings(self) -> Settings:
        table = self.table
        for key in table:
            if key not in KEYS:
                self.unknown(key, KEYS, ())
        result = Settings(path=Path(self.shown))
        layout = Layout()
        if "data" in table:
            result = replace(result, data=self.path("data", table["data"]))
        else:
            result = replace(result, data=self.resolve(DEFAULT_DATA))
        result = replace(result, readmes=self.readmes(table.get("readme")))
        if "markers" in table:
            result = replace(result, markers=self.markers(table["markers"]))
        if "template" in table:
            result = replace(result, template=self.path("template", table["template"]))
        result = replace(result, folder_readmes=self.flag("folder_readmes", table.get("folder_readmes", False)))
        if "sources" in table:
            result = replace(result, sources=self.sources(table["sources"]))
        result = replace(result, speaker=self.speaker(), base_url=self.base_url(table.get("base_url")))
        layout = replace(
            layout,
            columns=self.columns(table.get("columns")),
            labels=self.labels(table.get("labels")),
            sort=self.choice("sort", table.get("sort", layout.sort), SORTS),
            group_by_year=self.flag("group_by_year", table.get("group_by_year", False)),
            chart=self.flag("chart", table.get("chart", False)),
        )
        layout = replace(layout, heading_level=self.heading_level(table.get("heading_level", 3), layout))
        if self.problems:
            unknown = any(key not in KEYS for key in table)
            raise TalkcatError(self.problems, hint=f"the settings are {', '.join(KEYS)}" if unknown else None)
        return replace(result, layout=layout)

    # -- reporting

    def add(self, key: tuple[str, ...], message: str) -> None:
        line = _key_line(self.text, (*self.prefix(), *key[:-1]), key[-1])
        self.problems.append(Problem(self.shown, line, None, message))

    def unknown(self, key: str, known: tuple[str, ...], within: tuple[str, ...]) -> None:
        import difflib

        close = difflib.get_close_matches(key, known, n=1)
        table = ".".join((*self.prefix(), *within))
        where = f" in [{table}]" if table else ""
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        self.add((*within, key), f"unknown key {key!r}{where}{hint}")

    def prefix(self) -> tuple[str, ...]:
        return ("tool", "talkcat") if self.in_pyproject else ()

    # -- values

    def path(self, key: str, value: Any) -> Path:
        if not isinstance(value, str) or not value.strip():
            self.add((key,), f"{key} must be a path (a non-empty string), not {_kind(value)}")
            return Path(".")
        return self.resolve(Path(value))

    def resolve(self, path: Path) -> Path:
        return near(self.folder / path, self.cwd) if not path.is_absolute() else path

    def readmes(self, value: Any) -> tuple[Path, ...]:
        if value is None:
            return (self.resolve(DEFAULT_README),)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and i.strip() for i in items):
            self.add(("readme",), f"readme must be a path or a list of paths, not {_kind(value)}")
            return (DEFAULT_README,)
        paths = [self.resolve(Path(item)) for item in items]
        if len(set(paths)) != len(paths):
            self.add(("readme",), "readme names a file twice")
        return tuple(paths)

    def markers(self, value: Any) -> tuple[str, str]:
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(m, str) and m.strip() and m == m.strip() and not _CONTROL.search(m) for m in value)
        )
        if not ok:
            self.add(
                ("markers",),
                "markers must be two one-line strings without surrounding spaces, the start "
                f'and the end marker: ["{START_MARKER}", "{END_MARKER}"]',
            )
            return (START_MARKER, END_MARKER)
        start, end = value
        if start == end:
            self.add(("markers",), f"markers: the start and end markers must differ, not both {start!r}")
        return (start, end)

    def columns(self, value: Any) -> tuple[str, ...]:
        if value is None:
            return COLUMN_ATTRIBUTES
        if not isinstance(value, list) or not value or not all(isinstance(c, str) for c in value):
            self.add(("columns",), f"columns must be a list of column names, not {_kind(value)}")
            return COLUMN_ATTRIBUTES
        for name in value:
            if name not in COLUMN_ATTRIBUTES:
                self.unknown_value("columns", name, COLUMN_ATTRIBUTES)
        seen = [name for number, name in enumerate(value) if name in value[:number]]
        if seen:
            self.add(("columns",), f"columns names {seen[0]!r} twice")
        return tuple(name for name in dict.fromkeys(value) if name in COLUMN_ATTRIBUTES)

    def unknown_value(self, key: str, value: str, known: tuple[str, ...]) -> None:
        import difflib

        close = difflib.get_close_matches(value, known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        self.add((key,), f"{key}: unknown column {value!r} ({hint}the columns are {', '.join(known)})")

    def labels(self, value: Any) -> tuple[tuple[str, str], ...]:
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.add(("labels",), f'labels must be a table of column = "header", not {_kind(value)}')
            return ()
        labels = []
        for attribute, label in value.items():
            if attribute not in COLUMN_ATTRIBUTES:
                self.unknown(attribute, COLUMN_ATTRIBUTES, ("labels",))
            elif not isinstance(label, str) or not label.strip() or label != label.strip():
                self.add(
                    ("labels", attribute),
                    f"labels.{attribute} must be a non-empty string without surrounding spaces, not {_kind(label)}",
                )
            elif _CONTROL.search(label) or "|" in label:
                self.add(("labels", attribute), f"labels.{attribute} must be one line without `|`: {label!r}")
            else:
                labels.append((attribute, label))
        headers = Layout(labels=tuple(labels))
        folded: dict[str, str] = {}
        for attribute in COLUMN_ATTRIBUTES:
            header = headers.header(attribute).casefold()
            if header in folded:
                # The importer tells the columns apart by their headers.
                self.add(
                    ("labels",),
                    f"labels: {folded[header]} and {attribute} would both be headed {headers.header(attribute)!r}",
                )
            folded[header] = attribute
        return tuple(labels)

    def sources(self, value: Any) -> tuple[tuple[str, str], ...]:
        from talkcat.sources.pretalx import event_of

        example = '"2025.pycon.de" = "https://pretalx.com/pyconde-pydata-2025/"'
        if not isinstance(value, dict):
            message = f"sources must be a table of mirror host = pretalx event URL ({example}), not {_kind(value)}"
            self.add(("sources",), message)
            return ()
        mirrors = []
        for host, target in value.items():
            if not _HOST_KEY.fullmatch(host):
                why = f'sources: {host!r} is not a host name (with a path if need be), such as "2025.pycon.de"'
                self.add(("sources", host), why)
            elif not isinstance(target, str) or event_of(target) is None:
                url = '"https://pretalx.com/pyconde-pydata-2025/"'
                why = f"sources.{host} must be a pretalx event's URL, such as {url}, not {_kind(target)}"
                self.add(("sources", host), why)
            else:
                mirrors.append((host, target))
        return tuple(mirrors)

    def speaker(self) -> str | None:
        given = [key for key in ("speaker", "name") if key in self.table]
        if len(given) > 1:
            self.add(("name",), "speaker and name are one setting: give one of them")
        if not given:
            return None
        value = self.table[given[0]]
        if not isinstance(value, str) or not value.strip() or value != value.strip() or _CONTROL.search(value):
            message = f"{given[0]} must be a name on one line, without surrounding spaces, not {_kind(value)}"
            self.add((given[0],), message)
            return None
        return value

    def base_url(self, value: Any) -> str | None:
        if value is None:
            return None
        problem = base_url_problem(value)
        if problem:
            self.add(("base_url",), f"base_url {problem}")
            return None
        return str(value)

    def heading_level(self, value: Any, layout: Layout) -> int:
        top = 5 if layout.group_by_year else 6
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            why = " (with group_by_year, the talks' headings are one level below)" if top == 5 else ""
            self.add(("heading_level",), f"heading_level must be a whole number from 1 to {top}{why}, not {value!r}")
            return 3
        return value

    def choice(self, key: str, value: Any, choices: tuple[str, ...]) -> str:
        if value not in choices:
            self.add((key,), f"{key} must be {' or '.join(repr(c) for c in choices)}, not {value!r}")
            return choices[0]
        return str(value)

    def flag(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            self.add((key,), f"{key} must be true or false, not {value!r}")
            return False
        return value


def base_url_problem(value: Any) -> str | None:
    """What is wrong with a base URL (a setting, or `export --base-url`), if anything."""
    from talkcat.validate import url_problem

    if not isinstance(value, str) or not value.lower().startswith(("http://", "https://")):
        return f"must be an http:// or https:// URL, not {_kind(value)}"
    problem = url_problem(value)
    return problem.replace(f"{value!r} ", "", 1) if problem else None


def _key_line(text: str, table: tuple[str, ...], key: str) -> int | None:
    """The line where `key` of `table` is set, when a simple reading of the text finds it.

    tomllib keeps no positions. This knows `[table]` headers, `key = `,
    `parent.key = ` and `parent = { key = ... }` on one line; else None.
    """
    name = rf"""(["']?){re.escape(key)}\1"""
    own = re.compile(rf"\s*{name}\s*=")
    parent = re.escape(table[-1]) if table else None
    dotted = re.compile(rf"\s*{parent}\s*\.\s*{name}\s*=") if parent else None
    inline = re.compile(rf"\s*{parent}\s*=\s*\{{(?:.*,)?\s*{name}\s*=") if parent else None
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$", line)
        if header:
            current = tuple(part.strip().strip("\"'") for part in header[1].split("."))
        elif current == table and own.match(line):
            return number
        elif current == table[:-1] and dotted and inline and (dotted.match(line) or inline.match(line)):
            return number
    return None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
