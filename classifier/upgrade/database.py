"""Opening the database and the target scripts, and reading their heads.

The head reading itself is the runtime guard's (``classifier.guard.heads``):
preflight, postflight and the guard must agree on what "the database head" is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.errors import UsageError
from classifier.guard.config import GuardConfig
from classifier.guard.findings import GuardFinding
from classifier.guard.heads import DatabaseState, load_scripts, read_database
from classifier.guard.redaction import Redactor
from classifier.upgrade.catalogue import finding

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

REDACTOR = Redactor.for_environ({})


def open_engine(url: str) -> Engine:
    """An engine for ``url`` with a bounded connect time.

    Raises:
        UsageError: The URL is malformed or names a driver that is not installed.
    """
    import sqlalchemy

    try:
        parsed = sqlalchemy.engine.make_url(url)
        connect_args = {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}
        return sqlalchemy.create_engine(parsed, connect_args=connect_args, poolclass=sqlalchemy.pool.NullPool)
    except (sqlalchemy.exc.ArgumentError, ImportError) as error:
        # Never echo the URL: it may carry a password.
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UsageError(f"--database-url: cannot use it: {first}", hint="give a SQLAlchemy URL") from None


def describe_url(engine: Engine) -> str:
    """The engine's URL with the password hidden."""
    return REDACTOR.scrub(engine.url.render_as_string(hide_password=True))


def database_heads(engine: Engine, version_table: str = "alembic_version") -> DatabaseState:
    """``alembic current`` of ``engine``, never raising for database trouble."""
    return read_database(engine, GuardConfig(version_table=version_table), REDACTOR)


def unreachable(check_id: str, engine: Engine, state: DatabaseState) -> GuardFinding:
    """The finding for a database that did not answer (the URL without its password)."""
    return finding(check_id, "database", describe_url(engine), f"The database does not answer: {state.error}.")


def malformed(check_id: str, state: DatabaseState, version_table: str) -> GuardFinding | None:
    """A ``check_id`` finding when the version table cannot be read as heads.

    An odd version table (NULLs, integers, duplicates, no ``version_num``…) is
    never read as "no migration applied": its revision is unknown, and
    migrating or rolling back from an unknown revision is refused.
    """
    if not state.reachable or state.malformed is None:
        return None
    message = f"The Alembic version table {version_table} is malformed: {state.malformed}; its revision is unknown."
    return finding(check_id, version_table, REDACTOR.scrub(state.rows) or "<not read>", message)


def database_block(engine: Engine, state: DatabaseState) -> dict[str, Any]:
    """The ``database`` object of a record: URL (no password), reachable, heads (``None`` when unknown), malformed."""
    heads = sorted(state.heads) if state.reachable and state.malformed is None else None
    return {
        "url": describe_url(engine),
        "reachable": state.reachable,
        "heads": heads,
        "version_table_malformed": state.malformed if state.reachable else None,
    }


@dataclass(frozen=True, slots=True)
class ScriptHeads:
    """``alembic heads`` of the target scripts, or why they could not be read."""

    heads: frozenset[str]
    ancestry: frozenset[str]
    error: GuardFinding | None = None


def script_heads(location: str) -> ScriptHeads:
    """The heads of the script directory (or ``alembic.ini``) at ``location``, and every revision below them.

    Alembic imports the revision files here: these are the release's own
    scripts, run by its operator, not revisions under review.
    """
    if not Path(location).exists():
        raise UsageError(f"--script-location {location}: no such file or directory")
    try:
        scripts = load_scripts(location)
        heads = frozenset(scripts.get_heads())
        ancestry = frozenset(rev.revision for rev in scripts.walk_revisions())
    except Exception as error:  # noqa: BLE001 - any failure to load the scripts is a failed check, not a crash
        message = f"Cannot read the migration scripts: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        return ScriptHeads(frozenset(), frozenset(), finding("upgrade.E003", "script_location", location, message))
    return ScriptHeads(heads, ancestry)


def joined(heads: frozenset[str] | list[str] | tuple[str, ...]) -> str:
    """Heads as the guard shows them: sorted, comma-separated, ``<none>`` when empty."""
    return ",".join(sorted(heads)) or "<none>"


def heads_to_work_from(
    database_url: str | None, version_table: str, code_heads: frozenset[str], code: str
) -> tuple[frozenset[str] | None, str, list[GuardFinding]]:
    """The heads a rollback or downgrade starts from, where they came from, and what went wrong reading them.

    Without a database, the heads of the running code (``code`` names it); with one, the database's own,
    ``None`` when it cannot be read or its version table is malformed (the findings say which).
    """
    if database_url is None:
        return code_heads, f"the migrations of {code}", []
    engine = open_engine(database_url)
    try:
        state = database_heads(engine, version_table)
    finally:
        engine.dispose()
    if not state.reachable:
        return None, "the database", [unreachable("upgrade.E002", engine, state)]
    odd = malformed("upgrade.E009", state, version_table)
    return (None, "the database", [odd]) if odd is not None else (state.heads, "the database", [])
