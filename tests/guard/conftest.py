"""Fixtures for the runtime guard tests: environments, Alembic projects, databases.

PostgreSQL tests use the server named by ``CLASSIFY_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). They skip when it is
unreachable, except under ``CLASSIFY_REQUIRE_POSTGRES=1`` (CI), where that fails.
Every test gets its own schema, dropped afterwards: the database is shared.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from .guard_support import AlembicProject, connect_postgres

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def alembic_project(tmp_path: Path):
    """Factory of Alembic projects under ``tmp_path``, linear r1 <- r2 <- … by default."""

    def make(name: str = "release", linear: int = 3) -> AlembicProject:
        project = AlembicProject(tmp_path / name)
        down = None
        for index in range(1, linear + 1):
            project.add(f"r{index}", down)
            down = f"r{index}"
        return project

    return make


@pytest.fixture(scope="session")
def postgres_server() -> sa.engine.Engine:
    """An engine on the shared PostgreSQL database (skip or fail when unreachable)."""
    return connect_postgres(
        os.environ.get("CLASSIFY_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        os.environ.get("CLASSIFY_REQUIRE_POSTGRES") == "1",
    )


@dataclass
class Database:
    """One test database: an engine whose default schema is private to the test."""

    kind: str
    engine: sa.engine.Engine
    schema: str | None = None
    extra_schemas: list[str] = field(default_factory=list)
    admin: sa.engine.Engine | None = None

    def new_schema(self) -> str:
        """Create one more private schema (PostgreSQL only)."""
        assert self.admin is not None, "schemas need PostgreSQL"
        name = f"guard_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        self.extra_schemas.append(name)
        return name


@pytest.fixture
def postgres_db(postgres_server: sa.engine.Engine) -> Iterator[Database]:
    """A PostgreSQL database whose search_path is a fresh schema, dropped afterwards."""
    database = Database("postgres", postgres_server, admin=postgres_server)
    schema = database.new_schema()
    database.schema = schema
    database.engine = sa.create_engine(
        postgres_server.url, connect_args={"options": f"-csearch_path={schema}", "connect_timeout": 3}
    )
    try:
        yield database
    finally:
        database.engine.dispose()
        with postgres_server.begin() as connection:
            for name in database.extra_schemas:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A SQLite file database (no pooling, so a vanished file is noticed)."""
    (tmp_path / "db").mkdir()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db' / 'app.db'}", poolclass=sa.pool.NullPool)
    yield Database("sqlite", engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Database:
    """Each test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_db")
