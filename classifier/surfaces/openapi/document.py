"""A parsed OpenAPI file: its values, where they came from, and their lines.

Values are plain dicts, lists and scalars. Lines are kept beside them: YAML
records them while converting nodes; JSON finds them on demand (most JSON
elements never need a line, only those a finding points at).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Pointer = tuple[str, ...]


class LoadError(Exception):
    """A file could not be read as an OpenAPI document; ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class LineTable:
    """Lines of mapping keys (by ``id`` of the dict) and list items (by ``id`` of the list)."""

    keys: dict[int, dict[str, int]] = field(default_factory=dict)
    items: dict[int, list[int]] = field(default_factory=dict)


@dataclass(slots=True)
class Document:
    """One file at one revision.

    ``locate`` maps a JSON pointer (as a tuple of keys) to a line; it is the
    YAML line table walk or the lazy JSON index.
    """

    path: str
    data: Any
    locate: Callable[[Pointer], int | None]

    def line(self, pointer: Pointer) -> int | None:
        return self.locate(pointer) if pointer else 1

    def at(self, pointer: Pointer) -> Any:
        """The value at ``pointer``; ``KeyError`` when it does not exist."""
        node = self.data
        for token in pointer:
            if isinstance(node, dict):
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise KeyError(token)
        return node


def yaml_locator(data: Any, table: LineTable) -> Callable[[Pointer], int | None]:
    """Walk the values along the pointer and return the line of its last step."""

    def locate(pointer: Pointer) -> int | None:
        node, line = data, None
        for token in pointer:
            if isinstance(node, dict) and token in node:
                line = table.keys.get(id(node), {}).get(token, line)
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                lines = table.items.get(id(node))
                line = lines[int(token)] if lines else line
                node = node[int(token)]
            else:
                break
        return line

    return locate
