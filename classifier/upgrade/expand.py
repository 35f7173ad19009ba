"""Static judgements of whole revisions: is an ``upgrade()`` expand-only, is a ``downgrade()`` safe to run?

Revision files are read from one commit with the migrations surface's own
reader (libcst and sqlglot; nothing is imported or run) and its operation
classifier. Two questions are answered here:

- *expand-only* (rollback-check): an older release keeps working on a database
  that is ahead of it only if every revision since added structure the old
  code never touches: new tables, nullable or defaulted columns, plain
  indexes, views, sequences, types, extensions. Rows written into a table
  created in the same window are allowed; rows written into an older table,
  a changed or dropped column, a new constraint or an unreadable statement
  are not.
- *safe downgrade* (downgrade-check): a ``downgrade()`` may drop indexes and
  constraints, rename back, add or re-create structure; it may not drop or
  rewrite data, touch an append-only or key-binding table, or be missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from classifier.model import Side
from classifier.sources.commit import CommitFiles
from classifier.surfaces.migrations.classify import (
    ADDED,
    LOCKING_INDEX,
    OP_NOT_RERUNNABLE,
    REWRITE,
    SQL_NOT_RERUNNABLE,
    UNRECOGNISED,
    classify_revision,
)
from classifier.surfaces.migrations.graph import RevisionGraph
from classifier.surfaces.migrations.model import (
    DOWNGRADE,
    UPGRADE,
    MigrationFile,
    Operation,
    SqlStatement,
)

# Verdicts about locks and reruns: they say how a revision runs, not whether old code still fits the schema.
_NEUTRAL_RULES = frozenset({LOCKING_INDEX, OP_NOT_RERUNNABLE, SQL_NOT_RERUNNABLE, "column-altered-compatibly"})
_EXPAND_SQL = frozenset(
    {"create_table", "create_index", "add_column", "create_extension", "create_view", "create_sequence",
     "create_type", "create_schema", "session", "maintenance"}
)  # fmt: skip
_DATA_WRITES = frozenset({"bulk_insert"})
_DESTROYING_OPS = frozenset({"drop_table", "drop_column", "bulk_insert"})
_DESTROYING_SQL = frozenset({"drop_table", "drop_column", "update", "delete", "truncate", "alter_type", "insert"})
_HARMLESS_DOWN_SQL = frozenset(
    {"drop_index", "drop_constraint", "create_table", "create_index", "create_unique_index", "add_column",
     "add_required_column", "add_constraint", "rename_table", "rename_column", "set_not_null", "drop_not_null",
     "session", "maintenance", "drop_view", "drop_sequence", "drop_type", "create_type"}
)  # fmt: skip
_UNDERSTOOD_DOWN_OPS = frozenset(
    {"drop_index", "drop_constraint", "create_table", "create_index", "add_column", "alter_column", "rename_table",
     "create_unique_constraint", "create_foreign_key", "create_check_constraint", "create_primary_key",
     "create_exclude_constraint", "create_table_comment", "drop_table_comment", "execute", "f", "inline_literal",
     "get_bind", "get_context"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RevisionJudgement:
    """One revision as read from the commit, and what is wrong with it for the question asked.

    Attributes:
        revision: The revision id.
        path: Its file in the commit (``None``: no file defines it).
        operations: Short descriptions of what the function read does (``op.add_column ledger``).
        tables: The tables the function touches.
        problems: ``(id, why)`` pairs; empty when the revision passes.
    """

    revision: str
    path: str | None
    operations: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    problems: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        return {
            "revision": self.revision,
            "path": self.path,
            "operations": list(self.operations),
            "tables": list(self.tables),
            "problems": [why for _, why in self.problems],
        }


def read_revision(files: CommitFiles, graph: RevisionGraph, revision: str, dialect: str) -> MigrationFile | None:
    """The revision's file fully read, ``None`` when the graph names no file for it."""
    from classifier.surfaces.migrations.reader import read_migration

    path = graph.paths.get(revision)
    data = files.read(Side.BASE, path) if path is not None else None
    if path is None or data is None:
        return None
    return read_migration(path, data.decode("utf-8", "replace"), dialect)


def _bare(table: str | None) -> str:
    return (table or "").rpartition(".")[2].strip('"').lower()


def _subject(op: Operation) -> str:
    return f"{op.label} {op.table}" if op.table else op.label


def _described(op: Operation) -> list[str]:
    if op.name == "execute" and op.sql:
        return [f"execute {statement.action} {statement.table or ''}".rstrip() for statement in op.sql]
    return [_subject(op)]


def _tables(operations: Iterable[Operation]) -> tuple[str, ...]:
    found = {op.table for op in operations if op.table}
    found |= {statement.table for op in operations for statement in op.sql if statement.table}
    return tuple(sorted(found))


# --- expand-only (rollback-check) -----------------------------------------------------------


