"""``classify migrations postflight``: the seed's post-migration checks and abort conditions.

Database heads equal the target heads (else ``upgrade.E010``, exit 10); the
service answers ``/health`` and ``/ready`` (``E011``, exit 11) with the
startup guards passed, the target ``code_sha`` and a fresh ``app.startup``
event carrying the release artifact (``E012``, exit 12); the verification
sample passes (``E013``, exit 13); no historical row of an append-only table
was changed or deleted (``E014``, exit 14); the test-suite gate passes
(``E015``, exit 15); no row was added behind history, before the newest key
or timestamp preflight saw (``E016``, exit 16).
A required check that was not given fails as not verified (``E050``–``E054``,
exit 17) unless waived. Every check runs and every failure is listed; the exit
status names the first abort condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.guard.findings import GuardFinding
from classifier.upgrade import database as db
from classifier.upgrade.backfill import judge_added
from classifier.upgrade.catalogue import exit_status, finding
from classifier.upgrade.commands import run_check_command
from classifier.upgrade.digests import TableDigest, verify
from classifier.upgrade.downgrade import verify_command
from classifier.upgrade.probe import READY, ProbeReading, read_ready
from classifier.upgrade.records import UPGRADE_RECORD_VERSION, findings_block, now
from classifier.upgrade.required import (
    NOT_REQUIRED,
    NOT_RUN,
    WAIVED,
    Requirement,
    Waiver,
    settle,
    waivers_block,
)
from classifier.upgrade.service import check_health, check_startup_event

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

VERIFY_TIMEOUT_SECONDS = 1800
NOT_COMPARED = {"added_rows": None, "first_added_key": None, "last_added_key": None, "backfilled_rows": None}
GATE_TIMEOUT_SECONDS = 3 * 3600

REQUIREMENTS = (
    Requirement("health", "--health-url URL", "upgrade.E051"),
    Requirement("readiness", "--ready-url URL", "upgrade.E050"),
    Requirement("startup-event", "--startup-event [TABLE] (or upgrade.startup_events)", "upgrade.E052"),
    Requirement("verification", "--verify-command CMD (or upgrade.verify_command)", "upgrade.E053"),
    Requirement("gate", "--gate-command CMD (or upgrade.gate_command)", "upgrade.E054", ("staging",)),
)


CHECK_ORDER = ("heads", "history", "health", "readiness", "startup-event", "verification", "gate")


@dataclass(frozen=True, slots=True)
class PostflightRequest:
    """What postflight is asked to check.

    Attributes:
        preflight: The preflight record (already validated, passed).
        database_url: The migrated database.
        script_location: The target scripts; ``None`` takes the heads from the record.
        ready_url: The service's readiness URL; ``None``: not given.
        verify_command: A verification sample command; ``None``: not given.
        health_url: The service's liveness URL; ``None``: not given.
        startup_events: ``[schema.]table`` holding ``app.startup`` events; ``None``: not given.
        gate_command: The full test-suite gate; ``None``: not given.
        gate_log: Where to keep the gate's output (``None``: discarded).
        timeout: Seconds to wait for each URL.
        version_table: Alembic's version table.
        stage: ``staging`` or ``production``.
        waivers: Required checks set aside, with reasons.
    """

    preflight: dict[str, Any]
    database_url: str
    script_location: str | None = None
    ready_url: str | None = None
    verify_command: str | None = None
    health_url: str | None = None
    startup_events: str | None = None
    gate_command: str | None = None
    gate_log: Path | None = None
    timeout: float = 10.0
    version_table: str = "alembic_version"
    stage: str = "staging"
    waivers: tuple[Waiver, ...] = ()


def check_readiness(reading: ProbeReading, code_sha: str | None) -> list[GuardFinding]:
    """E011 when not ready for a reason other than the guards, E012 for the guards or another release."""
    findings: list[GuardFinding] = []
    guard_failed = "startup" in reading.failed_checks
    other_failures = [name for name in reading.failed_checks if name != "startup"]
    if reading.state != READY and (other_failures or not guard_failed):
        message = f"Readiness is {reading.state}: {reading.detail}."
        findings.append(finding("upgrade.E011", reading.url, reading.state, message))
    if guard_failed:
        message = "The service's startup guards failed (/ready check `startup`)."
        findings.append(finding("upgrade.E012", reading.url, "startup", message))
    # A ready service must name its release; an unready one is judged on it only when it does.
    named = reading.code_sha is not None or reading.state == READY
    if code_sha is not None and named and reading.code_sha != code_sha:
        message = f"The service reports code_sha {reading.code_sha or '<none>'}, the target is {code_sha}."
        findings.append(finding("upgrade.E012", reading.url, reading.code_sha or "<none>", message))
    return findings


def _target_heads(request: PostflightRequest) -> tuple[frozenset[str], list[GuardFinding]]:
    target = frozenset(request.preflight["target_heads"])
    if request.script_location is None:
        return target, []
    scripts = db.script_heads(request.script_location)
    if scripts.error is not None:
        return target, [scripts.error]
    return scripts.heads, []


def _heads(state: db.DatabaseState, target: frozenset[str], version_table: str) -> list[GuardFinding]:
    odd = db.malformed("upgrade.E010", state, version_table)
    if odd is not None:
        return [odd]
    if state.heads == target:
        return []
    message = f"alembic current is {db.joined(state.heads)}, the target heads are {db.joined(target)}."
    return [finding("upgrade.E010", "alembic current", db.joined(state.heads), message)]


@dataclass
class _Run:
    """What the checks found, per check, and what they saw for the record."""

    results: dict[str, list[GuardFinding]]
    seen: dict[str, Any]


def _database_checks(request: PostflightRequest, tables: list[TableDigest], run: _Run) -> None:
    target, run.results["heads"] = _target_heads(request)
    run.seen["target_heads"] = sorted(target)
    engine = db.open_engine(request.database_url)
    try:
        state = db.database_heads(engine, request.version_table)
        run.seen["database"] = db.database_block(engine, state)
        if not state.reachable:
            # Nothing can be compared: the head is unknown and history unreadable.
            run.results["heads"].append(db.unreachable("upgrade.E010", engine, state))
            return
        run.results["heads"].extend(_heads(state, target, request.version_table))
        with engine.connect() as connection:
            run.results["history"] = _history(connection, tables, run)
            if request.startup_events:
                run.seen["startup_event"], run.results["startup-event"] = check_startup_event(
                    connection,
                    request.startup_events,
                    request.preflight["code_sha"],
                    request.preflight["created_at"],
                    target,
                )
    finally:
        engine.dispose()


def _history(connection: Connection, tables: list[TableDigest], run: _Run) -> list[GuardFinding]:
    """E014 for rewritten rows and E016 for backfilled ones; the added rows of each table for the record."""
    findings: list[GuardFinding] = []
    summaries = []
    for table in tables:
        verdict = verify(connection, table)
        if verdict.rewritten is not None:
            findings.append(verdict.rewritten)
        summary: dict[str, Any] = {"table": table.name, "historical_rows": len(table.rows), **NOT_COMPARED}
        if verdict.added is not None:
            added, backfilled = judge_added(table, verdict.added)
            summary.update(added.to_dict())
            if backfilled is not None:
                findings.append(backfilled)
        summaries.append(summary)
    run.seen["append_only_tables"] = summaries
    return findings


def _verify_command(request: PostflightRequest) -> str | None:
    """The verification to run: a downgrade's own comparison against its baseline, else the one given."""
    plan = request.preflight.get("downgrade")
    return verify_command(plan["baseline"]) if plan else request.verify_command


