"""``migrations downgrade-check``: a database rollback only by an approved procedure, proven by the proof chain.

Every ``downgrade()`` to undo is read statically from git; a destructive one is refused, a safe one
planned. The plan then drives preflight and postflight on SQLite and PostgreSQL, with the
verification compared against the plan's outcomes baseline.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa

from classifier.upgrade.records import schema

from .conftest import AnyDatabase
from .support import CODE_SHA, AlembicProject, ids, run_cli
from .test_outcomes import EXAMPLE, VERIFIER

INITIAL = """
op.create_table("ledger", sa.Column("id", sa.Integer, primary_key=True), sa.Column("entry", sa.Text))
op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.Text))
"""
INDEX = ('op.create_index("ix_notes_body", "notes", ["body"])', 'op.drop_index("ix_notes_body", table_name="notes")')


@pytest.fixture
def repo(make_repo):
    """A repository: r1 (tables), r2 (an index on notes, dropped again by its downgrade); ledger is append-only."""
    repo = make_repo("app")
    repo.write("alembic.ini", "[alembic]\nscript_location = migrations\n")
    repo.write("pyproject.toml", '[tool.classifier.migrations]\nappend_only_tables = ["ledger"]\n')
    project = AlembicProject(repo.path / "migrations")
    project.add("r1", None, INITIAL, 'op.drop_table("notes")\nop.drop_table("ledger")')
    project.add("r2", "r1", *INDEX)
    repo.commit("release")
    repo.project = project
    return repo


@pytest.fixture
def baseline(capsys, tmp_path: Path) -> Path:
    """A passed outcomes record of the example corpus (a copy: tests may damage it)."""
    shutil.copytree(EXAMPLE / "corpus", tmp_path / "corpus")
    argv = ["outcomes", "record", "--verifier", VERIFIER, "--path", str(EXAMPLE), "--corpus", str(tmp_path / "corpus")]
    assert run_cli(capsys, *argv, "--out", str(tmp_path / "outcomes.json"))[0] == 0
    return tmp_path / "outcomes.json"


def downgrade_check(capsys, repo, baseline: Path, *argv: str) -> tuple[int, dict | None, str, str]:
    status, out, err = run_cli(
        capsys, "migrations", "downgrade-check", "--repo", str(repo.path), "--baseline", str(baseline),
        "--path", str(EXAMPLE), *argv,
    )  # fmt: skip
    text_or_json = json.loads(out) if out.startswith("{") else None
    return status, text_or_json, out, err


def add(repo, revision: str, down: str, body: str, undo: str) -> None:
    repo.project.add(revision, down, body, undo)
    repo.commit(f"add {revision}")


def test_a_safe_downgrade_is_planned(capsys, repo, baseline):
    status, record, _, _ = downgrade_check(capsys, repo, baseline, "--to", "r1", "--format", "json")
    jsonschema.validate(record, schema("upgrade-record.schema.json"))
    assert (status, ids(record)) == (0, [])
    assert (record["command"], record["tables"], record["target_heads"]) == ("alembic downgrade r1", ["notes"], ["r1"])
    assert [(u["revision"], u["operations"]) for u in record["undo"]] == [("r2", ["op.drop_index notes"])]
    assert (record["baseline"]["verifier"], record["baseline"]["artifacts"]) == (VERIFIER, 6)
    status, _, out, _ = downgrade_check(capsys, repo, baseline, "--to", "r1")
    assert "  2. from a checkout of " in out and out.splitlines()[-1] == "Downgrade check identified 0 issues; passed."


@pytest.mark.parametrize(
    ("body", "undo", "check_id", "why"),
    [
        ('op.add_column("notes", sa.Column("title", sa.Text))', 'op.drop_column("notes", "title")',
         "upgrade.E043", "line 15: op.drop_column notes drops or writes data"),
        ('op.create_table("drafts", sa.Column("id", sa.Integer))', 'op.drop_table("drafts")',
         "upgrade.E043", "line 15: op.drop_table drafts drops or writes data"),
        ('op.alter_column("notes", "body", type_=sa.Text)', 'op.alter_column("notes", "body", type_=sa.String(80))',
         "upgrade.E043", "line 15: op.alter_column notes changes a column's type, rewriting its values"),
        ("pass", 'op.execute("DELETE FROM notes WHERE body IS NULL")',
         "upgrade.E043", "line 15: DELETE FROM notes WHERE body IS NULL drops or rewrites data"),
        ('op.create_index("ix_ledger_entry", "ledger", ["entry"])', 'op.drop_index("ix_ledger_entry", table_name="ledger")',
         "upgrade.E044", "line 15: op.drop_index touches ledger"),
        ('op.create_index("ix_notes_id", "notes", ["id"])', "pass",
         "upgrade.E045", "its downgrade() undoes nothing its upgrade() did"),
        ('op.create_index("ix_notes_id", "notes", ["id"])', "undo(op)",
         "upgrade.E046", "line 15: undo(op) (call to undo is not read)"),
    ],
)  # fmt: skip
def test_a_downgrade_that_loses_data_or_history_is_refused(capsys, repo, baseline, body, undo, check_id, why):
    add(repo, "r3", "r2", body, undo)
    status, record, _, _ = downgrade_check(capsys, repo, baseline, "--to", "r1", "--format", "json")
    assert (status, ids(record)) == (1, [check_id])
    path = "migrations/versions/r3.py"
    assert record["findings"][0]["message"] == f"Revision r3 ({path}): {why}."


def test_a_revision_to_undo_that_no_file_defines_is_missing(capsys, repo, baseline, tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    with sa.create_engine(url).begin() as connection:
        connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('r2'), ('hotfix9')"))
    status, record, _, _ = downgrade_check(capsys, repo, baseline, "--to", "r1", "--database-url", url, "--format", "json")
    assert (status, ids(record)) == (1, ["upgrade.E045"])
    assert record["findings"][0]["message"] == "Revision hotfix9 (no file): no file defines it."
    assert [u["revision"] for u in record["undo"]] == ["hotfix9", "r2"]
    with sa.create_engine(url).begin() as connection:
        connection.execute(sa.text("DELETE FROM alembic_version WHERE version_num = 'r2'"))
    status, record, _, _ = downgrade_check(capsys, repo, baseline, "--to", "r1", "--database-url", url, "--format", "json")
    assert (status, ids(record)) == (1, ["upgrade.E042"])
    assert record["findings"][0]["message"] == "Cannot downgrade to r1: r1 is not below the current heads hotfix9."


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("r9", "Cannot downgrade to r9: r9 is not a revision of the migrations."),
        ("r2", "Cannot downgrade to r2: the database is already at r2: there is nothing to undo."),
    ],
)
def test_a_target_that_is_not_below_the_heads_is_refused(capsys, repo, baseline, to, message):
    status, record, _, _ = downgrade_check(capsys, repo, baseline, "--to", to, "--format", "json")
    assert (status, ids(record), record["findings"][0]["message"]) == (1, ["upgrade.E042"], message)


def test_a_baseline_that_proves_nothing_is_refused(capsys, repo, baseline, tmp_path):
    record = json.loads(baseline.read_text())
    record.update(status="failed", exit_status=1, findings=[
        {"id": "upgrade.E031", "level": "error", "key": "x", "value": "<unreadable>", "message": "m", "hint": "h"}
    ])  # fmt: skip
    baseline.write_text(json.dumps(record))
    status, plan, _, _ = downgrade_check(capsys, repo, baseline, "--to", "r1", "--format", "json")
    assert (status, ids(plan)) == (1, ["upgrade.E047"])
    assert plan["findings"][0]["message"] == (
        f"The outcomes baseline {baseline} cannot prove the proof chain unchanged: it did not pass (upgrade.E031)."
    )
    baseline.write_text("{}")
    status, plan, _, err = downgrade_check(capsys, repo, baseline, "--to", "r1")
    assert (status, plan) == (2, None)
    assert err.startswith(f"classify: error: --baseline {baseline}: not a valid record at top level: ")


# --- the whole procedure, on both databases ---------------------------------------------------


@pytest.fixture
def procedure(capsys, repo, baseline, any_db: AnyDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The database at r2; the plan to go back to r1; the previous release's scripts (r1 only)."""
    repo.project.upgrade(any_db.url)
    with any_db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO ledger VALUES (1, 'one')"))
    assert downgrade_check(capsys, repo, baseline, "--to", "r1", "--database-url", any_db.url,
                           "--out", str(tmp_path / "plan.json"))[0] == 0  # fmt: skip
    previous = AlembicProject(tmp_path / "previous" / "migrations")
    previous.add("r1", None, INITIAL)
    monkeypatch.setenv("VERSION_HASH", CODE_SHA)
    monkeypatch.delenv("GIT_SHA", raising=False)
    return any_db, previous


