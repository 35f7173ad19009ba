"""``classify migrations preflight``: the seed's pre-migration checks, as one record.

Confirms the target ``code_sha``, reads ``alembic current`` (the database) and
``alembic heads`` (the target scripts), checks the backup restore point and
digests the append-only tables. Every check runs, every failure is named; a
required check that was not given fails as not verified unless waived. The
record is what ``postflight`` later compares against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.guard.findings import GuardFinding
from classifier.upgrade import database as db
from classifier.upgrade.backup import RestorePoint, restore_target
from classifier.upgrade.catalogue import exit_status, finding
from classifier.upgrade.digests import TableDigest, capture
from classifier.upgrade.identity import confirm_code_sha
from classifier.upgrade.records import UPGRADE_RECORD_VERSION, findings_block, now
from classifier.upgrade.required import Requirement, Waiver, settle, waivers_block

REQUIREMENTS = (
    Requirement("restore-point", "--backup-file DUMP or --backup-command CMD", "upgrade.E004"),
    Requirement("history", "--append-only-table TABLE (or upgrade.append_only_tables)", "upgrade.E007"),
    Requirement("staging", "--require-staging STAGING-POSTFLIGHT.json", "upgrade.E008", ("production",)),
)


CHECK_ORDER = ("code-sha", "database", "scripts", "restore-point", "history", "staging")


@dataclass(frozen=True, slots=True)
class PreflightRequest:
    """What preflight is asked to check.

    Attributes:
        database_url: The database to migrate.
        script_location: The target release's Alembic directory or ``alembic.ini``.
        restore_point: How to confirm the backup (``None``: not given).
        append_only_tables: Tables whose history must survive the migration.
        checkout: Where the release is checked out (``None``: no git check).
        version_table: Alembic's version table.
        environ: The deploy environment holding ``VERSION_HASH`` / ``GIT_SHA``.
        stage: ``staging`` or ``production``.
        waivers: Required checks set aside, with reasons.
        staging: The staging postflight record (production), ``None``: not given.
        timestamp_columns: Table -> the column saying when a row was written.
        unordered_key_tables: Tables whose keys do not grow with time.
        downgrade: The passed downgrade-check plan, when this preflight precedes a downgrade.
    """

    database_url: str
    script_location: str
    restore_point: RestorePoint | None
    append_only_tables: tuple[str, ...] = ()
    checkout: Path | None = None
    version_table: str = "alembic_version"
    environ: Mapping[str, str] = field(default_factory=dict)
    stage: str = "staging"
    waivers: tuple[Waiver, ...] = ()
    staging: StagingRecord | None = None
    timestamp_columns: Mapping[str, str] = field(default_factory=dict)
    unordered_key_tables: frozenset[str] = frozenset()
    downgrade: StagingRecord | None = None


@dataclass(frozen=True, slots=True)
class StagingRecord:
    """A record an earlier step wrote (already schema-valid): staging's postflight, or a downgrade plan."""

    path: str
    record: dict[str, Any]


def confirm_staging(staging: StagingRecord, code_sha: str | None) -> tuple[dict[str, Any], list[GuardFinding]]:
    """``upgrade.E008`` unless ``staging`` is a passed staging postflight of ``code_sha``.

    The seed's production runbook starts with "confirm staging success": the
    evidence is the record staging's postflight wrote for the same release.
    """
    record = staging.record
    seen = {
        "record": staging.path,
        "kind": record["kind"],
        "stage": record.get("stage"),
        "code_sha": record.get("code_sha"),
        "status": record["status"],
        "created_at": record["created_at"],
    }
    problems = []
    if record["kind"] != "postflight" or record.get("stage") != "staging":
        what = " ".join(filter(None, (record.get("stage"), record["kind"])))
        problems.append(f"it is a {what} record, not a staging postflight")
    elif record["status"] != "passed":
        failed = ", ".join(sorted({f["id"] for f in record["findings"]}))
        problems.append(f"staging's postflight failed ({failed})")
    if code_sha is not None and record.get("code_sha") != code_sha:
        problems.append(f"it is for code_sha {record.get('code_sha') or '<none>'}, the target is {code_sha}")
    return seen, [
        finding("upgrade.E008", "--require-staging", staging.path, f"The staging record cannot confirm this release: {problem}.")
        for problem in problems
    ]


