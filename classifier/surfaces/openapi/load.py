"""Bytes to ``Document``: JSON with ``json``, YAML with PyYAML's safe loader.

Nothing in a compared file can make the loader construct an object or fetch
anything. Bad input is a ``SourceError`` naming the file, the side, the line
and the fix.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from classifier.errors import SourceError
from classifier.model import Side
from classifier.sources import decode_text, looks_binary
from classifier.surfaces.openapi.document import Document, LoadError, yaml_locator

JSON_SUFFIXES = (".json",)
FIX_SYNTAX = "fix the file at that line; `python -m json.tool` or `yamllint` show the problem"


def parse_document(data: bytes, path: str, side: Side, max_bytes: int, cache_dir: str | None = None) -> Document:
    """Parse one file read from one side of the comparison.

    Raises:
        SourceError: the file is binary, too large, not UTF-8, or not valid
            JSON/YAML (duplicate keys, alias bombs and deep nesting included).
    """
    where = f"{path} ({side.value})"
    if len(data) > max_bytes:
        raise SourceError(
            f"{where}: {len(data) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit for an OpenAPI file",
            hint="raise [tool.classifier.openapi] max_file_mb, or exclude the file",
        )
    if looks_binary(data):
        raise SourceError(f"{where}: binary content where an OpenAPI document was expected",
                          hint="store the spec as UTF-8 JSON or YAML text")
    is_json = path.lower().endswith(JSON_SUFFIXES)
    fast = _fast_json_document(data, path) if is_json else None
    if fast is not None:
        return fast
    text = decode_text(data, path, side)
    try:
        return _json_document(text, path) if is_json else _yaml_document(data, text, path, cache_dir)
    except LoadError as exc:
        at = f"{path}:{exc.line}" if exc.line else path
        raise SourceError(f"{at} ({side.value}): {exc.message}", hint=FIX_SYNTAX) from None


def _yaml_document(raw: bytes, text: str, path: str, cache_dir: str | None) -> Document:
    from classifier.surfaces.openapi.yaml_tree import load_yaml

    if cache_dir is None:
        data, table = load_yaml(text, path)
        return Document(path, data, yaml_locator(data, table))
    from pathlib import Path

    from classifier.surfaces.openapi.cache import ParseCache, line_tree, tree_locator

    cache = ParseCache(Path(cache_dir).expanduser())
    cached = cache.get(raw)
    if cached is not None:
        return Document(path, cached[0], tree_locator(cached[1]))
    data, table = load_yaml(text, path)
    tree = line_tree(data, table)
    cache.put(raw, data, tree)  # type: ignore[arg-type]
    return Document(path, data, tree_locator(tree))


def _json_document(text: str, path: str) -> Document:
    from classifier.surfaces.openapi.json_lines import JsonIndex, find_duplicate_key

    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_not_json, parse_float=_finite)
    except _DuplicateKey:
        key, line = find_duplicate_key(text) or ("?", None)
        raise LoadError(f"duplicate key {key!r}", line) from None
    except _NotFinite as exc:
        problem = "is not a JSON number (NaN and infinities have no JSON form)" if exc.literal[-1:].isalpha() \
            else "overflows to infinity (no JSON value can hold it)"
        raise LoadError(f"{exc.literal} {problem}", _line_of_literal(text, exc.literal)) from None
    except json.JSONDecodeError as exc:
        raise LoadError(f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:
        raise LoadError("nested too deeply to be an OpenAPI document", None) from None
    return Document(path, data, JsonIndex(text, data).locator())


def _fast_json_document(data: bytes, path: str) -> Document | None:
    """Parse with orjson when it is installed and the result provably lost no duplicate key.

    orjson keeps the last of duplicated keys silently. Re-serialising the value
    in the layout of the file (two-space indent, or compact) and finding the
    same bytes proves nothing was dropped; any other outcome (another layout,
    a parse error) falls back to the standard library, which checks every
    object and words the errors.
    """
    try:
        import orjson
    except ImportError:
        return None
    body = data.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n")
    try:
        value = orjson.loads(body)
        layout = orjson.OPT_INDENT_2 if body[:2] in (b"{\n", b"[\n") else 0
        if orjson.dumps(value, option=layout) != body:
            return None
    except (orjson.JSONDecodeError, orjson.JSONEncodeError, TypeError, RecursionError):
        return None
    from classifier.surfaces.openapi.json_lines import JsonIndex

    # The bytes are exactly orjson's rendering of the value: keys are found as orjson writes them.
    key_bytes = orjson.dumps if layout else None
    return Document(path, value, JsonIndex(data, value, key_bytes).locator())


class _DuplicateKey(Exception):
    pass


class _NotFinite(Exception):
    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


def _not_json(literal: str) -> Any:
    # Python's json accepts NaN, Infinity and -Infinity; JSON (and so OpenAPI) has no such values.
    raise _NotFinite(literal)


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _NotFinite(literal)  # 1e999 overflows to infinity
    return value


def _line_of_literal(text: str, literal: str) -> int | None:
    """The line of the first ``literal`` in value position (after ``:``, ``[`` or ``,``)."""
    found = re.search(rf"[:\[,]\s*{re.escape(literal)}(?=\s*[,\]}}])", text)
    return text.count("\n", 0, found.end()) + 1 if found else None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey()
    return result
