"""Required means required: a check not given fails as not verified unless waived with a reason.

Every test runs on SQLite and on a private PostgreSQL schema.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa

from classifier.upgrade.records import schema

from .conftest import AnyDatabase
from .support import CODE_SHA, AlembicProject, ids, run_cli

INITIAL = 'op.create_table("ledger", sa.Column("id", sa.Integer, primary_key=True), sa.Column("entry", sa.Text))'


@pytest.fixture
def released(project: AlembicProject, any_db: AnyDatabase, monkeypatch: pytest.MonkeyPatch) -> AnyDatabase:
    """The database at r1 with one ledger row; r2 waiting; the release's code_sha exported."""
    project.add("r1", None, INITIAL).upgrade(any_db.url)
    with any_db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO ledger VALUES (1, 'one')"))
    project.add("r2", "r1")
    monkeypatch.setenv("VERSION_HASH", CODE_SHA)
    monkeypatch.delenv("GIT_SHA", raising=False)
    monkeypatch.chdir(project.root.parent)  # no configuration file here
    return any_db


def preflight(capsys, project: AlembicProject, db: AnyDatabase, tmp_path: Path, *extra: str) -> tuple[int, dict, str]:
    status, out, err = run_cli(
        capsys, "migrations", "preflight", "--database-url", db.url, "--script-location", str(project.root),
        "--repo", str(tmp_path), "--out", str(tmp_path / "pre.json"), *extra,
    )  # fmt: skip
    assert err == ""
    return status, json.loads((tmp_path / "pre.json").read_text()), out


def postflight(capsys, db: AnyDatabase, tmp_path: Path, *extra: str) -> tuple[int, dict, str]:
    status, out, err = run_cli(
        capsys, "migrations", "postflight", "--database-url", db.url, "--preflight", str(tmp_path / "pre.json"),
        "--out", str(tmp_path / "post.json"), "--timeout", "2", *extra,
    )  # fmt: skip
    assert err == ""
    return status, json.loads((tmp_path / "post.json").read_text()), out


def test_postflight_with_nothing_given_fails_every_required_check_as_not_verified(capsys, project, released, tmp_path):
    assert preflight(capsys, project, released, tmp_path, "--backup-command", "true", "--append-only-table", "ledger")[0] == 0
    project.upgrade(released.url)
    status, record, out = postflight(capsys, released, tmp_path)
    assert status == 17
    assert ids(record) == ["upgrade.E050", "upgrade.E051", "upgrade.E052", "upgrade.E053", "upgrade.E054"]
    assert record["checks"] == {
        "heads": "passed",
        "history": "passed",
        "health": "not-verified",
        "readiness": "not-verified",
        "startup-event": "not-verified",
        "verification": "not-verified",
        "gate": "not-verified",
    }
    assert "readiness: (upgrade.E050) Required check readiness was not run: no --ready-url URL was given." in out
    assert out.splitlines()[-1] == "Postflight identified 5 issues; failed (exit 17)."
    jsonschema.validate(record, schema("upgrade-record.schema.json"))


def test_postflight_waivers_are_recorded_and_printed(capsys, project, released, tmp_path):
    assert preflight(capsys, project, released, tmp_path, "--backup-command", "true", "--append-only-table", "ledger")[0] == 0
    project.upgrade(released.url)
    status, record, out = postflight(
        capsys, released, tmp_path, "--waive", "readiness=no HTTP in this job", "--waive", 'health="no HTTP either"',
        "--waive", "startup-event=events go to the log", "--waive", "verification=no proofs yet",
        "--gate-command", "true",
    )  # fmt: skip
    assert (status, ids(record)) == (0, [])
    assert record["waived"] == [
        {"check": "readiness", "reason": "no HTTP in this job", "origin": "command line"},
        {"check": "health", "reason": "no HTTP either", "origin": "command line"},
        {"check": "startup-event", "reason": "events go to the log", "origin": "command line"},
        {"check": "verification", "reason": "no proofs yet", "origin": "command line"},
    ]
    assert record["checks"]["gate"] == "passed" and record["checks"]["readiness"] == "waived"
    assert "  readiness      waived: no HTTP in this job" in out.splitlines()
    assert out.splitlines()[-1] == "Postflight identified 0 issues, 4 checks waived; passed."
    jsonschema.validate(record, schema("upgrade-record.schema.json"))


def test_preflight_without_restore_point_or_tables_fails_unless_waived(capsys, project, released, tmp_path):
    status, record, out = preflight(capsys, project, released, tmp_path)
    assert (status, ids(record)) == (1, ["upgrade.E004", "upgrade.E007"])
    assert record["checks"]["restore-point"] == "not-verified" and record["checks"]["history"] == "not-verified"
    assert (
        "restore-point: (upgrade.E004) Required check restore-point was not run: "
        "no --backup-file DUMP or --backup-command CMD was given." in out
    )
    status, record, out = preflight(
        capsys, project, released, tmp_path, "--waive", "restore-point=throwaway review database",
        "--waive", "history=the ledger is rebuilt from the chain",
    )  # fmt: skip
    assert (status, ids(record)) == (0, [])
    assert out.splitlines()[-1] == "Preflight identified 0 issues, 2 checks waived; passed."
    project.upgrade(released.url)
    status, record, out = postflight(capsys, released, tmp_path, "--waive", "readiness=x", "--waive", "health=x",
                                     "--waive", "startup-event=x", "--waive", "verification=x", "--waive", "gate=x")
    assert (status, record["checks"]["history"]) == (0, "waived")
    assert {"check": "history", "reason": "the ledger is rebuilt from the chain", "origin": "preflight"} in record["waived"]
    assert "  history        waived (at preflight): the ledger is rebuilt from the chain" in out.splitlines()


