"""Render the README block with a user's Jinja2 template, in Jinja2's sandbox.

Pure: the template's text comes in (store read it), the block's text goes out.

The sandbox refuses attributes that reach Python's internals (`__class__`,
`mro`, `func_globals`, ...). The environment's loader knows no template at
all, so `{% include %}`, `{% import %}` and `{% extends %}` fail: a template
reads no file, and the render cache (keyed by the template's own text) can
never miss a change in another file.

A template cannot break the README for good: its output is checked as a
description is (no README marker, no code fence or HTML block left open,
which would swallow the end marker and fail every later sync), and a render
stops at TIME_LIMIT seconds or OUTPUT_LIMIT characters (a `{% for %}` bomb),
or when it runs out of memory: each is a template error, and nothing is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from talkcat.errors import TalkcatError
from talkcat.model import FIELDS, LINK_FIELDS, Link, Talk
from talkcat.render import (
    Layout,
    format_dates,
    format_link_cell,
    render_chart,
    render_table,
    render_talk,
)

if TYPE_CHECKING:
    from types import TracebackType

INSTALL_HINT = "pip install 'talkcat[templates]'"

# A render that takes longer, or writes more, is stopped: pyvideo's 21,511
# talks, each with its section and description, make 23 million characters
# in about 2 s; far more is a template gone wrong.
TIME_LIMIT = 30.0  # seconds
OUTPUT_LIMIT = 64 * 2**20  # characters


class _Stopped(BaseException):
    """A render past its limits. A BaseException, so that nothing in a template catches it."""

    def __init__(self, why: str) -> None:
        self.why = why


def render_template(
    source: str,
    path: Path,
    talks: Sequence[Talk],
    layout: Layout,
    markers: tuple[str, str],
    *,
    time_limit: float = TIME_LIMIT,
    output_limit: int = OUTPUT_LIMIT,
) -> str:
    """The block the template at `path` (its text: `source`) makes of the talks."""
    try:
        from jinja2 import (
            FunctionLoader,
            StrictUndefined,
            TemplateError,
            TemplateNotFound,
            TemplateRuntimeError,
            TemplateSyntaxError,
        )
        from jinja2.sandbox import SandboxedEnvironment
    except ImportError:
        raise TalkcatError(
            "this template needs Jinja2, which is not installed",
            path=str(path),
            hint=INSTALL_HINT,
        ) from None

    env = SandboxedEnvironment(
        loader=FunctionLoader(lambda name: None),  # no file is ever loaded
        undefined=StrictUndefined,  # a misspelt name is an error, not an empty string
        keep_trailing_newline=True,
        autoescape=False,  # markdown, not HTML
    )
    filename = str(path)
    try:
        code = env.compile(source, name=path.name, filename=filename)
        template = env.template_class.from_code(env, code, env.make_globals(None))
        with _time_limit(time_limit):
            chunks = template.generate(_variables(talks, layout, TemplateRuntimeError))
            text = _bounded(chunks, output_limit, time_limit)
    except _Stopped as exc:
        raise TalkcatError(f"template error: {exc.why}; nothing was written", path=filename) from None
    except MemoryError:
        raise TalkcatError("template error: the render ran out of memory; nothing was written", path=filename) from None
    except TemplateSyntaxError as exc:
        raise TalkcatError(f"template error: {exc.message}", path=filename, line=exc.lineno) from None
    except TemplateNotFound as exc:
        line = _template_line(exc.__traceback__, filename)
        message = f"template error: a template loads no other file, not {exc.name!r}"
        raise TalkcatError(message, path=filename, line=line) from None
    except TemplateError as exc:
        line = _template_line(exc.__traceback__, filename)
        raise TalkcatError(f"template error: {exc.message or type(exc).__name__}", path=filename, line=line) from None
    except _TEMPLATE_MISTAKES as exc:
        # `{{ 1 / 0 }}`, `{{ "a" + 1 }}`: Python's errors, but the template's mistakes.
        line = _template_line(exc.__traceback__, filename)
        raise TalkcatError(f"template error: {type(exc).__name__}: {exc}", path=filename, line=line) from None
    return _block_text(text, filename, markers)


# RuntimeError holds RecursionError and NotImplementedError; AttributeError
# comes from filters given the wrong thing (`talks|dictsort`).
_TEMPLATE_MISTAKES = (ArithmeticError, AttributeError, LookupError, TypeError, ValueError, RuntimeError)


def _template_line(tb: TracebackType | None, filename: str) -> int | None:
    """The template's line where a runtime error happened: Jinja2 puts it in the traceback."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _bounded(chunks: Iterator[str], output_limit: int, time_limit: float) -> str:
    """The chunks a render yields, joined; stopped past `output_limit` characters or `time_limit` seconds."""
    import time

    deadline = time.monotonic() + time_limit
    kept: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > output_limit:
            raise _Stopped(f"the output passed {output_limit // 2**20} Mi characters (a loop that never ends?)")
        if time.monotonic() > deadline:
            raise _Stopped(_too_slow(time_limit))
        kept.append(chunk)
    return "".join(kept)


