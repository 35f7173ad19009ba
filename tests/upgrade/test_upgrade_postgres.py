"""End to end on the real PostgreSQL: preflight, ``alembic upgrade head``, postflight.

The service's readiness is the runtime guard's own ``/ready`` (``ProbesWSGI``)
served over real HTTP, so postflight sees what production would see.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import jsonschema
import pytest
import sqlalchemy as sa

from classifier.guard import (
    GuardConfig,
    ProbesWSGI,
    Readiness,
    ReleaseArtifact,
    record_startup,
    system_events_table,
)
from classifier.upgrade.records import schema

from .conftest import PrivateDatabase
from .support import CODE_SHA, AlembicProject, ids, run_cli, serving, waive_others

pytestmark = pytest.mark.postgres

RELEASE_ENV = {
    "VERSION_HASH": CODE_SHA,
    "RELEASE_SUPPORTED_API_VERSIONS": "v1",
    "RELEASE_FEATURE_FLAGS": "",
    "SIGNING_MODE": "required",
    "SIGNING_REQUIRED": "true",
}
INITIAL = """
op.create_table("ledger", sa.Column("id", sa.Integer, primary_key=True), sa.Column("entry", sa.Text, nullable=False))
op.create_table("audit_log", sa.Column("at", sa.Text), sa.Column("what", sa.Text))
"""
ADDITIVE = """
op.add_column("ledger", sa.Column("note", sa.Text, nullable=True))
op.execute("INSERT INTO ledger (id, entry) VALUES (4, 'four')")
op.execute("INSERT INTO audit_log VALUES ('t3', 'c')")
"""
REWRITE = """
op.execute("UPDATE ledger SET entry = 'rewritten' WHERE id = 2")
op.execute("DELETE FROM audit_log WHERE what = 'b'")
"""


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def guard_probes(project: AlembicProject, db: PrivateDatabase) -> Iterator[str]:
    """The runtime guard's ``/ready`` for this release and database, over real HTTP."""
    readiness = Readiness(GuardConfig(script_location=str(project.root)), RELEASE_ENV, db.engine)
    with serving(make_server("127.0.0.1", 0, ProbesWSGI(readiness=readiness), handler_class=_Quiet)) as url:
        yield url


def restore_point(db: PrivateDatabase, where: Path) -> Path:
    """A real backup of the test schema: ``pg_dump -Fc``, or SQLite's backup when pg_dump is missing."""
    target = where / "restore.dump"
    url = db.engine.url
    if shutil.which("pg_dump"):
        argv = ["pg_dump", "-Fc", "-h", str(url.host), "-p", str(url.port or 5432), "-U", str(url.username)]
        subprocess.run([*argv, "-n", db.schema, "-f", str(target), str(url.database)], check=True, timeout=30)
    else:
        with sqlite3.connect(where / "live.db") as live, sqlite3.connect(target) as backup:
            live.execute("CREATE TABLE t (x)")
            live.backup(backup)
    return target


@pytest.fixture
def migrated(project: AlembicProject, postgres_db: PrivateDatabase, monkeypatch: pytest.MonkeyPatch) -> PrivateDatabase:
    """The database at r1 with historical rows; the release variables exported."""
    project.add("r1", None, INITIAL)
    project.upgrade(postgres_db.url)
    with postgres_db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO ledger VALUES (1, 'one'), (2, 'two'), (3, 'three')"))
        connection.execute(sa.text("INSERT INTO audit_log VALUES ('t1', 'a'), ('t2', 'b')"))
    for name, value in RELEASE_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GIT_SHA", raising=False)
    return postgres_db


def preflight(
    capsys: pytest.CaptureFixture[str], project: AlembicProject, db: PrivateDatabase, tmp_path: Path, *extra: str
) -> tuple[int, dict[str, Any]]:
    record = tmp_path / "preflight.json"
    status, _, _ = run_cli(
        capsys, "migrations", "preflight", "--database-url", db.url, "--script-location", str(project.root),
        "--append-only-table", "ledger", "--append-only-table", "audit_log", "--repo", str(tmp_path),
        "--out", str(record), *extra,
    )  # fmt: skip
    return status, json.loads(record.read_text())


