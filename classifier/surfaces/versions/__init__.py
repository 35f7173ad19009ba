"""The API versions surface: frozen snapshots, new versions, unfrozen versions, upgrade notes.

Unlike the other surfaces it claims no file of its own: it reads the snapshot
folders and the versions declaration at both revisions, and the findings the
other surfaces made of them, so it runs after them (``check.py``). It emits
``versions`` facts like any surface, and names the findings that lie inside a
version that existed before and is not frozen; whether those block is the
policy's decision (``policy.decide.relax_unfrozen``). A run that touches no
snapshot, no declaration and no dependency returns no fact without listing a
single folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from classifier.model import Change, Finding
from classifier.policy.config import Config
from classifier.policy.globs import match_any
from classifier.sources import FilePair, Source
from classifier.surfaces.versions.config import ApiConfig, parse_api_config
from classifier.surfaces.versions.frozen import frozen_changes
from classifier.surfaces.versions.layout import Layout
from classifier.surfaces.versions.new import new_version_changes, new_versions, unfrozen_changes
from classifier.surfaces.versions.upgrade import upgrade_changes


@dataclass(frozen=True, slots=True)
class VersionFacts:
    """What the versions surface found: its changes, and the findings inside unfrozen versions."""

    changes: list[Change] = field(default_factory=list)
    unfrozen_paths: frozenset[str] = frozenset()  # paths of findings inside an unfrozen version that existed before


def compare_versions(
    findings: Sequence[Finding], pairs: Sequence[FilePair], source: Source, config: Config
) -> VersionFacts:
    """The versions facts of this run.

    Args:
        findings: every finding the other surfaces produced.
        pairs: the changed files compared in this run.
        source: both revisions, for the snapshot folders and the declaration.
        config: the configuration; its ``api`` table describes the versions.
    """
    api = parse_api_config(config.table, config.origin)
    layout = Layout(api, source)
    if not any(_relevant(layout, path) for pair in pairs for path in (pair.base_path, pair.head_path)):
        return VersionFacts()
    unfrozen, changes = unfrozen_changes(layout, findings)
    from classifier.surfaces.openapi.config import parse_openapi_config

    changes.extend(frozen_changes(layout, pairs, findings, parse_openapi_config(config.table).max_bytes))
    broken = sorted({c.fields["version"] for c in changes if c.kind in ("frozen-changed", "frozen-deleted")})
    for version in new_versions(layout):
        changes.extend(new_version_changes(layout, version, broken))
        changes.extend(upgrade_changes(layout, version, config))
    return VersionFacts(changes, frozenset(finding.path for finding in unfrozen))


def _relevant(layout: Layout, path: str | None) -> bool:
    if path is None:
        return False
    api: ApiConfig = layout.api
    return (
        layout.version_of(path) is not None
        or path == api.supported_versions_file
        or bool(api.depends_on and match_any(path, api.depends_on))
    )
