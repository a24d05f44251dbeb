"""Check a parsed catalogue against the field definitions; report every problem."""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeGuard
from urllib.parse import unquote, urlsplit

from talkcat.errors import Problem
from talkcat.model import FIELD_NAMES, FIELDS, KINDS, REQUIRED, Talk, derive_id, has_scheme

if TYPE_CHECKING:  # the parser is not needed to use a cached result
    from talkcat.yamlread import Document, Mark

START_MARKER = "<!-- TALKS -->"
END_MARKER = "<!-- //TALKS -->"
# Heading levels a description may use, written as if under `# Title`.
MIN_DESCRIPTION_HEADING = 2
MAX_HEADING = 6

_FIELD_TYPES = {f.name: f.type for f in FIELDS}
# A cheap filter before the markdown parser: could a line hold an ATX heading?
_MAYBE_HEADING = re.compile(r"^[ \t>*+\-0-9.)]*#", re.MULTILINE)
# ... or open a fenced code block or an HTML block at the top level?
_MAYBE_OPEN_BLOCK = re.compile(r"^ {0,3}(```|~~~|<)", re.MULTILINE)


# -- the patterns ---------------------------------------------------------------
#
# What a value must look like, as patterns in the syntax Python's `re` and
# ECMA-262 (what editors run a JSON Schema's patterns with) read alike:
# validation searches with them, and `schema.py` states them as they are. What
# a pattern cannot say (a real date, headings that fit, a path on disk) is code.


class Pattern:
    """A pattern a value must match (`forbid`: must not), and what validation says when it does not.

    `when`: the rule is for the values matching that pattern only (the URLs of one scheme, say).
    The message is formatted with the field's `name` and the `value`.
    """

    def __init__(self, pattern: str, message: str, *, forbid: bool = False, when: str | None = None) -> None:
        self.pattern, self.message, self.forbid, self.when = pattern, message, forbid, when
        self.search = re.compile(pattern).search
        self.applies = re.compile(when).search if when is not None else None


def first_broken(patterns: Sequence[Pattern], value: str) -> Pattern | None:
    """The first of `patterns` that `value` breaks."""
    for pattern in patterns:  # run for every string of the catalogue: no call more than needed
        applies = pattern.applies
        if (applies is None or applies(value) is not None) and (pattern.search(value) is None) != pattern.forbid:
            return pattern
    return None


def _any_case(word: str) -> str:
    # ECMA-262 patterns in a schema have no flags: no (?i).
    return "".join(f"[{ch.upper()}{ch.lower()}]" for ch in word)


# The end of the text: `$` also matches before a final newline in Python, and ECMA-262 has no `\Z`.
_END = r"(?![\s\S])"
# What str.isspace() calls a space, spelled out: the two dialects' `\s` differ.
_SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_CONTROL_OR_NEWLINE = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"  # what a text may not hold: all but \t, \n, \r

# A one-line string: a title, an event, a label, a tag.
LINE = (
    Pattern(f"[^{_SPACE}]", "{name} is empty"),
    Pattern(f"[{_CONTROL_OR_NEWLINE}]", "{name} must be one line without control characters", forbid=True),
    # Starts and ends with a non-space (written so that the search runs to the end but once).
    Pattern(rf"^[^{_SPACE}](?:[\s\S]*[^{_SPACE}])?{_END}", "{name} has leading or trailing spaces"),
)
ID = Pattern(f"[{_SPACE}/\\\\]", "id {value!r} must have no spaces or slashes", forbid=True)
TEXT = Pattern(f"[{_CONTROL}]", "{name} contains control characters", forbid=True)
DATE = Pattern(f"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}{_END}", "{name} {value!r} is not a date in the form YYYY-MM-DD")
# Patterns of one field beyond its type's: a title ending in ` #` loses it, as markdown reads the
# heading's closing run.
FIELD_PATTERNS = {
    "title": (
        # A final run of `#` at the start or after a space or tab (a literal first: a fast search).
        Pattern(
            r"#(?<![^ \t]#)#*" + _END,
            "title ends in ' #', which a markdown heading drops; the README would lose it",
            forbid=True,
        ),
    ),
}