def _upgradable(current: frozenset[str], scripts: db.ScriptHeads) -> list[GuardFinding]:
    """The database must sit on the target's history (at or below its heads)."""
    unknown = sorted(current - scripts.ancestry)
    if not unknown:
        return []
    message = (
        f"The database is at {', '.join(unknown)}, which the target scripts do not know (ahead or on another branch)."
    )
    return [finding("upgrade.E006", "alembic current", db.joined(current), message)]


def _plan_fits(current: frozenset[str], scripts: db.ScriptHeads, plan: dict[str, Any]) -> list[GuardFinding]:
    """Before a downgrade: the database is where the plan starts, the target scripts end where it leads."""
    findings = []
    start, target = frozenset(plan["current"]["heads"]), frozenset(plan["target_heads"])
    if current != start:
        message = f"The database is at {db.joined(current)}, but the downgrade plan undoes from {db.joined(start)}."
        findings.append(finding("upgrade.E006", "alembic current", db.joined(current), message))
    if scripts.heads != target:
        message = (
            f"The target scripts end at {db.joined(scripts.heads)}, "
            f"but the downgrade plan leaves the database at {db.joined(target)}."
        )
        findings.append(finding("upgrade.E006", "script_location", db.joined(scripts.heads), message))
    return findings


def _downgrade_block(plan: StagingRecord | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    record = plan.record
    return {"record": plan.path, "to": record["to"], "target_heads": record["target_heads"], "baseline": record["baseline"]}


def run_preflight(request: PreflightRequest) -> dict[str, Any]:
    """Run every pre-migration check and return the record (see ``schemas/upgrade-record.schema.json``)."""
    results: dict[str, list[GuardFinding]] = {"scripts": [], "database": [], "history": []}
    code_sha, results["code-sha"] = confirm_code_sha(request.environ, request.checkout)
    scripts = db.script_heads(request.script_location)
    if scripts.error is not None:
        results["scripts"].append(scripts.error)
    engine = db.open_engine(request.database_url)
    tables: list[TableDigest] = []
    try:
        state = db.database_heads(engine, request.version_table)
        odd = db.malformed("upgrade.E009", state, request.version_table)
        if not state.reachable:
            results["database"].append(db.unreachable("upgrade.E002", engine, state))
        elif odd is not None:
            results["database"].append(odd)
        elif scripts.error is None and request.downgrade is not None:
            results["scripts"].extend(_plan_fits(state.heads, scripts, request.downgrade.record))
        elif scripts.error is None:
            results["scripts"].extend(_upgradable(state.heads, scripts))
        target = None
        if state.reachable:
            with engine.connect() as connection:
                for name in request.append_only_tables:
                    digest = capture(
                        connection,
                        name,
                        request.timestamp_columns.get(name),
                        name not in request.unordered_key_tables,
                    )
                    if isinstance(digest, TableDigest):
                        tables.append(digest)
                    else:
                        results["history"].append(digest)
                heads = state.heads if state.stamped and odd is None else None
                sizes = [(table.name, len(table.rows)) for table in tables]
                target = restore_target(connection, request.version_table, heads, sizes)
    finally:
        engine.dispose()
    restore_record: dict[str, Any] = {"method": "none"}
    if request.restore_point is not None:
        restore_record, results["restore-point"] = request.restore_point.check(target)
    staging: dict[str, Any] | None = None
    if request.staging is not None:
        staging, results["staging"] = confirm_staging(request.staging, code_sha)
    given = {
        "restore-point": request.restore_point is not None,
        "history": bool(request.append_only_tables),
        "staging": request.staging is not None,
    }
    if not given["history"]:
        del results["history"]
    states, missing = settle(REQUIREMENTS, request.stage, given, request.waivers, results)
    states = {name: states[name] for name in CHECK_ORDER if name in states}
    findings = [found for name in results for found in results[name]] + missing
    findings.sort(key=lambda f: f.id)
    return {
        "schema_version": UPGRADE_RECORD_VERSION,
        "kind": "preflight",
        "created_at": now(),
        "stage": request.stage,
        "code_sha": code_sha,
        "script_location": request.script_location,
        "database": db.database_block(engine, state),
        "target_heads": sorted(request.downgrade.record["target_heads"] if request.downgrade else scripts.heads),
        "downgrade": _downgrade_block(request.downgrade),
        "restore_point": restore_record,
        "staging": staging,
        "append_only_tables": [table.to_dict() for table in tables],
        "checks": states,
        "waived": waivers_block(request.waivers),
        **findings_block(findings, exit_status(findings)),
    }
