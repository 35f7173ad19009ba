"""``migrations rollback-check``: the old app's graph, read statically from git, against the current head."""

from __future__ import annotations

import json
import sqlite3

import jsonschema
import pytest

from classifier.upgrade.records import schema

from .support import AlembicProject, ids, run_cli


@pytest.fixture
def releases(make_repo):
    """A repository with release v1 (r1, r2) and the current commit (r3 on top)."""
    repo = make_repo("app")
    repo.write("alembic.ini", "[alembic]\nscript_location = migrations\n")
    project = AlembicProject(repo.path / "migrations")
    project.add("r1", None).add("r2", "r1")
    repo.commit("release 1")
    repo.git("tag", "v1")
    project.add("r3", "r2", "op.add_column('ledger', sa.Column('note', sa.Text))")
    repo.commit("release 2")
    return repo


def stamped(tmp_path, *heads: str) -> str:
    """A SQLite database whose alembic_version holds ``heads``."""
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        connection.executemany("INSERT INTO alembic_version VALUES (?)", [(head,) for head in heads])
    return f"sqlite:///{path}"


def rollback(capsys, repo, *argv):
    status, out, err = run_cli(
        capsys, "migrations", "rollback-check", "--repo", str(repo.path), "--format", "json", *argv
    )
    return status, (json.loads(out) if out else None), err


def test_rollback_to_a_release_that_never_saw_the_head_recommends_rolling_forward(capsys, releases):
    status, record, _ = rollback(capsys, releases, "--to", "v1")
    jsonschema.validate(record, schema("upgrade-record.schema.json"))
    assert (status, ids(record), record["never_seen"]) == (1, ["upgrade.E040"], ["r3"])
    assert record["current"]["source"] == "the migrations of HEAD"
    assert record["recommendation"].startswith("roll forward")


def test_rollback_is_compatible_when_the_database_is_still_at_the_old_head(capsys, releases, tmp_path):
    status, record, _ = rollback(capsys, releases, "--to", "v1", "--database-url", stamped(tmp_path, "r2"))
    assert (status, ids(record)) == (0, [])
    assert record["to"]["heads"] == ["r2"] and record["current"]["heads"] == ["r2"]


def test_rollback_names_a_database_head_no_release_knows(capsys, releases, tmp_path):
    status, record, _ = rollback(capsys, releases, "--to", "v1", "--database-url", stamped(tmp_path, "hotfix9"))
    assert (status, record["never_seen"]) == (1, ["hotfix9"])


def test_rollback_to_a_release_past_the_database_head_would_be_refused(capsys, releases, tmp_path):
    status, record, _ = rollback(capsys, releases, "--to", "HEAD", "--database-url", stamped(tmp_path, "r2"))
    assert (status, ids(record)) == (1, ["upgrade.E041"])


def test_rollback_never_imports_the_old_revisions(capsys, releases, tmp_path):
    marker = tmp_path / "ran"
    releases.write(
        "migrations/versions/r1.py",
        releases.path.joinpath("migrations/versions/r1.py").read_text() + f"\nopen({str(marker)!r}, 'w')\n",
    )
    releases.commit("side effect on import")  # read as the current graph
    status, record, _ = rollback(capsys, releases, "--to", "v1")
    assert (status, record["never_seen"]) == (1, ["r3"])
    assert not marker.exists()


def test_rollback_unknown_ref_is_one_line_and_exit_2(capsys, releases):
    status, record, err = rollback(capsys, releases, "--to", "v9")
    assert (status, record) == (2, None)
    assert (
        err
        == "classify: error: unknown revision 'v9'; fix: fetch it (`git fetch --tags origin`) or pass a commit sha\n"
    )
