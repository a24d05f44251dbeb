"""The catalogue's JSON Schema (draft 2020-12), built from model.FIELDS and validate's rules.

Each field type of model.FIELDS maps to one definition below, which states
in JSON Schema what validate.py checks for that type. What a schema cannot
say is left to `talkcat validate`: ids unique across talks, end_date not
before date, description headings that fit under the talk's title,
relative paths that exist in the repository, and whether a bracketed host
(`ftp://[::1]/`) is one Python's urlsplit takes.
"""

from __future__ import annotations

import json
import os
from pathlib import PurePath
from typing import Any

from talkcat.model import FIELDS, KINDS, URL_SCHEME
from talkcat.validate import URL_SCHEMES, Rules

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# As validate.py's _CONTROL_OR_NEWLINE and _CONTROL, in ECMA-262 syntax (what
# editors run) that Python's `re` reads the same way.
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"
_CONTROL_OR_NEWLINE = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
# The end of the text: `$` would also match before a final newline in Python
# (and so in the jsonschema package), but not in an editor.
_END = r"(?![\s\S])"
# One line: no control characters, not empty, no space at either end.
_LINE = rf"^[^\s{_CONTROL_OR_NEWLINE}]([^{_CONTROL_OR_NEWLINE}]*[^\s{_CONTROL_OR_NEWLINE}])?{_END}"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}" + _END
_ID = r"^[^\s/\\]+" + _END
_SCHEME = "^" + URL_SCHEME.pattern


def _any_case(word: str) -> str:
    # ECMA-262 patterns in a schema have no flags: no (?i).
    return "".join(f"[{ch.upper()}{ch.lower()}]" for ch in word)


_WEB = "^" + _any_case("http") + "[Ss]?:"
_KNOWN_SCHEME = "^(" + "|".join(_any_case(scheme) for scheme in URL_SCHEMES) + "):"
_LOCALHOST = _any_case("localhost")
# The host is what follows the netloc's last `@` (as urlsplit reads it)...
_USERINFO = r"([^/?#]*@)?(?![^/?#]*@)"
# ... and a web URL's host has a dot (or is localhost), as validate.url_problem wants.
_WEB_HOST = rf"^[A-Za-z]+://{_USERINFO}({_LOCALHOST}|[^/?#@:]*\.[^/?#@:]*)(:[^/?#]*)?([/?#]|{_END})"
# An ftp URL names a host too, and a mailto URL an address.
_FTP = "^" + _any_case("ftp") + "[Ss]?:"
_HOST = rf"^[A-Za-z]+://{_USERINFO}[^/?#@:]"
_MAILTO = "^" + _any_case("mailto") + ":"
_MAILTO_ADDRESS = r"^[A-Za-z]+:(?!//)[^?#]*@"


def catalogue_schema(rules: Rules = Rules()) -> dict[str, Any]:
    """The JSON Schema of a catalogue, for `rules`' README markers."""
    not_markers = [{"not": {"pattern": _escape(marker)}} for marker in rules.markers]
    properties: dict[str, Any] = {}
    for field in FIELDS:
        properties[field.name] = {"$ref": f"#/$defs/{field.type}", "description": field.help}
    # A heading drops a closing run of `#`s: validate refuses a title ending in one.
    properties["title"]["not"] = {"pattern": r"(^|[ \t])#+" + _END}
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
                "required": [f.name for f in FIELDS if f.required],
                "additionalProperties": False,
            },
            "str": {"type": "string", "pattern": _LINE, "allOf": not_markers},
            "id": {"type": "string", "allOf": [{"$ref": "#/$defs/str"}, {"pattern": _ID}]},
            "text": {"type": "string", "pattern": rf"^[^{_CONTROL}]*{_END}", "allOf": not_markers},
            "date": {"type": "string", "format": "date", "pattern": _DATE},
            "kind": {"enum": list(KINDS)},
            "strlist": {"type": "array", "items": {"$ref": "#/$defs/str"}},
            "url": {
                "description": "A URL, or a path inside the repository.",
                "allOf": [
                    {"$ref": "#/$defs/str"},
                    {"if": {"pattern": _SCHEME}, "then": {"pattern": r"^\S+" + _END}},
                    {"if": {"pattern": _SCHEME}, "then": {"pattern": _KNOWN_SCHEME}},
                    {"if": {"pattern": _WEB}, "then": {"pattern": _WEB_HOST}},
                    {"if": {"pattern": _FTP}, "then": {"pattern": _HOST}},
                    {"if": {"pattern": _MAILTO}, "then": {"pattern": _MAILTO_ADDRESS}},
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
