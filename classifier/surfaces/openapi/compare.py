"""Drive one run: which specs to compare, and the whole-file facts around them."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from classifier.errors import SourceError
from classifier.model import Change, Location, Side
from classifier.sources import FilePair, Source
from classifier.surfaces.openapi.diff_ops import diff_spec
from classifier.surfaces.openapi.document import Document
from classifier.surfaces.openapi.load import parse_document
from classifier.surfaces.openapi.refs import Resolver
from classifier.surfaces.openapi.walk import SURFACE, Walk

if TYPE_CHECKING:
    from classifier.surfaces.openapi import OpenAPISurface

# The status of a spec compared only because a file it may reference changed.
SPEC_OF_COMPANION = "unchanged"


def compare_pairs(surface: OpenAPISurface, pairs: Sequence[FilePair], source: Source) -> Iterator[Change]:
    """Compare every spec touched by ``pairs``: changed specs, and specs whose referenced files changed."""
    specs = [pair for pair in pairs if surface.is_spec(pair.head_path) or surface.is_spec(pair.base_path)]
    companions = [pair for pair in pairs if pair not in specs]
    spec_paths = {pair.path for pair in specs}
    for pair in companions:
        for candidate in pair_candidates(surface, pair):
            if candidate not in spec_paths and _exists(source, candidate):
                specs.append(FilePair(SPEC_OF_COMPANION, candidate, candidate))
                spec_paths.add(candidate)
    loaded: set[tuple[Side, str]] = set()
    located: set[str] = set()
    for pair in specs:
        comparison = SpecComparison(surface, source, pair, loaded)
        for change in _without_gc(comparison.run()):
            located.add(change.location.path)
            yield change
        if comparison.not_openapi:
            surface.declined.append(pair)  # JSON or YAML, but no OpenAPI document: not this surface's to judge
    for pair in companions:
        if not any((side, path) in loaded for side in Side for path in (pair.base_path, pair.head_path)):
            surface.declined.append(pair)  # beside a spec, but neither a spec nor referenced by one
        elif pair.path not in located:
            yield _file_change(pair, "no-contract-change", "changed without any contract change")


def _without_gc(changes: Iterator[Change]) -> Iterator[Change]:
    # A parsed spec is millions of small objects and none of them forms a cycle:
    # the cyclic collector's passes over them would only add time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        found = list(changes)
    finally:
        if enabled:
            gc.enable()
    yield from found


def pair_candidates(surface: OpenAPISurface, pair: FilePair) -> list[str]:
    return [c for path in {pair.base_path, pair.head_path} if path for c in surface.spec_candidates(path)]


def _exists(source: Source, path: str) -> bool:
    return source.read(Side.BASE, path) is not None or source.read(Side.HEAD, path) is not None


def _file_change(pair: FilePair, kind: str, what: str, **fields: object) -> Change:
    side = Side.BASE if pair.head_path is None else Side.HEAD
    location = Location(pair.path, 1, side)
    values = {"where": pair.path, "what": what, "direction": "none", "contracts": (), **fields}
    return Change(SURFACE, kind, f"file|{kind}", location, values)


class SpecComparison:
    """One spec path compared across the two sides."""

    def __init__(self, surface: OpenAPISurface, source: Source, pair: FilePair, loaded: set[tuple[Side, str]]) -> None:
        self.config = surface.config
        self.source = source
        self.pair = pair
        self.loaded = loaded
        self.not_openapi = False

    def run(self) -> Iterator[Change]:
        base = self._root(Side.BASE)
        head = self._root(Side.HEAD)
        if self.pair.status == SPEC_OF_COMPANION and (base is None or head is None):
            return  # an unchanged file that is not a spec at both sides: nothing of its own to report
        if base is None and head is None:
            self.not_openapi = True
            return
        if base is None or head is None:
            kind = "spec-added" if base is None else "spec-removed"
            yield _file_change(self.pair, kind, f"OpenAPI document {'added' if base is None else 'removed'}")
            return
        walk = Walk(self.config, self._resolver(Side.BASE, base), self._resolver(Side.HEAD, head))
        try:
            diff_spec(walk)
        except (TypeError, AttributeError, ValueError) as exc:
            # A value of the wrong kind where the specification requires another
            # (`required: yes`, `properties: []`...): say so instead of guessing.
            raise SourceError(
                f"{self.pair.path}: not a well-formed OpenAPI document ({type(exc).__name__}: {exc})",
                hint="validate both revisions with an OpenAPI validator (e.g. `openapi-spec-validator`)",
            ) from None
        if walk.changes:
            yield from walk.findings()
        elif self.pair.status != SPEC_OF_COMPANION and self.pair.base_blob != self.pair.head_blob:
            yield _file_change(self.pair, "no-contract-change", "changed without any contract change")

    def _root(self, side: Side) -> Document | None:
        path = self.pair.path_at(side)
        if path is None:
            return None
        data = self.source.read(side, path) if self.pair.base_blob is None else self.source.read_blob(side, self.pair)
        if data is None:
            return None
        document = parse_document(data, path, side, self.config.max_bytes, self.config.cache_dir)
        self.loaded.add((side, path))
        return document if check_version(document, side) else None

    def _resolver(self, side: Side, root: Document) -> Resolver:
        def load(path: str) -> Document | None:
            data = self.source.read(side, path)
            if data is None:
                return None
            self.loaded.add((side, path))
            return parse_document(data, path, side, self.config.max_bytes, self.config.cache_dir)

        return Resolver(side, root, load)


def check_version(document: Document, side: Side) -> bool:
    """True for OpenAPI 3.x; False for a file that is not OpenAPI at all.

    Raises:
        SourceError: a Swagger 2.0 document, or an OpenAPI version other than 3.x.
    """
    data = document.data
    if not isinstance(data, dict):
        return False
    if "swagger" in data:
        raise SourceError(
            f"{document.path}:{document.line(('swagger',))} ({side.value}): Swagger {data['swagger']} is not supported",
            hint="convert the spec to OpenAPI 3 (e.g. with swagger2openapi) or exclude it",
        )
    version = data.get("openapi")
    if version is None:
        return False
    if not str(version).startswith("3."):
        raise SourceError(
            f"{document.path}:{document.line(('openapi',))} ({side.value}): OpenAPI {version} is not supported",
            hint="only OpenAPI 3.0 and 3.1 documents are compared",
        )
    return True
