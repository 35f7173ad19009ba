"""Classify what a new revision's ``upgrade()`` does: additive, breaking, lock-heavy, rerun-unsafe.

Operations are judged in order against a small model of the revision's own
effect: a table created, or a column added, earlier in the same revision
holds no existing rows or values, so a constraint, an index, a foreign key or
a data change on it touches nothing a client already relies on. Data
statements are judged by what they write: filling NULLs is a backfill,
rewriting or deleting existing values changes what the data means. Rerun
safety is judged by effect: whether running the statements a second time
leaves the same rows.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from classifier.surfaces.migrations.changes import shorten
from classifier.surfaces.migrations.model import (
    DOWNGRADE,
    MODULE,
    UPGRADE,
    MigrationFile,
    Operation,
    SqlStatement,
    Unrecognised,
)
from classifier.surfaces.migrations.types import column_type_change

ADDED = "schema-object-added"
UNRECOGNISED = "migration-operation-unrecognised"
UNANALYSED = "migration-code-unanalysed"
LOCKING_INDEX = "index-created-with-lock"
REWRITE = "table-rewrite-locked"
OP_NOT_RERUNNABLE = "op-create-not-rerunnable"
SQL_NOT_RERUNNABLE = "raw-ddl-not-rerunnable"
DATA_NOT_RERUNNABLE = "data-change-not-rerunnable"
INSERT_NOT_RERUNNABLE = "insert-not-rerunnable"
CONSTRAINT_ADDED = "constraint-added-to-existing-table"
CONSTRAINT_DROPPED = "constraint-dropped"
INDEX_DROPPED = "index-dropped"
BACKFILL = "data-backfilled"
DATA_REWRITTEN = "data-rewritten"
TYPE_CHANGED = "column-type-changed"
_CONSTRAINT_OPS = frozenset(
    {"create_unique_constraint", "create_foreign_key", "create_check_constraint", "create_primary_key",
     "create_exclude_constraint"}
)
_VOLATILE_DEFAULTS = ("now(", "gen_random_uuid", "uuid_generate", "nextval", "clock_timestamp", "random(", "current_timestamp")
_HARMLESS_OPS = frozenset({"f", "inline_literal", "get_bind", "get_context"})
_SQL_RULES = {
    "drop_table": "table-dropped",
    "drop_column": "column-dropped",
    "drop_index": INDEX_DROPPED,
    "drop_constraint": CONSTRAINT_DROPPED,
    "rename_table": "table-renamed",
    "rename_column": "column-renamed",
    "alter_type": TYPE_CHANGED,
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
    "create_type": ADDED,
    "create_sequence": ADDED,
    "create_view": ADDED,
    "create_function": ADDED,
    "maintenance": LOCKING_INDEX,
    "alter_sequence": "column-altered-compatibly",
}
_DATA_ACTIONS = frozenset({"update", "delete", "truncate", "insert", "merge", "copy"})
# DDL whose rerun fails unless written with IF [NOT] EXISTS.
_NEEDS_EXISTS_GUARD = frozenset(
    {"create_table", "create_index", "create_unique_index", "drop_table", "drop_index", "drop_column",
     "drop_constraint", "add_column", "add_enum_value", "create_extension"}
)
_MAX_LISTED = 4


@dataclass(frozen=True, slots=True)
class Verdict:
    """One rule a new revision's operation falls under."""

    rule: str
    operation: Operation | None
    table: str | None
    detail: str
    line: int | None


