"""``classify migrations rollback-check``: may the app be rolled back to REF?

The seed's rollback rule: an app rollback uses an artifact compatible with
the current database head, and otherwise one rolls forward. The old app is
compatible when its migration graph ends exactly at the database's heads
(its startup guard would accept them). When the database sits on revisions
the old graph has never seen, those revisions are named and a corrective
roll-forward migration is recommended; when the old graph knows the heads
but ends elsewhere, its guard would refuse to start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.guard.findings import GuardFinding
from classifier.surfaces.migrations.graph import RevisionGraph
from classifier.upgrade import database as db
from classifier.upgrade.catalogue import exit_status, finding
from classifier.upgrade.records import UPGRADE_RECORD_VERSION, findings_block, now
from classifier.upgrade.revisions import CommitFiles, migration_trees, read_graph


@dataclass(frozen=True, slots=True)
class RollbackRequest:
    """What rollback-check is asked.

    Attributes:
        to: The app revision to roll back to.
        repo: A folder inside the repository.
        database_url: The database whose heads count; ``None`` takes the heads
            of the current commit's graph.
        current: The current app revision (default ``HEAD``).
        tree: The ``versions`` folder; ``None`` reads ``alembic.ini``.
    """

    to: str
    repo: Path
    database_url: str | None = None
    current: str = "HEAD"
    tree: str | None = None
    version_table: str = "alembic_version"


def _graph_at(repo: Path, ref: str, tree: str | None) -> tuple[RevisionGraph, str]:
    files = CommitFiles(repo, ref)
    try:
        return read_graph(files, migration_trees(files, tree)), files.sha
    finally:
        files.close()


def _current_heads(
    request: RollbackRequest, current_graph: RevisionGraph
) -> tuple[frozenset[str], str, list[GuardFinding]]:
    if request.database_url is None:
        return frozenset(current_graph.heads()), f"the migrations of {request.current}", []
    engine = db.open_engine(request.database_url)
    try:
        state = db.database_heads(engine, request.version_table)
    finally:
        engine.dispose()
    if not state.reachable:
        return frozenset(), "the database", [db.unreachable("upgrade.E002", engine, state)]
    return state.heads, "the database", []


def never_seen(heads: frozenset[str], old: RevisionGraph, current: RevisionGraph) -> list[str]:
    """Revisions under ``heads`` (in the current graph) that the old graph lacks, oldest first."""
    below: set[str] = set(heads)
    for head in heads:
        below |= current.ancestors(head)
    ordered = [rev for rev in current.order() if rev in below]
    ordered += sorted(rev for rev in below if rev not in current.parents)  # heads the current code does not know either
    return [rev for rev in ordered if rev not in old.parents]


def check_rollback(request: RollbackRequest) -> dict[str, Any]:
    """Judge the rollback and return the record.

    Raises:
        GitError: A revision cannot be read.
    """
    old, old_sha = _graph_at(request.repo, request.to, request.tree)
    current, current_sha = _graph_at(request.repo, request.current, request.tree)
    heads, where, findings = _current_heads(request, current)
    unseen = never_seen(heads, old, current) if heads else []
    if unseen:
        message = (
            f"{request.to} has never seen {', '.join(unseen)} (at {where}: {db.joined(heads)}); "
            "its code would run against a schema it does not know."
        )
        findings.append(finding("upgrade.E040", request.to, ",".join(unseen), message))
    elif heads and heads != frozenset(old.heads()):
        message = f"{request.to} ends at {db.joined(frozenset(old.heads()))}, but {where} is at {db.joined(heads)}; its startup guard would refuse."
        findings.append(finding("upgrade.E041", request.to, db.joined(frozenset(old.heads())), message))
    return {
        "schema_version": UPGRADE_RECORD_VERSION,
        "kind": "rollback-check",
        "created_at": now(),
        "to": {"ref": request.to, "commit": old_sha, "heads": sorted(old.heads())},
        "current": {"ref": request.current, "commit": current_sha, "heads": sorted(heads), "source": where},
        "never_seen": unseen,
        "recommendation": _recommendation(findings, request.to),
        **findings_block(findings, exit_status(findings)),
    }


def _recommendation(findings: list[GuardFinding], to: str) -> str:
    ids = {f.id for f in findings}
    if "upgrade.E040" in ids:
        return "roll forward: write a corrective migration on top of the current head; do not roll the app back"
    if "upgrade.E041" in ids:
        return "pick the release whose migrations end at the current head"
    if ids:
        return "unknown: the current heads could not be read"
    return f"{to} is compatible with the current head: redeploy it with EXPECTED_ALEMBIC_HEAD unchanged"
