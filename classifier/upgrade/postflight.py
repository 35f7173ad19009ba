"""``classify migrations postflight``: the seed's post-migration checks and abort conditions.

Database heads equal the target heads (else ``upgrade.E010``, exit 10); the
readiness URL answers ready (``E011``, exit 11) with the startup guards
passed and the target ``code_sha`` (``E012``, exit 12); the verification
sample passes (``E013``, exit 13); no historical row of an append-only table
was changed or deleted (``E014``, exit 14). Every check runs and every
failure is listed; the exit status names the first abort condition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from classifier.guard.findings import GuardFinding
from classifier.upgrade import database as db
from classifier.upgrade.catalogue import exit_status, finding
from classifier.upgrade.commands import run_check_command
from classifier.upgrade.digests import TableDigest, verify
from classifier.upgrade.probe import READY, ProbeReading, read_ready
from classifier.upgrade.records import SCHEMA_VERSION, findings_block, now
from classifier.upgrade.service import check_health, check_startup_event

VERIFY_TIMEOUT_SECONDS = 1800


@dataclass(frozen=True, slots=True)
class PostflightRequest:
    """What postflight is asked to check.

    Attributes:
        preflight: The preflight record (already validated).
        database_url: The migrated database.
        script_location: The target scripts; ``None`` takes the heads from the record.
        ready_url: The service's readiness URL; ``None`` skips that check.
        verify_command: A verification sample command; ``None`` skips it.
        health_url: The service's liveness URL; ``None`` skips that check.
        startup_events: ``[schema.]table`` holding ``app.startup`` events; ``None`` skips that check.
        timeout: Seconds to wait for each URL.
        version_table: Alembic's version table.
    """

    preflight: dict[str, Any]
    database_url: str
    script_location: str | None = None
    ready_url: str | None = None
    verify_command: str | None = None
    health_url: str | None = None
    startup_events: str | None = None
    timeout: float = 10.0
    version_table: str = "alembic_version"


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


def _heads(request: PostflightRequest, current: frozenset[str]) -> tuple[list[str], list[GuardFinding]]:
    target = frozenset(request.preflight["target_heads"])
    if request.script_location is not None:
        scripts = db.script_heads(request.script_location)
        if scripts.error is not None:
            return sorted(target), [scripts.error]
        target = scripts.heads
    if current == target:
        return sorted(target), []
    message = f"alembic current is {db.joined(current)}, the target heads are {db.joined(target)}."
    return sorted(target), [finding("upgrade.E010", "alembic current", db.joined(current), message)]


def run_postflight(request: PostflightRequest) -> dict[str, Any]:
    """Run every post-migration check and return the record."""
    findings: list[GuardFinding] = []
    event: dict[str, Any] | None = None
    engine = db.open_engine(request.database_url)
    tables = [TableDigest.from_dict(table) for table in request.preflight["append_only_tables"]]
    try:
        state = db.database_heads(engine, request.version_table)
        if not state.reachable:
            # Nothing can be compared: the head is unknown and history unreadable.
            findings.append(db.unreachable("upgrade.E010", engine, state))
            target = request.preflight["target_heads"]
        else:
            target, head_findings = _heads(request, state.heads)
            findings.extend(head_findings)
            with engine.connect() as connection:
                findings.extend(f for f in (verify(connection, table) for table in tables) if f is not None)
                if request.startup_events:
                    event, event_findings = check_startup_event(
                        connection,
                        request.startup_events,
                        request.preflight["code_sha"],
                        request.preflight["created_at"],
                    )
                    findings.extend(event_findings)
    finally:
        engine.dispose()
    health, health_findings = check_health(request.health_url, request.timeout) if request.health_url else (None, [])
    findings.extend(health_findings)
    reading = read_ready(request.ready_url, request.timeout) if request.ready_url else None
    if reading is not None:
        findings.extend(check_readiness(reading, request.preflight["code_sha"]))
    verification = None
    if request.verify_command:
        verification, verify_findings = run_check_command(
            request.verify_command, "upgrade.E013", "verify_command", "The verification sample", VERIFY_TIMEOUT_SECONDS
        )
        findings.extend(verify_findings)
    findings.sort(key=lambda f: f.id)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "postflight",
        "created_at": now(),
        "code_sha": request.preflight["code_sha"],
        "database": db.database_block(engine, state),
        "target_heads": target,
        "health": health,
        "readiness": None if reading is None else reading.to_dict(),
        "startup_event": event,
        "verification": verification,
        "append_only_tables": [{"table": t.name, "historical_rows": len(t.rows)} for t in tables],
        **findings_block(findings, exit_status(findings)),
    }