@dataclass(slots=True)
class RevisionEffect:
    """What the revision has done so far: objects it created, data it wrote."""

    tables: set[str] = field(default_factory=set)
    columns: set[tuple[str, str]] = field(default_factory=set)
    writes: list[SqlStatement] = field(default_factory=list)
    replaced: dict[str, str] = field(default_factory=dict)

    def is_new_table(self, table: str | None) -> bool:
        return table is not None and table.lower() in self.tables

    def are_new_columns(self, table: str | None, columns: list[str] | None) -> bool:
        """Whether every one of ``columns`` of ``table`` was added by this revision."""
        if table is None or not columns:
            return False
        return self.is_new_table(table) or all((table.lower(), c.lower()) in self.columns for c in columns)

    def record(self, op: Operation) -> None:
        if op.name in ("create_table", "create_table_object") and op.table:
            self.tables.add(op.table.lower())
        elif op.name == "add_column" and op.table:
            column = column_name(op)
            if column:
                self.columns.add((op.table.lower(), column.lower()))
        for statement in op.sql:
            if statement.action == "create_table" and statement.table:
                self.tables.add(statement.table.lower())
            elif statement.action in ("add_column", "add_required_column") and statement.table and statement.detail:
                self.columns.add((statement.table.lower(), statement.detail.lower()))


def classify_revision(migration: MigrationFile, dialect: str) -> Iterator[Verdict]:
    """Every verdict for the ``upgrade()`` of a new revision."""
    effect = RevisionEffect()
    downgrade = migration.in_function(DOWNGRADE)
    effect.replaced = _replaced_constraints(migration.in_function(UPGRADE), downgrade)
    unknown = [u for u in migration.unrecognised if u.function in (UPGRADE, MODULE)]
    for operation in migration.in_function(UPGRADE):
        if operation.name == "execute":
            for statement in operation.sql:
                if statement.action not in _DATA_ACTIONS and statement.action not in ("session", "read") \
                        and statement.action not in _SQL_RULES:
                    unknown.append(Unrecognised(UPGRADE, operation.line, statement.text,
                                                statement.detail or "not classified"))
                    continue
                yield from _sql_verdicts(operation, statement, dialect, effect)
        elif operation.name in _HARMLESS_OPS:
            pass
        else:
            verdicts = list(_op_verdicts(operation, effect, dialect, downgrade))
            replaced = operation.name == "drop_constraint" and first_name(operation) in effect.replaced
            if not verdicts and not replaced:
                unknown.append(Unrecognised(UPGRADE, operation.line, f"{operation.label}(…)",
                                            f"{operation.label} is not classified"))
            yield from verdicts
        effect.record(operation)
    yield from _not_understood(unknown)


def _constraint_shape(op: Operation) -> tuple[str, str, tuple[str, ...], str] | None:
    """``(kind, table, columns, referent)`` of a constraint an operation creates, when literal."""
    if op.name not in _CONSTRAINT_OPS or not op.table:
        return None
    columns = _names(op.param("local_cols") if op.name == "create_foreign_key" else op.param("columns")) or []
    referent = _unquote(op.param("referent_table") or "") if op.name == "create_foreign_key" else ""
    return op.name, op.table.lower(), tuple(c.lower() for c in columns), referent.lower()


def _replaced_constraints(upgrade: tuple[Operation, ...], downgrade: tuple[Operation, ...]) -> dict[str, str]:
    """Constraint name -> the name of the one replacing it with the same kind, table, columns and referent.

    The dropped constraint's definition is read from ``downgrade()``, which
    recreates it; a replacement keeps every row valid (they satisfied the old one).
    """
    recreated = {first_name(op): _constraint_shape(op) for op in downgrade if op.name in _CONSTRAINT_OPS}
    dropped = {first_name(op): (op.table or "").lower() for op in upgrade if op.name == "drop_constraint"}
    created = [(first_name(op), _constraint_shape(op)) for op in upgrade if op.name in _CONSTRAINT_OPS]
    replaced: dict[str, str] = {}
    for name, table in dropped.items():
        shape = recreated.get(name)
        # The same constraint: recreated in upgrade() as downgrade() restores it, or under its own name.
        match = next((new for new, new_shape in created
                      if (shape is not None and new_shape == shape)
                      or (new == name and new_shape is not None and new_shape[1] == table)), None)
        if match is not None:
            replaced[name] = match
            replaced[match] = name
    return replaced