def run_procedure(capsys, repo, db: AnyDatabase, previous: AlembicProject, tmp_path: Path) -> tuple[int, dict]:
    status, out, err = run_cli(
        capsys, "migrations", "preflight", "--database-url", db.url, "--script-location", str(previous.root),
        "--downgrade-plan", str(tmp_path / "plan.json"), "--append-only-table", "ledger", "--backup-command", "true",
        "--repo", str(tmp_path), "--out", str(tmp_path / "pre.json"),
    )  # fmt: skip
    assert (status, err) == (0, ""), out
    repo.project.downgrade(db.url, "r1")  # the plan's command, from the release that knows r2
    status, out, err = run_cli(
        capsys, "migrations", "postflight", "--database-url", db.url, "--preflight", str(tmp_path / "pre.json"),
        "--out", str(tmp_path / "post.json"), "--waive", "readiness=x", "--waive", "health=x",
        "--waive", "startup-event=x", "--gate-command", "true",
    )  # fmt: skip
    assert err == ""
    return status, json.loads((tmp_path / "post.json").read_text())


def test_the_planned_downgrade_proves_the_proof_chain_unchanged(capsys, repo, procedure, tmp_path):
    db, previous = procedure
    status, record = run_procedure(capsys, repo, db, previous, tmp_path)
    assert (status, ids(record), record["target_heads"]) == (0, [], ["r1"])
    assert record["checks"]["verification"] == "passed"
    assert " outcomes compare --verifier proofcheck:verify_artifact " in record["verification"]["command"]
    pre = json.loads((tmp_path / "pre.json").read_text())
    assert (pre["target_heads"], pre["downgrade"]["to"]) == (["r1"], "r1")


