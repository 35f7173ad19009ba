"""One read of the database's migration state, trusting nothing in the version table.

The version table is data like any other: a hand-made or half-restored one may
hold integers, NULLs, duplicates or thousands of rows. Each oddity becomes a
description (``DatabaseState.malformed``) that the head guards report as
``release.E018``; nothing here raises for what the database holds or says.
SQLAlchemy is imported inside the functions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from classifier.guard.redaction import Redactor
from classifier.guard.timeouts import ProbeTimeouts, seconds

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

MAX_VERSION_ROWS = 100
"""More rows than this is no Alembic history anyone can deploy against; read no further."""
MAX_REVISION_LENGTH = 255
_SHOWN_ROWS = 5
_SHOWN_LENGTH = 40
_QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """What the database said about its migration state.

    Attributes:
        reachable: Whether a connection and a query succeeded in time.
        stamped: Whether the Alembic version table exists.
        heads: The revisions in the version table (only well-formed ones).
        error: Why the database could not be read (redacted), if it could not.
        malformed: Why the version table's rows are not a set of heads, if they are not.
        rows: The rows as seen, for display (bounded, redacted later by the caller).
    """

    reachable: bool
    stamped: bool
    heads: frozenset[str]
    error: str | None = None
    malformed: str | None = None
    rows: str = ""


def unreachable(error: str) -> DatabaseState:
    """The state of a database that did not answer, for ``error``."""
    return DatabaseState(reachable=False, stamped=False, heads=frozenset(), error=error)


def connect_timed_out(timeouts: ProbeTimeouts) -> DatabaseState:
    """The state when no connection came within the connect timeout."""
    return unreachable(f"no connection within {seconds(timeouts.connect)} (connect timeout)")


def statement_timed_out(timeouts: ProbeTimeouts) -> DatabaseState:
    """The state when the probe's queries did not finish within the statement timeout."""
    return unreachable(f"the probe's queries did not finish within {seconds(timeouts.statement)} (statement timeout)")


def describe_error(error: BaseException, redactor: Redactor) -> str:
    """``Type: first line`` of a driver error, scrubbed of secrets."""
    # Drivers put the whole DSN in some messages; the first line is the useful part.
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()
    return redactor.scrub(f"{type(error).__name__}: {detail[0] if detail else 'no detail'}")


def _is_statement_timeout(error: BaseException) -> bool:
    orig = getattr(error, "orig", None)
    return _QUERY_CANCELED in (getattr(orig, "sqlstate", None), getattr(orig, "pgcode", None))


def qualified_table(table: str, schema: str | None) -> str:
    """``schema.table`` or ``table``, as the findings name the version table."""
    return f"{schema}.{table}" if schema else table


def read_now(
    engine: Engine,
    table: str,
    schema: str | None,
    timeouts: ProbeTimeouts,
    redactor: Redactor,
    on_connected: Callable[[], None] = lambda: None,
) -> DatabaseState:
    """Connect, then read the version table ``schema.table``, in the calling thread.

    The caller bounds the wall-clock time (``classifier.guard.bounded``); on
    PostgreSQL the server also cancels a query past the statement timeout,
    so a slow probe does not keep holding locks after the caller gave up.

    Args:
        engine: The application's database.
        table: The version table.
        schema: Its schema, ``None`` for the default one.
        timeouts: The statement timeout is set on the probe's own transaction.
        redactor: Hides secrets in driver errors.
        on_connected: Called once a connection is in hand (ends the connect phase).
    """
    import sqlalchemy

    try:
        with engine.connect() as connection:
            on_connected()
            connection = _bounded(connection, timeouts)
            connection.execute(sqlalchemy.text("SELECT 1"))
            return _read_version_table(connection, table, schema, redactor)
    except sqlalchemy.exc.SQLAlchemyError as error:
        if _is_statement_timeout(error):
            return statement_timed_out(timeouts)
        return unreachable(describe_error(error, redactor))
    except OSError as error:
        return unreachable(describe_error(error, redactor))


