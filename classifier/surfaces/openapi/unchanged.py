"""Skip what did not change: equal values whose references all reach equal values.

Most of a large spec is identical between two revisions. Comparing an
operation or schema is skipped when its value is equal on both sides (a C-speed
``==``) and every ``$ref`` inside it leads, transitively, to equal values. The
references inside a value are found with one ``json.dumps`` and a regex rather
than a Python walk; each referenced component is checked once.
"""

from __future__ import annotations

import importlib
import json
import re
from typing import Any

from classifier.surfaces.openapi.refs import MAX_CHAIN, At, Resolver

_REF = re.compile(rb'"\$ref": ?"((?:[^"\\]|\\.)*)"')


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


# The faster encoder when installed, looked up once rather than on every (possibly deeply nested) call.
orjson: Any = _optional("orjson")


class UnchangedCheck:
    """Answers ``same(base, head)`` with a memo per referenced component."""

    def __init__(self, base: Resolver, head: Resolver) -> None:
        self.base = base
        self.head = head
        self._clean: dict[tuple[str, str], bool] = {}
        # The references of each file already proven clean: most values are answered by one subset test.
        self._proven: dict[str, set[str]] = {}
        # The same value is asked about once per operation that reaches it; its
        # references are found once (values live as long as the comparison).
        self._refs: dict[int, set[str]] = {}
        # A reference being checked is assumed unchanged meanwhile (so a cycle ends). What was decided while
        # that assumption was used rests on it: if the reference turns out changed, those answers are dropped.
        self._open: set[tuple[str, str]] = set()
        self._assumed = 0
        self._decided: list[tuple[str, str]] = []

    def same(self, base: At, head: At, depth: int = 0) -> bool:
        if base.doc.path != head.doc.path or base.value != head.value:
            return False
        if depth > MAX_CHAIN:
            return False  # not known to be unchanged: the full comparison judges it, within its own budget
        refs = self._refs.get(id(head.value))
        if refs is None:
            refs = self._refs[id(head.value)] = refs_in(head.value)
        proven = self._proven.get(head.doc.path)
        if proven is None:
            proven = self._proven[head.doc.path] = set()
        if refs <= proven:
            return True
        return all(self._clean_ref(base, head, ref, depth) for ref in sorted(refs - proven))

    def _clean_ref(self, base: At, head: At, ref: str, depth: int) -> bool:
        key = (head.doc.path, ref)
        known = self._clean.get(key)
        if known is not None:
            if key in self._open:
                self._assumed += 1
            return known
        self._clean[key] = True  # a reference cycle of equal values is unchanged
        self._open.add(key)
        mark, assumed = len(self._decided), self._assumed
        try:
            old = self.base.deref(At(base.doc, base.pointer, {"$ref": ref}))
            new = self.head.deref(At(head.doc, head.pointer, {"$ref": ref}))
        except Exception:  # noqa: BLE001 - a broken reference is reported by the full comparison
            result = False
        else:
            result = self.same(old, new, depth + 1)
        finally:
            self._open.discard(key)
        if not result and self._assumed != assumed:
            self._forget(self._decided[mark:])
            del self._decided[mark:]
        self._clean[key] = result
        self._decided.append(key)
        if result:
            self._proven[head.doc.path].add(ref)
        return result

    def _forget(self, keys: list[tuple[str, str]]) -> None:
        """Drop answers given while a reference now known to be changed was assumed unchanged."""
        for path, ref in keys:
            del self._clean[(path, ref)]
            self._proven[path].discard(ref)


def refs_in(value: Any) -> set[str]:
    """Every ``$ref`` string anywhere inside ``value``."""
    if not isinstance(value, (dict, list)):
        return set()
    text = _dumps(value)
    if b"$ref" not in text:
        return set()
    return {_unescape(match) for match in set(_REF.findall(text))}


def _unescape(raw: bytes) -> str:
    return json.loads(b'"' + raw + b'"') if b"\\" in raw else raw.decode("utf-8")


def _dumps(value: Any) -> bytes:
    if orjson is None:
        return json.dumps(value).encode("utf-8")
    try:
        return orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):  # values YAML allows and JSON does not (dates, big ints)
        return json.dumps(value, default=str).encode("utf-8")