_LINE_OF = {name: (*LINE, *patterns) for name, patterns in FIELD_PATTERNS.items()}

_WEB_SCHEMES = ("http", "https")
URL_SCHEMES = (*_WEB_SCHEMES, "ftp", "ftps", "mailto")  # what a link may start with


def _schemes(*schemes: str) -> str:
    return "^(" + "|".join(map(_any_case, schemes)) + "):"


# The host is what follows the netloc's last `@`, as urlsplit reads it.
_USERINFO = r"([^/?#]*@)?(?![^/?#]*@)"
# What a URL (a link with a scheme) must be, as far as a pattern can say; the messages
# are formatted with `scheme`, `host` and `hint` too. urlsplit has the last word.
URL = (
    Pattern(f"[{_SPACE}]", "{value!r} is not a valid URL (it contains spaces)", forbid=True),
    Pattern(_schemes(*URL_SCHEMES), "{value!r} is not a valid URL (unknown scheme {scheme!r}{hint})"),
    Pattern(
        r"^[A-Za-z]+:(?!//)[^?#]*@", "{value!r} is not a valid URL (no address after mailto:)", when=_schemes("mailto")
    ),
    Pattern(
        rf"^[A-Za-z]+://{_USERINFO}[^/?#@:]",
        "{value!r} is not a valid URL (no host)",
        when=_schemes("http", "https", "ftp", "ftps"),
    ),
    # A web URL's host has a dot, or is localhost.
    Pattern(
        rf"^[A-Za-z]+://{_USERINFO}({_any_case('localhost')}|[^/?#@:]*\.[^/?#@:]*)(:[^/?#]*)?([/?#]|{_END})",
        "{value!r} is not a valid URL (bad host {host!r})",
        when=_schemes(*_WEB_SCHEMES),
    ),
)


@dataclass(frozen=True)
class Rules:
    """What validation needs to know beyond the file itself."""

    repo_root: Path | None = None  # for relative slides paths; None skips that check
    heading_level: int = 3
    markers: tuple[str, str] = (START_MARKER, END_MARKER)


# A link that is a path, to check on disk: (entry, path, line, col, field).
LocalPath = tuple[int, str, int, int, str]


@dataclass
class Checked:
    """A validated catalogue: a Talk per entry (None where the entry is invalid)."""

    talks: Sequence[Talk | None]
    problems: list[Problem]
    entry_lines: list[int]
    local_paths: list[LocalPath]
    # Where each entry ends (line, col, 1-based): just after its last value, as the parser saw it.
    entry_ends: list[tuple[int, int]]

    def extents(self) -> list[tuple[int, int, int]]:
        """Each entry's first line and where it ends: what `edit` splices by."""
        return [(line, *end) for line, end in zip(self.entry_lines, self.entry_ends)]


def check_document(doc: Document, path: str, rules: Rules = Rules()) -> Checked:
    """Validate everything that depends only on the file's content."""
    checker = _Checker(path, rules)
    checker.problems.extend(doc.problems)
    checker.top_level(doc.data, doc.mark)
    checker.duplicates()
    checker.problems.sort(key=lambda p: (p.line or 0, p.col or 0))
    return Checked(checker.talks, checker.problems, checker.entry_lines, checker.local_paths, checker.entry_ends)


def check_local_paths(checked: Checked, path: str, repo_root: Path) -> list[Problem]:
    """Relative link paths (a slides folder, say) must exist inside the repository."""
    problems = []
    root = repo_root.resolve()
    for entry, rel, line, col, field in checked.local_paths:
        problem = local_path_problem(rel, root)
        if problem:
            problems.append(Problem(path, line, col, problem, entry=entry, field=field))
    return problems


