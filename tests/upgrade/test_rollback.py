"""``migrations rollback-check``: the old app's graph, read statically from git, against the current head.

A database ahead of the old release only by expand-only revisions is compatible through an additive
window; anything else is a roll-forward.
"""

from __future__ import annotations

import json
import sqlite3

import jsonschema
import pytest
import sqlalchemy as sa

from classifier.upgrade.records import schema
from classifier.guard.window import accepts, load_window

from .conftest import AnyDatabase
from .support import AlembicProject, ids, run_cli

LEDGER = "op.create_table('ledger', sa.Column('id', sa.Integer, primary_key=True), sa.Column('entry', sa.Text))"


@pytest.fixture
def releases(make_repo):
    """A repository with release v1 (r1, r2) and the current commit (r3, an expand-only revision, on top)."""
    repo = make_repo("app")
    repo.write("alembic.ini", "[alembic]\nscript_location = migrations\n")
    project = AlembicProject(repo.path / "migrations")
    project.add("r1", None).add("r2", "r1", LEDGER)
    repo.commit("release 1")
    repo.git("tag", "v1")
    project.add("r3", "r2", "op.add_column('ledger', sa.Column('note', sa.Text, nullable=True))")
    repo.commit("release 2")
    repo.project = project
    return repo


def add_release(repo, revision: str, down: str, body: str) -> None:
    repo.project.add(revision, down, body)
    repo.commit(f"add {revision}")


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


def test_rollback_over_expand_only_revisions_is_compatible_through_a_window(capsys, releases, tmp_path):
    window_file = tmp_path / "additive-window.json"
    status, record, _ = rollback(capsys, releases, "--to", "v1", "--write-window", str(window_file))
    jsonschema.validate(record, schema("upgrade-record.schema.json"))
    assert (status, ids(record), record["compatibility"]) == (0, [], "additive-window")
    assert [(w["revision"], w["operations"], w["problems"]) for w in record["window"]] == [
        ("r3", ["op.add_column ledger"], [])
    ]
    assert record["recommendation"] == (
        "v1 is compatible: the database is ahead of it only by expand-only revisions (r3); redeploy it with "
        "ALEMBIC_ADDITIVE_WINDOW naming the window file (--write-window) and EXPECTED_ALEMBIC_HEAD unchanged"
    )
    window = load_window(window_file)
    jsonschema.validate(window, schema("upgrade-window.schema.json"))
    assert (window["base_heads"], window["heads"], window["revisions"]) == (
        ["r2"],
        ["r3"],
        [{"revision": "r3", "down_revisions": ["r2"], "operations": ["op.add_column ledger"]}],
    )
    assert record["window_file"] == str(window_file)
    # The rule the older release's guard applies: exactly its heads plus the window, nothing else.
    assert accepts(window, {"r2"}, {"r3"}) is None
    assert accepts(window, {"r2"}, {"r2"}) is None
    assert accepts(window, {"r1"}, {"r3"}) == "the window was declared on top of r2, this release expects r1"
    assert accepts(window, {"r2"}, {"r4"}) == "the database reaches r4, which is neither an expected head nor in the window"


def test_rollback_over_a_breaking_revision_recommends_rolling_forward(capsys, releases, tmp_path):
    add_release(releases, "r4", "r3", "op.drop_column('ledger', 'entry')")
    status, record, _ = rollback(capsys, releases, "--to", "v1", "--write-window", str(tmp_path / "w.json"))
    assert (status, ids(record), record["never_seen"], record["compatibility"]) == (
        1, ["upgrade.E040"], ["r3", "r4"], "incompatible"
    )  # fmt: skip
    assert record["findings"][0]["message"] == (
        "v1 has never seen r3, r4 (at the migrations of HEAD: r4), and not all of them are expand-only: "
        "r4: line 11: column dropped: entry."
    )
    assert record["recommendation"].startswith("roll forward")
    assert not (tmp_path / "w.json").exists() and record["window_file"] is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("op.execute(\"INSERT INTO ledger (id, entry) VALUES (1, 'seed')\")",
         "line 11: writes rows into ledger, a table older code reads: INSERT INTO ledger (id, entry) VALUES (1, 'seed')"),
        ("op.alter_column('ledger', 'entry', nullable=False)", "line 11: column made not null: entry"),
        ("op.execute('UPDATE ledger SET entry = lower(entry) WHERE id > 0')",
         "line 11: rewrites rows of ledger: UPDATE ledger SET entry = LOWER(entry) WHERE id > 0"),
        ("op.add_column('ledger', sa.Column('kind', sa.Text, nullable=False))",
         "line 11: required column added: kind is NOT NULL without server_default"),
        ("op.create_index('ix_entry', 'ledger', ['entry'], unique=True)",
         "line 11: constraint added to existing table: index ix_entry"),
        ("ledger = sa.table('ledger', sa.column('id'))\nop.bulk_insert(ledger, [{'id': 9}])",
         ["line 12: op.bulk_insert writes rows into ledger, a table older code reads",
          "line 12: insert not rerunnable: bulk_insert into existing table ledger adds the rows again"]),
        ("op.execute('CREATE TRIGGER guard BEFORE INSERT ON ledger EXECUTE FUNCTION f()')",
         ["line 11: `CREATE TRIGGER guard BEFORE INSERT ON ledger EXECUTE FUNCTION F()` at line 11 (not classified) "
          "cannot be read statically",
          "line 11: create trigger: CREATE TRIGGER guard BEFORE INSERT ON ledger EXECUTE FUNCTION F()"]),
    ],
)  # fmt: skip
def test_rollback_window_refuses_anything_but_expansion(capsys, releases, body, reason):
    add_release(releases, "r4", "r3", body)
    status, record, _ = rollback(capsys, releases, "--to", "v1")
    assert (status, ids(record)) == (1, ["upgrade.E040"])
    assert [w["problems"] for w in record["window"]] == [[], reason if isinstance(reason, list) else [reason]]


