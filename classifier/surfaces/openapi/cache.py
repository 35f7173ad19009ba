"""A parse cache for YAML specs, keyed by the content's git blob id.

Parsing YAML is the slow part of comparing a large spec; the base side of a
pull request rarely changes between runs. When ``[tool.classifier.openapi]
cache_dir`` is set, each parsed YAML file is stored there with ``marshal``
(values and a tree of their lines) under the git blob id of its bytes, and
read back instead of parsed the next time. A damaged or foreign entry is
ignored and rewritten. Off by default: the pre-commit hook writes nothing.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from classifier.surfaces.openapi.document import LineTable, Pointer

FORMAT = "classify-openapi-yaml-3"  # 3: keys of a mapping win over merged ones wherever `<<` stands

# A line tree mirrors the values: (lines of the members, child trees of container members).
LineTree = tuple[Any, dict[str, Any]]


def blob_id(data: bytes) -> str:
    """The id git gives these bytes, so a cache entry matches ``git ls-tree`` output."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class ParseCache:
    """One folder of cached parses."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, data: bytes) -> tuple[Any, LineTree] | None:
        try:
            entry = marshal.loads((self.folder / blob_id(data)).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not isinstance(entry, tuple) or len(entry) != 3 or entry[0] != FORMAT:
            return None
        return entry[1], entry[2]

    def put(self, data: bytes, value: Any, tree: LineTree) -> None:
        """Store atomically; a cache that cannot be written is skipped, never an error."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(marshal.dumps((FORMAT, value, tree)))
            os.replace(temporary, self.folder / blob_id(data))
        except (OSError, ValueError):
            return


def line_tree(value: Any, table: LineTable) -> LineTree | None:
    """The lines of ``value``'s members as a tree that survives serialisation (ids do not)."""
    if isinstance(value, dict):
        children = {k: line_tree(v, table) for k, v in value.items() if isinstance(v, (dict, list))}
        return table.keys.get(id(value), {}), children
    if isinstance(value, list):
        children = {str(i): line_tree(v, table) for i, v in enumerate(value) if isinstance(v, (dict, list))}
        return table.items.get(id(value), []), children
    return None


def tree_locator(tree: LineTree | None) -> Callable[[Pointer], int | None]:
    def locate(pointer: Pointer) -> int | None:
        node, line = tree, None
        for token in pointer:
            if node is None:
                break
            lines, children = node
            if isinstance(lines, dict):
                found = lines.get(token)
            else:
                found = lines[int(token)] if token.isdigit() and int(token) < len(lines) else None
            if found is None:
                break
            line, node = found, children.get(token)
        return line

    return locate
