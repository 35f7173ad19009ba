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
from collections.abc import Callable, Iterator
from typing import Any

from classifier.surfaces.openapi.document import Pointer

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class JsonIndex:
    """Answers ``line(pointer)`` for one JSON text."""

    def __init__(self, text: str | bytes, data: Any = None, key_bytes: Callable[[str], bytes] | None = None) -> None:
        self._source = text
        # Given when ``text`` is known to be exactly that serializer's output: a
        # member's line is then one ``bytes.find`` of its encoded key at its indent.
        self._key_bytes = key_bytes if isinstance(text, bytes) else None
        self._text: str | None = text if isinstance(text, str) else None
        self.data = data
        head = text[:200] if isinstance(text, str) else text[:200].decode("utf-8", "ignore")
        self.indent = _indent(head) if data is not None else 0
        # Pretty-printed members are found in the text as read: bytes need no
        # decoding, and a text with any non-ASCII character would decode to four
        # bytes a character, making every scan and line count slower.
        self._layout: str | bytes = text
        self._counted: dict[bool, tuple[list[int], list[int]]] = {True: ([0], [1]), False: ([0], [1])}
        self._orders: dict[int, dict[str, int]] = {}
        self._starts: dict[int, tuple[list[int], Iterator[Any]]] = {}
        self._members: dict[int, dict[str, tuple[int, int]]] = {}
        self._keys: dict[tuple[int, str], int] = {}
        self._found: dict[int, tuple[list[int], list[int]]] = {}

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
                return self._line_of(start, self._layout)
        position = self._skip_space(0)
        key_position = position
        for token in pointer:
            found = self._child(position, token)
            if found is None:
                break
            key_position, position = found
        return self._line_of(key_position, self.text)

    def _by_indent(self, pointer: Pointer) -> int | None:
        node, position = self.data, 0
        for depth, token in enumerate(pointer, start=1):
            if isinstance(node, dict) and token in node and self._key_bytes is not None:
                found = self._key_at(node, token, depth, position)
                if found < 0:
                    return None
                node, position = node[token], found
                continue
            if isinstance(node, dict) and token in node:
                index, child = self._order(node)[token], node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                index, child = int(token), node[int(token)]
            else:
                break
            starts = self._member_starts(node, depth, position, index)
            if index >= len(starts):
                return None
            node, position = child, starts[index]
        return position + 1

    def _key_at(self, node: dict[str, Any], token: str, depth: int, parent: int) -> int:
        """Offset of member ``token`` of ``node``: one ``bytes.find`` of its encoded key at its indent.

        Members come in the text in the dict's order, so the search starts at the
        nearest member before it already found, not at the top of its container
        (findings under ``paths`` would otherwise scan it again and again).
        """
        found = self._keys.get((id(node), token))
        if found is None:
            index = self._order(node)[token]
            indexes, offsets = self._found.setdefault(id(node), ([], []))
            slot = bisect.bisect_left(indexes, index)
            start = offsets[slot - 1] + 1 if slot else parent
            needle = b"\n" + b" " * (self.indent * depth) + self._key_bytes(token) + b":"  # type: ignore[misc]
            found = self._keys[(id(node), token)] = self._layout.find(needle, start)  # type: ignore[arg-type]
            if found >= 0:
                indexes.insert(slot, index)
                offsets.insert(slot, found)
        return found

    def _order(self, node: dict[str, Any]) -> dict[str, int]:
        order = self._orders.get(id(node))
        if order is None:
            order = {key: i for i, key in enumerate(node)}
            self._orders[id(node)] = order
        return order

    def _member_starts(self, node: Any, depth: int, parent: int, index: int) -> list[int]:
        """Offsets of the members of ``node`` (at ``parent``) up to ``index``, found by one lazy regex scan.

        The members of a container at depth ``d`` are the first lines after
        it that start with exactly ``d`` indents (a key, or a list item that
        is not a closing bracket); members come in the text in value order.
        The scan stops at the member asked for and resumes from there later.
        """
        known = self._starts.get(id(node))
        if known is None:
            layout = self._layout
            pattern = _member_pattern(" " * (self.indent * depth), isinstance(node, dict), isinstance(layout, bytes))
            known = ([], pattern.finditer(layout, parent))  # type: ignore[arg-type]
            self._starts[id(node)] = known
        starts, matches = known
        while len(starts) <= index and len(starts) < len(node):
            match = next(matches, None)
            if match is None:
                break
            starts.append(match.start())
        return starts

    def _line_of(self, position: int, haystack: str | bytes) -> int:
        # Lines are counted from the nearest position already known below, so a
        # few findings cost a few partial counts, not a table of every newline.
        # Offsets into bytes and into the decoded text differ: each has its own.
        # Findings do not come in file order: count from the nearer known neighbour, below or above.
        known, lines = self._counted[isinstance(haystack, bytes)]
        index = bisect.bisect_right(known, position) - 1
        newline = b"\n" if isinstance(haystack, bytes) else "\n"
        above = index + 1 < len(known) and known[index + 1] - position < position - known[index]
        if above:
            line = lines[index + 1] - haystack.count(newline, position, known[index + 1])  # type: ignore[arg-type]
        else:
            line = lines[index] + haystack.count(newline, known[index], position)  # type: ignore[arg-type]
        known.insert(index + 1, position)
        lines.insert(index + 1, line)
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


@functools.lru_cache(maxsize=128)
def _member_pattern(pad: str, keys: bool, binary: bool) -> re.Pattern[Any]:
    member = r'"(?:[^"\\\n]|\\.)*" *:' if keys else r"[^ \]}\n]"
    pattern = "\n" + pad + "(?=" + member + ")"
    return re.compile(pattern.encode("ascii") if binary else pattern)


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
                return key, index._line_of(key_at, text)
            seen.add(key)
            stack.append(value_at)
    return None
