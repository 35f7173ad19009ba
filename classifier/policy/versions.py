"""The API versions policy: frozen snapshots, new versions, unfrozen betas, upgrade notes.

Runs after every surface has judged its files and before the decision, so it
sees all findings of the run. It adds ``versions`` findings (violations among
them) and lowers the severity of findings inside versions that are not frozen.
A run that touches no snapshot, no declaration and no dependency returns the
findings untouched without listing a single folder.
"""

from __future__ import annotations

from typing import Sequence

from classifier.model import Finding
from classifier.policy.config import Config
from classifier.policy.globs import match_any
from classifier.policy.versions_config import ApiConfig, parse_api_config
from classifier.policy.versions_frozen import frozen_changes
from classifier.policy.versions_layout import Layout
from classifier.policy.versions_new import new_version_changes, new_versions, relax_unfrozen
from classifier.policy.versions_upgrade import upgrade_changes
from classifier.sources import FilePair, Source


def apply_version_policy(
    findings: Sequence[Finding], pairs: Sequence[FilePair], source: Source, config: Config
) -> list[Finding]:
    """The run's findings after the versions policy, with its own findings appended.

    Args:
        findings: every finding the surfaces produced.
        pairs: the changed files compared in this run.
        source: both revisions, for the snapshot folders and the declaration.
        config: the configuration; its ``api`` table drives the policy.
    """
    from classifier.rules import judge

    api = parse_api_config(config.table, config.origin)
    layout = Layout(api, source)
    if not any(_relevant(layout, path) for pair in pairs for path in (pair.base_path, pair.head_path)):
        return list(findings)
    kept, changes = relax_unfrozen(layout, list(findings))
    from classifier.surfaces.openapi.config import parse_openapi_config

    changes.extend(frozen_changes(layout, pairs, kept, parse_openapi_config(config.table).max_bytes))
    broken = sorted({c.fields["version"] for c in changes if c.kind in ("frozen-changed", "frozen-deleted")})
    for version in new_versions(layout):
        changes.extend(new_version_changes(layout, version, broken))
        changes.extend(upgrade_changes(layout, version, config))
    return [*kept, *judge("versions", changes)]


def _relevant(layout: Layout, path: str | None) -> bool:
    if path is None:
        return False
    api: ApiConfig = layout.api
    return (
        layout.version_of(path) is not None
        or path == api.supported_versions_file
        or bool(api.depends_on and match_any(path, api.depends_on))
    )