def test_rows_written_into_a_table_of_the_same_window_are_expansion(capsys, releases):
    body = """
    op.create_table("kinds", sa.Column("name", sa.Text, primary_key=True))
    kinds = sa.table("kinds", sa.column("name"))
    op.bulk_insert(kinds, [{"name": "plain"}])
    op.create_index("ix_ledger_entry", "ledger", ["entry"])
    """
    add_release(releases, "r4", "r3", body)
    status, record, _ = rollback(capsys, releases, "--to", "v1")
    assert (status, ids(record), record["compatibility"]) == (0, [], "additive-window")
    assert record["window"][1]["operations"] == ["op.create_table kinds", "op.bulk_insert kinds", "op.create_index ledger"]


def test_rollback_with_the_database_at_the_old_head_is_exact(capsys, releases, tmp_path):
    status, record, _ = rollback(capsys, releases, "--to", "v1", "--database-url", stamped(tmp_path, "r2"))
    assert (status, ids(record), record["compatibility"]) == (0, [], "exact")
    assert record["to"]["heads"] == ["r2"] and record["current"]["heads"] == ["r2"]


def test_rollback_reads_the_database_heads_on_both_databases(capsys, releases, any_db: AnyDatabase):
    add_release(releases, "r4", "r3", "op.drop_table('ledger')")
    with any_db.engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('r3')"))
    status, record, _ = rollback(capsys, releases, "--to", "v1", "--database-url", any_db.url)
    assert (status, record["compatibility"], record["never_seen"]) == (0, "additive-window", ["r3"])
    with any_db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'r4'"))
    status, record, _ = rollback(capsys, releases, "--to", "v1", "--database-url", any_db.url)
    assert (status, ids(record), record["never_seen"]) == (1, ["upgrade.E040"], ["r3", "r4"])
    with any_db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'r 4'"))
    status, record, _ = rollback(capsys, releases, "--to", "v1", "--database-url", any_db.url)
    assert (status, ids(record), record["compatibility"]) == (1, ["upgrade.E009"], "unknown")
    assert record["findings"][0]["message"].startswith("The Alembic version table alembic_version is malformed: ")


def test_rollback_names_a_database_head_no_release_knows(capsys, releases, tmp_path):
    status, record, _ = rollback(capsys, releases, "--to", "v1", "--database-url", stamped(tmp_path, "hotfix9"))
    assert (status, ids(record), record["never_seen"]) == (1, ["upgrade.E040"], ["hotfix9"])
    assert record["window"] == [
        {"revision": "hotfix9", "path": None, "operations": [], "tables": [], "problems": ["no file defines it"]}
    ]


def test_rollback_to_a_release_past_the_database_head_would_be_refused(capsys, releases, tmp_path):
    status, record, _ = rollback(capsys, releases, "--to", "HEAD", "--database-url", stamped(tmp_path, "r2"))
    assert (status, ids(record)) == (1, ["upgrade.E041"])


def test_rollback_to_a_release_on_another_branch_is_refused(capsys, releases, tmp_path):
    releases.git("checkout", "-q", "-b", "side", "v1")
    add_release(releases, "r2b", "r2", "pass")
    releases.git("checkout", "-q", "main")
    releases.git("merge", "-q", "--no-edit", "-s", "ours", "side")  # the side branch's code, not its migration
    status, record, _ = rollback(capsys, releases, "--to", "side", "--database-url", stamped(tmp_path, "r3"))
    assert (status, ids(record)) == (1, ["upgrade.E041"])
    assert record["findings"][0]["message"] == (
        "side ends at r2b, which the database (r3) does not build on; its startup guard would refuse."
    )


def test_rollback_never_imports_the_old_revisions(capsys, releases, tmp_path):
    marker = tmp_path / "ran"
    releases.write(
        "migrations/versions/r1.py",
        releases.path.joinpath("migrations/versions/r1.py").read_text() + f"\nopen({str(marker)!r}, 'w')\n",
    )
    releases.write(
        "migrations/versions/r3.py",
        releases.path.joinpath("migrations/versions/r3.py").read_text() + f"\nopen({str(marker)!r}, 'w')\n",
    )
    releases.commit("side effect on import")  # read as the current graph and the window
    status, record, _ = rollback(capsys, releases, "--to", "v1")
    assert (status, record["never_seen"]) == (1, ["r3"])
    assert record["window"][0]["problems"][0].endswith("(module-level code runs on import)")
    assert not marker.exists()


def test_rollback_unknown_ref_is_one_line_and_exit_2(capsys, releases):
    status, record, err = rollback(capsys, releases, "--to", "v9")
    assert (status, record) == (2, None)
    assert (
        err
        == "classify: error: unknown revision 'v9'; fix: fetch it (`git fetch --tags origin`) or pass a commit sha\n"
    )
