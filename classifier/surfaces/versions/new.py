"""The new-version requirement, and versions that are not frozen.

A version is new when its snapshot folder or its entry in the supported
versions declaration appears in this change. It counts as properly introduced
only when all four pieces hold: the folder exists, the declaration lists it, a
contract test covers it, and every frozen snapshot is unchanged. Each missing
piece is reported on its own so the fix can be read off the report.
"""

from __future__ import annotations

from typing import Iterator, Sequence

from classifier.model import Change, Finding, Location, Side
from classifier.surfaces.versions.config import version_key
from classifier.surfaces.versions.layout import Layout

SURFACE = "versions"


def new_versions(layout: Layout) -> list[str]:
    """Versions whose folder or declaration appears at head and not at base."""
    base, head = layout.files(Side.BASE), layout.files(Side.HEAD)
    added = {v for v in head if v not in base}
    if layout.api.supported_versions_file is not None:
        added |= set(layout.declared(Side.HEAD)) - set(layout.declared(Side.BASE)) - set(base)
    return sorted(added, key=version_key)


def new_version_changes(layout: Layout, version: str, frozen_changed: Sequence[str]) -> Iterator[Change]:
    """One change per missing piece of ``version``, or one ``version-added`` when none is missing."""
    api = layout.api
    folder = api.folder(version)
    head = layout.files(Side.HEAD)
    where = head[version][0] if version in head else (api.supported_versions_file or folder)
    missing: list[tuple[str, str, str]] = []
    if version not in head:
        missing.append(("snapshot", f"{folder} does not exist", f"write it with `classify snapshot --version {version}`"))
    if version not in layout.declared(Side.HEAD):
        missing.append(("declaration", f"not listed in {api.declaration}", f"add {version} to it"))
    tests = layout.contract_tests(version)
    if not tests:
        globs = " or ".join(g.replace("{version}", version) for g in api.contract_tests)
        missing.append(("tests", f"no contract test ({globs}, or a test naming {folder.rstrip('/')})",
                        f"add one that asserts the app's {version} OpenAPI equals {folder}"))
    if frozen_changed:
        missing.append(("frozen", f"frozen {', '.join(frozen_changed)} changed in the same change",
                        "keep every frozen snapshot unchanged"))
    location = Location(where, None, Side.HEAD)
    for piece, what, fix in missing:
        fields = {"version": version, "missing": what, "fix": fix}
        yield Change(SURFACE, "new-version-incomplete", f"{version}|{piece}", location, fields)
    if not missing:
        fields = {"version": version, "folder": folder, "tests": ", ".join(tests), "declaration": api.declaration}
        yield Change(SURFACE, "version-added", version, location, fields)


def unfrozen_changes(layout: Layout, findings: Sequence[Finding]) -> tuple[list[Finding], list[Change]]:
    """The findings inside versions that existed before and are not frozen, and one info change per version.

    The policy lets such findings no longer block (a beta may change); they
    keep their label, so a breaking change of a beta is still called breaking.
    """
    base = layout.files(Side.BASE)
    counts: dict[str, list[Finding]] = {}
    for finding in findings:
        version = layout.version_of(finding.path)
        if version is None or version in layout.api.frozen or version not in base:
            continue
        counts.setdefault(version, []).append(finding)
    changes = [
        Change(SURFACE, "unfrozen-changed", version, mine[0].location,
               {"version": version, "count": len(mine), "label": max((f.label for f in mine), key=lambda lab: lab.rank).value})
        for version, mine in counts.items()
    ]
    return [finding for mine in counts.values() for finding in mine], changes
