"""The ``app.startup`` event, to a logger and to the append-only table of the documented migration."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from classifier.guard import ReleaseArtifact, record_startup, system_events_table

from .guard_support import AlembicProject, release_env

DOCS = Path(__file__).parents[2] / "docs" / "guard.md"
ARTIFACT = ReleaseArtifact.from_env(release_env(EXPECTED_ALEMBIC_HEAD="0001_system_events"))


def documented_migration() -> str:
    """The migration snippet of docs/guard.md, as a user would copy it."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- system-events-migration -->\n```python\n(.*?)```", text, re.DOTALL)
    assert match, "docs/guard.md lost its system_events migration"
    return match.group(1)


def migrate_events(engine: sa.engine.Engine, root: Path) -> None:
    """Run the documented migration on ``engine`` with real ``alembic upgrade``."""
    project = AlembicProject(root)
    project.add("0001_system_events", None)
    (project.root / "versions" / "0001_system_events.py").write_text(documented_migration())
    project.upgrade(engine)


@pytest.fixture
def events_db(db, tmp_path: Path):
    """A database migrated with the documented system_events migration."""
    migrate_events(db.engine, tmp_path / "events")
    return db


def _rows(engine: sa.engine.Engine) -> list[tuple[str, dict[str, object]]]:
    table = system_events_table(sa.MetaData())
    with engine.connect() as connection:
        return [(row.event_type, row.payload) for row in connection.execute(sa.select(table).order_by(table.c.id))]


def test_record_startup_to_a_logger_writes_one_json_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("app.events")
    with caplog.at_level(logging.INFO, logger="app.events"):
        event = record_startup(logger, ARTIFACT)
    (record,) = caplog.records
    line = record.getMessage()
    assert "\n" not in line
    assert json.loads(line) == event
    assert event["event_type"] == "app.startup"
    assert event["payload"] == ARTIFACT.to_dict()


def test_record_startup_to_the_table(events_db) -> None:
    record_startup(events_db.engine, ARTIFACT)
    with events_db.engine.begin() as connection:  # the caller's transaction
        record_startup(connection, ARTIFACT)
    assert _rows(events_db.engine) == [("app.startup", ARTIFACT.to_dict())] * 2


@pytest.mark.parametrize("statement", ["UPDATE system_events SET event_type = 'x'", "DELETE FROM system_events"])
def test_system_events_is_append_only(events_db, statement: str) -> None:
    record_startup(events_db.engine, ARTIFACT)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), events_db.engine.begin() as connection:
        connection.execute(sa.text(statement))
    assert len(_rows(events_db.engine)) == 1


@pytest.mark.postgres
def test_system_events_refuses_truncate_on_postgres(postgres_db, tmp_path: Path) -> None:
    migrate_events(postgres_db.engine, tmp_path / "events")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), postgres_db.engine.begin() as connection:
        connection.execute(sa.text("TRUNCATE system_events"))


@pytest.mark.postgres
def test_record_startup_into_another_schema(postgres_db) -> None:
    schema = postgres_db.new_schema()
    metadata = sa.MetaData(schema=schema)
    system_events_table(metadata, "startup_log")
    metadata.create_all(postgres_db.engine)
    record_startup(postgres_db.engine, ARTIFACT, table_name="startup_log", schema=schema)
    with postgres_db.engine.connect() as connection:
        count = connection.execute(sa.text(f'SELECT count(*) FROM "{schema}".startup_log')).scalar()
    assert count == 1
