"""Classify the operations of a new revision: additive, breaking, lock-heavy, rerun-unsafe.

Each ``op.*`` call and each raw SQL statement yields zero or more
``(rule name, detail, table)`` verdicts. Constraints, unique indexes and
NOT NULL columns on a table created by the same revision touch no existing
data and are additive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from classifier.surfaces.migrations.changes import shorten
from classifier.surfaces.migrations.model import (
    MODULE,
    UPGRADE,
    MigrationFile,
    Operation,
    SqlStatement,
)
from classifier.surfaces.migrations.types import column_type_change

ADDED = "schema-object-added"
UNRECOGNISED = "migration-operation-unrecognised"
LOCKING_INDEX = "index-created-with-lock"
REWRITE = "table-rewrite-locked"
OP_NOT_RERUNNABLE = "op-create-not-rerunnable"
SQL_NOT_RERUNNABLE = "raw-ddl-not-rerunnable"
SQL_UNGUARDED = "raw-data-change-unguarded"
CONSTRAINT_ADDED = "constraint-added-to-existing-table"
_CONSTRAINT_OPS = frozenset(
    {"create_unique_constraint", "create_foreign_key", "create_check_constraint", "create_primary_key",
     "create_exclude_constraint"}
)
_VOLATILE_DEFAULTS = ("now(", "gen_random_uuid", "uuid_generate", "nextval", "clock_timestamp", "random(", "current_timestamp")
_HARMLESS_OPS = frozenset({"f", "inline_literal", "get_bind", "get_context"})
_SQL_RULES = {
    "drop_table": "table-dropped",
    "drop_column": "column-dropped",
    "drop_index": "constraint-dropped",
    "drop_constraint": "constraint-dropped",
    "rename_table": "table-renamed",
    "rename_column": "column-renamed",
    "alter_type": "column-type-changed",
    "set_not_null": "column-made-not-null",
    "drop_not_null": "column-made-nullable",
    "add_required_column": "required-column-added",
    "add_constraint": CONSTRAINT_ADDED,
    "create_unique_index": CONSTRAINT_ADDED,
    "create_table": ADDED,
    "create_index": ADDED,
    "add_column": ADDED,
    "add_enum_value": ADDED,
    "create_extension": ADDED,
    "insert": ADDED,
    "maintenance": LOCKING_INDEX,
}
# DDL whose rerun fails unless written with IF [NOT] EXISTS.
_NEEDS_EXISTS_GUARD = frozenset(
    {"create_table", "create_index", "create_unique_index", "drop_table", "drop_index", "drop_column",
     "drop_constraint", "add_column", "add_enum_value", "create_extension"}
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One rule a new revision's operation falls under."""

    rule: str
    operation: Operation | None
    table: str | None
    detail: str
    line: int | None


def classify_revision(migration: MigrationFile, dialect: str) -> Iterator[Verdict]:
    """Every verdict for the ``upgrade()`` of a new revision."""
    created: set[str | None] = {op.table for op in migration.in_function(UPGRADE) if op.name == "create_table"}
    created.discard(None)
    for operation in migration.in_function(UPGRADE):
        if operation.name == "execute":
            for statement in operation.sql:
                yield from _sql_verdicts(operation, statement, dialect)
        else:
            yield from _op_verdicts(operation, created, dialect)
    for unknown in migration.unrecognised:
        if unknown.function in (UPGRADE, MODULE):
            yield Verdict(UNRECOGNISED, None, None, f"{shorten(unknown.text)} ({unknown.reason})", unknown.line)


def _op_verdicts(op: Operation, created: set[str | None], dialect: str) -> Iterator[Verdict]:
    new_table = op.table in created and op.name != "create_table"
    name = op.name
    if name == "create_table":
        yield _verdict(ADDED, op, "table created")
        if op.argument("if_not_exists") != "True":
            yield _verdict(OP_NOT_RERUNNABLE, op, "create_table without if_not_exists=True")
    elif name == "create_index":
        yield from _create_index(op, new_table, dialect)
    elif name == "add_column":
        yield from _add_column(op, new_table)
    elif name == "alter_column":
        yield from _alter_column(op)
    elif name in _CONSTRAINT_OPS:
        kind = name.removeprefix("create_").replace("_", " ")
        yield _verdict(ADDED if new_table else CONSTRAINT_ADDED, op, f"{kind} {_first_name(op)}")
    elif name in ("drop_table", "drop_column", "rename_table", "drop_index", "drop_constraint"):
        rule = {"drop_table": "table-dropped", "drop_column": "column-dropped", "rename_table": "table-renamed"}
        target = _unquote(op.argument(_column_position(op)) or "?") if name == "drop_column" else _first_name(op)
        if name == "rename_table":
            target = f"{_first_name(op)} → {_unquote(op.argument('1') or '?')}"
        yield _verdict(rule.get(name, "constraint-dropped"), op, target)
    elif name == "bulk_insert":
        yield _verdict(ADDED, op, "rows inserted")
    elif name not in _HARMLESS_OPS:
        yield _verdict(UNRECOGNISED, op, f"{op.label} is not classified")


