"""One configuration (``[tool.classifier.upgrade]``) and production tied to a passed staging run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import AnyDatabase
from .support import CODE_SHA, OTHER_SHA, AlembicProject, ids, run_cli

INITIAL = 'op.create_table("ledger", sa.Column("id", sa.Integer, primary_key=True), sa.Column("entry", sa.Text))'
SERVICE_WAIVERS = ("--waive", "readiness=x", "--waive", "health=x", "--waive", "startup-event=x")


@pytest.fixture
def released(project: AlembicProject, any_db: AnyDatabase, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AnyDatabase:
    project.add("r1", None, INITIAL).upgrade(any_db.url)
    with any_db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO ledger VALUES (1, 'one')"))
    project.add("r2", "r1")
    monkeypatch.setenv("VERSION_HASH", CODE_SHA)
    monkeypatch.delenv("GIT_SHA", raising=False)
    monkeypatch.setenv("DATABASE_URL", any_db.url)
    monkeypatch.chdir(tmp_path)
    return any_db


def pyproject(tmp_path: Path, body: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'app'\n\n{body}")


def run(capsys, *argv: str) -> tuple[int, dict | None, str, str]:
    status, out, err = run_cli(capsys, "migrations", *argv, "--format", "json")
    return status, (json.loads(out) if out else None), out, err


def test_upgrade_commands_read_the_project_configuration(capsys, project, released, tmp_path):
    pyproject(tmp_path, f"""