def postflight(
    capsys: pytest.CaptureFixture[str], db: PrivateDatabase, tmp_path: Path, *extra: str
) -> tuple[int, dict[str, Any], str]:
    record = tmp_path / "postflight.json"
    status, out, _ = run_cli(
        capsys, "migrations", "postflight", "--database-url", db.url, "--preflight", str(tmp_path / "preflight.json"),
        "--out", str(record), *extra, *waive_others(extra),
    )  # fmt: skip
    return status, json.loads(record.read_text()), out


def test_upgrade_additive_migration_passes_end_to_end(capsys, project, migrated, tmp_path):
    project.add("r2", "r1", ADDITIVE)
    status, before = preflight(
        capsys, project, migrated, tmp_path, "--backup-file", str(restore_point(migrated, tmp_path))
    )
    assert (status, ids(before)) == (0, [])
    assert before["database"]["heads"] == ["r1"] and before["target_heads"] == ["r2"]
    assert [(t["table"], t["row_count"], t["primary_key"]) for t in before["append_only_tables"]] == [
        ("ledger", 3, ["id"]),
        ("audit_log", 2, []),
    ]
    jsonschema.validate(before, schema("upgrade-record.schema.json"))
    project.upgrade(migrated.url)
    system_events_table(sa.MetaData()).create(migrated.engine)
    record_startup(migrated.engine, ReleaseArtifact.from_env(RELEASE_ENV))  # what the service does when it starts
    with guard_probes(project, migrated) as ready_url:
        health_url = ready_url.replace("/ready", "/health")
        status, after, out = postflight(
            capsys, migrated, tmp_path, "--health-url", health_url, "--ready-url", ready_url, "--startup-event",
            "--verify-command", "true", "--gate-command", "true",
        )  # fmt: skip
    assert (status, ids(after)) == (0, [])
    assert after["waived"] == [] and set(after["checks"].values()) == {"passed"}
    assert after["health"] == {"url": health_url, "http_status": 200}
    assert after["startup_event"]["code_sha"] == CODE_SHA
    assert after["readiness"]["state"] == "ready" and after["readiness"]["code_sha"] == CODE_SHA
    assert (after["verification"]["command"], after["verification"]["exit_status"]) == ("true", 0)
    assert (after["gate"]["command"], after["gate"]["exit_status"]) == ("true", 0)
    jsonschema.validate(after, schema("upgrade-record.schema.json"))
    assert out.splitlines()[-1] == "Postflight identified 0 issues; passed."


def test_upgrade_rewriting_history_fails_with_the_table_and_count(capsys, project, migrated, tmp_path):
    project.add("r2", "r1", REWRITE)
    assert preflight(capsys, project, migrated, tmp_path, "--backup-command", "true")[0] == 0
    project.upgrade(migrated.url)
    status, after, out = postflight(capsys, migrated, tmp_path)
    assert status == 14
    assert [(f["id"], f["key"], f["value"]) for f in after["findings"]] == [
        ("upgrade.E014", "ledger", "1"),
        ("upgrade.E014", "audit_log", "1"),
    ]
    assert "Append-only table ledger: 1 of 3 historical rows changed, 0 deleted." in out
    assert "Append-only table audit_log: 1 of 2 historical rows changed, 0 deleted." in out


def test_upgrade_database_left_at_old_head_fails_with_head_mismatch(capsys, project, migrated, tmp_path):
    project.add("r2", "r1", ADDITIVE)
    assert preflight(capsys, project, migrated, tmp_path, "--backup-command", "true")[0] == 0
    with guard_probes(project, migrated) as ready_url:  # `alembic upgrade head` forgotten
        status, after, out = postflight(capsys, migrated, tmp_path, "--ready-url", ready_url)
    assert status == 10
    # The guard behind /ready refuses too: its startup check and its heads check both fail.
    assert ids(after) == ["upgrade.E010", "upgrade.E011", "upgrade.E012"]
    assert "alembic current: (upgrade.E010) alembic current is r1, the target heads are r2." in out
    assert "release.E012 The database is behind" in after["findings"][1]["message"]


