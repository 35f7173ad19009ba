"""``[tool.classifier.upgrade]``: what the upgrade commands check when the command line says nothing.

The project's configuration is found and validated against
``schemas/config.schema.json`` by the command (like ``classify`` finds it);
this module turns the already valid tables into settings. The append-only
tables default to the ones the migrations surface protects
(``[tool.classifier.migrations]`` ``append_only_tables`` and
``key_binding_tables``), so one list serves the static check and the runtime
digests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from classifier.errors import ConfigError


@dataclass(frozen=True, slots=True)
class UpgradeConfig:
    """The upgrade commands' settings (see docs/upgrade.md).

    Attributes:
        append_only_tables: ``[schema.]table`` names preflight digests and postflight verifies.
        timestamp_columns: Table -> the column holding when a row was written;
            rows added after preflight must not be older than preflight.
        unordered_key_tables: Tables whose keys do not grow with time (random
            UUIDs, composite keys); their added rows are judged by timestamp only.
        history_tables: Append-only and key-binding tables a downgrade may not touch
            (bare names in lower case, as revisions name them).
        script_location: The release's Alembic directory or ``alembic.ini``.
        version_table: Alembic's version table.
        startup_events: ``[schema.]table`` of the ``app.startup`` events.
        verify_command: The verification sample of existing proofs.
        gate_command: The repository's full test-suite gate.
        backup_command: The managed-backup check.
        backup_max_age: The longest a restore-point file may be old (``24h``).
        dialect: The SQL dialect of raw SQL in revisions (``[tool.classifier.migrations]``).
        origin: Where the settings came from, for messages.
    """

    append_only_tables: tuple[str, ...] = ()
    timestamp_columns: Mapping[str, str] = field(default_factory=dict)
    unordered_key_tables: frozenset[str] = frozenset()
    history_tables: frozenset[str] = frozenset()
    script_location: str | None = None
    version_table: str | None = None
    startup_events: str | None = None
    verify_command: str | None = None
    gate_command: str | None = None
    backup_command: str | None = None
    backup_max_age: str | None = None
    dialect: str = "postgresql"
    origin: str = "defaults"

    @classmethod
    def from_tables(
        cls, upgrade: Mapping[str, Any], migrations: Mapping[str, Any], origin: str = "defaults"
    ) -> UpgradeConfig:
        """Settings from the schema-valid ``upgrade`` and ``migrations`` tables.

        Raises:
            ConfigError: A timestamp column or unordered table names a table that is not append-only.
        """
        protected = tuple(migrations.get("append_only_tables", ())) + tuple(migrations.get("key_binding_tables", ()))
        tables = tuple(dict.fromkeys(upgrade.get("append_only_tables", protected)))
        timestamps = dict(upgrade.get("timestamp_columns", {}))
        unordered = frozenset(upgrade.get("unordered_key_tables", ()))
        for key, names in (("timestamp_columns", sorted(timestamps)), ("unordered_key_tables", sorted(unordered))):
            stray = [name for name in names if name not in tables]
            if stray:
                raise ConfigError(
                    f"{origin}: upgrade.{key} names {stray[0]!r}, which is not an append-only table",
                    hint="list it in upgrade.append_only_tables too",
                )
        return cls(
            append_only_tables=tables,
            timestamp_columns=timestamps,
            unordered_key_tables=unordered,
            history_tables=frozenset(name.rpartition(".")[2].lower() for name in (*protected, *tables)),
            script_location=upgrade.get("script_location"),
            version_table=upgrade.get("version_table"),
            startup_events=upgrade.get("startup_events"),
            verify_command=upgrade.get("verify_command"),
            gate_command=upgrade.get("gate_command"),
            backup_command=upgrade.get("backup_command"),
            backup_max_age=upgrade.get("backup_max_age"),
            dialect=migrations.get("dialect", "postgresql"),
            origin=origin,
        )
