"""Reading revision files with libcst: graph fields in every form, operations, SQL, what is not understood."""

from __future__ import annotations

import pytest

from classifier.surfaces.migrations.graphscan import _scan, cheap_graph_fields
from classifier.surfaces.migrations.reader import read_migration
from classifier.surfaces.migrations.sql import analyse_sql

MODERN = '''"""add email

Revision ID: 1a2b3c
Revises: 0f0f0f
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "1a2b3c"
down_revision: Union[str, None] = (
    "0f0f0f",
    "0e0e0e",
)
branch_labels: Union[str, Sequence[str], None] = ("accounts",)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("users", sa.Column("email", sa.String(255), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch:
        batch.alter_column("name", existing_type=sa.String(50), nullable=False)
    with op.get_context().autocommit_block():
        op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)
    op.execute(sa.text("UPDATE users SET email = '' WHERE email IS NULL"))
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM sessions"))
    roles = sa.table("roles", sa.column("name", sa.String))
    op.bulk_insert(roles, [{"name": "admin"}])


def downgrade() -> None:
    op.drop_index("ix_users_email", table_name="users")
    op.drop_column("users", "email")
'''


def test_graph_fields_annotated_tuple_and_labels() -> None:
    graph = read_migration("v.py", MODERN, "postgresql").graph
    assert (graph.revision, graph.down_revision, graph.branch_labels, graph.depends_on) == (
        "1a2b3c", ("0f0f0f", "0e0e0e"), ("accounts",), ()
    )
    assert graph.problem is None


def test_the_cheap_read_agrees_with_the_full_parse() -> None:
    assert _scan(MODERN) == read_migration("v.py", MODERN, "postgresql").graph


def test_a_non_literal_revision_falls_back_to_the_full_parse_and_says_so() -> None:
    text = 'REV = "abc"\nrevision = REV\ndown_revision = None\n'
    fields = cheap_graph_fields(text.encode(), lambda t: read_migration("v.py", t, "postgresql").graph)
    assert fields.revision is None
    assert fields.problem == "revision is not a literal (REV)"


def test_operations_batch_blocks_autocommit_sql_and_bulk_insert() -> None:
    migration = read_migration("v.py", MODERN, "postgresql")
    summary = [(o.function, o.label, o.table, o.autocommit) for o in migration.operations]
    assert summary == [
        ("upgrade", "op.add_column", "users", False),
        ("upgrade", "batch_op.alter_column", "users", False),
        ("upgrade", "op.create_index", "users", True),
        ("upgrade", "op.execute", None, False),
        ("upgrade", "op.execute", None, False),
        ("upgrade", "op.bulk_insert", "roles", False),
        ("downgrade", "op.drop_index", "users", False),
        ("downgrade", "op.drop_column", "users", False),
    ]
    assert migration.unrecognised == ()
    update, delete = (o.sql[0] for o in migration.operations if o.name == "execute")
    assert (update.action, update.table, update.guarded) == ("update", "users", True)
    assert (delete.action, delete.table, delete.guarded) == ("delete", "sessions", False)
    assert migration.operations[0].argument("nullable") == "True"


def test_what_is_not_understood_is_recorded_with_the_reason_and_whether_it_reaches_the_database() -> None:
    text = MODERN.replace("    bind = op.get_bind()\n", "    if flag:\n        op.drop_table('x')\n    helper()\n")
    migration = read_migration("v.py", text, "postgresql")
    assert [(u.function, u.reason, u.reaches_database) for u in migration.unrecognised] == [
        ("upgrade", "call to helper is not read", False),
        ("upgrade", "call to bind.execute is not read", True),
    ]
    dropped = [op for op in migration.operations if op.name == "drop_table"]
    assert [(op.table, op.conditional) for op in dropped] == [("x", False)]


def test_a_syntax_error_is_a_parse_error_not_a_crash() -> None:
    migration = read_migration("v.py", "def upgrade(:\n", "postgresql")
    assert migration.parse_error is not None and migration.parse_error.startswith("does not parse")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON t (a)", ("create_index", "t", True, True)),
        ("CREATE INDEX ix ON t (a)", ("create_index", "t", False, False)),
        ("ALTER TABLE t ADD COLUMN c int NOT NULL", ("add_required_column", "t", False, False)),
        ("ALTER TABLE t ADD COLUMN IF NOT EXISTS c int NOT NULL DEFAULT 0", ("add_column", "t", True, False)),
        ("ALTER TABLE t ALTER COLUMN c SET NOT NULL", ("set_not_null", "t", True, False)),
        ("ALTER TABLE t RENAME COLUMN a TO b", ("rename_column", "t", False, False)),
        ("DROP TABLE IF EXISTS t", ("drop_table", "t", True, False)),
        ("ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived'", ("add_enum_value", None, True, False)),
        ("TRUNCATE proof_events", ("truncate", "proof_events", True, False)),
        ("ALTER INDEX ix_a RENAME TO ix_b", ("unknown", None, True, False)),
        ("CREATE EXTENSION IF NOT EXISTS pg_trgm", ("create_extension", None, True, False)),
    ],
)
def test_sql_statements_are_parsed_not_pattern_matched(sql: str, expected: tuple[object, ...]) -> None:
    (statement,) = analyse_sql(sql, "postgresql")
    assert (statement.action, statement.table, statement.rerunnable, statement.concurrently) == expected


def test_sql_that_does_not_parse_is_unknown_with_the_parser_message() -> None:
    (statement,) = analyse_sql("DELETE FROM x WHERE", "postgresql")
    assert statement.action == "unknown" and statement.detail.startswith("SQL does not parse")


def test_statements_on_the_bind_itself() -> None:
    text = MODERN.replace(
        "    bind = op.get_bind()\n",
        "    op.get_bind().commit()\n    op.get_bind().execute(sa.text(\"DROP INDEX IF EXISTS ix_old\"))\n    bind = op.get_bind()\n",
    )
    migration = read_migration("v.py", text, "postgresql")
    assert migration.unrecognised == ()
    drops = [o.sql[0] for o in migration.operations if o.name == "execute" and o.sql[0].action == "drop_index"]
    assert [(s.action, s.rerunnable) for s in drops] == [("drop_index", True)]