def _create_index(op: Operation, new_table: bool, dialect: str) -> Iterator[Verdict]:
    unique = op.argument("unique") == "True"
    yield _verdict(CONSTRAINT_ADDED if unique and not new_table else ADDED, op, f"index {_first_name(op)}")
    concurrent = op.argument("postgresql_concurrently") == "True"
    if dialect.startswith("postgres") and not concurrent and not new_table:
        yield _verdict(LOCKING_INDEX, op, f"index {_first_name(op)} without postgresql_concurrently=True")
    if op.argument("if_not_exists") != "True":
        yield _verdict(OP_NOT_RERUNNABLE, op, f"create_index {_first_name(op)} without if_not_exists=True")


def _add_column(op: Operation, new_table: bool) -> Iterator[Verdict]:
    column = _unquote(op.argument(_column_position(op) + ".0") or "column")
    required = op.argument("nullable") == "False" or op.argument("primary_key") == "True"
    default = op.argument("server_default")
    if required and default is None and not new_table:
        yield _verdict("required-column-added", op, f"{column} is NOT NULL without server_default")
    else:
        yield _verdict(ADDED, op, f"column {column}")
    if default is not None and any(marker in default.lower() for marker in _VOLATILE_DEFAULTS):
        yield _verdict(REWRITE, op, f"column {column} with volatile default {shorten(default, 40)}")


def _alter_column(op: Operation) -> Iterator[Verdict]:
    column = _unquote(op.argument(_column_position(op)) or "?")
    renamed_to = op.argument("new_column_name")
    if renamed_to is not None:
        yield _verdict("column-renamed", op, f"{column} → {_unquote(renamed_to)}")
    new_type = op.argument("type_")
    if new_type is not None:
        rule, detail = column_type_change(op.argument("existing_type"), new_type)
        yield _verdict(rule, op, f"{column}: {detail}")
        if rule == "column-type-changed":
            yield _verdict(REWRITE, op, f"{column}: type change rewrites the table")
    nullable = op.argument("nullable")
    if nullable == "False":
        yield _verdict("column-made-not-null", op, column)
    elif nullable == "True":
        yield _verdict("column-made-nullable", op, column)
    if renamed_to is None and new_type is None and nullable is None:
        yield _verdict("column-altered-compatibly", op, f"{column}: default or comment")


def _sql_verdicts(op: Operation, statement: SqlStatement, dialect: str) -> Iterator[Verdict]:
    rule = _SQL_RULES.get(statement.action)
    detail = shorten(statement.text)
    if statement.action in ("update", "delete", "truncate"):
        if not statement.guarded:
            yield Verdict(SQL_UNGUARDED, op, statement.table, detail, op.line)
        return
    if statement.action == "session":
        return
    if rule is None:
        yield Verdict(UNRECOGNISED, op, statement.table, f"{detail} ({statement.detail or 'not classified'})", op.line)
        return
    yield Verdict(rule, op, statement.table, detail, op.line)
    if statement.action in ("create_index", "create_unique_index") and dialect.startswith("postgres") and not statement.concurrently:
        yield Verdict(LOCKING_INDEX, op, statement.table, f"{detail} (no CONCURRENTLY)", op.line)
    if statement.action == "alter_type":
        yield Verdict(REWRITE, op, statement.table, f"{detail} (type change rewrites the table)", op.line)
    if statement.action in _NEEDS_EXISTS_GUARD and not statement.rerunnable:
        yield Verdict(SQL_NOT_RERUNNABLE, op, statement.table, detail, op.line)


def _verdict(rule: str, op: Operation, detail: str) -> Verdict:
    return Verdict(rule, op, op.table, detail, op.line)


def _first_name(op: Operation) -> str:
    return _unquote(op.argument("0") or "?")


def _column_position(op: Operation) -> str:
    """Where the column argument sits: batch operations take no table argument."""
    return "0" if op.batch else "1"


def _unquote(value: str) -> str:
    return value.strip("'\"")