def _not_understood(unknown: list[Unrecognised]) -> Iterator[Verdict]:
    """Once per revision and kind: what can reach the database blocks, the rest is a warning."""
    for rule, reaching in ((UNRECOGNISED, True), (UNANALYSED, False)):
        items = [u for u in unknown if u.reaches_database is reaching]
        if not items:
            continue
        listed = "; ".join(f"`{shorten(u.text, 70)}` at line {u.line} ({u.reason})" for u in items[:_MAX_LISTED])
        more = f"; and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else ""
        yield Verdict(rule, None, None, listed + more, items[0].line)


# -- op.* calls ---------------------------------------------------------------


def _op_verdicts(op: Operation, effect: RevisionEffect, dialect: str, downgrade: tuple[Operation, ...]) -> Iterator[Verdict]:
    name = op.name
    if name in ("create_table", "create_table_object"):
        yield _verdict(ADDED, op, f"table {op.table or '?'} created")
        if name == "create_table" and op.argument("if_not_exists") != "True" and not op.conditional:
            yield _verdict(OP_NOT_RERUNNABLE, op, f"create_table {op.table or '?'} without if_not_exists=True")
    elif name in ("create_type", "create_sequence", "create_index_object"):
        yield _verdict(ADDED, op, f"{name.removeprefix('create_').replace('_object', '')} {first_name(op)} created")
    elif name == "create_index":
        yield from _create_index(op, effect, dialect)
    elif name == "add_column":
        yield from _add_column(op, effect)
    elif name == "alter_column":
        yield from _alter_column(op, effect)
    elif name in _CONSTRAINT_OPS:
        yield from _constraint(op, effect)
    elif name in ("drop_table", "drop_column", "rename_table"):
        yield from _drop_or_rename(op)
    elif name == "drop_index":
        yield _verdict(INDEX_DROPPED, op, f"index {first_name(op)}")
    elif name == "drop_constraint" and first_name(op) in effect.replaced:
        return  # replaced in this revision by an equal constraint: reported with its replacement
    elif name == "drop_constraint":
        yield _drop_constraint(op, downgrade)
    elif name == "bulk_insert":
        yield from _bulk_insert(op, effect)
    elif name == "sync_enum_values":
        yield from _sync_enum(op, downgrade)


def _create_index(op: Operation, effect: RevisionEffect, dialect: str) -> Iterator[Verdict]:
    unique = op.argument("unique") == "True"
    table = op.table
    fresh = effect.is_new_table(table)
    untouched = fresh or effect.are_new_columns(table, _names(op.param("columns")))
    where = " (new columns: no existing value)" if untouched and not fresh else ""
    yield _verdict(CONSTRAINT_ADDED if unique and not untouched else ADDED, op, f"index {first_name(op)}{where}")
    concurrent = op.argument("postgresql_concurrently") == "True"
    if dialect.startswith("postgres") and not concurrent and not fresh:
        yield _verdict(LOCKING_INDEX, op, f"index {first_name(op)} without postgresql_concurrently=True")
    if op.argument("if_not_exists") != "True" and not op.conditional:
        yield _verdict(OP_NOT_RERUNNABLE, op, f"create_index {first_name(op)} without if_not_exists=True")


def _constraint(op: Operation, effect: RevisionEffect) -> Iterator[Verdict]:
    kind = op.name.removeprefix("create_").replace("_", " ")
    if op.name == "create_foreign_key":
        columns = _names(op.param("local_cols"))
    elif op.name == "create_check_constraint":
        columns = None
    else:
        columns = _names(op.param("columns"))
    fresh = effect.is_new_table(op.table)
    untouched = fresh or (op.name != "create_primary_key" and effect.are_new_columns(op.table, columns))
    where = " (new columns: no existing value)" if untouched and not fresh else ""
    if first_name(op) in effect.replaced:
        untouched, where = True, f" (replaces {effect.replaced[first_name(op)]} on the same columns)"
    yield _verdict(ADDED if untouched else CONSTRAINT_ADDED, op, f"{kind} {first_name(op)}{where}")


