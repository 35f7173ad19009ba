"""Alembic head guards: does the database sit where this release expects?

SQLAlchemy and Alembic are imported inside the functions, so ``import
classifier.guard`` stays cheap for applications that only read the artifact.
Heads are compared as sets: a branched history has several.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.guard.config import GuardConfig
from classifier.guard.findings import GuardFinding, make_finding
from classifier.guard.redaction import Redactor

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Engine


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """What the database said about its migration state.

    Attributes:
        reachable: Whether a connection and a query succeeded.
        stamped: Whether the Alembic version table exists.
        heads: The revisions in the version table.
        error: Why the database could not be read (redacted), if it could not.
    """

    reachable: bool
    stamped: bool
    heads: frozenset[str]
    error: str | None = None


def _describe(error: BaseException, redactor: Redactor) -> str:
    # Drivers put the whole DSN in some messages; the first line is the useful part.
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()
    return redactor.scrub(f"{type(error).__name__}: {detail[0] if detail else 'no detail'}")


def read_database(engine: Engine, config: GuardConfig, redactor: Redactor) -> DatabaseState:
    """Connect once and read the version table named by ``config``.

    Never raises for database trouble: an unreachable database is a state.
    """
    import sqlalchemy
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("SELECT 1"))
            if not sqlalchemy.inspect(connection).has_table(config.version_table, schema=config.version_table_schema):
                return DatabaseState(reachable=True, stamped=False, heads=frozenset())
            context = MigrationContext.configure(
                connection,
                opts={"version_table": config.version_table, "version_table_schema": config.version_table_schema},
            )
            return DatabaseState(reachable=True, stamped=True, heads=frozenset(context.get_current_heads()))
    except (sqlalchemy.exc.SQLAlchemyError, OSError) as error:
        return DatabaseState(reachable=False, stamped=False, heads=frozenset(), error=_describe(error, redactor))


def load_scripts(script_location: str) -> ScriptDirectory:
    """Open an Alembic script directory, or the one an ``alembic.ini`` names.

    Raises:
        alembic.util.CommandError: The directory is not an Alembic script directory.
    """
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    if Path(script_location).is_file():
        return ScriptDirectory.from_config(Config(script_location))
    return ScriptDirectory(script_location)


def _joined(heads: Iterable[str]) -> str:
    return ",".join(sorted(heads)) or "<none>"


def _ancestry(scripts: ScriptDirectory, heads: Iterable[str]) -> frozenset[str]:
    """``heads`` and every revision below them."""
    seen: set[str] = set()
    stack = list(heads)
    while stack:
        revision = stack.pop()
        if revision in seen:
            continue
        seen.add(revision)
        down: Any = scripts.get_revision(revision).down_revision
        stack.extend(() if down is None else (down,) if isinstance(down, str) else down)
    return frozenset(seen)


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        scripts.get_revision(revision)
    except Exception:  # alembic raises several CommandError/ResolutionError flavours
        return False
    return True


def compare_heads(
    database: DatabaseState, expected: frozenset[str], scripts: ScriptDirectory | None, source: str
) -> list[GuardFinding]:
    """Findings (E011 to E015) when the database heads are not ``expected``.

    Args:
        database: What ``read_database`` saw (must be reachable).
        expected: The heads this release needs.
        scripts: The code's script directory, to tell behind from ahead.
        source: Where ``expected`` came from, for the key of the finding.
    """
    if not database.stamped:
        return [
            make_finding(
                "release.E011",
                source,
                _joined(expected),
                "The database has no Alembic version table, so its revision is unknown.",
            )
        ]
    have = database.heads
    if have == expected:
        return []
    said = f"database at {_joined(have)}, expected {_joined(expected)}"
    if len(have) > 1:
        return [make_finding("release.E014", source, _joined(expected), f"The database has several heads: {said}.")]
    if scripts is None:
        if not have:
            return [make_finding("release.E012", source, _joined(expected), f"No migration applied: {said}.")]
        return [make_finding("release.E015", source, _joined(expected), f"Heads differ: {said}.")]
    if not all(_known(scripts, revision) for revision in have):
        return [
            make_finding(
                "release.E013",
                source,
                _joined(expected),
                f"The database is at a revision this code does not know (newer release?): {said}.",
            )
        ]
    if have <= _ancestry(scripts, expected):
        return [make_finding("release.E012", source, _joined(expected), f"The database is behind: {said}.")]
    if expected <= _ancestry(scripts, have):
        return [make_finding("release.E013", source, _joined(expected), f"The database is ahead: {said}.")]
    return [make_finding("release.E015", source, _joined(expected), f"Heads diverged: {said}.")]


def check_heads(
    engine: Engine | None, config: GuardConfig, expected: frozenset[str] | None, redactor: Redactor
) -> list[GuardFinding]:
    """Every head guard (E010 to E017) for one database and one release.

    Args:
        engine: The application's database, or ``None`` when it has none.
        config: Gives the version table and the script location.
        expected: ``EXPECTED_ALEMBIC_HEAD`` as a set, or ``None`` when unset
            (then the code's script heads are expected, if a script location is given).
        redactor: Hides secrets in driver errors.
    """
    findings: list[GuardFinding] = []
    scripts = None
    source = "EXPECTED_ALEMBIC_HEAD"
    if config.script_location:
        try:
            scripts = load_scripts(config.script_location)
            code_heads = frozenset(scripts.get_heads())
        except Exception as error:  # any failure to load scripts must refuse, not crash
            return [
                make_finding(
                    "release.E016",
                    "script_location",
                    config.script_location,
                    f"Cannot read the migration scripts: {_describe(error, redactor)}.",
                    "Point script_location at this release's Alembic script directory.",
                )
            ]
        if expected is None:
            expected, source = code_heads, "script_location"
        elif code_heads != expected:
            findings.append(
                make_finding(
                    "release.E016",
                    "EXPECTED_ALEMBIC_HEAD",
                    _joined(expected),
                    f"The code's migrations end at {_joined(code_heads)}, "
                    f"not at EXPECTED_ALEMBIC_HEAD={_joined(expected)}.",
                )
            )
    if engine is None:
        if expected is not None and source == "EXPECTED_ALEMBIC_HEAD":
            findings.append(
                make_finding(
                    "release.E017",
                    "EXPECTED_ALEMBIC_HEAD",
                    _joined(expected),
                    "EXPECTED_ALEMBIC_HEAD is set but no database was given to check it.",
                )
            )
        return findings
    database = read_database(engine, config, redactor)
    if not database.reachable:
        findings.append(
            make_finding(
                "release.E010",
                "database",
                redactor.scrub(engine.url.render_as_string()),
                f"The database does not answer: {database.error}.",
            )
        )
    elif expected is not None:
        findings.extend(compare_heads(database, expected, scripts, source))
    return findings