def _service_checks(request: PostflightRequest, run: _Run) -> None:
    if request.health_url:
        run.seen["health"], run.results["health"] = check_health(request.health_url, request.timeout)
    if request.ready_url:
        reading = read_ready(request.ready_url, request.timeout)
        run.seen["readiness"] = reading.to_dict()
        run.results["readiness"] = check_readiness(reading, request.preflight["code_sha"])
    command = _verify_command(request)
    if command:
        run.seen["verification"], run.results["verification"] = run_check_command(
            command, "upgrade.E013", "verify_command", "The verification sample", VERIFY_TIMEOUT_SECONDS
        )
    if request.gate_command:
        run.seen["gate"], run.results["gate"] = run_check_command(
            request.gate_command,
            "upgrade.E015",
            "gate_command",
            "The test-suite gate",
            GATE_TIMEOUT_SECONDS,
            request.gate_log,
        )


def _carried_waivers(preflight: dict[str, Any]) -> list[dict[str, Any]]:
    """Preflight's waivers stay visible in the postflight record (history not digested, …)."""
    return [{**waiver, "origin": "preflight"} for waiver in preflight["waived"]]


def run_postflight(request: PostflightRequest) -> dict[str, Any]:
    """Run every post-migration check and return the record."""
    tables = [TableDigest.from_dict(table) for table in request.preflight["append_only_tables"]]
    untouched = [{"table": t.name, "historical_rows": len(t.rows), **NOT_COMPARED} for t in tables]
    run = _Run(
        {},
        {
            "health": None,
            "readiness": None,
            "startup_event": None,
            "verification": None,
            "gate": None,
            "append_only_tables": untouched,
        },
    )
    _database_checks(request, tables, run)
    _service_checks(request, run)
    given = {
        "health": bool(request.health_url),
        "readiness": bool(request.ready_url),
        "startup-event": bool(request.startup_events),
        "verification": bool(_verify_command(request)),
        "gate": bool(request.gate_command),
    }
    states, missing = settle(REQUIREMENTS, request.stage, given, request.waivers, run.results)
    if not tables:
        states["history"] = WAIVED if request.preflight["checks"].get("history") == WAIVED else NOT_REQUIRED
    states.setdefault("history", NOT_RUN)
    states = {name: states[name] for name in CHECK_ORDER if name in states}
    findings = sorted([found for name in run.results for found in run.results[name]] + missing, key=lambda f: f.id)
    return {
        "schema_version": UPGRADE_RECORD_VERSION,
        "kind": "postflight",
        "created_at": now(),
        "stage": request.stage,
        "code_sha": request.preflight["code_sha"],
        **run.seen,
        "checks": states,
        "waived": [*_carried_waivers(request.preflight), *waivers_block(request.waivers)],
        **findings_block(findings, exit_status(findings)),
    }
