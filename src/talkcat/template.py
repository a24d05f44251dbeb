"""Render the README block with a user's Jinja2 template, in Jinja2's sandbox.

Pure: the template's text comes in (store read it), the block's text goes out.

The sandbox refuses attributes that reach Python's internals (`__class__`,
`mro`, `func_globals`, ...). The environment's loader knows no template at
all, so `{% include %}`, `{% import %}` and `{% extends %}` fail: a template
reads no file, and the render cache (keyed by the template's own text) can
never miss a change in another file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
    sort_talks,
)

if TYPE_CHECKING:
    from types import TracebackType

INSTALL_HINT = "pip install 'talkcat[templates]'"


def render_template(
    source: str, path: Path, talks: Sequence[Talk], layout: Layout, markers: tuple[str, str]
) -> str:
    """The block the template at `path` (its text: `source`) makes of the talks."""
    try:
        from jinja2 import (
            FunctionLoader,
            StrictUndefined,
            TemplateError,
            TemplateRuntimeError,
            TemplateNotFound,
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
        text = template.render(_variables(talks, layout, TemplateRuntimeError))
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


def _block_text(text: str, filename: str, markers: tuple[str, str]) -> str:
    """LF-terminated lines (or nothing), without a marker that would break the README."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for marker in markers:
        if marker in text:
            raise TalkcatError(f"the template's output contains the README marker {marker!r}", path=filename)
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
    ordered = sort_talks(talks, layout.sort)
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
