"""Every database probe gives up on time: a silent server, a sleeping query, a held lock.

The silent server is a real TCP listener on 127.0.0.1 that accepts and never
answers; the slow queries run on the real PostgreSQL. Time bounds here are
generous ceilings that only a hang can break, not performance measurements.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from classifier.guard import GuardConfig, GuardConfigError, Readiness, check_startup, evaluate_startup, load_config
from classifier.guard.catalogue import RULES

from .guard_support import SilentServer, release_env, wait_until

ENV = release_env(EXPECTED_ALEMBIC_HEAD="r3")
CEILING = 10.0
"""Seconds no bounded probe with a timeout of 1 s may ever approach."""


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    with SilentServer() as server:
        yield server


def _unreachable(url: str, why: str) -> dict[str, str]:
    return {
        "id": "release.E010",
        "level": "error",
        "key": "database",
        "value": url,
        "message": f"The database does not answer: {why}.",
        "hint": RULES["release.E010"].hint,
    }


def _timed(function, *args):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    result = function(*args)
    return result, time.monotonic() - started


def test_startup_against_a_silent_server_refuses_within_the_connect_timeout(silent: SilentServer) -> None:
    engine = sa.create_engine(silent.url())  # no driver timeout: only the guard's bounds the wait
    findings, elapsed = _timed(check_startup, GuardConfig(connect_timeout=1), ENV, engine)
    assert [f.to_dict() for f in findings] == [
        _unreachable(silent.url("app:***"), "no connection within 1 s (connect timeout)")
    ]
    assert silent.accepted == 1
    assert elapsed < CEILING


def test_the_environment_overrides_the_configured_timeout(silent: SilentServer) -> None:
    engine = sa.create_engine(silent.url())
    env = {**ENV, "GUARD_CONNECT_TIMEOUT": "0.5"}
    findings, elapsed = _timed(check_startup, GuardConfig(connect_timeout=600), env, engine)
    assert [f.message for f in findings] == [
        "The database does not answer: no connection within 0.5 s (connect timeout)."
    ]
    assert elapsed < CEILING


def test_an_unusable_timeout_variable_refuses_and_the_configured_one_still_bounds(silent: SilentServer) -> None:
    engine = sa.create_engine(silent.url())
    env = {**ENV, "GUARD_CONNECT_TIMEOUT": "soon", "GUARD_STATEMENT_TIMEOUT": "-2"}
    findings, elapsed = _timed(check_startup, GuardConfig(connect_timeout=1, statement_timeout=2), env, engine)
    assert [f.to_dict() for f in findings] == [
        {
            "id": "release.E019",
            "level": "error",
            "key": "GUARD_CONNECT_TIMEOUT",
            "value": "soon",
            "message": "GUARD_CONNECT_TIMEOUT must be a number of seconds; "
            "the probes use 1 s from the guard configuration meanwhile.",
            "hint": RULES["release.E019"].hint,
        },
        {
            "id": "release.E019",
            "level": "error",
            "key": "GUARD_STATEMENT_TIMEOUT",
            "value": "-2",
            "message": "GUARD_STATEMENT_TIMEOUT must be a number of seconds greater than 0; "
            "the probes use 2 s from the guard configuration meanwhile.",
            "hint": RULES["release.E019"].hint,
        },
        _unreachable(silent.url("app:***"), "no connection within 1 s (connect timeout)"),
    ]
    assert elapsed < CEILING


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GUARD_", "EXPECTED_", "RELEASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "classifier", "guard", "check", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
        check=False,
    )


def test_classify_guard_check_against_a_silent_server_exits_1_in_time(silent: SilentServer) -> None:
    started = time.monotonic()
    proc = _cli("--database-url", silent.url(), "--format", "json", env={**ENV, "GUARD_CONNECT_TIMEOUT": "1"})
    elapsed = time.monotonic() - started
    assert (proc.returncode, proc.stderr) == (1, "")
    report = json.loads(proc.stdout)
    assert report["findings"] == [_unreachable(silent.url("app:***"), "no connection within 1 s (connect timeout)")]
    assert elapsed < 30  # a fresh interpreter plus the 1 s bound; the old guard never exited


def test_classify_guard_check_reads_the_timeouts_from_its_config_file(silent: SilentServer, tmp_path: Path) -> None:
    (tmp_path / "guard.toml").write_text("connect_timeout = 1\nstatement_timeout = 2.5\n")
    proc = _cli("--config", str(tmp_path / "guard.toml"), "--database-url", silent.url(), env=ENV)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert proc.stdout.splitlines()[:3] == [
        "ERRORS:",
        "database: (release.E010) The database does not answer: no connection within 1 s (connect timeout). "
        f"[value: {silent.url('app:***')}]",
        f"\tHINT: {RULES['release.E010'].hint}",
    ]


def test_concurrent_ready_calls_share_one_bounded_read(silent: SilentServer) -> None:
    engine = sa.create_engine(silent.url())
    config = GuardConfig(connect_timeout=1)
    env = release_env()
    readiness = Readiness(config, env, engine, startup=evaluate_startup(config, env, None))
    answers: list[tuple[bool, str]] = []

    def ask() -> None:
        result = readiness.ready()
        answers.append((result.ok, result.checks[1].output))

    askers = [threading.Thread(target=ask) for _ in range(20)]
    started = time.monotonic()
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join(CEILING)
    assert time.monotonic() - started < CEILING
    assert answers == [(False, "no connection within 1 s (connect timeout)")] * 20
    # One connection for all of them; and a read stuck past its deadline answers at once.
    assert silent.accepted == 1
    again, elapsed = _timed(readiness.ready)
    assert (again.ok, elapsed < 0.5, silent.accepted) == (False, True, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("connect_timeout = 0\n", "connect_timeout must be a number of seconds greater than 0, got 0"),
        ('connect_timeout = "3"\n', "connect_timeout must be a number of seconds, got '3'"),
        ("statement_timeout = true\n", "statement_timeout must be a number of seconds, got True"),
        ("statement_timeout = nan\n", "statement_timeout must be a number of seconds greater than 0, got nan"),
        ("statement_timeout = 86400\n", "statement_timeout must be at most 3600 seconds, got 86400"),
    ],
)
def test_timeout_keys_in_a_config_file_are_checked(text: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "guard.toml").write_text(text)
    with pytest.raises(GuardConfigError) as error:
        load_config(tmp_path / "guard.toml")
    assert str(error.value) == f"{tmp_path / 'guard.toml'}: {message}"


def test_timeouts_in_code_and_files() -> None:
    assert (GuardConfig().connect_timeout, GuardConfig().statement_timeout) == (3.0, 3.0)
    with pytest.raises(GuardConfigError) as error:
        GuardConfig(statement_timeout=-1)
    assert str(error.value) == "statement_timeout must be a number of seconds greater than 0, got -1"


def test_timeouts_from_json_and_toml(tmp_path: Path) -> None:
    (tmp_path / "guard.json").write_text('{"connect_timeout": 2, "statement_timeout": 0.25}')
    (tmp_path / "guard.toml").write_text("connect_timeout = 1.5\n")
    from_json, from_toml = load_config(tmp_path / "guard.json"), load_config(tmp_path / "guard.toml")
    assert (from_json.connect_timeout, from_json.statement_timeout) == (2.0, 0.25)
    assert (from_toml.connect_timeout, from_toml.statement_timeout) == (1.5, 3.0)


# PostgreSQL: the statement timeout is enforced by the server too, on the probe's own transaction.


def _app_engine(postgres_db, name: str, **options: object) -> sa.engine.Engine:
    """An application engine on the test's schema, one pooled connection, tagged for pg_stat_activity."""
    return sa.create_engine(
        postgres_db.engine.url,
        connect_args={"options": f"-csearch_path={postgres_db.schema}", "application_name": name},
        pool_size=1,
        max_overflow=0,
        **options,
    )


