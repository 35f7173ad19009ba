"""Backfill caught at runtime: rows added behind history, by key or by timestamp, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa

from classifier.upgrade.records import schema

from .conftest import AnyDatabase
from .support import CODE_SHA, AlembicProject, ids, run_cli, waive_others

INITIAL = """
op.create_table(
    "ledger",
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entry", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True)),
)
op.create_table("audit_log", sa.Column("what", sa.Text), sa.Column("at", sa.DateTime(timezone=True)))
op.create_table("anchors", sa.Column("id", sa.String(36), primary_key=True), sa.Column("at", sa.DateTime(timezone=True)))
"""
OLD = "'2020-01-01 00:00:00+00:00'"


@pytest.fixture
def history(project: AlembicProject, any_db: AnyDatabase, monkeypatch: pytest.MonkeyPatch) -> AnyDatabase:
    """r1 with three ledger rows, two audit rows and one anchor, all written in 2020."""
    project.add("r1", None, INITIAL).upgrade(any_db.url)
    with any_db.engine.begin() as connection:
        connection.execute(sa.text(f"INSERT INTO ledger VALUES (1, 'a', {OLD}), (2, 'b', {OLD}), (3, 'c', {OLD})"))
        connection.execute(sa.text(f"INSERT INTO audit_log VALUES ('x', {OLD}), ('y', {OLD})"))
        connection.execute(sa.text(f"INSERT INTO anchors VALUES ('m5', {OLD})"))
    monkeypatch.setenv("VERSION_HASH", CODE_SHA)
    monkeypatch.delenv("GIT_SHA", raising=False)
    return any_db


def upgrade_with(capsys, project: AlembicProject, db: AnyDatabase, tmp_path: Path, body: str, *pre: str) -> tuple[int, dict, str]:
    """Preflight, a migration running ``body``, postflight (service checks waived); the postflight record."""
    project.add("r2", "r1", body)
    status, out, err = run_cli(
        capsys, "migrations", "preflight", "--database-url", db.url, "--script-location", str(project.root),
        "--backup-command", "true", "--append-only-table", "ledger", "--append-only-table", "audit_log",
        "--append-only-table", "anchors", "--repo", str(tmp_path), "--out", str(tmp_path / "pre.json"), *pre,
    )  # fmt: skip
    assert (status, err) == (0, ""), out
    project.upgrade(db.url)
    status, out, err = run_cli(
        capsys, "migrations", "postflight", "--database-url", db.url, "--preflight", str(tmp_path / "pre.json"),
        "--out", str(tmp_path / "post.json"), *waive_others(()),
    )  # fmt: skip
    assert err == ""
    return status, json.loads((tmp_path / "post.json").read_text()), out


def tables(record: dict) -> dict[str, tuple]:
    return {
        t["table"]: (t["added_rows"], t["first_added_key"], t["last_added_key"], t["backfilled_rows"])
        for t in record["append_only_tables"]
    }


def test_new_rows_at_the_end_of_history_are_listed_and_allowed(capsys, project, history, tmp_path):
    body = """
    op.execute("INSERT INTO ledger (id, entry, created_at) VALUES (4, 'd', CURRENT_TIMESTAMP), (5, 'e', CURRENT_TIMESTAMP)")
    op.execute("INSERT INTO audit_log VALUES ('z', CURRENT_TIMESTAMP)")
    """
    status, record, _ = upgrade_with(capsys, project, history, tmp_path, body, "--timestamp-column", "ledger=created_at")
    assert (status, ids(record)) == (0, [])
    assert tables(record) == {
        "ledger": (2, "[4]", "[5]", 0),
        "audit_log": (1, None, None, 0),
        "anchors": (0, None, None, 0),
    }
    jsonschema.validate(record, schema("upgrade-record.schema.json"))


def test_a_row_keyed_before_the_newest_history_is_a_backfill(capsys, project, history, tmp_path):
    body = """op.execute("INSERT INTO ledger (id, entry) VALUES (0, 'genesis'), (7, 'g')")"""
    status, record, out = upgrade_with(capsys, project, history, tmp_path, body)
    assert (status, ids(record)) == (16, ["upgrade.E016"])
    assert tables(record)["ledger"] == (2, "[0]", "[7]", 1)
    assert "append-only ledger: 3 historical rows, 2 added (keys [0] to [7]), 1 backfilled" in out.splitlines()
    assert (
        "ledger: (upgrade.E016) Append-only table ledger: 1 of 2 added rows were written behind its history: "
        "1 with a key before [3], the newest at preflight (first: [0]). [value: 1]" in out
    )


def test_a_row_dated_before_preflight_is_a_backfill_even_with_a_new_key(capsys, project, history, tmp_path):
    body = f"""op.execute("INSERT INTO ledger (id, entry, created_at) VALUES (9, 'late', {OLD})")"""
    status, record, _ = upgrade_with(capsys, project, history, tmp_path, body, "--timestamp-column", "ledger=created_at")
    assert (status, ids(record)) == (16, ["upgrade.E016"])
    pre = json.loads((tmp_path / "pre.json").read_text())
    since = next(t["digested_at"] for t in pre["append_only_tables"] if t["table"] == "ledger")
    assert record["findings"][0]["message"] == (
        "Append-only table ledger: 1 of 1 added rows were written behind its history: "
        f"1 with created_at older than preflight's {since}."
    )


def test_rows_without_a_key_are_judged_by_timestamp(capsys, project, history, tmp_path):
    body = f"""op.execute("INSERT INTO audit_log VALUES ('backdated', {OLD}), ('undated', NULL)")"""
    status, record, _ = upgrade_with(capsys, project, history, tmp_path, body, "--timestamp-column", "audit_log=at")
    assert (status, ids(record)) == (16, ["upgrade.E016"])
    assert tables(record)["audit_log"] == (2, None, None, 2)
    since = json.loads((tmp_path / "pre.json").read_text())["append_only_tables"][1]["digested_at"]
    assert record["findings"][0]["message"] == (
        "Append-only table audit_log: 2 of 2 added rows were written behind its history: "
        f"1 with at older than preflight's {since}; 1 with no readable at."
    )


def test_unordered_keys_are_judged_by_timestamp_only(capsys, project, history, tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.classifier.upgrade]\nappend_only_tables = ["ledger", "audit_log", "anchors"]\n'
        'unordered_key_tables = ["anchors"]\ntimestamp_columns = { anchors = "at" }\n'
    )
    body = """op.execute("INSERT INTO anchors VALUES ('a1', CURRENT_TIMESTAMP)")"""
    status, record, _ = upgrade_with(capsys, project, history, tmp_path, body)
    assert (status, ids(record)) == (0, [])
    assert tables(record)["anchors"] == (1, '["a1"]', '["a1"]', 0)
    pre = json.loads((tmp_path / "pre.json").read_text())
    assert [(t["table"], t["ordered_key"], t["timestamp_column"]) for t in pre["append_only_tables"]] == [
        ("ledger", True, None),
        ("audit_log", False, None),
        ("anchors", False, "at"),
    ]


def test_a_timestamp_column_the_table_lacks_fails_preflight(capsys, project, history, tmp_path):
    project.add("r2", "r1")
    status, out, _ = run_cli(
        capsys, "migrations", "preflight", "--database-url", history.url, "--script-location", str(project.root),
        "--backup-command", "true", "--append-only-table", "ledger", "--timestamp-column", "ledger=written_at",
        "--repo", str(tmp_path), "--format", "json",
    )  # fmt: skip
    record = json.loads(out)
    assert (status, ids(record)) == (1, ["upgrade.E005"])
    assert record["findings"][0]["message"] == (
        "Append-only table ledger has no column written_at (its configured timestamp column)."
    )


def test_a_malformed_timestamp_column_option_is_a_usage_error(capsys, project, history, tmp_path):
    status, _, err = run_cli(
        capsys, "migrations", "preflight", "--database-url", history.url, "--script-location", str(project.root),
        "--timestamp-column", "ledger", "--repo", str(tmp_path),
    )  # fmt: skip
    assert (status, err) == (
        2,
        "classify: error: --timestamp-column 'ledger' is not TABLE=COLUMN; fix: e.g. --timestamp-column ledger=created_at\n",
    )
