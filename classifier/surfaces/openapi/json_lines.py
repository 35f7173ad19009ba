"""Lines of JSON elements, found only when a finding asks for one.

``json.loads`` gives no positions, and tokenising the whole file in Python
costs several times the parse. Two cheaper ways, tried in order:

* pretty-printed JSON (one member per line, a fixed indent): the member at
  depth ``d`` starts a line with exactly ``d`` indents, so each step of a
  pointer is one ``str.find`` from its parent's position;
* anything else: an object is indexed the first time a pointer passes through
  it (keys read with the C string scanner, values skipped with
  ``raw_decode``), each object once.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from typing import Any, Callable

from classifier.surfaces.openapi.document import Pointer

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class JsonIndex:
    """Answers ``line(pointer)`` for one JSON text."""

    def __init__(self, text: str | bytes, data: Any = None) -> None:
        self._source = text
        self._text: str | None = text if isinstance(text, str) else None
        self.data = data
        head = text[:200] if isinstance(text, str) else text[:200].decode("utf-8", "ignore")
        self.indent = _indent(head) if data is not None else 0
        self._known: list[int] = [0]
        self._orders: dict[int, dict[str, int]] = {}
        self._starts: dict[int, list[int]] = {}
        self._lines: list[int] = [1]
        self._members: dict[int, dict[str, tuple[int, int]]] = {}

    @property
    def text(self) -> str:
        # Bytes already proven valid UTF-8 by the parser are decoded on the first line asked for.
        if self._text is None:
            raw = self._source if isinstance(self._source, bytes) else b""
            self._text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        return self._text

    def locator(self) -> Callable[[Pointer], int | None]:
        return self.line

    def line(self, pointer: Pointer) -> int | None:
        if self.indent:
            start = self._by_indent(pointer)
            if start is not None:
                return self._line_of(start)
        position = self._skip_space(0)
        key_position = position
        for token in pointer:
            found = self._child(position, token)
            if found is None:
                break
            key_position, position = found
        return self._line_of(key_position)

    def _by_indent(self, pointer: Pointer) -> int | None:
        node, position = self.data, 0
        for depth, token in enumerate(pointer, start=1):
            if isinstance(node, dict) and token in node:
                index, child = self._order(node)[token], node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                index, child = int(token), node[int(token)]
            else:
                break
            starts = self._member_starts(node, depth, position)
            if index >= len(starts):
                return None
            node, position = child, starts[index]
        return position + 1

    def _order(self, node: dict[str, Any]) -> dict[str, int]:
        order = self._orders.get(id(node))
        if order is None:
            order = {key: i for i, key in enumerate(node)}
            self._orders[id(node)] = order
        return order

    def _member_starts(self, node: Any, depth: int, parent: int) -> list[int]:
        """Offsets of the members of ``node`` (at ``parent``), found in one regex scan.

        The members of a container at depth ``d`` are the first lines after
        it that start with exactly ``d`` indents (a key, or a list item that
        is not a closing bracket); members come in the text in value order.
        """
        starts = self._starts.get(id(node))
        if starts is None:
            pattern = _member_pattern(" " * (self.indent * depth), isinstance(node, dict))
            starts = []
            for match in pattern.finditer(self.text, parent):
                starts.append(match.start())
                if len(starts) == len(node):
                    break
            self._starts[id(node)] = starts
        return starts

    def _line_of(self, position: int) -> int:
        # Lines are counted from the nearest position already known below, so a
        # few findings cost a few partial counts, not a table of every newline.
        index = bisect.bisect_right(self._known, position) - 1
        known_at, known_line = self._known[index], self._lines[index]
        line = known_line + self.text.count("\n", known_at, position)
        self._known.insert(index + 1, position)
        self._lines.insert(index + 1, line)
        return line

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


def _indent(text: str) -> int:
    """The indent width of pretty-printed JSON, or 0 when the text is not laid out that way."""
    match = re.match(r"\s*[{\[]\r?\n( +)[\"{\[]", text)
    return len(match.group(1)) if match and len(match.group(1)) <= 8 else 0


@functools.lru_cache(maxsize=64)
def _member_pattern(pad: str, keys: bool) -> re.Pattern[str]:
    member = r'"(?:[^"\\\n]|\\.)*" *:' if keys else r"[^ \]}\n]"
    return re.compile("\n" + pad + "(?=" + member + ")")


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