def _too_slow(time_limit: float) -> str:
    return f"the render took longer than {time_limit:g} s (a loop that never ends?)"


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop a render that runs past `seconds`, even one that writes nothing (SIGALRM, main thread
    only; elsewhere `_bounded` stops it between two pieces of output)."""
    import signal
    import threading

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _Stopped(_too_slow(seconds))

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _block_text(text: str, filename: str, markers: tuple[str, str]) -> str:
    """LF-terminated lines (or nothing), that cannot break the README: checked as a description is."""
    from talkcat.lines import split as split_lines
    from talkcat.markdown import open_block
    from talkcat.validate import might_leave_a_block_open

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for marker in markers:
        if marker in text:
            raise TalkcatError(f"the template's output contains the README marker {marker!r}", path=filename)
    found = open_block(text) if might_leave_a_block_open(text) else None
    if found is not None:
        line, block = found
        opening = split_lines(text)[line].strip()
        what = "code block" if block == "fence" else "HTML block"
        raise TalkcatError(
            f"template error: its output leaves the {what} {opening!r} (output line {line + 1}) open, which would "
            "swallow the end marker and break the README; nothing was written",
            path=filename,
        )
    if text and not text.endswith("\n"):
        text += "\n"  # else the end marker would share the last line
    return text


def talk_mapping(talk: Talk) -> dict[str, Any]:
    """A talk as a template sees it: every field (None or [] when unset), dates as ISO text."""
    mapping: dict[str, Any] = {}
    for f in FIELDS:
        value = getattr(talk, f.name)
        if isinstance(value, Link):
            value = {"url": value.url, "label": value.label, "is_url": value.is_url}
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        mapping[f.name] = value
    mapping["id"] = talk.slug
    mapping["year"] = talk.date.year
    mapping["online"] = talk.online
    mapping["dates"] = format_dates(talk.date, talk.end_date)
    return mapping


def _variables(talks: Sequence[Talk], layout: Layout, error: type[Exception]) -> dict[str, Any]:
    ordered = layout.ordered(talks)
    by_id = {talk.slug: talk for talk in ordered}
    mappings = [talk_mapping(talk) for talk in ordered]
    years: list[dict[str, Any]] = []
    for mapping in mappings:
        if not years or years[-1]["year"] != mapping["year"]:
            years.append({"year": mapping["year"], "talks": []})
        years[-1]["talks"].append(mapping)

    def find(talk: Any, helper: str) -> Talk:
        if isinstance(talk, dict) and talk.get("id") in by_id:
            return by_id[talk["id"]]
        raise error(f"{helper}() takes a talk of `talks`, not {talk!r}")

    def table(talk: Any) -> str:
        return render_table(find(talk, "table"), layout)

    def section(talk: Any) -> str:
        return render_talk(find(talk, "section"), layout=layout)

    def link(talk: Any, field: str) -> str:
        if field not in LINK_FIELDS:
            raise error(f"link() takes one of {', '.join(LINK_FIELDS)}, not {field!r}")
        value: Link | None = getattr(find(talk, "link"), field)
        return format_link_cell(value, layout.header(field))

    return {
        "talks": mappings,
        "years": years,
        "heading_level": layout.heading_level,
        "talk_level": layout.talk_level,
        "columns": [{"name": c, "header": layout.header(c)} for c in layout.columns],
        "chart": lambda: render_chart(ordered) if ordered else "",
        "table": table,
        "section": section,
        "link": link,
    }
