"""Snapshot drift: what the running app serves against each version's committed snapshot.

``classify`` compares committed files, so code that changes what a version
serves without touching its snapshot passes every comparison. This is the
other half: the document the app serves for a version (``ServedDocuments``
imports the user's current code, on purpose, and only here) is compared with
the committed snapshot by the OpenAPI surface's own differ, the snapshot
playing the base revision and the app the head. A drift therefore reads like
a pull request's findings, and a document that differs only in key order or
whitespace is no drift. One versions fact per drifted version names the
version and the fix: a frozen version's drift is a violation (VER201), any
other version's a snapshot out of date (VER202).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, Sequence

from classifier.model import Change, Finding, Location, Report, Revision, Side, Violation
from classifier.policy.config import Config
from classifier.policy.decide import decide, relax_unfrozen
from classifier.rules import judge
from classifier.sources import FilePair
from classifier.sources.directory import DirectorySource
from classifier.surfaces.versions.config import ApiConfig, parse_api_config, version_key
from classifier.surfaces.versions.layout import Layout

SURFACE = "versions"
LISTED = 5  # differences named in a version's message; the findings list every one
VALUES_ONLY = "the documents differ only in values no OpenAPI rule compares (descriptions, titles, examples …)"


class Served(Protocol):
    """Where the served documents come from: the app, or files standing in for it."""

    def served(self, version: str) -> Any:
        """The OpenAPI document served for ``version``."""
        ...

    def described(self) -> Revision:
        """What serves the documents, as the report names the head side."""
        ...


@dataclass(frozen=True, slots=True)
class VersionDrift:
    """The differences of one version: the OpenAPI findings and the versions fact (None: no drift)."""

    findings: list[Finding]
    fact: Change | None


class CommittedAgainstServed:
    """A ``Source`` whose base is the project's files and whose head serves one document in place of a snapshot.

    Every other path reads the project's files on both sides, so a ``$ref`` from
    the snapshot to a file beside it resolves the same way at both.
    """

    def __init__(self, files: DirectorySource, snapshot: str, served: bytes, head: Revision) -> None:
        self.files = files
        self.snapshot = snapshot
        self.document = served
        self.base: Revision = files.base
        self.head: Revision = head

    def changed_files(self) -> list[FilePair]:
        return []

    def read(self, side: Side, path: str) -> bytes | None:
        if side is Side.HEAD and path == self.snapshot:
            return self.document
        return self.files.read(Side.BASE, path)

    def read_blob(self, side: Side, pair: FilePair) -> bytes | None:
        path = pair.path_at(side)
        return None if path is None else self.read(side, path)

    def list_files(self, side: Side, under: str) -> list[str]:
        return self.files.list_files(Side.BASE, under)

    def file_mode(self, side: Side, path: str) -> str | None:
        return self.files.file_mode(Side.BASE, path)

    def close(self) -> None:
        """Nothing to release: the folder is read directly."""


def snapshot_drift(root: Path, config: Config, documents: Served, versions: Sequence[str]) -> Report:
    """Compare what ``documents`` serves for each of ``versions`` with its snapshot under ``root``.

    Args:
        root: the project folder (its working tree, where the snapshots are).
        config: the project's configuration: its ``api`` section, its OpenAPI
            settings, and the policy (``fail_on``, severities, waivers).
        documents: the served documents, one per version.
        versions: the versions to check.

    Raises:
        SourceError: a snapshot or a served document is not a readable OpenAPI document.
    """
    api = parse_api_config(config.table, config.origin)
    files = DirectorySource(root, root)
    base = Revision(api.snapshots.split("{version}", 1)[0].rstrip("/") or ".", None,
                    f"the snapshot files of {', '.join(versions)}")
    head = documents.described()
    judged: list[Finding] = []
    facts: list[Change] = []
    stale: set[str] = set()
    for version in versions:
        drift = version_drift(config, api, files, head, version, documents.served(version))
        judged.extend(drift.findings)
        if drift.fact is not None:
            facts.append(drift.fact)
            if version not in api.frozen:
                stale.add(drift.fact.location.path)
    # Like a pull request's: a version that is not frozen reports its differences without blocking on them.
    findings = [*relax_unfrozen(judged, frozenset(stale)), *judge(SURFACE, facts)]
    decision = decide(findings, config)
    return Report(
        base=base,
        head=head,
        findings=tuple(sorted(decision.findings, key=_order)),
        violations=tuple(sorted(decision.violations, key=_order)),
        fail_on=config.fail_on,
        files_compared=len(versions),
        suppressed=tuple(sorted(decision.suppressed, key=lambda s: _order(s.item))),
    )


def served_differences(root: Path, config: Config, version: str, served: Any) -> list[Finding]:
    """The OpenAPI findings between the snapshot of ``version`` under ``root`` and the ``served`` document."""
    api = parse_api_config(config.table, config.origin)
    head = Revision("the app", None, "what the app serves")
    return version_drift(config, api, DirectorySource(root, root), head, version, served).findings


def version_drift(
    config: Config, api: ApiConfig, files: DirectorySource, head: Revision, version: str, served: Any
) -> VersionDrift:
    """The structural differences between the snapshot of ``version`` and the ``served`` document."""
    from classifier.surfaces.versions.app import canonical

    snapshot = snapshot_path(files, api, version)
    served_bytes = canonical(served).encode("utf-8")
    findings = _differences(config, CommittedAgainstServed(files, snapshot, served_bytes, head), snapshot)
    if files.read(Side.BASE, snapshot) is None:
        detail = "the file does not exist, the app serves the version"
    elif findings:
        detail = _listed(findings)
    elif _values_differ(config, files, snapshot, served_bytes):
        detail = VALUES_ONLY
    else:
        return VersionDrift([], None)
    return VersionDrift(findings, _fact(Layout(api, files), version, snapshot, detail))


def snapshot_path(files: DirectorySource, api: ApiConfig, version: str) -> str:
    """The version's OpenAPI snapshot, relative to the project: the one in its folder, else ``openapi.json`` there."""
    from classifier.surfaces.openapi import SPEC_NAMES

    folder = api.folder(version)
    return next((folder + name for name in SPEC_NAMES if files.read(Side.BASE, folder + name) is not None),
                folder + "openapi.json")