def _sleeping(postgres_server: sa.engine.Engine, name: str) -> int:
    with postgres_server.connect() as connection:
        query = "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND wait_event = 'PgSleep'"
        return int(connection.execute(sa.text(query), {"name": name}).scalar_one())


def _slow_version_table(postgres_db) -> None:
    with postgres_db.engine.begin() as connection:
        connection.execute(
            sa.text("CREATE VIEW alembic_version AS SELECT 'r3'::varchar(32) AS version_num FROM pg_sleep(30)")
        )


@pytest.mark.postgres
@pytest.mark.parametrize("isolation", ["REPEATABLE READ", "AUTOCOMMIT"])
def test_a_sleeping_query_is_cancelled_by_the_statement_timeout(
    postgres_db, postgres_server, isolation: str
) -> None:
    _slow_version_table(postgres_db)
    name = f"guard-{postgres_db.schema}"
    engine = _app_engine(postgres_db, name, isolation_level=isolation)
    lent = _session_settings(engine)
    findings, elapsed = _timed(check_startup, GuardConfig(statement_timeout=1), ENV, engine)
    assert [f.to_dict() for f in findings] == [
        _unreachable(
            engine.url.render_as_string(), "the probe's queries did not finish within 1 s (statement timeout)"
        )
    ]
    assert elapsed < CEILING
    # The server cancelled the query itself (even for an autocommit engine): nothing keeps sleeping.
    wait_until(lambda: _sleeping(postgres_server, name) == 0, 5)
    # And the application's pooled connection came back as it was lent.
    assert _session_settings(engine) == lent
    engine.dispose()


