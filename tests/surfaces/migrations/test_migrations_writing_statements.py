"""Every kind of SQL statement that writes gets a finding: never "nothing"."""

from __future__ import annotations

import pytest

from classifier.surfaces.migrations.classify import classify_revision
from classifier.surfaces.migrations.reader import read_migration

REVISION = '''from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade():
    op.execute({sql!r})
'''


@pytest.mark.parametrize(
    ("sql", "rule"),
    [
        ("WITH gone AS (DELETE FROM users WHERE age < 0 RETURNING id) SELECT count(*) FROM gone", "data-rewritten"),
        ("WITH moved AS (UPDATE users SET age = 0 WHERE age < 0 RETURNING id) SELECT 1", "data-rewritten"),
        ("WITH copied AS (INSERT INTO archive SELECT * FROM users RETURNING id) SELECT 1", "schema-object-added"),
        ("SELECT archive_old_users()", "migration-operation-unrecognised"),
        ("SELECT setval('users_id_seq', 100)", "migration-operation-unrecognised"),
        ("DO $$ BEGIN DELETE FROM users; END $$", "migration-operation-unrecognised"),
        ("CALL purge_users()", "migration-operation-unrecognised"),
        ("COPY users FROM '/tmp/users.csv'", "schema-object-added"),
        ("MERGE INTO users u USING staged s ON u.id = s.id WHEN MATCHED THEN UPDATE SET age = s.age", "data-rewritten"),
        ("TRUNCATE users", "data-rewritten"),
        ("SELECT * INTO users_copy FROM users", "migration-operation-unrecognised"),
    ],
)
def test_a_writing_statement_is_never_silent(sql: str, rule: str) -> None:
    migration = read_migration("v.py", REVISION.format(sql=sql), "postgresql")
    assert rule in {verdict.rule for verdict in classify_revision(migration, "postgresql")}


@pytest.mark.parametrize(
    "sql",
    ["SELECT 1", "SELECT count(*) FROM users", "SET lock_timeout = '5s'",
     "SELECT `COLUMN_NAME` FROM `information_schema`.`COLUMNS` WHERE `TABLE_NAME` = 'users'"],
)
def test_a_statement_that_only_reads_is_no_operation(sql: str) -> None:
    migration = read_migration("v.py", REVISION.format(sql=sql), "postgresql")
    assert list(classify_revision(migration, "postgresql")) == []
