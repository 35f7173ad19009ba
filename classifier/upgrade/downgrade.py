"""``classify migrations downgrade-check``: the approved procedure for a database rollback.

The seed allows a database rollback "only by approved procedure with
proof-chain integrity verification", and never "blindly after cryptographic
schema-affecting changes". The procedure: every revision to undo, from the
current heads down to the target, is read statically (its ``downgrade()``;
nothing is imported) and the downgrade is refused when one of them drops or
rewrites data, touches an append-only or key-binding table, cannot be judged,
or is missing. Otherwise the plan names the exact ``alembic downgrade``
command, the tables it touches and the heads it leaves, and it binds an
outcomes baseline: preflight and postflight then run with the plan, and
postflight's verification compares the historical artifacts against that
baseline, so the proof chain is proven unchanged.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.guard.findings import GuardFinding
from classifier.model import Side
from classifier.sources.commit import CommitFiles
from classifier.surfaces.migrations.graph import RevisionGraph
from classifier.upgrade import database as db
from classifier.upgrade.catalogue import exit_status, finding
from classifier.upgrade.expand import RevisionJudgement, read_revision, safe_downgrade
from classifier.upgrade.records import UPGRADE_RECORD_VERSION, findings_block, now
from classifier.upgrade.revisions import migration_trees, read_graph

BASE = "base"


@dataclass(frozen=True, slots=True)
class Baseline:
    """The outcomes record taken before the downgrade, and how to compare against it.

    Attributes:
        path: The record file.
        record: Its content (schema-valid).
        search_path: Where the verifier is imported from when comparing.
    """

    path: Path
    record: dict[str, Any]
    search_path: Path



@dataclass(frozen=True, slots=True)
class DowngradeRequest:
    """What downgrade-check is asked.

    Attributes:
        to: The revision to downgrade to, or ``base``.
        repo: A folder inside the repository.
        baseline: The outcomes baseline of the release now running.
        database_url: The database whose heads count; ``None`` takes the heads of ``current``'s graph.
        current: The commit holding the revisions to undo (default ``HEAD``).
        tree: The ``versions`` folder; ``None`` reads ``alembic.ini``.
        version_table: Alembic's version table.
        history_tables: Append-only and key-binding tables (bare, lower case).
        dialect: The SQL dialect of raw SQL in the revisions.
    """

    to: str
    repo: Path
    baseline: Baseline
    database_url: str | None = None
    current: str = "HEAD"
    tree: str | None = None
    version_table: str = "alembic_version"
    history_tables: frozenset[str] = frozenset()
    dialect: str = "postgresql"


def verify_command(baseline: dict[str, Any]) -> str:
    """``classify outcomes compare`` against a plan's baseline, run with this Python (no ``classify`` on the PATH needed)."""
    return shlex.join(
        [
            sys.executable, "-m", "classifier", "outcomes", "compare",
            "--verifier", baseline["verifier"], "--corpus", baseline["corpus"],
            "--baseline", baseline["record"], "--path", baseline["path"],
        ]
    )  # fmt: skip


def _undo(graph: RevisionGraph, heads: frozenset[str], to: str) -> list[str]:
    """Revisions under ``heads`` and above ``to``, newest first (heads the graph lacks first of all)."""
    below: set[str] = set()
    for head in heads:
        below |= graph.ancestors(head) | {head}
    kept = set() if to == BASE else graph.ancestors(to)
    unknown = sorted(head for head in heads if head not in graph.parents)
    return unknown + [rev for rev in reversed(graph.order()) if rev in below and rev not in kept]


def _left(graph: RevisionGraph, heads: frozenset[str], undo: list[str]) -> list[str]:
    """The heads the database is at once ``undo`` is undone."""
    remaining: set[str] = set()
    for head in heads:
        remaining |= graph.ancestors(head)
    remaining -= set(undo)
    parents = {parent for rev in remaining for parent in graph.parent_ids(rev)}
    return sorted(rev for rev in remaining if rev not in parents)