def test_a_drifted_proof_after_the_downgrade_fails_verification(capsys, repo, procedure, tmp_path):
    db, previous = procedure
    first = min((tmp_path / "corpus").rglob("*.json"))
    first.write_bytes(first.read_bytes().replace(b'"', b"'", 1))
    status, record = run_procedure(capsys, repo, db, previous, tmp_path)
    assert (status, ids(record)) == (13, ["upgrade.E013"])


def test_preflight_refuses_a_plan_for_another_database_state(capsys, repo, procedure, tmp_path):
    db, previous = procedure
    repo.project.downgrade(db.url, "r1")  # someone already ran it
    status, out, _ = run_cli(
        capsys, "migrations", "preflight", "--database-url", db.url, "--script-location", str(previous.root),
        "--downgrade-plan", str(tmp_path / "plan.json"), "--append-only-table", "ledger", "--backup-command", "true",
        "--repo", str(tmp_path), "--format", "json",
    )  # fmt: skip
    record = json.loads(out)
    assert (status, [f["message"] for f in record["findings"]]) == (
        1,
        ["The database is at r1, but the downgrade plan undoes from r2."],
    )


def test_postflight_after_a_downgrade_runs_the_plan_verification_only(capsys, repo, procedure, tmp_path):
    db, previous = procedure
    run_cli(
        capsys, "migrations", "preflight", "--database-url", db.url, "--script-location", str(previous.root),
        "--downgrade-plan", str(tmp_path / "plan.json"), "--append-only-table", "ledger", "--backup-command", "true",
        "--repo", str(tmp_path), "--out", str(tmp_path / "pre.json"),
    )  # fmt: skip
    status, out, err = run_cli(
        capsys, "migrations", "postflight", "--database-url", db.url, "--preflight", str(tmp_path / "pre.json"),
        "--waive", "verification=no corpus here",
    )  # fmt: skip
    assert (status, out) == (2, "")
    assert err == (
        "classify: error: --verify-command and --waive verification do not apply after a downgrade; "
        "fix: postflight compares the outcomes against the downgrade plan's baseline itself\n"
    )


def test_a_malformed_version_table_is_a_finding(capsys, repo, baseline, any_db: AnyDatabase):
    repo.project.upgrade(any_db.url)
    with any_db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('')"))
    status, record, _, _ = downgrade_check(
        capsys, repo, baseline, "--to", "r1", "--database-url", any_db.url, "--format", "json"
    )
    assert (status, ids(record), record["undo"]) == (1, ["upgrade.E009"], [])