def _bounded(connection: Connection, timeouts: ProbeTimeouts) -> Connection:
    """The probe's connection, with a server-side statement timeout where the server has one."""
    import sqlalchemy

    if connection.dialect.name != "postgresql":
        return connection
    # Transaction-local (is_local=true), so the pooled connection goes back to the
    # application unchanged; forcing a transactional isolation level makes that hold
    # even for an engine in autocommit mode (the pool resets it on return).
    connection = connection.execution_options(isolation_level="READ COMMITTED")
    milliseconds = str(max(1, round(timeouts.statement * 1000)))
    connection.execute(sqlalchemy.text("SELECT set_config('statement_timeout', :ms, true)"), {"ms": milliseconds})
    return connection


def _read_version_table(connection: Connection, table: str, schema: str | None, redactor: Redactor) -> DatabaseState:
    import sqlalchemy

    try:
        inspector = sqlalchemy.inspect(connection)
        if not inspector.has_table(table, schema=schema):
            return DatabaseState(reachable=True, stamped=False, heads=frozenset())
        columns = {column["name"] for column in inspector.get_columns(table, schema=schema)}
        if "version_num" not in columns:
            return _malformed("it has no version_num column", "")
        query = (
            sqlalchemy.select(sqlalchemy.column("version_num"))
            .select_from(sqlalchemy.table(table, schema=schema))
            .limit(MAX_VERSION_ROWS + 1)
        )
        values = list(connection.execute(query).scalars())
    except sqlalchemy.exc.NoSuchTableError:  # dropped between the two looks
        return DatabaseState(reachable=True, stamped=False, heads=frozenset())
    except sqlalchemy.exc.DBAPIError as error:
        if error.connection_invalidated or _is_statement_timeout(error):
            raise  # the database went away or ran out of time: not the table's fault
        return _malformed(f"it cannot be read: {describe_error(error, redactor)}", "")
    return judge_rows(values)


def _malformed(problem: str, rows: str) -> DatabaseState:
    return DatabaseState(reachable=True, stamped=True, heads=frozenset(), malformed=problem, rows=rows)


def show_value(value: Any) -> str:
    """One version-table value as a finding shows it: ``NULL``, ``42``, ``'r3'``, bounded."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        text = value if len(value) <= _SHOWN_LENGTH else f"{value[:_SHOWN_LENGTH]}…"
        return repr(text)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(bytes(value))} bytes>"
    text = repr(value)
    return text if len(text) <= _SHOWN_LENGTH else f"{text[:_SHOWN_LENGTH]}…"


def show_rows(values: Sequence[Any]) -> str:
    """The rows, sorted (a table has no order), comma-separated; past a few, a count of the rest."""
    shown = sorted(show_value(value) for value in values)
    rest = len(shown) - _SHOWN_ROWS
    return ", ".join(shown[:_SHOWN_ROWS]) + (f" and {rest} more" if rest > 0 else "")


def _kind(value: Any) -> str:
    if value is None:
        return "NULL"
    names = {bool: "a boolean", int: "an integer", float: "a number", bytes: "bytes", memoryview: "bytes"}
    return names.get(type(value), f"a {type(value).__name__}")


def row_problem(value: Any) -> str | None:
    """Why one version-table value is not a revision id, or ``None`` when it may be one."""
    if not isinstance(value, str):
        what = "NULL" if value is None else f"{show_value(value)} ({_kind(value)})"
        return f"a row holds {what}, not a revision id"
    if not value.strip():
        return "a row holds an empty revision id"
    if len(value) > MAX_REVISION_LENGTH:
        return f"a row holds a {len(value)}-character value, longer than any revision id"
    if any(character.isspace() or not character.isprintable() for character in value):
        return f"a row holds {show_value(value)}, which has spaces or control characters"
    return None


def judge_rows(values: Sequence[Any]) -> DatabaseState:
    """The state for the version table's ``values``: heads, or why they are not heads."""
    if len(values) > MAX_VERSION_ROWS:
        return _malformed(f"it has more than {MAX_VERSION_ROWS} rows", f"at least {len(values)} rows")
    rows = show_rows(values)
    for value in values:
        problem = row_problem(value)
        if problem:
            return _malformed(problem, rows)
    repeated = sorted(value for value, count in Counter(values).items() if count > 1)
    if repeated:
        return _malformed(f"{show_value(repeated[0])} is listed {Counter(values)[repeated[0]]} times", rows)
    return DatabaseState(reachable=True, stamped=True, heads=frozenset(values), rows=rows)
