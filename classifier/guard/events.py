"""The ``app.startup`` system event: which release started, recorded once.

The event goes to an append-only ``system_events`` table (through SQLAlchemy)
or to a logger as one JSON line. Its payload is the release artifact, which
holds no secret by construction (it is read from release variables only).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from classifier.guard.artifact import ReleaseArtifact

if TYPE_CHECKING:
    from sqlalchemy import MetaData, Table
    from sqlalchemy.engine import Connection, Engine

STARTUP_EVENT = "app.startup"
SYSTEM_EVENTS = "system_events"


def system_events_table(metadata: MetaData, name: str = SYSTEM_EVENTS) -> Table:
    """The ``system_events`` table on ``metadata`` (its schema is the metadata's).

    It matches the migration in ``docs/guard.md``, which also makes it
    append-only with triggers; this definition is for inserting and reading.
    """
    import sqlalchemy as sa

    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
    )


def startup_event(artifact: ReleaseArtifact, occurred_at: datetime | None = None) -> dict[str, Any]:
    """The ``app.startup`` event as plain data."""
    moment = occurred_at or datetime.now(timezone.utc)
    return {"event_type": STARTUP_EVENT, "occurred_at": moment.isoformat(), "payload": artifact.to_dict()}


def record_startup(
    sink: Engine | Connection | logging.Logger,
    artifact: ReleaseArtifact,
    *,
    table_name: str = SYSTEM_EVENTS,
    schema: str | None = None,
) -> dict[str, Any]:
    """Record that this release started.

    Args:
        sink: A ``logging.Logger`` (one JSON line at INFO level), or an
            SQLAlchemy ``Engine`` (own transaction) or ``Connection`` (the
            caller's transaction) holding the ``system_events`` table.
        artifact: The release artifact returned by ``enforce_startup``.
        table_name: The events table, for a database sink.
        schema: The events table's schema, for a database sink.

    Returns:
        The event that was recorded.
    """
    event = startup_event(artifact)
    if isinstance(sink, logging.Logger):
        sink.info("%s", json.dumps(event, sort_keys=True, separators=(",", ":")))
        return event
    import sqlalchemy as sa

    table = system_events_table(sa.MetaData(schema=schema), table_name)
    row = {**event, "occurred_at": datetime.fromisoformat(event["occurred_at"])}
    if isinstance(sink, sa.engine.Connection):
        sink.execute(table.insert().values(**row))
    else:
        with sink.begin() as connection:
            connection.execute(table.insert().values(**row))
    return event