def _add_column(op: Operation, effect: RevisionEffect) -> Iterator[Verdict]:
    column = column_name(op) or "?"
    required = _column_argument(op, "nullable") == "False" or _column_argument(op, "primary_key") == "True"
    default = _column_argument(op, "server_default")
    if required and default is None and not effect.is_new_table(op.table):
        yield _verdict("required-column-added", op, f"{column} is NOT NULL without server_default")
    else:
        yield _verdict(ADDED, op, f"column {column}")
    if default is not None and any(marker in default.lower() for marker in _VOLATILE_DEFAULTS):
        yield _verdict(REWRITE, op, f"column {column} with volatile default {shorten(default, 40)}")


def _alter_column(op: Operation, effect: RevisionEffect) -> Iterator[Verdict]:
    column = _unquote(op.param("column_name") or "?")
    if effect.is_new_table(op.table):
        yield _verdict("column-altered-compatibly", op, f"{column}: on a table created by this revision")
        return
    renamed_to = op.argument("new_column_name")
    if renamed_to is not None:
        yield _verdict("column-renamed", op, f"{column} → {_unquote(renamed_to)}")
    new_type = op.argument("type_")
    if new_type is not None:
        rule, detail = column_type_change(op.argument("existing_type"), new_type)
        yield _verdict(rule, op, f"{column}: {detail}")
        if rule == TYPE_CHANGED:
            yield _verdict(REWRITE, op, f"{column}: type change rewrites the table")
    nullable = op.argument("nullable")
    if nullable == "False":
        yield _verdict("column-made-not-null", op, column)
    elif nullable == "True":
        yield _verdict("column-made-nullable", op, column)
    if renamed_to is None and new_type is None and nullable is None:
        yield _verdict("column-altered-compatibly", op, f"{column}: default or comment")


def _drop_or_rename(op: Operation) -> Iterator[Verdict]:
    if op.name == "drop_table":
        yield _verdict("table-dropped", op, op.table or "?")
    elif op.name == "drop_column":
        yield _verdict("column-dropped", op, _unquote(op.param("column_name") or "?"))
    else:
        yield _verdict("table-renamed", op, f"{op.table or '?'} → {_unquote(op.param('new_table_name') or '?')}")


def _drop_constraint(op: Operation, downgrade: tuple[Operation, ...]) -> Verdict:
    """Dropping a unique constraint relaxes it (old code keeps working); others stay breaking."""
    name = first_name(op)
    kind = _unquote(op.param("type_") or "")
    if not kind:
        recreated = [d.name for d in downgrade if d.name in _CONSTRAINT_OPS and first_name(d) == name]
        kind = "unique" if recreated == ["create_unique_constraint"] else ""
    if kind == "unique":
        return _verdict(INDEX_DROPPED, op, f"unique constraint {name} (uniqueness relaxed)")
    return _verdict(CONSTRAINT_DROPPED, op, f"{kind + ' ' if kind else ''}constraint {name}")


def _bulk_insert(op: Operation, effect: RevisionEffect) -> Iterator[Verdict]:
    yield _verdict(ADDED, op, "rows inserted")
    if not effect.is_new_table(op.table):
        yield _verdict(INSERT_NOT_RERUNNABLE, op, f"bulk_insert into existing table {op.table or '?'} adds the rows again")