def _differences(config: Config, source: CommittedAgainstServed, snapshot: str) -> list[Finding]:
    from classifier.surfaces.openapi import OpenAPISurface

    surface = OpenAPISurface(config)
    surface.config = replace(surface.config, paths=(snapshot,))
    status = "modified" if source.read(Side.BASE, snapshot) is not None else "added"
    pair = FilePair(status, snapshot if status == "modified" else None, snapshot)
    return [_on_the_snapshot(finding) for finding in judge(surface.name, surface.compare([pair], source))]


def _on_the_snapshot(finding: Finding) -> Finding:
    # A line of the served document is a line of no file: only the committed snapshot's lines can be shown.
    if finding.location.side is Side.HEAD and finding.line is not None:
        return replace(finding, location=replace(finding.location, line=None))
    return finding


def _values_differ(config: Config, files: DirectorySource, snapshot: str, served: bytes) -> bool:
    # The OpenAPI surface's own loader on both sides: YAML read the same safe way, and the same size limit.
    from classifier.surfaces.openapi.config import parse_openapi_config
    from classifier.surfaces.openapi.load import parse_document

    limit = parse_openapi_config(config.table).max_bytes
    committed = parse_document(files.read(Side.BASE, snapshot) or b"", snapshot, Side.BASE, limit)
    return bool(committed.data != parse_document(served, "served.json", Side.HEAD, limit).data)


def _listed(findings: Sequence[Finding]) -> str:
    shown = "; ".join(f"{finding.rule} {finding.message}" for finding in findings[:LISTED])
    more = f"; and {len(findings) - LISTED} more" if len(findings) > LISTED else ""
    return shown + more


def _fact(layout: Layout, version: str, snapshot: str, detail: str) -> Change:
    location = Location(snapshot, None, Side.HEAD)  # the committed file, as it stands in the work tree
    fields = {"version": version, "snapshot": snapshot, "detail": detail}
    if version in layout.api.frozen:
        return Change(SURFACE, "frozen-drift", version, location, {**fields, "fix": frozen_fix(layout, version, snapshot)})
    fix = f"write it with classify snapshot --version {version} and commit it"
    return Change(SURFACE, "snapshot-drift", version, location, {**fields, "fix": fix})


def frozen_fix(layout: Layout, version: str, snapshot: str) -> str:
    """What to do when code changed a frozen version: restore it, and ship the change in a version that may change."""
    api = layout.api
    restore = f"{version} never changes: change its code back until the app serves {snapshot} again"
    known = sorted({*layout.files(Side.HEAD), *api.frozen}, key=version_key)
    open_versions = [v for v in known if version_key(v) > version_key(version) and v not in api.frozen]
    if open_versions:
        target = open_versions[-1]
        return f"{restore}, and make the change in {target} (then classify snapshot --version {target})"
    new = f"v{max((version_key(v)[0] for v in known), default=0) + 1}"
    tests = " or ".join(glob.replace("{version}", new) for glob in api.contract_tests)
    return (
        f"{restore}, and deliver the change as a new version {new}: serve it from the app, write its snapshot "
        f"with classify snapshot --version {new}, add contract tests for it ({tests}), list it in {api.declaration}"
    )


def _order(item: Finding | Violation) -> tuple[str, str, int, str, str]:
    return (item.surface, item.path, item.line or 0, item.rule, item.subject)