def test_upgrade_preflight_names_every_failed_check(capsys, project, migrated, tmp_path, monkeypatch):
    project.add("r2", "r1", ADDITIVE)
    monkeypatch.delenv("VERSION_HASH")
    stale = tmp_path / "old.dump"
    stale.write_bytes(b"not a dump")
    status, record = preflight(
        capsys, project, migrated, tmp_path, "--append-only-table", "missing_table", "--backup-file", str(stale)
    )
    assert status == 1
    assert ids(record) == ["upgrade.E001", "upgrade.E004", "upgrade.E005"]
    assert (
        record["findings"][1]["message"]
        == "The restore point is unusable: it is not a pg_dump output (custom, tar, directory or plain) or a SQLite database."
    )


def test_upgrade_preflight_refuses_a_database_ahead_of_the_target(capsys, project, migrated, tmp_path):
    project.add("r2", "r1", "pass")
    project.upgrade(migrated.url)
    (project.root / "versions" / "r2.py").unlink()  # the operator holds the previous release's scripts
    status, record = preflight(capsys, project, migrated, tmp_path, "--backup-command", "true")
    assert (status, ids(record)) == (1, ["upgrade.E006"])


def test_runbook_staging_then_production_on_postgresql(capsys, project, migrated, tmp_path, monkeypatch):
    """docs/upgrade.md's staging runbook, step by step, then production preflight tied to it."""
    from .test_outcomes import EXAMPLE, VERIFIER

    project.add("r2", "r1", ADDITIVE)
    shutil.copytree(EXAMPLE / "corpus", tmp_path / "corpus")
    verify = (
        f"{sys.executable} -m classifier outcomes compare --verifier {VERIFIER} --path {EXAMPLE} "
        f"--corpus {tmp_path / 'corpus'} --baseline {tmp_path / 'outcomes.json'}"
    )
    (tmp_path / "pyproject.toml").write_text(f"""
[tool.classifier.migrations]
append_only_tables = ["ledger", "audit_log"]

[tool.classifier.upgrade]
script_location = "{project.root}"
startup_events = "system_events"
verify_command = "{verify}"
gate_command = "true"

[tool.classifier.guard]
served_api_versions = ["v1"]
script_location = "{project.root}"
""")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENV", "staging")
    monkeypatch.setenv("DATABASE_URL", migrated.url)
    monkeypatch.setenv("EXPECTED_ALEMBIC_HEAD", "r2")
    system_events_table(sa.MetaData()).create(migrated.engine)
    # pre-migration checks with a restore point of this database
    dump = restore_point(migrated, tmp_path)
    status, out, _ = run_cli(capsys, "migrations", "preflight", "--backup-file", str(dump), "--out", "pre.json")
    assert status == 0, out
    status, _, _ = run_cli(
        capsys, "outcomes", "record", "--verifier", VERIFIER, "--path", str(EXAMPLE),
        "--corpus", str(tmp_path / "corpus"), "--out", str(tmp_path / "outcomes.json"),
    )  # fmt: skip
    assert status == 0
    project.upgrade(migrated.url)  # alembic upgrade head
    status, out, _ = run_cli(capsys, "guard", "check", "--database-url", migrated.url)
    assert status == 0, out
    record_startup(migrated.engine, ReleaseArtifact.from_env({**RELEASE_ENV, "EXPECTED_ALEMBIC_HEAD": "r2"}))
    with guard_probes(project, migrated) as ready_url:
        status, out, _ = run_cli(
            capsys, "migrations", "postflight", "--preflight", "pre.json", "--ready-url", ready_url,
            "--health-url", ready_url.replace("/ready", "/health"), "--out", "staging-post.json",
        )  # fmt: skip
        assert status == 0, out
        assert run_cli(capsys, "fleet", "check", ready_url, "--expect-code-sha", CODE_SHA)[0] == 0
    staging = json.loads((tmp_path / "staging-post.json").read_text())
    assert set(staging["checks"].values()) == {"passed"} and staging["waived"] == []
    assert staging["verification"]["exit_status"] == 0 and staging["gate"]["exit_status"] == 0
    # production: the staging record of this release, a fresh restore point
    monkeypatch.setenv("ENV", "prod")
    status, out, _ = run_cli(
        capsys, "migrations", "preflight", "--stage", "production", "--require-staging", "staging-post.json",
        "--backup-file", str(restore_point(migrated, tmp_path)), "--format", "json",
    )  # fmt: skip
    record = json.loads(out)
    assert (status, ids(record), record["staging"]["status"]) == (0, [], "passed")
