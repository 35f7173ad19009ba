"""Odd Alembic version tables are a finding (release.E018), never a crash: library, CLI and probes.

Each table is built by hand on SQLite and on the real PostgreSQL, the way a
hand edit, a half-restored dump or another tool would leave it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from classifier.guard import GuardConfig, Readiness, check_startup
from classifier.guard.catalogue import RULES

from .guard_support import http, release_env
from .test_guard_http import serve  # noqa: F401 - the fixture is used by name

ENV = release_env(EXPECTED_ALEMBIC_HEAD="r3")


@dataclass(frozen=True)
class OddTable:
    """A version table as some accident leaves it."""

    column: str  # the version_num column's SQL type
    rows: tuple[object, ...]
    value: str  # the finding's value: the rows as shown
    problem: str  # the finding's message after "is malformed: "


ODD_TABLES = {
    "integer": OddTable("INTEGER", (42,), "42", "a row holds 42 (an integer), not a revision id"),
    "null": OddTable("VARCHAR(32)", (None,), "NULL", "a row holds NULL, not a revision id"),
    "null-beside-a-head": OddTable("VARCHAR(32)", ("r3", None), "'r3', NULL", "a row holds NULL, not a revision id"),
    "empty": OddTable("VARCHAR(32)", ("",), "''", "a row holds an empty revision id"),
    "control-characters": OddTable(
        "VARCHAR(32)", ("r3\n",), "'r3\\n'", "a row holds 'r3\\n', which has spaces or control characters"
    ),
    "duplicated": OddTable("VARCHAR(32)", ("r3", "r3"), "'r3', 'r3'", "'r3' is listed 2 times"),
    "too-long": OddTable(
        "VARCHAR(400)", ("r" * 300,), f"'{'r' * 40}…'", "a row holds a 300-character value, longer than any revision id"
    ),
    "too-many": OddTable(
        "VARCHAR(32)", tuple(f"x{n}" for n in range(150)), "at least 101 rows", "it has more than 100 rows"
    ),
}


def _make_table(engine: sa.engine.Engine, column: str, rows: tuple[object, ...], name: str = "alembic_version") -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE TABLE {name} (version_num {column})"))
        for row in rows:
            connection.execute(sa.text(f"INSERT INTO {name} (version_num) VALUES (:v)"), {"v": row})


def _malformed(value: str, problem: str, table: str = "alembic_version") -> dict[str, str]:
    return {
        "id": "release.E018",
        "level": "error",
        "key": table,
        "value": value,
        "message": f"The Alembic version table {table} is malformed: {problem}.",
        "hint": RULES["release.E018"].hint,
    }


@pytest.mark.parametrize("case", sorted(ODD_TABLES))
def test_odd_version_tables_are_one_clear_finding(case: str, db) -> None:
    odd = ODD_TABLES[case]
    _make_table(db.engine, odd.column, odd.rows)
    findings = check_startup(GuardConfig(), ENV, db.engine)
    assert [f.to_dict() for f in findings] == [_malformed(odd.value, odd.problem)]


def test_rows_on_one_line_of_history_are_malformed_when_the_scripts_tell(db, alembic_project) -> None:
    release = alembic_project()
    _make_table(db.engine, "VARCHAR(32)", ("r3", "r2"))
    findings = check_startup(GuardConfig(script_location=str(release.root)), ENV, db.engine)
    assert [f.to_dict() for f in findings] == [
        _malformed("'r2', 'r3'", "it lists 'r2' and 'r3', but 'r2' is an ancestor of 'r3'")
    ]
    # Without the scripts nothing says they are related: two heads, as before.
    assert [f.id for f in check_startup(GuardConfig(), ENV, db.engine)] == ["release.E014"]


def test_a_version_table_without_its_column_is_malformed(db) -> None:
    with db.engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE alembic_version (revision VARCHAR(32))"))
    findings = check_startup(GuardConfig(), ENV, db.engine)
    assert [f.to_dict() for f in findings] == [_malformed("<not read>", "it has no version_num column")]


def test_a_version_table_that_cannot_be_read_is_malformed(db) -> None:
    with db.engine.begin() as connection:
        if db.kind == "sqlite":  # a view whose table is gone
            connection.execute(sa.text("CREATE TABLE gone (x VARCHAR(32))"))
            connection.execute(sa.text("CREATE VIEW alembic_version AS SELECT x AS version_num FROM gone"))
            connection.execute(sa.text("DROP TABLE gone"))
        else:  # a view that fails when read
            connection.execute(sa.text("CREATE VIEW alembic_version AS SELECT (1 / 0)::text AS version_num"))
    (finding,) = check_startup(GuardConfig(), ENV, db.engine)
    assert (finding.id, finding.key, finding.value) == ("release.E018", "alembic_version", "<not read>")
    assert finding.message.startswith("The Alembic version table alembic_version is malformed: it cannot be read: ")


def test_a_missing_version_table_is_not_stamped(db) -> None:
    findings = check_startup(GuardConfig(), ENV, db.engine)
    assert [(f.id, f.key, f.value, f.message) for f in findings] == [
        (
            "release.E011",
            "EXPECTED_ALEMBIC_HEAD",
            "r3",
            "The database has no Alembic version table, so its revision is unknown.",
        )
    ]


@pytest.mark.postgres
def test_odd_version_table_in_its_own_schema_is_named_with_the_schema(postgres_db) -> None:
    schema = postgres_db.new_schema()
    _make_table(postgres_db.engine, "INTEGER", (7,), name=f'"{schema}".deploys')
    config = GuardConfig(version_table="deploys", version_table_schema=schema)
    findings = check_startup(config, ENV, postgres_db.engine)
    table = f"{schema}.deploys"
    assert [f.to_dict() for f in findings] == [
        _malformed("7", "a row holds 7 (an integer), not a revision id", table)
    ]
    # A schema that does not exist holds no version table.
    missing = GuardConfig(version_table_schema="no_such_schema_here")
    assert [f.id for f in check_startup(missing, ENV, postgres_db.engine)] == ["release.E011"]


@pytest.mark.parametrize("case", ["integer", "null", "too-many"])
def test_odd_version_table_makes_ready_503_never_500(case: str, serve, db) -> None:
    odd = ODD_TABLES[case]
    _make_table(db.engine, odd.column, odd.rows)
    with serve(Readiness(GuardConfig(), ENV, db.engine)) as server:
        ready, verbose = http(server.port, "/ready"), http(server.port, "/ready?verbose")
    message = f"The Alembic version table alembic_version is malformed: {odd.problem}."
    assert ready.status == 503
    body = ready.json()
    assert (body["status"], body["checks"]) == (
        "fail",
        {
            "startup": {"status": "fail", "output": "release.E018 alembic_version"},
            "database": {"status": "pass"},
            "alembic_heads": {"status": "fail", "output": f"release.E018 {message}"},
        },
    )
    assert body["release"]["database_heads"] is None
    assert (verbose.status, verbose.body) == (
        503,
        "[-]startup failed: release.E018 alembic_version\n"
        "[+]database ok\n"
        f"[-]alembic_heads failed: release.E018 {message}\n"
        "ready check failed\n",
    )


def test_a_missing_version_table_makes_ready_503(serve, db) -> None:
    with serve(Readiness(GuardConfig(), ENV, db.engine)) as server:
        ready = http(server.port, "/ready")
    assert (ready.status, ready.json()["checks"]["alembic_heads"]) == (
        503,
        {
            "status": "fail",
            "output": "release.E011 The database has no Alembic version table, so its revision is unknown.",
        },
    )


@pytest.mark.parametrize("case", ["integer", "null", "duplicated"])
def test_classify_guard_check_reports_odd_version_tables_with_exit_1(case: str, db) -> None:
    odd = ODD_TABLES[case]
    _make_table(db.engine, odd.column, odd.rows)
    env = {**os.environ, **ENV}
    if db.kind == "postgres":
        env["PGOPTIONS"] = f"-csearch_path={db.schema}"  # libpq reads it: the test's private schema
    url = db.engine.url.render_as_string(hide_password=False)
    proc = subprocess.run(
        [sys.executable, "-m", "classifier", "guard", "check", "--database-url", url, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert (proc.returncode, proc.stderr) == (1, "")
    assert json.loads(proc.stdout)["findings"] == [_malformed(odd.value, odd.problem)]