def _target_problem(graph: RevisionGraph, heads: frozenset[str], to: str) -> str | None:
    if to != BASE and to not in graph.parents:
        return f"{to} is not a revision of the migrations"
    if to != BASE and not any(to in graph.ancestors(head) for head in heads if head in graph.parents):
        return f"{to} is not below the current heads {db.joined(heads)}"
    if heads == frozenset({to}):
        return f"the database is already at {to}: there is nothing to undo"
    return None


def _baseline_findings(baseline: Baseline) -> list[GuardFinding]:
    record = baseline.record
    why = None
    if record["status"] != "passed":
        failed = ", ".join(sorted({f["id"] for f in record["findings"]}))
        why = f"it did not pass ({failed})"
    elif not record["artifacts"]:
        why = "it records no artifact, so it proves nothing"
    if why is None:
        return []
    message = f"The outcomes baseline {baseline.path} cannot prove the proof chain unchanged: {why}."
    return [finding("upgrade.E047", "--baseline", str(baseline.path), message)]


def _alembic_command(files: CommitFiles, to: str) -> str:
    """The exact command, naming the ``alembic.ini`` when it is not at the repository root."""
    if files.read(Side.BASE, "alembic.ini") is not None:
        return f"alembic downgrade {to}"
    inis = [path for path in files.list_files(Side.BASE, "") if path.endswith("/alembic.ini")]
    return f"alembic -c {shlex.quote(inis[0])} downgrade {to}" if inis else f"alembic downgrade {to}"


def check_downgrade(request: DowngradeRequest) -> dict[str, Any]:
    """Judge the downgrade and return the plan record (``schemas/upgrade-record.schema.json``).

    Raises:
        GitError: The commit cannot be read.
    """
    files = CommitFiles(request.repo, request.current)
    try:
        graph = read_graph(files, migration_trees(files, request.tree))
        heads, where, findings = db.heads_to_work_from(
            request.database_url, request.version_table, frozenset(graph.heads()), request.current
        )
        judged: list[RevisionJudgement] = []
        undo: list[str] = []
        left: list[str] = []
        command = _alembic_command(files, request.to)
        if heads is not None:
            problem = _target_problem(graph, heads, request.to)
            if problem is not None:
                findings.append(finding("upgrade.E042", "--to", request.to, f"Cannot downgrade to {request.to}: {problem}."))
            else:
                undo = _undo(graph, heads, request.to)
                left = _left(graph, heads, undo)
                judged = [
                    safe_downgrade(rev, read_revision(files, graph, rev, request.dialect), request.history_tables)
                    for rev in undo
                ]
    finally:
        files.close()
    findings.extend(_revision_findings(judged))
    findings.extend(_baseline_findings(request.baseline))
    tables = sorted({table for item in judged for table in item.tables})
    return {
        "schema_version": UPGRADE_RECORD_VERSION,
        "kind": "downgrade-check",
        "created_at": now(),
        "to": request.to,
        "current": {"ref": request.current, "commit": files.sha, "heads": sorted(heads or ()), "source": where},
        "undo": [item.to_dict() for item in judged],
        "target_heads": left,
        "command": command,
        "tables": tables,
        "baseline": {
            "record": str(request.baseline.path),
            "verifier": request.baseline.record["verifier"],
            "corpus": request.baseline.record["corpus"],
            "path": str(request.baseline.search_path),
            "artifacts": len(request.baseline.record["artifacts"]),
        },
        **findings_block(findings, exit_status(findings)),
    }


def _revision_findings(judged: list[RevisionJudgement]) -> list[GuardFinding]:
    findings = []
    for item in judged:
        for check_id, why in item.problems:
            message = f"Revision {item.revision} ({item.path or 'no file'}): {why}."
            findings.append(finding(check_id, item.revision, item.path or "<missing>", message))
    return findings
