"""Fixtures of the upgrade tests: a private PostgreSQL schema per test, Alembic projects.

PostgreSQL tests use the server named by ``CLASSIFY_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). They skip when it is
unreachable, except under ``CLASSIFY_REQUIRE_POSTGRES=1`` (CI), where that fails.
Every test gets its own schema, dropped afterwards: the database is shared.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from .support import AlembicProject, connect_postgres

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_server() -> sa.engine.Engine:
    """An engine on the shared PostgreSQL database (skip or fail when unreachable)."""
    return connect_postgres(
        os.environ.get("CLASSIFY_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        os.environ.get("CLASSIFY_REQUIRE_POSTGRES") == "1",
    )


@dataclass(frozen=True)
class PrivateDatabase:
    """A URL whose connections see only one fresh schema, and an engine on it."""

    url: str
    engine: sa.engine.Engine
    schema: str


@pytest.fixture
def postgres_db(postgres_server: sa.engine.Engine) -> Iterator[PrivateDatabase]:
    """A private schema on the shared server, as the search_path of every connection; dropped afterwards."""
    schema = f"upgrade_{uuid.uuid4().hex[:12]}"
    with postgres_server.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    base = postgres_server.url.render_as_string(hide_password=False)
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        yield PrivateDatabase(url, engine, schema)
    finally:
        engine.dispose()
        with postgres_server.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture
def project(tmp_path: Path) -> AlembicProject:
    """An empty Alembic project under ``tmp_path``."""
    return AlembicProject(tmp_path / "migrations")


@dataclass(frozen=True)
class AnyDatabase:
    """A fresh database of either kind: its URL, an engine, and its kind."""

    url: str
    engine: sa.engine.Engine
    kind: str


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AnyDatabase]:
    """The same test on a SQLite file and on a private PostgreSQL schema."""
    if request.param == "postgresql":
        private: PrivateDatabase = request.getfixturevalue("postgres_db")
        yield AnyDatabase(private.url, private.engine, "postgresql")
        return
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        yield AnyDatabase(url, engine, "sqlite")
    finally:
        engine.dispose()
