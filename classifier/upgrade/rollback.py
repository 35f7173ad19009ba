"""``classify migrations rollback-check``: may the app be rolled back to REF?

The seed's rollback rule: an app rollback uses an artifact compatible with
the current database head, and otherwise one rolls forward. The old app is
compatible when its migration graph ends exactly at the database's heads, or
when every revision the database holds beyond them is expand-only (new
tables, nullable or defaulted columns, indexes), read statically from the
current commit: then the old release runs on the newer schema, and its guard
accepts it through the additive window file written here (never by default).
When a revision in between is anything else, or the database sits on
revisions no release knows, those revisions are named and a corrective
roll-forward migration is recommended; when the old graph knows the heads but
ends elsewhere, its guard would refuse to start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.guard.findings import GuardFinding
from classifier.guard.window import WINDOW_ENV, accepts, window_document
from classifier.sources.commit import CommitFiles
from classifier.surfaces.migrations.graph import RevisionGraph
from classifier.upgrade import database as db
from classifier.upgrade.catalogue import exit_status, finding
from classifier.upgrade.expand import RevisionJudgement, expand_only, read_revision
from classifier.upgrade.records import UPGRADE_RECORD_VERSION, findings_block, now
from classifier.upgrade.revisions import migration_trees, read_graph

EXACT, ADDITIVE, INCOMPATIBLE, UNKNOWN = "exact", "additive-window", "incompatible", "unknown"


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
        version_table: Alembic's version table.
        dialect: The SQL dialect of raw SQL in the revisions.
    """

    to: str
    repo: Path
    database_url: str | None = None
    current: str = "HEAD"
    tree: str | None = None
    version_table: str = "alembic_version"
    dialect: str = "postgresql"


@dataclass(frozen=True, slots=True)
class _Side:
    """One commit's migration graph."""

    ref: str
    sha: str
    graph: RevisionGraph


def _graph_at(repo: Path, ref: str, tree: str | None) -> _Side:
    files = CommitFiles(repo, ref)
    try:
        return _Side(ref, files.sha, read_graph(files, migration_trees(files, tree)))
    finally:
        files.close()


def never_seen(heads: frozenset[str], old: RevisionGraph, current: RevisionGraph) -> list[str]:
    """Revisions under ``heads`` (in the current graph) that the old graph lacks, oldest first."""
    below: set[str] = set(heads)
    for head in heads:
        below |= current.ancestors(head)
    ordered = [rev for rev in current.order() if rev in below]
    ordered += sorted(rev for rev in below if rev not in current.parents)  # heads the current code does not know either
    return [rev for rev in ordered if rev not in old.parents]


def _judge_window(request: RollbackRequest, current: _Side, unseen: list[str]) -> list[RevisionJudgement]:
    """Each revision of the window read statically from the current commit, oldest first."""
    files = CommitFiles(request.repo, current.sha)
    try:
        created: set[str] = set()
        judged = []
        for revision in unseen:
            migration = read_revision(files, current.graph, revision, request.dialect)
            judged.append(expand_only(revision, migration, request.dialect, created))
        return judged
    finally:
        files.close()


def _window_findings(
    request: RollbackRequest, heads: frozenset[str], old: _Side, current: _Side, judged: list[RevisionJudgement], where: str
) -> list[GuardFinding]:
    failing = [item for item in judged if item.problems]
    if failing:
        reasons = "; ".join(f"{item.revision}: {', '.join(why for _, why in item.problems)}" for item in failing)
        message = (
            f"{request.to} has never seen {', '.join(item.revision for item in judged)} (at {where}: {db.joined(heads)}), "
            f"and not all of them are expand-only: {reasons}."
        )
        return [finding("upgrade.E040", request.to, ",".join(item.revision for item in failing), message)]
    below: set[str] = set()
    for head in heads:
        below |= current.graph.ancestors(head)
    old_heads = frozenset(old.graph.heads())
    stray = sorted(old_heads - below)
    if stray:
        message = (
            f"{request.to} ends at {db.joined(old_heads)}, which {where} ({db.joined(heads)}) does not build on; "
            "its startup guard would refuse."
        )
        return [finding("upgrade.E041", request.to, ",".join(stray), message)]
    return []


def check_rollback(request: RollbackRequest) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Judge the rollback; the record, and the additive window when REF fits through one.

    Raises:
        GitError: A revision cannot be read.
    """
    old = _graph_at(request.repo, request.to, request.tree)
    current = _graph_at(request.repo, request.current, request.tree)
    heads, where, findings = db.heads_to_work_from(
        request.database_url, request.version_table, frozenset(current.graph.heads()), request.current
    )
    unseen = never_seen(heads, old.graph, current.graph) if heads else []
    judged = _judge_window(request, current, unseen) if unseen else []
    old_heads = frozenset(old.graph.heads())
    window = None
    if heads is None:
        compatibility = UNKNOWN
    elif unseen:
        findings.extend(_window_findings(request, heads, old, current, judged, where))
        compatibility = INCOMPATIBLE if findings else ADDITIVE
    elif heads != old_heads:
        message = f"{request.to} ends at {db.joined(old_heads)}, but {where} is at {db.joined(heads)}; its startup guard would refuse."
        findings.append(finding("upgrade.E041", request.to, db.joined(old_heads), message))
        compatibility = INCOMPATIBLE
    else:
        compatibility = EXACT
    if compatibility == ADDITIVE and heads is not None:
        window = _window(current, old_heads, heads, judged)
    record = {
        "schema_version": UPGRADE_RECORD_VERSION,
        "kind": "rollback-check",
        "created_at": now(),
        "to": {"ref": request.to, "commit": old.sha, "heads": sorted(old_heads)},
        "current": {"ref": request.current, "commit": current.sha, "heads": sorted(heads or ()), "source": where},
        "never_seen": unseen,
        "compatibility": compatibility,
        "window": [item.to_dict() for item in judged],
        "recommendation": _recommendation(compatibility, findings, request.to, unseen),
        **findings_block(findings, exit_status(findings)),
    }
    return record, window


def _window(current: _Side, base: frozenset[str], heads: frozenset[str], judged: list[RevisionJudgement]) -> dict[str, Any]:
    document = window_document(
        {"ref": current.ref, "commit": current.sha},
        base,
        heads,
        [
            {
                "revision": item.revision,
                "down_revisions": current.graph.parent_ids(item.revision),
                "operations": item.operations,
            }
            for item in judged
        ],
        now(),
    )
    # The window is written only if the rule the older release's guard applies accepts it.
    assert accepts(document, base, heads) is None, "a window rollback-check declares must be one the guard accepts"
    return document


def _recommendation(compatibility: str, findings: list[GuardFinding], to: str, unseen: list[str]) -> str:
    ids = {f.id for f in findings}
    if compatibility == EXACT:
        return f"{to} is compatible with the current head: redeploy it with EXPECTED_ALEMBIC_HEAD unchanged"
    if compatibility == ADDITIVE:
        return (
            f"{to} is compatible: the database is ahead of it only by expand-only revisions ({', '.join(unseen)}); "
            f"redeploy it with {WINDOW_ENV} naming the window file (--write-window) and EXPECTED_ALEMBIC_HEAD unchanged"
        )
    if "upgrade.E040" in ids:
        return "roll forward: write a corrective migration on top of the current head; do not roll the app back"
    if "upgrade.E041" in ids:
        return "pick the release whose migrations end at the current head"
    return "unknown: the current heads could not be read"
