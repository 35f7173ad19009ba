"""The frozen rule: a frozen version's snapshot, and what it depends on, never changes.

``strict`` (the default) counts any semantic alteration of a snapshot file:
its parsed value differs, or a finding above non-breaking names it;
reformatting and key order do not count. ``no-breaking`` counts only breaking
findings, so additive changes pass. Breaking changes of the files listed in
``depends_on`` (error tables, contract constants) count in both modes.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from classifier.model import Change, Finding, Label, Location, Side
from classifier.policy.globs import match_any
from classifier.surfaces.versions.config import version_key
from classifier.surfaces.versions.layout import Layout
from classifier.sources import FilePair

SURFACE = "versions"
DATA_SUFFIXES = (".json", ".yaml", ".yml")
LISTED = 5


def frozen_changes(
    layout: Layout, pairs: Sequence[FilePair], findings: Sequence[Finding], max_bytes: int
) -> Iterator[Change]:
    """A change for each frozen snapshot file altered, each frozen version deleted, each dependency broken.

    ``max_bytes`` is the OpenAPI section's size limit, applied to the data files compared by value.
    """
    base, head = layout.files(Side.BASE), layout.files(Side.HEAD)
    for version in layout.api.frozen:
        if version not in base:
            continue  # frozen from now on: nothing to compare it with yet
        if version not in head:
            yield _deleted(layout, version, base[version][0])
            continue
        for pair in pairs:
            if layout.version_of(pair.base_path) == version or layout.version_of(pair.head_path) == version:
                yield from _altered(layout, version, pair, findings, max_bytes)
    yield from _dependencies(layout, [v for v in layout.api.frozen if v in base], pairs, findings)


def _deleted(layout: Layout, version: str, first_file: str) -> Change:
    folder = layout.api.folder(version)
    fields = {"version": version, "folder": folder}
    return Change(SURFACE, "frozen-deleted", version, Location(first_file, None, Side.BASE), fields)


def _altered(
    layout: Layout, version: str, pair: FilePair, findings: Sequence[Finding], max_bytes: int
) -> Iterator[Change]:
    mine = [f for f in findings if f.path in (pair.base_path, pair.head_path)]
    if layout.api.frozen_policy == "no-breaking":
        counted = [f for f in mine if f.label is Label.BREAKING]
        altered = bool(counted) or pair.head_path is None
    else:
        counted = mine
        altered = pair.head_path is None or pair.base_path is None or _semantic_change(layout, pair, mine, max_bytes)
    if altered:
        yield _frozen_change(layout, version, pair.path, counted, _status_detail(pair))


def _semantic_change(layout: Layout, pair: FilePair, findings: Sequence[Finding], max_bytes: int) -> bool:
    if pair.path.lower().endswith(DATA_SUFFIXES):
        return bool(_parsed(layout, pair, Side.BASE, max_bytes) != _parsed(layout, pair, Side.HEAD, max_bytes))
    return any(f.label is not Label.NON_BREAKING for f in findings)


def _parsed(layout: Layout, pair: FilePair, side: Side, max_bytes: int) -> Any:
    # The OpenAPI surface's loader: safe, and guarded against alias bombs and deep nesting.
    from classifier.surfaces.openapi.load import parse_document

    source, path = layout.source, str(pair.path_at(side))
    data = source.read(side, path) if pair.base_blob is None else source.read_blob(side, pair)
    return None if data is None else parse_document(data, path, side, max_bytes).data


def _status_detail(pair: FilePair) -> str:
    if pair.head_path is None:
        return "file deleted"
    if pair.base_path is None:
        return "file added"
    return "content changed"


def _dependencies(
    layout: Layout, versions: list[str], pairs: Sequence[FilePair], findings: Sequence[Finding]
) -> Iterator[Change]:
    globs = layout.api.depends_on
    if not versions or not globs:
        return
    for pair in pairs:
        if not any(path and match_any(path, globs) for path in (pair.base_path, pair.head_path)):
            continue
        broken = [f for f in findings if f.path in (pair.base_path, pair.head_path) and f.label is Label.BREAKING]
        if broken:
            yield _frozen_change(layout, ", ".join(versions), pair.path, broken, "")


def _frozen_change(layout: Layout, version: str, path: str, listed: Sequence[Finding], fallback: str) -> Change:
    detail = "; ".join(f"{f.rule} {f.message}" for f in listed[:LISTED])
    if len(listed) > LISTED:
        detail += f"; and {len(listed) - LISTED} more"
    first = listed[0].location if listed else Location(path, 1, Side.HEAD)
    fields = {
        "version": version,
        "policy": layout.api.frozen_policy,
        "detail": detail or fallback,
        "todo": what_to_do(layout, version.split(", ")[-1]),
    }
    return Change(SURFACE, "frozen-changed", f"{version}|{path}", first, fields)


def what_to_do(layout: Layout, version: str) -> str:
    """The exact steps that deliver a change of a frozen version instead."""
    api = layout.api
    folder = api.folder(version)
    known = sorted({*layout.files(Side.BASE), *layout.files(Side.HEAD), *api.frozen}, key=version_key)
    open_versions = [v for v in known if version_key(v) > version_key(version) and v not in api.frozen]
    if open_versions:
        return f"keep {folder} unchanged and make the change in {api.folder(open_versions[-1])}"
    number = max((version_key(v)[0] for v in known), default=0) + 1
    new = f"v{number}"
    tests = " or ".join(glob.replace("{version}", new) for glob in api.contract_tests)
    return (
        f"keep {folder} unchanged and deliver the change as {new}: add {api.folder(new)}, "
        f"add contract tests for {new} ({tests}), list {new} in {api.declaration}"
    )
