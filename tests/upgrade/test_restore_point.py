"""A restore point must restore *this* database: real pg_dump archives read by pg_restore, SQLite backups.

Dumps are taken with the real ``pg_dump`` of the private test schema (or a
private database), then damaged on purpose.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import PrivateDatabase
from .support import CODE_SHA, AlembicProject, ids, run_cli

pytestmark = pytest.mark.skipif(shutil.which("pg_dump") is None, reason="the PostgreSQL client is not installed")

INITIAL = """
op.create_table("ledger", sa.Column("id", sa.Integer, primary_key=True), sa.Column("entry", sa.Text))
op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True))
"""


@pytest.fixture(autouse=True)
def release(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERSION_HASH", CODE_SHA)
    monkeypatch.delenv("GIT_SHA", raising=False)


@pytest.fixture
def at_r1(project: AlembicProject, postgres_db: PrivateDatabase) -> PrivateDatabase:
    """The private schema at r1 with ledger rows; r2 waiting."""
    project.add("r1", None, INITIAL).upgrade(postgres_db.url)
    with postgres_db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO ledger VALUES (1, 'one'), (2, 'two')"))
    project.add("r2", "r1")
    return postgres_db


def pg_dump(db: PrivateDatabase | sa.engine.Engine, target: Path, *options: str, schema: str | None = None) -> Path:
    """The real pg_dump of ``db`` (its private schema) into ``target``."""
    engine = db.engine if isinstance(db, PrivateDatabase) else db
    schema = schema or (db.schema if isinstance(db, PrivateDatabase) else None)
    url = engine.url
    argv = ["pg_dump", "-h", str(url.host), "-p", str(url.port or 5432), "-U", str(url.username), *options]
    argv += ["-n", schema] if schema else []
    subprocess.run([*argv, "-f", str(target), str(url.database)], check=True, timeout=60, capture_output=True)
    return target


def preflight(capsys, project: AlembicProject, url: str, backup: Path, tmp_path: Path) -> tuple[int, dict]:
    status, out, err = run_cli(
        capsys, "migrations", "preflight", "--database-url", url, "--script-location", str(project.root),
        "--append-only-table", "ledger", "--backup-file", str(backup), "--repo", str(tmp_path), "--format", "json",
    )  # fmt: skip
    assert err == ""
    return status, json.loads(out)


def problems(record: dict) -> list[str]:
    prefix = "The restore point is unusable: "
    return [f["message"].removeprefix(prefix).rstrip(".") for f in record["findings"] if f["id"] == "upgrade.E004"]


@pytest.mark.parametrize(
    ("name", "options", "found"),
    [
        ("app.dump", ["-Fc"], "custom"),
        ("app.tar", ["-Ft"], "tar"),
        ("app.dir", ["-Fd"], "directory"),
        ("app.sql", ["--create"], "plain"),
        ("app.sql.gz", ["--create", "-Z", "6"], "plain"),
        ("inserts.sql", ["--create", "--inserts"], "plain"),
    ],
)
def test_a_whole_dump_of_this_database_is_a_restore_point(capsys, project, at_r1, tmp_path, name, options, found):
    backup = pg_dump(at_r1, tmp_path / name, *options)
    status, record = preflight(capsys, project, at_r1.url, backup, tmp_path)
    assert (status, ids(record)) == (0, [])
    point = record["restore_point"]
    assert (point["format"], point["database"], point["version_rows"], point["compared"]) == (found, "test", ["r1"], True)


def test_a_dump_of_another_database_is_refused(capsys, project, at_r1, postgres_server, tmp_path):
    other = f"upgrade_other_{uuid.uuid4().hex[:10]}"
    with postgres_server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{other}"'))
    try:
        engine = sa.create_engine(postgres_server.url.set(database=other), poolclass=sa.pool.NullPool)
        with engine.begin() as connection:  # an empty look-alike: same tables, same head, no history
            connection.execute(sa.text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"))
            connection.execute(sa.text("INSERT INTO alembic_version VALUES ('r1')"))
            connection.execute(sa.text("CREATE TABLE ledger (id int PRIMARY KEY, entry text)"))
        backup = pg_dump(engine, tmp_path / "other.dump", "-Fc")
        engine.dispose()
    finally:
        with postgres_server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{other}"'))
    status, record = preflight(capsys, project, at_r1.url, backup, tmp_path)
    assert status == 1
    assert problems(record) == [
        f"it is a dump of database {other}, not of test",
        f"it does not hold the Alembic version table {at_r1.schema}.alembic_version",
        f"it does not hold the append-only table {at_r1.schema}.ledger",
    ]


def test_a_dump_without_the_version_table_or_the_history_is_refused(capsys, project, at_r1, tmp_path):
    backup = pg_dump(at_r1, tmp_path / "partial.dump", "-Fc", "-T", f"{at_r1.schema}.alembic_version",
                     "-T", f"{at_r1.schema}.ledger")  # fmt: skip
    status, record = preflight(capsys, project, at_r1.url, backup, tmp_path)
    assert (status, problems(record)) == (
        1,
        [
            f"it does not hold the Alembic version table {at_r1.schema}.alembic_version",
            f"it does not hold the append-only table {at_r1.schema}.ledger",
        ],
    )


def test_a_schema_only_dump_is_refused(capsys, project, at_r1, tmp_path):
    backup = pg_dump(at_r1, tmp_path / "schema.dump", "-Fc", "--schema-only")
    status, record = preflight(capsys, project, at_r1.url, backup, tmp_path)
    assert (status, problems(record)) == (
        1,
        [
            f"it holds no rows of the Alembic version table {at_r1.schema}.alembic_version",
            f"it holds no rows of the append-only table {at_r1.schema}.ledger",
        ],
    )


def test_a_dump_taken_before_the_last_migration_is_refused(capsys, project, at_r1, tmp_path):
    backup = pg_dump(at_r1, tmp_path / "early.dump", "-Fc")
    project.add("r2", "r1", "op.add_column('notes', sa.Column('body', sa.Text))").upgrade(at_r1.url)
    project.add("r3", "r2")
    status, record = preflight(capsys, project, at_r1.url, backup, tmp_path)
    assert (status, problems(record)) == (
        1,
        ["it holds revision r1, but the database is at r2 (taken before the last migration?)"],
    )


def cut(path: Path, keep: float) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


@pytest.fixture
def history(at_r1: PrivateDatabase) -> PrivateDatabase:
    """Enough ledger rows that a cut archive loses data, not only its table of contents."""
    with at_r1.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO ledger SELECT g, repeat('x', 200) FROM generate_series(3, 20000) g"))
    return at_r1


def test_a_truncated_custom_archive_is_refused(capsys, project, history, tmp_path):
    backup = cut(pg_dump(history, tmp_path / "cut.dump", "-Fc"), 0.6)
    status, record = preflight(capsys, project, history.url, backup, tmp_path)
    assert status == 1
    assert [p.split(" (")[0] for p in problems(record)] == [
        "it is truncated or damaged: pg_restore cannot read it to the end"
    ]


def test_a_truncated_tar_archive_is_refused(capsys, project, history, tmp_path):
    backup = cut(pg_dump(history, tmp_path / "cut.tar", "-Ft"), 0.5)
    status, record = preflight(capsys, project, history.url, backup, tmp_path)
    assert (status, problems(record)) == (
        1,
        ["it is truncated or damaged: its tar members do not read to their end (ReadError)"],
    )


def test_a_directory_archive_missing_a_data_file_is_refused(capsys, project, history, tmp_path):
    backup = pg_dump(history, tmp_path / "cut.dir", "-Fd")
    largest = max(backup.glob("*.dat*"), key=lambda member: member.stat().st_size)
    largest.unlink()
    status, record = preflight(capsys, project, history.url, backup, tmp_path)
    assert status == 1
    assert [p.split(" (")[0] for p in problems(record)] == [
        "it is truncated or damaged: pg_restore cannot read it to the end"
    ]


def test_a_truncated_plain_dump_is_refused(capsys, project, history, tmp_path):
    backup = cut(pg_dump(history, tmp_path / "cut.sql", "--create"), 0.5)
    status, record = preflight(capsys, project, history.url, backup, tmp_path)
    assert (status, problems(record)) == (
        1,
        ["it is truncated: it does not end with pg_dump's 'PostgreSQL database dump complete'"],
    )


def test_a_plain_dump_that_does_not_name_its_database_is_refused(capsys, project, at_r1, tmp_path):
    backup = pg_dump(at_r1, tmp_path / "anonymous.sql")
    status, record = preflight(capsys, project, at_r1.url, backup, tmp_path)
    assert (status, problems(record)) == (
        1,
        ["it does not name its database (a plain pg_dump without --create): take it with pg_dump -Fc, or with --create"],
    )


def test_without_pg_restore_an_archive_cannot_be_confirmed(capsys, project, at_r1, tmp_path, monkeypatch):
    backup = pg_dump(at_r1, tmp_path / "app.dump", "-Fc")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    status, record = preflight(capsys, project, at_r1.url, backup, tmp_path)
    assert (status, problems(record)) == (
        1,
        [
            (
                "pg_restore cannot read its table of contents: pg_restore is not installed "
                "(install the PostgreSQL client, as new as the pg_dump that wrote it)"
            )
        ],
    )


def test_a_sqlite_file_cannot_restore_postgresql(capsys, project, at_r1, tmp_path):
    backup = tmp_path / "app.db"
    with closing(sqlite3.connect(backup)) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num text)")
    status, record = preflight(capsys, project, at_r1.url, backup, tmp_path)
    assert (status, problems(record)) == (1, ["it is a SQLite database, but the database to migrate is PostgreSQL"])


# --- SQLite ---------------------------------------------------------------------------------


@pytest.fixture
def sqlite_at_r1(project: AlembicProject, tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    project.add("r1", None, INITIAL).upgrade(url)
    with sa.create_engine(url).begin() as connection:
        connection.execute(sa.text("INSERT INTO ledger VALUES (1, 'one')"))
    project.add("r2", "r1")
    yield url


def sqlite_backup(live: Path, target: Path) -> Path:
    with closing(sqlite3.connect(live)) as source, closing(sqlite3.connect(target)) as backup:
        source.backup(backup)
    return target


def test_a_sqlite_backup_with_the_same_head_is_a_restore_point(capsys, project, sqlite_at_r1, tmp_path):
    backup = sqlite_backup(tmp_path / "live.db", tmp_path / "backup.db")
    status, record = preflight(capsys, project, sqlite_at_r1, backup, tmp_path)
    assert (status, ids(record), record["restore_point"]["format"]) == (0, [], "sqlite")
    assert record["restore_point"]["version_rows"] == ["r1"]


def test_a_sqlite_backup_of_another_database_is_refused(capsys, project, sqlite_at_r1, tmp_path):
    backup = tmp_path / "other.db"
    with closing(sqlite3.connect(backup)) as connection:
        connection.execute("CREATE TABLE settings (key text)")
    status, record = preflight(capsys, project, sqlite_at_r1, backup, tmp_path)
    assert (status, problems(record)) == (
        1,
        ["it does not hold the Alembic version table alembic_version", "it does not hold the append-only table ledger"],
    )


def test_a_truncated_sqlite_backup_is_refused(capsys, project, sqlite_at_r1, tmp_path):
    backup = cut(sqlite_backup(tmp_path / "live.db", tmp_path / "backup.db"), 0.5)
    status, record = preflight(capsys, project, sqlite_at_r1, backup, tmp_path)
    assert status == 1
    assert problems(record)[0].startswith(("it is damaged: SQLite's quick_check says", "it does not open as a SQLite database"))


def test_a_pg_dump_cannot_restore_sqlite(capsys, project, sqlite_at_r1, at_r1, tmp_path):
    backup = pg_dump(at_r1, tmp_path / "app.dump", "-Fc")
    status, record = preflight(capsys, project, sqlite_at_r1, backup, tmp_path)
    assert (status, problems(record)) == (1, ["it is a pg_dump output, but the database to migrate is sqlite"])
