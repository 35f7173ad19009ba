"""Lines of JSON elements, found only when a finding asks for one.

``json.loads`` gives no positions. Rather than tokenise the whole file in
Python (several times slower than the parse itself), an object is indexed the
first time a pointer passes through it: its keys are read with the C string
scanner and each value is skipped with ``raw_decode``. Only the objects on the
way to a finding are indexed, each once.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Callable

from classifier.surfaces.openapi.document import Pointer

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class JsonIndex:
    """Answers ``line(pointer)`` for one JSON text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines: list[int] | None = None
        self._members: dict[int, dict[str, int]] = {}

    def locator(self) -> Callable[[Pointer], int | None]:
        return self.line

    def line(self, pointer: Pointer) -> int | None:
        position = self._skip_space(0)
        key_position = position
        for token in pointer:
            found = self._child(position, token)
            if found is None:
                break
            key_position, position = found
        return self._line_of(key_position)

    def _line_of(self, position: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_right(self._newlines, position - 1) + 1

    def _skip_space(self, position: int) -> int:
        match = _SPACE.match(self.text, position)
        return match.end() if match else position

    def _child(self, position: int, token: str) -> tuple[int, int] | None:
        if self.text[position:position + 1] not in ("{", "["):
            return None
        members = self._members.get(position)
        if members is None:
            members = {key: (key_at, value_at) for key, key_at, value_at in self.scan(position)}
            self._members[position] = members
        return members.get(token)

    def scan(self, position: int) -> list[tuple[str, int, int]]:
        """Members of the object or list at ``position``: (key, key offset, value offset).

        A list item's key is its index and its key offset is the value's own.
        """
        text, found = self.text, []
        is_object = text[position] == "{"
        cursor, count = self._skip_space(position + 1), 0
        while cursor < len(text) and text[cursor] not in "}]":
            key_at = cursor
            if is_object:
                key, cursor = json.decoder.scanstring(text, cursor + 1)  # type: ignore[attr-defined]
                cursor = self._skip_space(self._skip_space(cursor) + 1)  # past ':'
            else:
                key, key_at = str(count), cursor
            found.append((key, key_at, cursor))
            _, cursor = _DECODER.raw_decode(text, cursor)
            cursor = self._skip_space(cursor)
            if text[cursor:cursor + 1] == ",":
                cursor = self._skip_space(cursor + 1)
            count += 1
        return found


def find_duplicate_key(text: str) -> tuple[str, int] | None:
    """The first duplicated object key and its line (used only to explain an error)."""
    index = JsonIndex(text)
    stack = [index._skip_space(0)]
    while stack:
        position = stack.pop()
        if text[position:position + 1] not in ("{", "["):
            continue
        seen: set[str] = set()
        for key, key_at, value_at in index.scan(position):
            if key in seen and text[position] == "{":
                return key, index._line_of(key_at)
            seen.add(key)
            stack.append(value_at)
    return None