def test_gate_failure_is_its_own_abort_condition_and_its_output_can_be_kept(capsys, project, released, tmp_path):
    assert preflight(capsys, project, released, tmp_path, "--backup-command", "true", "--append-only-table", "ledger")[0] == 0
    project.upgrade(released.url)
    gate = tmp_path / "gate.sh"
    gate.write_text("#!/bin/sh\necho '3 failed, 120 passed'\nexit 1\n")
    gate.chmod(0o755)
    status, record, _ = postflight(
        capsys, released, tmp_path, "--gate-command", str(gate), "--gate-log", str(tmp_path / "gate.log"),
        "--waive", "readiness=x", "--waive", "health=x", "--waive", "startup-event=x", "--waive", "verification=x",
    )  # fmt: skip
    assert (status, ids(record)) == (15, ["upgrade.E015"])
    assert record["findings"][0]["message"] == "The test-suite gate exited 1."
    assert record["checks"]["gate"] == "failed"
    assert (tmp_path / "gate.log").read_text() == "3 failed, 120 passed\n"


def test_production_does_not_require_the_gate_but_checks_it_when_given(capsys, project, released, tmp_path):
    waivers = ["--waive", "readiness=x", "--waive", "health=x", "--waive", "startup-event=x", "--waive", "verification=x"]
    assert preflight(capsys, project, released, tmp_path, "--backup-command", "true", "--append-only-table", "ledger",
                     "--stage", "production", "--waive", "staging=first release")[0] == 0  # fmt: skip
    project.upgrade(released.url)
    status, record, _ = postflight(capsys, released, tmp_path, "--stage", "production", *waivers)
    assert (status, record["checks"]["gate"], record["stage"]) == (0, "not-required", "production")
    status, record, _ = postflight(capsys, released, tmp_path, "--stage", "production", "--gate-command", "false", *waivers)
    assert (status, ids(record)) == (15, ["upgrade.E015"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--waive", "readiness"], "--waive 'readiness': give the check and a reason; fix: e.g. --waive readiness=\"no HTTP in this job\""),
        (["--waive", "readiness=  "], "--waive 'readiness=  ': give the check and a reason; fix: e.g. --waive readiness=\"no HTTP in this job\""),
        (["--waive", "heads=trust me"], "--waive heads: not a check of this command; fix: one of: health, readiness, startup-event, verification, gate"),
        (["--waive", "gate=a", "--waive", "gate=b"], "--waive gate: given twice; fix: give one reason per check"),
        (["--waive", "verification=none", "--verify-command", "true"], "--waive verification: the check is also given (--verify-command CMD (or upgrade.verify_command)); fix: either run the check or waive it"),
        (["--stage", "production", "--waive", "gate=no suite"], "--waive gate: not required at stage production, so there is nothing to waive"),
    ],
)
def test_bad_waivers_are_usage_errors(capsys, project, released, tmp_path, argv, message):
    assert preflight(capsys, project, released, tmp_path, "--backup-command", "true", "--append-only-table", "ledger")[0] == 0
    project.upgrade(released.url)
    pre = json.loads((tmp_path / "pre.json").read_text())
    if "production" in argv:
        pre["stage"] = "production"
        (tmp_path / "pre.json").write_text(json.dumps(pre))
    status, out, err = run_cli(
        capsys, "migrations", "postflight", "--database-url", released.url, "--preflight", str(tmp_path / "pre.json"), *argv
    )
    assert (status, out, err) == (2, "", f"classify: error: {message}\n")


def test_postflight_refuses_a_preflight_of_another_stage(capsys, project, released, tmp_path):
    assert preflight(capsys, project, released, tmp_path, "--backup-command", "true", "--append-only-table", "ledger")[0] == 0
    status, _, err = run_cli(
        capsys, "migrations", "postflight", "--database-url", released.url, "--preflight", str(tmp_path / "pre.json"),
        "--stage", "production",
    )  # fmt: skip
    assert (status, err) == (
        2,
        (
            f"classify: error: --preflight {tmp_path / 'pre.json'}: a staging preflight, but this is "
            "--stage production; fix: run postflight at the stage preflight ran at\n"
        ),
    )


def test_malformed_version_table_is_a_finding_not_an_empty_database(capsys, project, released, tmp_path):
    with released.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('r1 ')"))
    status, record, out = preflight(capsys, project, released, tmp_path, "--backup-command", "true",
                                    "--append-only-table", "ledger")  # fmt: skip
    assert (status, ids(record)) == (1, ["upgrade.E009"])
    assert record["database"]["heads"] is None
    assert record["findings"][0]["message"].startswith("The Alembic version table alembic_version is malformed: a row holds")
    assert "alembic current: <malformed version table>" in out.splitlines()


def test_malformed_version_table_after_the_migration_is_a_head_mismatch(capsys, project, released, tmp_path):
    assert preflight(capsys, project, released, tmp_path, "--backup-command", "true", "--append-only-table", "ledger")[0] == 0
    project.upgrade(released.url)
    with released.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('')"))
    status, record, _ = postflight(capsys, released, tmp_path, "--waive", "readiness=x", "--waive", "health=x",
                                   "--waive", "startup-event=x", "--waive", "verification=x", "--waive", "gate=x")
    assert (status, ids(record)) == (10, ["upgrade.E010"])
    assert record["findings"][0]["message"] == (
        "The Alembic version table alembic_version is malformed: a row holds an empty revision id; its revision is unknown."
    )
