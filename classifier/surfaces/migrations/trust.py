"""Trust preservation: historical records and key bindings are never rewritten.

``append_only_tables`` hold history (proof events, audit trails) and
``key_binding_tables`` record which key signed what. Any operation that
updates, deletes, truncates, drops, renames or alters them, in ``upgrade()``
or ``downgrade()``, is a violation; so is filling them in bulk from elsewhere
(``INSERT … SELECT``, ``COPY``, ``bulk_insert``: a backfill of history) unless
the same function created the table. Inserting new rows and adding columns or
indexes is allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from classifier.surfaces.migrations.changes import shorten
from classifier.surfaces.migrations.config import MigrationsConfig
from classifier.surfaces.migrations.model import (
    DOWNGRADE,
    UPGRADE,
    MigrationFile,
    Operation,
)

BACKFILLED = "trust-table-backfilled"
APPEND_ONLY = "append-only-table-rewritten"
KEY_BINDING = "key-binding-changed"
DOWNGRADE_DESTRUCTIVE = "trust-table-downgrade-destructive"

_REWRITING_OPS = frozenset({"drop_table", "rename_table", "drop_column", "alter_column"})
_REWRITING_SQL = frozenset(
    {"update", "delete", "truncate", "drop_table", "rename_table", "drop_column", "rename_column", "alter_type",
     "set_not_null", "drop_not_null", "alter_column", "alter_table"}
)
_DESTRUCTIVE_SQL = frozenset({"update", "delete", "truncate", "drop_table", "drop_column"})


@dataclass(frozen=True, slots=True)
class TrustVerdict:
    rule: str
    operation: Operation
    table: str
    detail: str


def trust_verdicts(migration: MigrationFile, config: MigrationsConfig) -> Iterator[TrustVerdict]:
    """Rewrites of trust tables in either function, then a destructive downgrade of a trust revision."""
    if not (config.append_only_tables or config.key_binding_tables):
        return
    created: set[tuple[str, str]] = set()  # (function, table): tables a function created before copying into them
    for operation in migration.operations:
        for table, what in _rewrites(operation):
            rule = _rule_for(table.lower(), config)
            if rule is not None:
                yield TrustVerdict(rule, operation, table, f"{operation.function}(): {what}")
        for table, what in _bulk_copies(operation):
            if _rule_for(table.lower(), config) and (operation.function, table.lower()) not in created:
                yield TrustVerdict(BACKFILLED, operation, table, f"{operation.function}(): {what}")
        created |= {(operation.function, t.lower()) for t in _created(operation)}
    touched = [t for op in migration.in_function(UPGRADE) for t in _tables(op) if _rule_for(t.lower(), config)]
    destructive = [op for op in migration.in_function(DOWNGRADE) if _is_destructive(op)]
    if touched and destructive:
        first = destructive[0]
        yield TrustVerdict(DOWNGRADE_DESTRUCTIVE, first, touched[0], describe(first))


def _rule_for(table: str, config: MigrationsConfig) -> str | None:
    if table in config.key_binding_tables:
        return KEY_BINDING
    if table in config.append_only_tables:
        return APPEND_ONLY
    return None


def _rewrites(op: Operation) -> Iterator[tuple[str, str]]:
    if op.name == "execute":
        for statement in op.sql:
            if statement.table and statement.action in _REWRITING_SQL:
                yield statement.table, shorten(statement.text)
    elif op.table and (op.name in _REWRITING_OPS or (op.batch and op.name.startswith(("drop_", "alter_")))):
        yield op.table, describe(op)


def describe(op: Operation) -> str:
    """``op.drop_column("keys", "key_id")`` or the SQL text, short, for a message."""
    if op.name == "execute":
        return "; ".join(shorten(s.text) for s in op.sql)
    positional = [value for key, value in op.arguments if key.isdigit()]
    return shorten(f"{op.label}({', '.join(positional[:2])})")


def _bulk_copies(op: Operation) -> Iterator[tuple[str, str]]:
    """Rows written in bulk from elsewhere: ``INSERT … SELECT``, ``COPY … FROM``, ``bulk_insert``."""
    if op.name == "bulk_insert" and op.table:
        yield op.table, describe(op)
    for statement in op.sql:
        bulk = statement.action == "copy" or (
            statement.action == "insert" and statement.effect is not None and statement.effect.from_select
        )
        if bulk and statement.table:
            yield statement.table, shorten(statement.text)


def _created(op: Operation) -> list[str]:
    if op.name in ("create_table", "create_table_object") and op.table:
        return [op.table]
    return [s.table for s in op.sql if s.action == "create_table" and s.table]


def _tables(op: Operation) -> list[str]:
    if op.name == "execute":
        return [s.table for s in op.sql if s.table]
    return [op.table] if op.table else []


def _is_destructive(op: Operation) -> bool:
    if op.name == "execute":
        return any(s.action in _DESTRUCTIVE_SQL for s in op.sql)
    return op.name in ("drop_table", "drop_column")