def _sync_enum(op: Operation, downgrade: tuple[Operation, ...]) -> Iterator[Verdict]:
    """``op.sync_enum_values`` (alembic-postgresql-enum) sets the whole list: compare with the downgrade's."""
    enum = _unquote(op.param("enum_name") or "?")
    new = set(_names(op.param("new_values")) or [])
    old_values = [
        set(_names(d.param("new_values")) or [])
        for d in downgrade
        if d.name == "sync_enum_values" and _unquote(d.param("enum_name") or "") == enum
    ]
    renames = op.argument("enum_values_to_rename")
    where = f"type {enum}"
    if not old_values or not new:
        yield Verdict(UNRECOGNISED, op, where, f"enum {enum}: the previous values are unknown (no matching downgrade)",
                      op.line)
    elif old_values[0] <= new and renames in (None, "[]", "()"):
        added = ", ".join(sorted(new - old_values[0])) or "none"
        yield Verdict(ADDED, op, where, f"enum {enum} values added: {added}", op.line)
    else:
        removed = ", ".join(sorted(old_values[0] - new)) or "renamed values"
        yield Verdict(TYPE_CHANGED, op, where, f"enum {enum} values removed: {removed}", op.line)


# -- data and raw SQL ---------------------------------------------------------


def _sql_verdicts(op: Operation, statement: SqlStatement, dialect: str, effect: RevisionEffect) -> Iterator[Verdict]:
    detail = shorten(statement.text)
    if statement.action in ("session", "read"):
        return
    if statement.action in _DATA_ACTIONS:
        yield from _data_verdicts(op, statement, effect)
        return
    rule = _SQL_RULES.get(statement.action)
    if rule is None:
        yield Verdict(UNRECOGNISED, op, statement.table, f"{detail} ({statement.detail or 'not classified'})", op.line)
        return
    if rule == CONSTRAINT_ADDED and effect.is_new_table(statement.table):
        rule = ADDED
    yield Verdict(rule, op, statement.table, detail, op.line)
    fresh = effect.is_new_table(statement.table)
    if statement.action in ("create_index", "create_unique_index") and dialect.startswith("postgres") \
            and not statement.concurrently and not fresh:
        yield Verdict(LOCKING_INDEX, op, statement.table, f"{detail} (no CONCURRENTLY)", op.line)
    if statement.action == "alter_type":
        yield Verdict(REWRITE, op, statement.table, f"{detail} (type change rewrites the table)", op.line)
    if statement.action in _NEEDS_EXISTS_GUARD and not statement.rerunnable and not op.conditional:
        yield Verdict(SQL_NOT_RERUNNABLE, op, statement.table, detail, op.line)


def _data_verdicts(op: Operation, statement: SqlStatement, effect: RevisionEffect) -> Iterator[Verdict]:
    detail = shorten(statement.text)
    table = statement.table
    data = statement.effect
    fresh = effect.is_new_table(table)
    if statement.action in ("insert", "copy"):
        what = "rows copied" if data is not None and data.from_select or statement.action == "copy" else "rows inserted"
        yield Verdict(ADDED, op, table, f"{what}: {detail}", op.line)
        if not fresh and not (data is not None and data.conflict_guard):
            # A rerun duplicates the rows or stops on a unique key: visible and repairable, unlike an
            # update that silently rewrites what it already wrote (MIG404). A warning.
            yield Verdict(INSERT_NOT_RERUNNABLE, op, table, f"{detail} (a rerun inserts the rows again)", op.line)
    elif fresh:
        yield Verdict(BACKFILL, op, table, f"{detail} (table created by this revision)", op.line)
    elif statement.action == "update" and data is not None and _fills_only_new_values(table, data, effect):
        yield Verdict(BACKFILL, op, table, detail, op.line)
    else:
        verb = {"update": "rewrites existing values", "delete": "deletes existing rows",
                "truncate": "deletes every row", "merge": "rewrites existing rows"}[statement.action]
        yield Verdict(DATA_REWRITTEN, op, table, f"{verb}: {detail}", op.line)
    if statement.action in ("update", "merge"):
        reason = _rerun_problem(statement, effect)
        if reason:
            yield Verdict(DATA_NOT_RERUNNABLE, op, table, f"{detail} ({reason})", op.line)
    effect.writes.append(statement)


