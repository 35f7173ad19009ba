"""Helpers shared by the guard tests: a valid release environment, Alembic projects."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

VALID_ENV: dict[str, str] = {
    "VERSION_HASH": "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    "RELEASE_SUPPORTED_API_VERSIONS": "v1,v2",
    "RELEASE_FEATURE_FLAGS": "new-checkout,fast-search",
    "SIGNING_MODE": "required",
    "SIGNING_REQUIRED": "true",
    "ENV": "prod",
    "LOG_LEVEL": "INFO",
}
"""A production environment every guard accepts (no database)."""


def release_env(*drop: str, **overrides: str) -> dict[str, str]:
    """``VALID_ENV`` without the ``drop`` keys and with ``overrides``."""
    env = {key: value for key, value in VALID_ENV.items() if key not in drop}
    env.update(overrides)
    return env


_ENV_PY = '''
from alembic import context

config = context.config
context.configure(
    connection=config.attributes["connection"],
    version_table=config.attributes.get("version_table", "alembic_version"),
    version_table_schema=config.attributes.get("version_table_schema"),
)
with context.begin_transaction():
    context.run_migrations()
'''


@dataclass
class AlembicProject:
    """A real Alembic script directory written into a temporary folder."""

    root: Path
    revisions: dict[str, Any] = field(default_factory=dict)

    def add(self, revision: str, down: str | tuple[str, ...] | None, body: str = "pass") -> AlembicProject:
        """Write one revision file whose ``upgrade()`` runs ``body``."""
        (self.root / "versions").mkdir(parents=True, exist_ok=True)
        (self.root / "env.py").write_text(_ENV_PY)
        source = f'''
            import sqlalchemy as sa
            from alembic import op

            revision = {revision!r}
            down_revision = {down!r}
            branch_labels = None
            depends_on = None


            def upgrade():
                {body}


            def downgrade():
                pass
        '''
        (self.root / "versions" / f"{revision}.py").write_text(textwrap.dedent(source))
        self.revisions[revision] = down
        return self

    def upgrade(self, engine: sa.engine.Engine, target: str = "heads", **opts: str | None) -> None:
        """``alembic upgrade target`` on ``engine`` through the command API."""
        config = Config()
        config.set_main_option("script_location", str(self.root))
        with engine.begin() as connection:
            config.attributes.update(connection=connection, **opts)
            command.upgrade(config, target)