def _session_settings(engine: sa.engine.Engine) -> tuple[int, str, str, bool]:
    """Backend, statement timeout, isolation level and autocommit of the engine's one pooled connection."""
    with engine.connect() as connection:
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        timeout = connection.execute(sa.text("SHOW statement_timeout")).scalar_one()
        level = connection.execute(sa.text("SHOW transaction_isolation")).scalar_one()
        return pid, timeout, level, connection.connection.dbapi_connection.autocommit


@pytest.mark.postgres
def test_a_version_table_locked_by_a_migration_times_out_then_passes(postgres_db, alembic_project) -> None:
    alembic_project().upgrade(postgres_db.engine, "r3")
    config = GuardConfig(statement_timeout=1)
    with postgres_db.engine.connect() as holder:
        holder.execute(sa.text("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"))
        findings, elapsed = _timed(check_startup, config, ENV, postgres_db.engine)
        holder.rollback()
    assert [f.message for f in findings] == [
        "The database does not answer: the probe's queries did not finish within 1 s (statement timeout)."
    ]
    assert elapsed < CEILING
    assert check_startup(config, ENV, postgres_db.engine) == []


def test_a_locked_sqlite_database_times_out(sqlite_db, alembic_project) -> None:
    alembic_project().upgrade(sqlite_db.engine, "r3")
    config = GuardConfig(statement_timeout=1)
    with sqlite_db.engine.connect() as holder:
        holder.exec_driver_sql("BEGIN EXCLUSIVE")
        findings, elapsed = _timed(check_startup, config, ENV, sqlite_db.engine)
        holder.rollback()
    assert [f.message for f in findings] == [
        "The database does not answer: the probe's queries did not finish within 1 s (statement timeout)."
    ]
    assert elapsed < CEILING


def test_classify_guard_check_refuses_an_unusable_timeout_in_its_config_file_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "guard.toml").write_text("statement_timeout = 0\n")
    proc = _cli("--config", str(tmp_path / "guard.toml"), env=ENV)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        f"classify guard: error: {tmp_path / 'guard.toml'}: "
        "statement_timeout must be a number of seconds greater than 0, got 0\n"
    )