def local_path_problem(rel: str, root: Path) -> str | None:
    """What is wrong with a link that is a path (no scheme), if anything."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or re.match(r"[A-Za-z]:[\\/]", rel):
        return f"{rel!r} is an absolute path; give a URL or a path inside the repository"
    try:
        target = _inside(rel, root)
        if target is None:
            return f"{rel!r} points outside the repository ({root})"
        if not target.exists():
            decoded = decoded_path(rel, root)
            if decoded is not None:
                return (
                    f"{rel!r} does not exist in the repository ({root}); the catalogue holds a path as it is, "
                    f"not percent-encoded as in a link: write it as {decoded!r}"
                )
            if looks_like_host(rel):
                return f"{rel!r} is a web address without its scheme: did you mean 'https://{rel}'?"
            return f"{rel!r} does not exist in the repository ({root})"
    except RuntimeError:  # Python before 3.13 on a symlink loop
        return f"{rel!r} leads into a loop of symlinks"
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            return f"{_shortened(rel)!r}: a name in it is too long for the file system"
        if exc.errno == errno.ELOOP:
            return f"{rel!r} leads into a loop of symlinks"
        return f"{rel!r} cannot be looked up: {exc.strerror or exc}"
    return None


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def decoded_path(rel: str, root: Path) -> str | None:
    """The path a percent-encoded one (`2022-09-01%20Euroscipy/`, copied from a README's link) names.

    Only for a relative path that does not exist as written while its
    decoding does, in the repository: a folder may well be named `100%25`.
    The README encodes every path it links (`render`), so the catalogue
    holds them as they are.
    """
    decoded = unquote(rel)
    if decoded == rel or has_scheme(rel):
        return None
    root = root.resolve()
    written, meant = _inside(rel, root), _inside(decoded, root)
    if written is not None and written.exists():
        return None
    return decoded if meant is not None and meant.exists() else None


def _inside(rel: str, root: Path) -> Path | None:
    """Where a relative path leads, if it stays in the repository at `root` (resolved)."""
    target = (root / PurePosixPath(rel)).resolve()
    return target if target == root or root in target.parents else None


# `youtu.be/xyz`, `pydata.org/global2026/`, `www.example.org`: a host name (dotted
# words ending in letters), then a path, a port or nothing.
_HOST_START = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?::[0-9]+)?(?:[/?#]|\Z)")


# Endings of a file's name that are no top-level domain anyone links a talk from.
_FILE_ENDINGS = frozenset("pdf html htm md txt pptx ppt key odp ipynb zip png jpg jpeg gif svg mp4 webm mov".split())


def looks_like_host(value: str) -> bool:
    """Whether a value without a scheme starts like a web address rather than a file or folder."""
    found = _HOST_START.match(value)
    if found is None:
        return False
    host = found[0].rstrip("/?#").rsplit(":", 1)[0]
    return host.rsplit(".", 1)[-1].lower() not in _FILE_ENDINGS


def check_value(name: str, value: Any, rules: Rules = Rules()) -> list[str]:
    """The problems validation finds in one field's value, as messages: for a prompt
    or an option, before the value is in any file."""
    checker = _Checker("", rules)
    checker.field(0, name, value, _marks(value))
    messages = [problem.message for problem in checker.problems]
    if not messages and rules.repo_root is not None:
        for _, rel, _, _, _ in checker.local_paths:
            problem = local_path_problem(rel, rules.repo_root.resolve())
            if problem:
                messages.append(f"{name} {problem}")
    return messages


def _marks(value: Any) -> Mark:
    if isinstance(value, dict):
        return (1, 1, {key: ((1, 1, None, 1, 1, ""), _marks(item)) for key, item in value.items()}, 1, 1, "")
    if isinstance(value, list):
        return (1, 1, [_marks(item) for item in value], 1, 1, "")
    return (1, 1, None, 1, 1, "")


class _Checker:
    def __init__(self, path: str, rules: Rules) -> None:
        self.path = path
        self.rules = rules
        self.problems: list[Problem] = []
        self.talks: list[Talk | None] = []
        self.entry_lines: list[int] = []
        self.entry_ends: list[tuple[int, int]] = []
        self.local_paths: list[LocalPath] = []
        self.slugs: list[tuple[str, bool, Mark, int]] = []  # (id, explicit, entry mark, entry)
        # What the problems found now are about: the entry and the field being checked.
        self.about: tuple[int | None, str | None] = (None, None)

    def add(self, mark: Mark, message: str) -> None:
        self.add_at(mark[0], mark[1], message)

    def add_at(self, line: int | None, col: int | None, message: str) -> None:
        entry, field = self.about
        self.problems.append(Problem(self.path, line, col, message, entry=entry, field=field))

    def add_in_text(self, mark: Mark, line: int, message: str) -> None:
        """A problem on line `line` (0-based) of a text value: at that very line of the file when
        the value is a literal block (`|`), whose lines are the file's; else where the value starts."""
        if mark[5] == "|":
            self.add_at(mark[0] + 1 + line, None, message)
        else:
            self.add(mark, message)

    def top_level(self, data: Any, mark: Mark) -> None:
        if data is None and not self.problems:
            self.add(mark, "the catalogue is empty; it needs a `talks:` list (`talks: []` for none)")
            return
        if data is None:
            return
        if not isinstance(data, dict):
            self.add(mark, f"the catalogue must be a mapping with a `talks:` list, not {_kind(data)}")
            return
        children = mark[2]
        assert isinstance(children, dict)
        for key, (key_mark, _) in children.items():
            if key != "talks":
                self.add(key_mark, f"unknown top-level key {_show_key(key)}{_suggest(key, ('talks',))}")
        if "talks" not in data:
            self.add(mark, "the catalogue has no `talks:` list")
            return
        talks, talks_mark = data["talks"], children["talks"][1]
        if talks is None:
            return
        if not isinstance(talks, list):
            self.add(talks_mark, f"`talks` must be a list of entries, not {_kind(talks)}")
            return
        entry_marks = talks_mark[2]
        assert isinstance(entry_marks, list)
        for index, (entry, entry_mark) in enumerate(zip(talks, entry_marks)):
            self.entry_lines.append(entry_mark[0])
            self.entry_ends.append((entry_mark[3], entry_mark[4]))
            self.talks.append(self.entry(index, entry, entry_mark))
            self.slug(index, entry, entry_mark)

    def entry(self, index: int, entry: Any, mark: Mark) -> Talk | None:
        if not isinstance(entry, dict):
            self.add(mark, f"talk #{index + 1} must be a mapping of fields, not {_kind(entry)}")
            return None
        children = mark[2]
        assert isinstance(children, dict)
        before = len(self.problems)
        for key, (key_mark, value_mark) in children.items():
            self.about = (index, key if isinstance(key, str) else None)
            if key not in _FIELD_TYPES:
                self.add(key_mark, f"unknown key {_show_key(key)}{_suggest(key, FIELD_NAMES)}")
                continue
            self.field(index, key, entry[key], value_mark)
        for name in REQUIRED:
            if name not in entry or entry[name] is None:
                self.about = (index, name)
                label = _label(entry)
                self.add(mark, f"talk #{index + 1}{label}: missing required field {name!r}")
        problem = dates_problem(entry.get("date"), entry.get("end_date"))
        if problem:
            self.about = (index, "end_date")
            self.add(children["end_date"][1], problem)
        self.about = (None, None)
        if len(self.problems) > before:
            return None
        return Talk.from_mapping({k: v for k, v in entry.items() if k in _FIELD_TYPES})

    def field(self, index: int, name: str, value: Any, mark: Mark) -> None:
        kind = _FIELD_TYPES[name]
        if value is None:
            if name in REQUIRED:
                return  # reported once, as missing
            self.add(mark, f"{name} is empty; remove the key or give it a value")
            return
        if kind in ("str", "id"):
            if self.single_line(name, value, mark) and kind == "id":
                self.broken(name, value, mark, (ID,))
        elif kind == "text":
            self.text(name, value, mark)
        elif kind == "date":
            self.date(name, value, mark)
        elif kind == "kind":
            if not isinstance(value, str) or value not in KINDS:
                self.add(mark, f"kind {value!r} is not one of {', '.join(KINDS)}{_suggest(value, KINDS)}")
        elif kind == "strlist":
            self.str_list(name, value, mark)
        elif kind == "link":
            self.link(index, name, value, mark)

    def single_line(self, name: str, value: Any, mark: Mark) -> bool:
        if not isinstance(value, str):
            hint = " (quote it)" if isinstance(value, (int, float, bool, dt.date)) else ""
            self.add(mark, f"{name} must be a string, not {_kind(value)}{hint}")
            return False
        pattern = first_broken(_LINE_OF.get(name, LINE), value)
        if pattern is not None:
            self.add(mark, pattern.message.format(name=name, value=value))
            return False
        self.markers(name, value, mark)
        return True

    def broken(self, name: str, value: str, mark: Mark, patterns: Sequence[Pattern]) -> bool:
        """Whether `value` breaks one of `patterns` (then it is a problem)."""
        pattern = first_broken(patterns, value)
        if pattern is not None:
            self.add(mark, pattern.message.format(name=name, value=value))
        return pattern is not None

    def text(self, name: str, value: Any, mark: Mark) -> None:
        if not isinstance(value, str):
            self.add(mark, f"{name} must be a string (markdown), not {_kind(value)}")
            return
        if self.broken(name, value, mark, (TEXT,)):
            return
        self.markers(name, value, mark)
        if _MAYBE_HEADING.search(value):
            self.headings(name, value, mark)
        if might_leave_a_block_open(value):
            self.open_block(name, value, mark)

    def open_block(self, name: str, value: str, mark: Mark) -> None:
        from talkcat.lines import split as split_lines
        from talkcat.markdown import open_block

        found = open_block(value)
        if found is None:
            return
        line, block = found
        opening = split_lines(value)[line].strip()
        what = f"the code block {opening!r} is" if block == "fence" else f"the HTML block {opening!r} is"
        message = f"{what} never closed; in the README it would swallow the talks after it"
        self.add_in_text(mark, line, f"{name} line {line + 1}: {message}")

    def headings(self, name: str, value: str, mark: Mark) -> None:
        from talkcat.markdown import headings

        shift = self.rules.heading_level - 1
        for level, line, nested in headings(value):
            # A `#` in a list item or quote is shifted like any heading, but only
            # a heading at the top level could pass for a talk's title on import.
            too_high = level < MIN_DESCRIPTION_HEADING and not nested
            if too_high or level + shift > MAX_HEADING:
                top = MAX_HEADING - shift
                if top < MIN_DESCRIPTION_HEADING:  # level-6 talk headings leave none below them
                    advice = "at this heading level a description can hold no headings; use **bold** lines"
                elif top == MIN_DESCRIPTION_HEADING:
                    advice = f"use level {top} ({'#' * top})"
                else:
                    advice = f"use levels {MIN_DESCRIPTION_HEADING} to {top} (## to {'#' * top})"
                message = f"a level-{level} heading cannot nest under the talk's title; {advice}"
                self.add_in_text(mark, line, f"{name} line {line + 1}: {message}")

    def markers(self, name: str, value: str, mark: Mark) -> None:
        for marker in self.rules.markers:
            if marker in value:
                self.add(mark, f"{name} contains the README marker {marker!r}; it would break the README")

    def date(self, name: str, value: Any, mark: Mark) -> None:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            if type(value).__name__ == "UnpaddedDate":  # not imported: the cache path needs no parser
                self.add(mark, f"{name} is not in the form YYYY-MM-DD (write {value.isoformat()})")
            return
        if isinstance(value, str):
            if not self.broken(name, value, mark, (DATE,)):
                try:
                    dt.date.fromisoformat(value)
                except ValueError as exc:
                    self.add(mark, f"{name} {value} is not a real date ({exc})")
            return
        self.add(mark, f"{name} must be a date YYYY-MM-DD, not {_kind(value)}")

    def str_list(self, name: str, value: Any, mark: Mark) -> None:
        if not isinstance(value, list):
            self.add(mark, f"{name} must be a list of strings, not {_kind(value)}")
            return
        item_marks = mark[2]
        assert isinstance(item_marks, list)
        for number, (item, item_mark) in enumerate(zip(value, item_marks), 1):
            self.single_line(f"{name} item {number}", item, item_mark)

    def link(self, index: int, name: str, value: Any, mark: Mark) -> None:
        if isinstance(value, dict):
            children = mark[2]
            assert isinstance(children, dict)
            for key, (key_mark, _) in children.items():
                if key not in ("label", "url"):
                    self.add(key_mark, f"unknown key {_show_key(key)} in {name}{_suggest(key, ('label', 'url'))}")
            if "url" not in value:
                self.add(mark, f"{name} needs a `url:`")
                return
            if "label" in value:
                self.single_line(f"{name} label", value["label"], children["label"][1])
            url, url_mark = value["url"], children["url"][1]
        else:
            url, url_mark = value, mark
        if not self.single_line(name, url, url_mark):
            return
        problem = url_problem(url)
        if problem:
            self.add(url_mark, f"{name} {problem}")
        elif not has_scheme(url):
            self.local_paths.append((index, url, url_mark[0], url_mark[1], name))

    def slug(self, index: int, entry: Any, mark: Mark) -> None:
        """Note the entry's id, even if other fields are wrong, to find duplicates."""
        if not isinstance(entry, dict):
            return
        explicit, title, date = entry.get("id"), entry.get("title"), entry.get("date")
        if isinstance(explicit, str) and explicit:
            self.slugs.append((explicit, True, mark, index))
        elif isinstance(title, str) and isinstance(date, dt.date):
            self.slugs.append((derive_id(date, title), False, mark, index))

    def duplicates(self) -> None:
        seen: dict[str, int] = {}
        for slug, explicit, mark, index in self.slugs:
            self.about = (index, "id" if explicit else None)
            if slug in seen:
                how = "" if explicit else " (derived from date and title)"
                self.add(
                    mark,
                    f"duplicate id {slug!r}{how}, also the talk at line {seen[slug]}; "
                    "give one of them an explicit `id`",
                )
            else:
                seen[slug] = mark[0]
        self.about = (None, None)


def dates_problem(start: Any, end: Any) -> str | None:
    """What is wrong with a talk's date and end_date together, if anything."""
    if _is_date(start) and _is_date(end) and end < start:
        return f"end_date {end} is before date {start}"
    return None


def might_leave_a_block_open(text: str) -> bool:
    """A cheap filter before markdown's `open_block`: could `text` open a fence or an HTML block?"""
    return _MAYBE_OPEN_BLOCK.search(text) is not None


def url_problem(url: str) -> str | None:
    """What is wrong with a link's URL, if anything; a relative path is checked on disk."""
    if not has_scheme(url):
        return None
    if "[" in url or "]" in url or not url.isascii():  # all that urlsplit may refuse: more than a pattern says
        try:
            urlsplit(url)
        except ValueError as exc:
            return f"{url!r} is not a valid URL ({exc})"
    pattern = first_broken(URL, url)
    if pattern is None:
        return None
    scheme = url.partition(":")[0].lower()
    close = difflib.get_close_matches(scheme, URL_SCHEMES, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return pattern.message.format(value=url, scheme=scheme, host=urlsplit(url).hostname or "", hint=hint)


def _is_date(value: Any) -> TypeGuard[dt.date]:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _show_key(key: Any) -> str:
    from talkcat.yamlread import show_key

    return show_key(key)


def _suggest(word: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _label(entry: dict[Any, Any]) -> str:
    title = entry.get("title")
    return f" ({title!r})" if isinstance(title, str) and title.strip() else ""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a string"
