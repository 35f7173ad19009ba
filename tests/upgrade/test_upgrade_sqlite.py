"""Preflight and postflight on SQLite: abort conditions other than the database's, and usage errors."""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from classifier.guard import ReleaseArtifact, record_startup, system_events_table

from .support import (
    CODE_SHA,
    OTHER_SHA,
    AlembicProject,
    http_server,
    ids,
    json_answer,
    ready_body,
    run_cli,
    waive_others,
)

INITIAL = 'op.create_table("ledger", sa.Column("id", sa.Integer, primary_key=True), sa.Column("entry", sa.Text))'


@pytest.fixture
def upgraded(project: AlembicProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> str:
    """A SQLite database preflighted at r1 and upgraded to r2; returns its URL."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    project.add("r1", None, INITIAL).upgrade(url)
    with sa.create_engine(url).begin() as connection:
        connection.execute(sa.text("INSERT INTO ledger VALUES (1, 'one')"))
    project.add("r2", "r1")
    monkeypatch.setenv("VERSION_HASH", CODE_SHA)
    monkeypatch.delenv("GIT_SHA", raising=False)
    status, _, _ = run_cli(
        capsys, "migrations", "preflight", "--database-url", url, "--script-location", str(project.root),
        "--append-only-table", "ledger", "--backup-command", "true", "--repo", str(tmp_path),
        "--out", str(tmp_path / "pre.json"),
    )  # fmt: skip
    assert status == 0
    project.upgrade(url)
    return url


def postflight(capsys, url: str, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    """Postflight with ``extra``; every other required check is waived."""
    status, out, _ = run_cli(
        capsys, "migrations", "postflight", "--database-url", url, "--preflight", str(tmp_path / "pre.json"),
        "--format", "json", "--timeout", "2", *extra, *waive_others(extra),
    )  # fmt: skip
    return status, json.loads(out)


def test_postflight_service_on_another_release_is_a_guard_failure(capsys, upgraded, tmp_path):
    with http_server(json_answer(200, ready_body(code_sha=OTHER_SHA))) as url:
        status, record = postflight(capsys, upgraded, tmp_path, "--ready-url", url)
    assert (status, ids(record)) == (12, ["upgrade.E012"])
    assert record["findings"][0]["message"] == f"The service reports code_sha {OTHER_SHA}, the target is {CODE_SHA}."


def test_postflight_refused_startup_is_a_guard_failure_not_only_unready(capsys, upgraded, tmp_path):
    with http_server(json_answer(503, ready_body(startup_ok=False))) as url:
        status, record = postflight(capsys, upgraded, tmp_path, "--ready-url", url)
    assert (status, ids(record)) == (12, ["upgrade.E012"])


def test_postflight_unreachable_service_fails_readiness(capsys, upgraded, tmp_path):
    status, record = postflight(capsys, upgraded, tmp_path, "--ready-url", "http://127.0.0.1:9/ready")
    assert (status, ids(record)) == (11, ["upgrade.E011"])
    assert record["readiness"]["state"] == "unreachable"


def test_postflight_failed_verification_sample_is_its_own_abort_condition(capsys, upgraded, tmp_path):
    status, record = postflight(capsys, upgraded, tmp_path, "--verify-command", "false")
    assert (status, ids(record)) == (13, ["upgrade.E013"])
    assert (record["verification"]["command"], record["verification"]["exit_status"]) == ("false", 1)
    assert record["checks"]["verification"] == "failed"


def test_postflight_deleted_history_on_sqlite(capsys, upgraded, tmp_path):
    with sa.create_engine(upgraded).begin() as connection:
        connection.execute(sa.text("DELETE FROM ledger"))
        connection.execute(sa.text("INSERT INTO ledger VALUES (2, 'two')"))
    status, record = postflight(capsys, upgraded, tmp_path)
    assert (status, ids(record)) == (14, ["upgrade.E014"])
    assert record["findings"][0]["message"] == "Append-only table ledger: 0 of 1 historical rows changed, 1 deleted."


def test_preflight_code_sha_must_be_the_checked_out_commit(capsys, project, make_repo, tmp_path, monkeypatch):
    repo = make_repo("release")
    head = repo.commit("release")
    monkeypatch.setenv("VERSION_HASH", OTHER_SHA)
    project.add("r1", None)
    status, out, _ = run_cli(
        capsys, "migrations", "preflight", "--database-url", f"sqlite:///{tmp_path / 'a.db'}",
        "--script-location", str(project.root), "--backup-command", "true", "--repo", str(repo.path),
    )  # fmt: skip
    assert status == 1
    assert f"VERSION_HASH: (upgrade.E001) code_sha {OTHER_SHA} is not the checked-out commit {head}." in out


def test_preflight_unreachable_database_and_old_restore_point(capsys, project, tmp_path, monkeypatch):
    monkeypatch.setenv("VERSION_HASH", CODE_SHA)
    project.add("r1", None)
    dump = tmp_path / "old.db"
    with closing(sqlite3.connect(dump)) as backup:
        backup.execute("CREATE TABLE t (x)")
    os.utime(dump, (0, 0))
    status, out, _ = run_cli(
        capsys, "migrations", "preflight", "--database-url", "postgresql+psycopg://u:secret@127.0.0.1:9/x",
        "--script-location", str(project.root), "--backup-file", str(dump), "--backup-max-age", "2h",
        "--repo", str(tmp_path), "--format", "json", "--waive", "history=no tables yet",
    )  # fmt: skip
    record = json.loads(out)
    assert (status, ids(record)) == (1, ["upgrade.E002", "upgrade.E004"])
    assert "secret" not in out
    assert record["findings"][1]["message"].endswith("more than the 7200s allowed.")
    assert record["restore_point"]["compared"] is False  # nothing to compare it with


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["preflight", "--script-location", "."], "no database URL; fix: pass --database-url URL or set DATABASE_URL"),
        (
            ["preflight", "--database-url", "sqlite://", "--script-location", ".", "--backup-max-age", "soon"],
            "--backup-max-age 'soon' is not an age; fix: write it like 30m, 24h or 2d",
        ),
        (
            ["preflight", "--database-url", "nosuchdb://x", "--script-location", "."],
            "--database-url: cannot use it: Can't load plugin: sqlalchemy.dialects:nosuchdb; fix: give a SQLAlchemy URL",
        ),
        (
            ["preflight", "--database-url", "sqlite://", "--script-location", "{missing}"],
            "--script-location {missing}: no such file or directory",
        ),
        (
            ["postflight", "--database-url", "sqlite://", "--preflight", "{missing}.json"],
            "--preflight {missing}.json: cannot read it: No such file or directory; fix: pass the file the earlier step wrote",
        ),
    ],
)
def test_migrations_usage_errors_are_one_line_and_exit_2(capsys, monkeypatch, tmp_path, argv, message):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("VERSION_HASH", CODE_SHA)
    missing = str(tmp_path / "missing")  # a path that certainly does not exist
    message = message.format(missing=missing)
    status, out, err = run_cli(capsys, "migrations", *(arg.format(missing=missing) for arg in argv))
    assert (status, out, err) == (2, "", f"classify: error: {message}\n")


def test_postflight_refuses_a_preflight_record_with_a_malformed_row_digest(capsys, upgraded, tmp_path):
    record = json.loads((tmp_path / "pre.json").read_text())
    record["append_only_tables"][0]["rows"][0][1] = "edited"
    (tmp_path / "pre.json").write_text(json.dumps(record))
    status, out, err = run_cli(
        capsys, "migrations", "postflight", "--database-url", upgraded, "--preflight", str(tmp_path / "pre.json")
    )
    assert (status, out) == (2, "")
    assert err == (
        f"classify: error: --preflight {tmp_path / 'pre.json'}: not a valid record at append_only_tables/0/rows/0/1: "
        "'edited' does not match '^[0-9a-f]{32}$'; fix: it must match schemas/upgrade-record.schema.json\n"
    )


def test_postflight_refuses_another_kind_of_record(capsys, upgraded, tmp_path):
    assert postflight(capsys, upgraded, tmp_path, "--out", str(tmp_path / "post.json"))[0] == 0
    status, _, err = run_cli(
        capsys, "migrations", "postflight", "--database-url", upgraded, "--preflight", str(tmp_path / "post.json")
    )
    assert status == 2
    assert (
        err
        == f"classify: error: --preflight {tmp_path / 'post.json'}: a postflight record, not a preflight one; fix: pass the file preflight wrote\n"
    )


def test_postflight_startup_event_must_name_the_target_after_preflight(capsys, upgraded, tmp_path):
    engine = sa.create_engine(upgraded)
    events = system_events_table(sa.MetaData())
    status, record = postflight(capsys, upgraded, tmp_path, "--startup-event")
    assert (status, [f["message"] for f in record["findings"]]) == (
        12,
        ["No events table system_events: the startup was not recorded."],
    )
    events.create(engine)
    with engine.begin() as connection:  # the old release started long ago, the new one never did
        connection.execute(
            events.insert().values(
                event_type="app.startup", occurred_at=datetime.datetime(2020, 1, 1), payload={"code_sha": OTHER_SHA}
            )
        )
    status, record = postflight(capsys, upgraded, tmp_path, "--startup-event")
    assert status == 12
    assert [f["message"] for f in record["findings"]] == [
        (
            "The latest app.startup event does not carry the release artifact: no expected_alembic_head, "
            "supported_api_versions, enabled_feature_flags, signing_mode, signing_required."
        ),
        f"The latest app.startup event (2020-01-01T00:00:00+00:00) is older than preflight ({json.loads((tmp_path / 'pre.json').read_text())['created_at']}): the service was not restarted.",
        f"The latest app.startup event names code_sha {OTHER_SHA}, the target is {CODE_SHA}.",
    ]


def test_postflight_startup_event_must_expect_the_target_heads(capsys, upgraded, tmp_path):
    engine = sa.create_engine(upgraded)
    events = system_events_table(sa.MetaData())
    events.create(engine)
    artifact = ReleaseArtifact.from_env({"VERSION_HASH": CODE_SHA, "EXPECTED_ALEMBIC_HEAD": "r1", "SIGNING_MODE": "required"})
    record_startup(engine, artifact)
    status, record = postflight(capsys, upgraded, tmp_path, "--startup-event")
    assert (status, [f["message"] for f in record["findings"]]) == (
        12,
        ["The latest app.startup event expects head r1, the target heads are r2."],
    )
    record_startup(engine, replace(artifact, expected_alembic_head="r2"))
    status, record = postflight(capsys, upgraded, tmp_path, "--startup-event")
    assert (status, record["startup_event"]["code_sha"], record["checks"]["startup-event"]) == (0, CODE_SHA, "passed")


def test_postflight_health_must_answer_200(capsys, upgraded, tmp_path):
    with http_server(json_answer(500, {})) as url:
        status, record = postflight(capsys, upgraded, tmp_path, "--health-url", url.replace("/ready", "/health"))
    assert (status, ids(record)) == (11, ["upgrade.E011"])
    assert record["findings"][0]["message"] == "Liveness does not answer 200: HTTP 500."


def test_postflight_refuses_a_failed_preflight(capsys, project, tmp_path, monkeypatch):
    monkeypatch.delenv("VERSION_HASH", raising=False)
    monkeypatch.delenv("GIT_SHA", raising=False)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    project.add("r1", None)
    pre = ["--database-url", url, "--script-location", str(project.root), "--repo", str(tmp_path)]
    assert run_cli(capsys, "migrations", "preflight", *pre, "--out", str(tmp_path / "pre.json"))[0] == 1
    status, _, err = run_cli(
        capsys, "migrations", "postflight", "--database-url", url, "--preflight", str(tmp_path / "pre.json")
    )
    assert status == 2
    assert err == (
        f"classify: error: --preflight {tmp_path / 'pre.json'}: preflight failed (upgrade.E001, upgrade.E004, upgrade.E007); "
        "its digests cannot vouch for the history; fix: fix what preflight named and run it again before migrating\n"
    )
