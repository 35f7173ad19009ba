"""The seed's other post-migration checks of the running service: ``/health`` and the startup event.

``/health`` (liveness) must answer 200. The latest ``app.startup`` event that
``classifier.guard.record_startup`` wrote to the events table must be newer
than the preflight record and name the target ``code_sha``: the service that
is up is the release that was meant to start, and it started after the migration.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from classifier.guard.events import STARTUP_EVENT, system_events_table
from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import finding
from classifier.upgrade.digests import split_name
from classifier.upgrade.probe import http_get

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def check_health(url: str, timeout: float) -> tuple[dict[str, Any], list[GuardFinding]]:
    """``upgrade.E011`` unless ``url`` answers 200."""
    answer = http_get(url, timeout)
    status = None if isinstance(answer, str) else answer[0]
    record = {"url": url, "http_status": status}
    if status == 200:
        return record, []
    why = answer if isinstance(answer, str) else f"HTTP {status}"
    return record, [finding("upgrade.E011", url, str(status), f"Liveness does not answer 200: {why}.")]


def _aware(moment: datetime.datetime) -> datetime.datetime:
    # SQLite hands back naive datetimes; the guard writes UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


ARTIFACT_FIELDS = (
    "code_sha",
    "expected_alembic_head",
    "supported_api_versions",
    "enabled_feature_flags",
    "signing_mode",
    "signing_required",
)


def check_startup_event(
    connection: Connection, table_name: str, code_sha: str | None, since: str, target_heads: frozenset[str]
) -> tuple[dict[str, Any] | None, list[GuardFinding]]:
    """``upgrade.E012`` unless the latest ``app.startup`` event is newer than ``since`` and carries the target release.

    The event must carry the whole release artifact (the seed: "startup event
    includes release artifact"), name ``code_sha``, and, when it names an
    expected head, name the target heads.

    Args:
        connection: The migrated database.
        table_name: ``[schema.]table`` of the events.
        code_sha: The target release.
        since: The preflight record's ``created_at``.
        target_heads: The heads the database was migrated to.
    """
    import sqlalchemy as sa

    schema, name = split_name(table_name)
    if not sa.inspect(connection).has_table(name, schema=schema):
        return None, [
            finding(
                "upgrade.E012", table_name, "<missing>", f"No events table {table_name}: the startup was not recorded."
            )
        ]
    table = system_events_table(sa.MetaData(schema=schema), name)
    query = (
        sa.select(table.c.occurred_at, table.c.payload)
        .where(table.c.event_type == STARTUP_EVENT)
        .order_by(table.c.occurred_at.desc(), table.c.id.desc())
        .limit(1)
    )
    row = connection.execute(query).first()
    if row is None:
        return None, [finding("upgrade.E012", table_name, "<none>", f"No {STARTUP_EVENT} event in {table_name}.")]
    occurred = _aware(row.occurred_at)
    payload = row.payload if isinstance(row.payload, dict) else {}
    named = payload.get("code_sha")
    record = {"occurred_at": occurred.isoformat(), "code_sha": named if isinstance(named, str) else None}
    findings = _artifact_findings(table_name, payload, target_heads)
    if occurred < datetime.datetime.fromisoformat(since):
        message = f"The latest {STARTUP_EVENT} event ({occurred.isoformat()}) is older than preflight ({since}): the service was not restarted."
        findings.append(finding("upgrade.E012", table_name, occurred.isoformat(), message))
    if named != code_sha:
        message = f"The latest {STARTUP_EVENT} event names code_sha {named or '<none>'}, the target is {code_sha}."
        findings.append(finding("upgrade.E012", table_name, str(named), message))
    return record, findings


def _artifact_findings(table_name: str, payload: dict[str, Any], target_heads: frozenset[str]) -> list[GuardFinding]:
    findings = []
    absent = [name for name in ARTIFACT_FIELDS if name not in payload]
    if absent:
        message = f"The latest {STARTUP_EVENT} event does not carry the release artifact: no {', '.join(absent)}."
        findings.append(finding("upgrade.E012", table_name, ",".join(absent), message))
    expected = payload.get("expected_alembic_head")
    if isinstance(expected, str) and expected.strip():
        heads = frozenset(part.strip() for part in expected.split(",") if part.strip())
        if heads != target_heads:
            shown = ",".join(sorted(heads))
            message = f"The latest {STARTUP_EVENT} event expects head {shown}, the target heads are {','.join(sorted(target_heads)) or '<none>'}."
            findings.append(finding("upgrade.E012", table_name, shown, message))
    return findings
