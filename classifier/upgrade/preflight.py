"""``classify migrations preflight``: the seed's pre-migration checks, as one record.

Confirms the target ``code_sha``, reads ``alembic current`` (the database) and
``alembic heads`` (the target scripts), checks the backup restore point and
digests the append-only tables. Every check runs, every failure is named;
the record is what ``postflight`` later compares against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.guard.findings import GuardFinding
from classifier.upgrade import database as db
from classifier.upgrade.backup import RestorePoint
from classifier.upgrade.catalogue import exit_status, finding
from classifier.upgrade.digests import TableDigest, capture
from classifier.upgrade.identity import confirm_code_sha
from classifier.upgrade.records import SCHEMA_VERSION, findings_block, now


@dataclass(frozen=True, slots=True)
class PreflightRequest:
    """What preflight is asked to check.

    Attributes:
        database_url: The database to migrate.
        script_location: The target release's Alembic directory or ``alembic.ini``.
        restore_point: How to confirm the backup.
        append_only_tables: Tables whose history must survive the migration.
        checkout: Where the release is checked out (``None``: no git check).
        version_table: Alembic's version table.
        environ: The deploy environment holding ``VERSION_HASH`` / ``GIT_SHA``.
    """

    database_url: str
    script_location: str
    restore_point: RestorePoint
    append_only_tables: tuple[str, ...] = ()
    checkout: Path | None = None
    version_table: str = "alembic_version"
    environ: Mapping[str, str] = field(default_factory=dict)


def _upgradable(current: frozenset[str], scripts: db.ScriptHeads) -> list[GuardFinding]:
    """The database must sit on the target's history (at or below its heads)."""
    unknown = sorted(current - scripts.ancestry)
    if not unknown:
        return []
    message = (
        f"The database is at {', '.join(unknown)}, which the target scripts do not know (ahead or on another branch)."
    )
    return [finding("upgrade.E006", "alembic current", db.joined(current), message)]


def run_preflight(request: PreflightRequest) -> dict[str, Any]:
    """Run every pre-migration check and return the record (see ``schemas/upgrade-record.schema.json``)."""
    code_sha, findings = confirm_code_sha(request.environ, request.checkout)
    scripts = db.script_heads(request.script_location)
    if scripts.error is not None:
        findings.append(scripts.error)
    engine = db.open_engine(request.database_url)
    tables: list[TableDigest] = []
    try:
        state = db.database_heads(engine, request.version_table)
        if not state.reachable:
            findings.append(db.unreachable("upgrade.E002", engine, state))
        else:
            if scripts.error is None:
                findings.extend(_upgradable(state.heads, scripts))
            with engine.connect() as connection:
                for name in request.append_only_tables:
                    digest = capture(connection, name)
                    (tables.append(digest) if isinstance(digest, TableDigest) else findings.append(digest))
    finally:
        engine.dispose()
    restore_record, restore_findings = request.restore_point.check()
    findings.extend(restore_findings)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "preflight",
        "created_at": now(),
        "code_sha": code_sha,
        "script_location": request.script_location,
        "database": db.database_block(engine, state),
        "target_heads": sorted(scripts.heads),
        "restore_point": restore_record,
        "append_only_tables": [table.to_dict() for table in tables],
        **findings_block(findings, exit_status(findings)),
    }