[tool.classifier.upgrade]
script_location = "{project.root}"
append_only_tables = ["ledger"]
backup_command = "true"
verify_command = "true"
gate_command = "true"
""")  # fmt: skip
    status, record, _, _ = run(capsys, "preflight", "--out", "pre.json")
    assert (status, [t["table"] for t in record["append_only_tables"]]) == (0, ["ledger"])
    assert record["restore_point"]["command"] == "true"
    project.upgrade(released.url)
    status, record, _, _ = run(capsys, "postflight", "--preflight", "pre.json", *SERVICE_WAIVERS)
    assert (status, ids(record)) == (0, [])
    assert (record["verification"]["command"], record["gate"]["command"]) == ("true", "true")
    assert record["checks"]["verification"] == record["checks"]["gate"] == "passed"


def test_append_only_tables_default_to_the_migrations_surface_tables(capsys, project, released, tmp_path):
    pyproject(tmp_path, '[tool.classifier.migrations]\nappend_only_tables = ["ledger"]\n')
    status, record, _, _ = run(
        capsys, "preflight", "--script-location", str(project.root), "--backup-command", "true"
    )
    assert (status, [t["table"] for t in record["append_only_tables"]]) == (0, ["ledger"])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "[tool.classifier.upgrade]\ngate = 'pytest'\n",
            "pyproject.toml [tool.classifier]: unknown key 'upgrade.gate'; fix: see the Configuration section of the README",
        ),
        (
            "[tool.classifier.upgrade]\nappend_only_tables = ['ledger']\ntimestamp_columns = {audit = 'at'}\n",
            (
                "pyproject.toml [tool.classifier]: upgrade.timestamp_columns names 'audit', which is not an "
                "append-only table; fix: list it in upgrade.append_only_tables too"
            ),
        ),
    ],
)
def test_a_bad_upgrade_configuration_is_one_line_and_exit_2(capsys, project, released, tmp_path, body, message):
    pyproject(tmp_path, body)
    status, record, _, err = run(capsys, "preflight", "--script-location", str(project.root))
    assert (status, record, err) == (2, None, f"classify: error: {message}\n")


def staging_run(capsys, project: AlembicProject, db: AnyDatabase, verify: str = "true") -> None:
    """Preflight, migrate and postflight at staging, leaving staging-post.json."""
    pre = ("preflight", "--script-location", str(project.root), "--backup-command", "true",
           "--append-only-table", "ledger", "--out", "staging-pre.json")  # fmt: skip
    assert run(capsys, *pre)[0] == 0
    project.upgrade(db.url)
    run(capsys, "postflight", "--preflight", "staging-pre.json", "--verify-command", verify, "--gate-command", "true",
        *SERVICE_WAIVERS, "--out", "staging-post.json")  # fmt: skip


def production_preflight(capsys, project: AlembicProject, *extra: str) -> tuple[int, dict]:
    status, record, _, _ = run(
        capsys, "preflight", "--stage", "production", "--script-location", str(project.root),
        "--backup-command", "true", "--append-only-table", "ledger", *extra,
    )  # fmt: skip
    return status, record


def test_production_preflight_requires_a_passed_staging_record_of_this_release(capsys, project, released):
    staging_run(capsys, project, released)
    status, record = production_preflight(capsys, project)
    assert (status, ids(record), record["checks"]["staging"]) == (1, ["upgrade.E008"], "not-verified")
    status, record = production_preflight(capsys, project, "--require-staging", "staging-post.json")
    assert (status, ids(record), record["checks"]["staging"]) == (0, [], "passed")
    assert (record["staging"]["code_sha"], record["staging"]["status"]) == (CODE_SHA, "passed")


def test_production_preflight_refuses_a_failed_staging_record(capsys, project, released):
    staging_run(capsys, project, released, verify="false")
    status, record = production_preflight(capsys, project, "--require-staging", "staging-post.json")
    assert (status, ids(record)) == (1, ["upgrade.E008"])
    assert record["findings"][0]["message"] == (
        "The staging record cannot confirm this release: staging's postflight failed (upgrade.E013)."
    )


def test_production_preflight_refuses_a_staging_record_of_another_release(capsys, project, released, monkeypatch):
    staging_run(capsys, project, released)
    monkeypatch.setenv("VERSION_HASH", OTHER_SHA)
    status, record = production_preflight(capsys, project, "--require-staging", "staging-post.json")
    assert (status, [f["message"] for f in record["findings"]]) == (
        1,
        [f"The staging record cannot confirm this release: it is for code_sha {CODE_SHA}, the target is {OTHER_SHA}."],
    )


def test_production_preflight_refuses_a_preflight_record_as_staging_evidence(capsys, project, released):
    staging_run(capsys, project, released)
    status, record = production_preflight(capsys, project, "--require-staging", "staging-pre.json")
    assert status == 1
    assert [f["message"] for f in record["findings"]] == [
        "The staging record cannot confirm this release: it is a staging preflight record, not a staging postflight."
    ]


def test_production_preflight_staging_record_that_is_not_a_record_is_a_usage_error(capsys, project, released):
    Path("staging-post.json").write_text("{}")
    status, record, _, err = run(capsys, "preflight", "--stage", "production", "--script-location", str(project.root),
                                 "--require-staging", "staging-post.json")  # fmt: skip
    assert (status, record) == (2, None)
    assert err.startswith("classify: error: --require-staging staging-post.json: not a valid record at top level: ")


def test_require_staging_belongs_to_production(capsys, project, released):
    status, _, _, err = run(capsys, "preflight", "--script-location", str(project.root), "--require-staging", "x.json")
    assert (status, err) == (2, "classify: error: --require-staging is for --stage production; fix: add --stage production\n")


def test_the_configured_gate_runs_at_staging_only(capsys, project, released, tmp_path):
    pyproject(tmp_path, f"""
[tool.classifier.upgrade]
script_location = "{project.root}"
append_only_tables = ["ledger"]
backup_command = "true"
verify_command = "true"
gate_command = "false"
""")  # fmt: skip
    assert run(capsys, "preflight", "--stage", "production", "--waive", "staging=x", "--out", "pre.json")[0] == 0
    project.upgrade(released.url)
    status, record, _, _ = run(capsys, "postflight", "--stage", "production", "--preflight", "pre.json", *SERVICE_WAIVERS)
    assert (status, record["gate"], record["checks"]["gate"]) == (0, None, "not-required")