def expand_only(
    revision: str, migration: MigrationFile | None, dialect: str, new_tables: set[str]
) -> RevisionJudgement:
    """Whether ``revision``'s ``upgrade()`` only adds what older code never touches.

    Args:
        revision: The revision id.
        migration: Its file, read; ``None`` when there is none.
        dialect: The SQL dialect of raw SQL.
        new_tables: Tables created earlier in the window (rows may be written into them);
            the revision's own ``create_table`` tables are added to it.
    """
    if migration is None:
        return RevisionJudgement(revision, None, problems=(("upgrade.E040", "no file defines it"),))
    if migration.parse_error:
        return RevisionJudgement(revision, migration.path, problems=(("upgrade.E040", migration.parse_error),))
    operations = migration.in_function(UPGRADE)
    new_tables |= {_bare(op.table) for op in operations if op.name == "create_table"}
    new_tables |= {_bare(s.table) for op in operations for s in op.sql if s.action == "create_table"}
    problems = [*_op_problems(migration, dialect, new_tables), *_sql_problems(operations, new_tables)]
    described = tuple(text for op in operations for text in _described(op))
    return RevisionJudgement(
        revision, migration.path, described, _tables(operations), tuple(("upgrade.E040", p) for p in problems)
    )


def _op_problems(migration: MigrationFile, dialect: str, new_tables: set[str]) -> list[str]:
    problems = []
    for verdict in classify_revision(migration, dialect):
        op = verdict.operation
        if op is not None and op.name == "execute":
            continue  # raw SQL is judged statement by statement below
        if verdict.rule in _NEUTRAL_RULES or (verdict.rule == REWRITE and op is not None and op.name == "add_column"):
            continue
        if verdict.rule == ADDED and (op is None or op.name not in _DATA_WRITES or _bare(op.table) in new_tables):
            continue
        where = f"line {verdict.line}: " if verdict.line else ""
        if verdict.rule == ADDED and op is not None:
            into = f"{op.table}, a table older code reads" if op.table else "a table the reader cannot name"
            problems.append(f"{where}{op.label} writes rows into {into}")
        elif verdict.rule == UNRECOGNISED:
            problems.append(f"{where}{verdict.detail} cannot be read statically")
        else:
            problems.append(f"{where}{verdict.rule.replace('-', ' ')}: {verdict.detail}")
    return problems


def _sql_problems(operations: Iterable[Operation], new_tables: set[str]) -> list[str]:
    problems = []
    for op in operations:
        for statement in op.sql if op.name == "execute" else ():
            if statement.action in _EXPAND_SQL:
                continue
            if statement.action == "insert" and _bare(statement.table) in new_tables:
                continue
            where = f"line {op.line}: " if op.line else ""
            problems.append(f"{where}{_sql_reason(statement)}: {statement.text}")
    return problems


def _sql_reason(statement: SqlStatement) -> str:
    if statement.action == "insert":
        return f"writes rows into {statement.table}, a table older code reads"
    if statement.action in ("update", "delete", "truncate"):
        return f"rewrites rows of {statement.table}"
    if statement.action == "unknown":
        return f"cannot be read statically ({statement.detail or 'not classified'})"
    return statement.action.replace("_", " ")


# --- safe downgrade (downgrade-check) -------------------------------------------------------


def safe_downgrade(revision: str, migration: MigrationFile | None, history_tables: frozenset[str]) -> RevisionJudgement:
    """Whether running ``revision``'s ``downgrade()`` keeps every row and every historical table.

    Args:
        revision: The revision id.
        migration: Its file, read; ``None`` when there is none.
        history_tables: Append-only and key-binding tables (bare, lower case).
    """
    if migration is None:
        return RevisionJudgement(revision, None, problems=(("upgrade.E045", "no file defines it"),))
    if migration.parse_error:
        return RevisionJudgement(revision, migration.path, problems=(("upgrade.E046", migration.parse_error),))
    down = migration.in_function(DOWNGRADE)
    problems: list[tuple[str, str]] = []
    unknown = [u for u in migration.unrecognised if u.function == DOWNGRADE]
    if not down and not unknown and migration.in_function(UPGRADE):
        problems.append(("upgrade.E045", "its downgrade() undoes nothing its upgrade() did"))
    for item in unknown:
        problems.append(("upgrade.E046", f"line {item.line}: {item.text} ({item.reason})"))
    for op in down:
        problems.extend(_down_problems(op, history_tables))
    described = tuple(text for op in down for text in _described(op))
    return RevisionJudgement(revision, migration.path, described, _tables(down), tuple(problems))


def _down_problems(op: Operation, history_tables: frozenset[str]) -> list[tuple[str, str]]:
    where = f"line {op.line}: " if op.line else ""
    problems = []
    touched = {_bare(op.table)} | {_bare(s.table) for s in op.sql}
    historical = sorted(touched & history_tables)
    if historical:
        problems.append(("upgrade.E044", f"{where}{op.label} touches {', '.join(historical)}"))
    if op.name in _DESTROYING_OPS:
        problems.append(("upgrade.E043", f"{where}{_subject(op)} drops or writes data"))
    elif op.name == "alter_column" and op.argument("type_") is not None:
        problems.append(("upgrade.E043", f"{where}{_subject(op)} changes a column's type, rewriting its values"))
    elif op.name not in _UNDERSTOOD_DOWN_OPS:
        problems.append(("upgrade.E046", f"{where}{op.label} is not an operation a downgrade is judged on"))
    for statement in op.sql if op.name == "execute" else ():
        if statement.action in _DESTROYING_SQL:
            problems.append(("upgrade.E043", f"{where}{statement.text} drops or rewrites data"))
        elif statement.action not in _HARMLESS_DOWN_SQL:
            detail = statement.detail or statement.action.replace("_", " ")
            problems.append(("upgrade.E046", f"{where}{statement.text} cannot be judged ({detail})"))
    return problems
