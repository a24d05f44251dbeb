"""The catalogue's JSON Schema (draft 2020-12), built from model.FIELDS and validate's patterns.

Each field type of model.FIELDS maps to one definition below, which states
validate.py's patterns for that type as they are. What a schema cannot
say is left to `talkcat validate`: ids unique across talks, end_date not
before date, a real date where the format is not checked, description
headings that fit under the talk's title, a block a description leaves
open, relative paths that exist in the repository, and whether a bracketed
host (`ftp://[::1]/`) is one Python's urlsplit takes.
"""

from __future__ import annotations

import json
import os
from pathlib import PurePath
from typing import Any

from talkcat.model import FIELDS, KINDS, REQUIRED, URL_SCHEME
from talkcat.validate import DATE, FIELD_PATTERNS, ID, LINE, TEXT, URL, Pattern, Rules

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _holds(pattern: Pattern) -> dict[str, Any]:
    """A pattern of validate's, as a schema states it."""
    held: dict[str, Any] = {"pattern": pattern.pattern}
    if pattern.forbid:
        held = {"not": held}
    if pattern.when is not None:
        held = {"if": {"pattern": pattern.when}, "then": held}
    return held


def catalogue_schema(rules: Rules = Rules()) -> dict[str, Any]:
    """The JSON Schema of a catalogue, for `rules`' README markers."""
    not_markers = [{"not": {"pattern": _escape(marker)}} for marker in rules.markers]
    properties: dict[str, Any] = {}
    for field in FIELDS:
        properties[field.name] = {"$ref": f"#/$defs/{field.type}", "description": field.help}
        extra = FIELD_PATTERNS.get(field.name, ())
        if extra:
            properties[field.name]["allOf"] = [_holds(pattern) for pattern in extra]
    return {
        "$schema": DRAFT,
        "title": "talkcat catalogue",
        "description": "A speaker's talks, as `talkcat validate` checks them.",
        "type": "object",
        "properties": {
            "talks": {
                "description": "Every talk, one entry each (`talks: []` for none).",
                "type": ["array", "null"],
                "items": {"$ref": "#/$defs/talk"},
            }
        },
        "required": ["talks"],
        "additionalProperties": False,
        "$defs": {
            "talk": {
                "type": "object",
                "properties": properties,
                "required": list(REQUIRED),
                "additionalProperties": False,
            },
            "str": {"type": "string", "allOf": [*map(_holds, LINE), *not_markers]},
            "id": {"type": "string", "allOf": [{"$ref": "#/$defs/str"}, _holds(ID)]},
            "text": {"type": "string", "allOf": [_holds(TEXT), *not_markers]},
            "date": {"type": "string", "format": "date", **_holds(DATE)},
            "kind": {"enum": list(KINDS)},
            "strlist": {"type": "array", "items": {"$ref": "#/$defs/str"}},
            "url": {
                "description": "A URL, or a path inside the repository.",
                "allOf": [
                    {"$ref": "#/$defs/str"},
                    *({"if": {"pattern": "^" + URL_SCHEME.pattern}, "then": _holds(pattern)} for pattern in URL),
                ],
            },
            "link": {
                "anyOf": [
                    {"$ref": "#/$defs/url"},
                    {
                        "type": "object",
                        "properties": {
                            "label": {"$ref": "#/$defs/str", "description": "The text the README shows."},
                            "url": {"$ref": "#/$defs/url"},
                        },
                        "required": ["url"],
                        "additionalProperties": False,
                    },
                ]
            },
        },
    }


def schema_text(rules: Rules = Rules()) -> str:
    """The schema as `talkcat schema` prints it and `schema/talks.schema.json` holds it."""
    return json.dumps(catalogue_schema(rules), indent=2, ensure_ascii=False) + "\n"


def modeline(catalogue: PurePath, schema: PurePath | str) -> str:
    """The catalogue's first line, telling yaml-language-server where its schema is.

    A path is made relative to the catalogue's folder, as the editor resolves it.
    """
    if isinstance(schema, PurePath):
        schema = PurePath(os.path.relpath(schema, catalogue.parent)).as_posix()
    return f"# yaml-language-server: $schema={schema}\n"


def _escape(text: str) -> str:
    # Characters special in a regular expression, for both dialects.
    return "".join("\\" + ch if ch in r"\^$.|?*+()[]{}/" else ch for ch in text)
