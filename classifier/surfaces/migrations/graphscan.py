"""The cheap read of a revision file: only its four graph fields.

Building the revision graph needs ``revision``/``down_revision``/
``branch_labels``/``depends_on`` of every file in the tree, but only the
changed files need a full parse. For the others the module-level lines that
assign those names are found by reading the text line by line, and only the
assigned value is handed to ``ast.literal_eval`` (which evaluates literals
and nothing else). Results are cached by content digest, which is the git
blob id when the source has one. Any file the cheap read cannot settle is
parsed in full with libcst instead, so a clever layout never yields a wrong
graph.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Callable

from classifier.surfaces.migrations.model import GraphFields

GRAPH_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")
_MAX_CONTINUATION_LINES = 30

_cache: dict[str, GraphFields] = {}


def blob_id(data: bytes) -> str:
    """The git blob id of ``data`` (the same digest git would give the file)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def cheap_graph_fields(data: bytes, full_read: Callable[[str], GraphFields]) -> GraphFields:
    """Graph fields of a revision file's bytes, cached by blob id.

    Args:
        data: The file content.
        full_read: Parses the decoded text in full; used when the cheap read
            cannot settle a field.
    """
    key = blob_id(data)
    cached = _cache.get(key)
    if cached is None:
        text = data.decode("utf-8", "replace")
        cached = _scan(text) or full_read(text)
        _cache[key] = cached
    return cached


def scan_graph_fields(text: str) -> GraphFields | None:
    """The graph fields read from literal lines alone, ``None`` when they cannot be settled."""
    return _scan(text)


def _scan(text: str) -> GraphFields | None:
    lines = text.splitlines()
    values: dict[str, tuple[str, ...]] = {}
    for index, line in enumerate(lines):
        name = _assigned_name(line)
        if name is None:
            continue
        value = _literal(line.split("=", 1)[1], lines[index + 1 : index + 1 + _MAX_CONTINUATION_LINES])
        if value is None:
            return None
        values[name] = value
    revision = values.get("revision")
    if not revision or len(revision) != 1:
        return None
    return GraphFields(
        revision=revision[0],
        down_revision=values.get("down_revision", ()),
        branch_labels=values.get("branch_labels", ()),
        depends_on=values.get("depends_on", ()),
    )


def _assigned_name(line: str) -> str | None:
    """The graph name a module-level line assigns (``name =`` or ``name: T =``)."""
    for name in GRAPH_NAMES:
        if line.startswith(name):
            rest = line[len(name):].lstrip()
            if rest.startswith("=") and not rest.startswith("=="):
                return name
            if rest.startswith(":") and "=" in rest:
                return name
    return None


def _literal(first: str, following: list[str]) -> tuple[str, ...] | None:
    simple = _simple_literal(first.strip())
    if simple is not None:
        return simple
    text = first
    for extra in [None, *following]:
        if extra is not None:
            text += "\n" + extra
        try:
            value = ast.literal_eval(text.strip())
        except (SyntaxError, ValueError):
            continue
        return _as_strings(value)
    return None


def _simple_literal(text: str) -> tuple[str, ...] | None:
    """``None`` or a plain quoted id without escapes, the common case, without a parser."""
    if text == "None":
        return ()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        if not any(ch in inner for ch in "'\"\\"):
            return (inner,)
    return None


def _as_strings(value: object) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (tuple, list)) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None
