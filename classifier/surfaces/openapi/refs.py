"""``$ref`` resolution inside the repository, at one revision, cycle-safe.

A reference is followed only to the same file or to another file of the same
revision, read through the ``Source`` (a base-side reference is read from the
base). Remote URLs and paths that leave the repository are refused before
anything is read.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from classifier.errors import SourceError
from classifier.model import Side
from classifier.surfaces.openapi.document import Document, Pointer

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MAX_CHAIN = 64


@dataclass(slots=True, eq=False)
class At:
    """A value and where it sits: its document and JSON pointer.

    Never changed once made (treat it as frozen); not declared frozen because a
    large comparison makes tens of thousands and a frozen dataclass's
    ``__init__`` costs twice as much. Compared by identity.
    """

    doc: Document
    pointer: Pointer
    value: Any

    def child(self, key: str) -> At | None:
        value = self.value
        if isinstance(value, dict):
            return At(self.doc, (*self.pointer, key), value[key]) if key in value else None
        if isinstance(value, list) and key.isdigit() and int(key) < len(value):
            return At(self.doc, (*self.pointer, key), value[int(key)])
        return None

    def get(self, key: str, default: Any = None) -> Any:
        return self.value.get(key, default) if isinstance(self.value, dict) else default

    @property
    def line(self) -> int | None:
        return self.doc.line(self.pointer)


class Resolver:
    """Follows references for one side; ``load`` reads and parses other files."""

    def __init__(self, side: Side, root: Document, load: Callable[[str], Document | None]) -> None:
        self.side = side
        self.root = root
        self._load = load
        self._docs: dict[str, Document] = {root.path: root}
        self._splits: dict[tuple[str, str], tuple[str, Pointer]] = {}
        self._targets: dict[tuple[str, str], At] = {}
        # Values derived from this side's documents (normalised schema views), kept as long as the resolver.
        self.extra: dict[str, Any] = {}

    def deref(self, at: At) -> At:
        """Follow ``$ref`` until a value that is not a reference.

        Raises:
            SourceError: a remote or escaping reference, a missing target, or a
                chain of references that only points back at itself.
        """
        seen: list[tuple[str, Pointer]] = []
        while isinstance(at.value, dict) and isinstance(at.value.get("$ref"), str):
            key = (at.doc.path, at.pointer)
            if key in seen or len(seen) > MAX_CHAIN:
                self._fail(at, "circular $ref chain that never reaches a value", "point the $ref at a real schema")
            seen.append(key)
            at = self._target(at)
        return at

    def ref_key(self, at: At) -> tuple[str, Pointer] | None:
        """Where a reference points (file and pointer), used to compare shared components once."""
        ref = at.get("$ref")
        if not isinstance(ref, str):
            return None
        path, pointer = self._split(at, ref)
        return path, pointer

    def _target(self, at: At) -> At:
        # The same reference in the same file resolves to the same place: resolved once.
        key = (at.doc.path, at.value["$ref"])
        known = self._targets.get(key)
        if known is None:
            known = self._targets[key] = self._resolve(at)
        return known

    def _resolve(self, at: At) -> At:
        path, pointer = self._split(at, at.value["$ref"])
        doc = self._docs.get(path)
        if doc is None:
            loaded = self._load(path)
            if loaded is None:
                self._fail(at, f"$ref target file {path} does not exist at this revision", "fix the $ref path")
                raise AssertionError("unreachable")
            doc = self._docs[path] = loaded
        try:
            return At(doc, pointer, doc.at(pointer))
        except KeyError:
            self._fail(at, f"$ref {at.value['$ref']!r} does not resolve in {path}", "fix the $ref pointer")
        raise AssertionError("unreachable")

    def _split(self, at: At, ref: str) -> tuple[str, Pointer]:
        key = (at.doc.path, ref)
        known = self._splits.get(key)
        if known is None:
            known = self._splits[key] = self._split_new(at, ref)
        return known

    def _split_new(self, at: At, ref: str) -> tuple[str, Pointer]:
        if _SCHEME.match(ref) or ref.startswith("//"):
            self._fail(at, f"remote $ref {ref!r} refused", "vendor the referenced file into the repository")
        file_part, _, fragment = ref.partition("#")
        path = at.doc.path
        if file_part:
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(at.doc.path), unquote(file_part)))
            if joined.startswith("../") or joined == ".." or posixpath.isabs(file_part):
                self._fail(at, f"$ref {ref!r} points outside the repository", "keep referenced files in the repository")
            path = joined
        return path, _pointer(fragment)

    def _fail(self, at: At, message: str, hint: str) -> None:
        line = at.doc.line((*at.pointer, "$ref"))
        raise SourceError(f"{at.doc.path}:{line} ({self.side.value}): {message}", hint=hint)


def _pointer(fragment: str) -> Pointer:
    if not fragment or fragment == "/":
        return ()
    parts = unquote(fragment).lstrip("/").split("/")
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in parts)