def _fills_only_new_values(table: str | None, data: object, effect: RevisionEffect) -> bool:
    """An UPDATE that writes only columns this revision added, or only rows where each written column is NULL."""
    from classifier.surfaces.migrations.model import DataEffect

    assert isinstance(data, DataEffect)
    columns = [a.column for a in data.assignments]
    if not columns:
        return False
    if effect.are_new_columns(table, columns):
        return True
    nulls = {c.column.lower() for c in data.where or () if c.test == "null"}
    return all(column.lower() in nulls for column in columns)


def _rerun_problem(statement: SqlStatement, effect: RevisionEffect) -> str | None:
    """Why running ``statement`` again (after the statements before it) would not leave the same rows."""
    data = statement.effect
    if data is None:
        return None
    written = {a.column.lower() for a in data.assignments}
    for assignment in data.assignments:
        if assignment.volatile:
            return f"{assignment.column} is set from a value that changes on every run"
        if {r.lower() for r in assignment.reads} & written and not assignment.idempotent:
            return f"{assignment.column} is computed from a column the statement itself writes"
    for earlier in effect.writes:
        if earlier.table != statement.table or earlier.effect is None or earlier.effect.where is None:
            continue
        for assignment in data.assignments:
            if _may_match(earlier, assignment.column.lower(), assignment.literal):
                return (f"a rerun of the earlier `{shorten(earlier.text, 50)}` matches rows this statement set "
                        f"{assignment.column} on")
    return None


def _may_match(earlier: SqlStatement, column: str, value: str | None) -> bool:
    """Whether rows given ``column = value`` could match the earlier statement's WHERE again."""
    assert earlier.effect is not None
    if column not in {c.lower() for c in earlier.effect.where_columns} and not any(
        c.column.lower() == column for c in earlier.effect.where or ()
    ):
        return False
    for condition in earlier.effect.where or ():
        if condition.column.lower() != column:
            continue
        if value is None or condition.test == "other":
            return True
        if condition.test == "null":
            return value == "NULL"
        if condition.test == "not_null":
            return value != "NULL"
        return _same_literal(value, condition.values)
    return True


def _same_literal(value: str, values: tuple[str, ...]) -> bool:
    return _normal(value) in {_normal(v) for v in values}


def _normal(value: str) -> str:
    try:
        return repr(ast.literal_eval(value))
    except (ValueError, SyntaxError):
        return value.strip("'\"")


# -- reading arguments --------------------------------------------------------


def _verdict(rule: str, op: Operation, detail: str) -> Verdict:
    if op.via:
        detail = f"{detail}; via {op.via}()"
    return Verdict(rule, op, op.table, detail, op.line)


def first_name(op: Operation) -> str:
    """The name an operation gives its object (index, constraint, table)."""
    for param in ("index_name", "constraint_name", "table_name"):
        value = op.param(param)
        if value is not None:
            return _unquote(value)
    return _unquote(op.argument("0") or op.argument("name") or "?")


def column_name(op: Operation) -> str | None:
    """The name of the ``sa.Column`` an ``add_column`` adds (positional or ``name=``)."""
    position = "0" if op.batch else "1"
    wanted = (f"{position}.0", f"{position}.name", "column.0", "column.name")
    found = dict(op.arguments)
    return next((_unquote(found[key]) for key in wanted if key in found), None)


def _column_argument(op: Operation, name: str) -> str | None:
    position = "0" if op.batch else "1"
    for prefix in (position, "column"):
        for key, value in op.arguments:
            if key == f"{prefix}.{name}":
                return value
    return None


def _names(value: str | None) -> list[str] | None:
    """A literal list of names (``["a", "b"]``) as a list, ``None`` when not a literal."""
    if value is None:
        return None
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return None
    if isinstance(parsed, str):
        return [parsed]
    if isinstance(parsed, (list, tuple)) and all(isinstance(item, str) for item in parsed):
        return list(parsed)
    return None


def _unquote(value: str) -> str:
    """A name as written in the source, without quotes or a string prefix (``u"x"`` is ``x``)."""
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value.strip("'\"")
    return parsed if isinstance(parsed, str) else value
