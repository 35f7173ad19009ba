"""Alembic head guards against real databases migrated by real ``alembic upgrade``."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from classifier.guard import GuardConfig, check_startup

from .guard_support import release_env

ENV = release_env(EXPECTED_ALEMBIC_HEAD="r3")


def _ids(
    engine: sa.engine.Engine, script_location: Path | None = None, env: dict[str, str] = ENV, **config: str
) -> list[str]:
    location = str(script_location) if script_location else None
    return [f.id for f in check_startup(GuardConfig(script_location=location, **config), env, engine)]


def test_heads_at_expected_head_pass(db, alembic_project) -> None:
    release = alembic_project()
    release.upgrade(db.engine, "r3")
    assert _ids(db.engine) == []
    assert _ids(db.engine, release.root) == []


def test_heads_without_expected_head_use_the_code_heads(db, alembic_project) -> None:
    release = alembic_project()
    release.upgrade(db.engine, "r2")
    env = release_env()
    assert _ids(db.engine, env=env) == []  # nothing to enforce
    assert _ids(db.engine, release.root, env=env) == ["release.E012"]


def test_heads_behind_refuse(db, alembic_project) -> None:
    release = alembic_project()
    release.upgrade(db.engine, "r2")
    assert _ids(db.engine, release.root) == ["release.E012"]
    assert _ids(db.engine) == ["release.E015"]  # without scripts the direction is unknown


def test_heads_at_base_refuse_as_behind(db, alembic_project) -> None:
    release = alembic_project()
    release.upgrade(db.engine, "r1")
    with db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM alembic_version"))
    assert _ids(db.engine) == ["release.E012"]


def test_heads_ahead_refuse(db, alembic_project) -> None:
    newer = alembic_project("newer", linear=4)
    newer.upgrade(db.engine, "r4")
    release = alembic_project()
    assert _ids(db.engine, release.root) == ["release.E013"]  # r4 is unknown to this code
    # Rolled back to an older artifact whose scripts know r4 but expect r3:
    assert _ids(db.engine, newer.root, release_env(EXPECTED_ALEMBIC_HEAD="r3")) == ["release.E016", "release.E013"]


def test_heads_two_heads_refuse(db, alembic_project) -> None:
    branched = alembic_project("branched").add("r3b", "r2")
    branched.upgrade(db.engine, "heads")
    assert _ids(db.engine, alembic_project().root) == ["release.E014"]
    assert _ids(db.engine) == ["release.E014"]


def test_heads_both_heads_expected_pass(db, alembic_project) -> None:
    branched = alembic_project("branched").add("r3b", "r2")
    branched.upgrade(db.engine, "heads")
    assert _ids(db.engine, branched.root, release_env(EXPECTED_ALEMBIC_HEAD="r3b,r3")) == []


def test_heads_without_version_table_refuse(db, alembic_project) -> None:
    assert _ids(db.engine, alembic_project().root) == ["release.E011"]


def test_heads_custom_version_table(db, alembic_project) -> None:
    release = alembic_project()
    release.upgrade(db.engine, "r3", version_table="app_migrations")
    assert _ids(db.engine, release.root, version_table="app_migrations") == []
    assert _ids(db.engine, release.root) == ["release.E011"]


def test_heads_script_heads_differ_from_expected(db, alembic_project) -> None:
    release = alembic_project(linear=4)
    release.upgrade(db.engine, "r3")
    assert _ids(db.engine, release.root) == ["release.E016"]


def test_heads_unreadable_scripts_refuse(db, tmp_path: Path) -> None:
    assert _ids(db.engine, tmp_path / "nowhere") == ["release.E016"]


def test_heads_unreachable_sqlite_refuses(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'app.db'}")
    assert _ids(engine) == ["release.E010"]


@pytest.mark.postgres
def test_heads_unreachable_postgres_refuses(postgres_server) -> None:
    url = postgres_server.url.set(port=1, password="hunter2-secret")
    engine = sa.create_engine(url, connect_args={"connect_timeout": 2})
    (finding,) = check_startup(GuardConfig(), ENV, engine)
    assert finding.id == "release.E010"
    assert "hunter2-secret" not in f"{finding.value} {finding.message}"


@pytest.mark.postgres
def test_heads_version_table_schema_on_postgres(postgres_db, alembic_project) -> None:
    release = alembic_project()
    versions = postgres_db.new_schema()
    release.upgrade(postgres_db.engine, "r2", version_table_schema=versions)
    assert _ids(postgres_db.engine, release.root) == ["release.E011"]  # not in the default schema
    assert _ids(postgres_db.engine, release.root, version_table_schema=versions) == ["release.E012"]
    release.upgrade(postgres_db.engine, "r3", version_table_schema=versions, version_table="deploys")
    assert _ids(postgres_db.engine, release.root, version_table_schema=versions, version_table="deploys") == []


def test_heads_expected_head_from_alembic_ini(db, alembic_project, tmp_path: Path) -> None:
    release = alembic_project()
    release.upgrade(db.engine, "r3")
    ini = tmp_path / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = {release.root}\n")
    assert _ids(db.engine, ini) == []


def test_heads_of_an_in_memory_sqlite_database(alembic_project) -> None:
    """A ``sqlite://`` engine holds one database per thread: the guard must read the caller's."""
    engine = sa.create_engine("sqlite://")
    release = alembic_project()
    release.upgrade(engine, "r3")
    assert _ids(engine, release.root) == []
    assert _ids(engine, alembic_project("newer", linear=4).root, env=release_env()) == ["release.E012"]
