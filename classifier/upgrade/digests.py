"""Digests of append-only tables: what existed before a migration, proven unchanged after.

Each row is hashed over the columns the table had at preflight, so a column
added by the migration changes nothing, while an edited value does. Rows are
identified by their primary key (a table without one is compared as a
multiset of row digests), which lets postflight tell an added row (allowed)
from a changed or deleted one (history rewritten). The table's content hash is
taken over the sorted row digests, so it does not depend on row order.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import finding

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_BATCH_ROWS = 5000


def split_name(name: str) -> tuple[str | None, str]:
    """``schema.table`` or ``table`` as ``(schema, table)``."""
    schema, _, table = name.rpartition(".")
    return schema or None, table


def _plain(value: Any) -> Any:
    """A JSON-able, driver-independent form of a column value."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize()) if value == value.to_integral_value() else str(value)
    if isinstance(value, (datetime.date, datetime.time, uuid.UUID)):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    return str(value)


# One encoder for every row: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=_plain)


def row_digest(values: tuple[Any, ...]) -> str:
    """128 bits of SHA-256 over the canonical JSON of one row's values."""
    return hashlib.sha256(_ENCODER.encode(list(values)).encode()).hexdigest()[:32]


def content_hash(digests: list[str]) -> str:
    """An order-independent hash of a table: SHA-256 over its sorted row digests."""
    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class TableDigest:
    """One append-only table as preflight saw it.

    Attributes:
        name: ``schema.table`` or ``table``, as given.
        columns: The columns hashed, in table order.
        primary_key: The key columns (empty: rows are compared as a multiset).
        rows: ``(key, digest)`` per row, sorted; the key is the JSON of the
            primary key values, or ``None`` without a primary key.
        digested_at: The database's clock when preflight began reading the table (ISO 8601, UTC).
        timestamp_column: The column saying when a row was written, if configured.
        ordered_key: Whether new rows must sort after every preflight row by key.
    """

    name: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    rows: tuple[tuple[str | None, str], ...]
    digested_at: str = ""
    timestamp_column: str | None = None
    ordered_key: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The record form, with the row count and the content hash."""
        return {
            "table": self.name,
            "columns": list(self.columns),
            "primary_key": list(self.primary_key),
            "row_count": len(self.rows),
            "content_hash": content_hash([digest for _, digest in self.rows]),
            "digested_at": self.digested_at,
            "timestamp_column": self.timestamp_column,
            "ordered_key": self.ordered_key,
            "rows": [list(row) for row in self.rows],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableDigest:
        """Read back what ``to_dict`` wrote."""
        rows = tuple((key, digest) for key, digest in data["rows"])
        return cls(
            data["table"],
            tuple(data["columns"]),
            tuple(data["primary_key"]),
            rows,
            data["digested_at"],
            data["timestamp_column"],
            data["ordered_key"],
        )


@dataclass(frozen=True, slots=True)
class Row:
    """One row read now: its key (JSON, or ``None``), its digest over the preflight columns, its timestamp."""

    key: str | None
    digest: str
    stamp: Any = None


def _read_rows(
    connection: Connection, name: str, columns: tuple[str, ...], key: tuple[str, ...], stamp: str | None = None
) -> Iterator[Row]:
    """Every row of ``name``, digested over ``columns``; ``stamp`` is read too but not hashed."""
    import sqlalchemy as sa

    schema, table = split_name(name)
    extra = (stamp,) if stamp is not None and stamp not in columns else ()
    selected = columns + extra
    # Typed as Any: SQLAlchemy 2.0 and 2.1 declare Select's parameters differently.
    query: Any = sa.select(*(sa.column(c) for c in selected)).select_from(sa.table(table, schema=schema))
    positions = [columns.index(c) for c in key]
    stamp_at = selected.index(stamp) if stamp is not None else None
    width = len(columns)
    result = connection.execution_options(stream_results=True, yield_per=_BATCH_ROWS).execute(query)
    for row in result:
        values = tuple(row)
        identity = _ENCODER.encode([values[i] for i in positions]) if key else None
        yield Row(identity, row_digest(values[:width]), None if stamp_at is None else values[stamp_at])


def database_now(connection: Connection) -> str:
    """The database's clock, ISO 8601 in UTC (a naive answer, SQLite's, is UTC)."""
    import sqlalchemy as sa

    value = connection.execute(sa.select(sa.func.current_timestamp())).scalar_one()
    moment = value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(str(value))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).isoformat()


def capture(
    connection: Connection, name: str, timestamp_column: str | None = None, ordered: bool = True
) -> TableDigest | GuardFinding:
    """Digest every row of ``name``, or say why the table cannot be read.

    Args:
        connection: The database before the migration.
        name: ``[schema.]table``.
        timestamp_column: The column saying when a row was written (must exist).
        ordered: Whether the table's key grows with time (judged only with a primary key).
    """
    import sqlalchemy as sa

    schema, table = split_name(name)
    try:
        inspector = sa.inspect(connection)
        if not inspector.has_table(table, schema=schema):
            return finding("upgrade.E005", name, "<missing>", f"Append-only table {name} does not exist.")
        columns = tuple(column["name"] for column in inspector.get_columns(table, schema=schema))
        if timestamp_column is not None and timestamp_column not in columns:
            message = f"Append-only table {name} has no column {timestamp_column} (its configured timestamp column)."
            return finding("upgrade.E005", name, timestamp_column, message, "Fix upgrade.timestamp_columns.")
        key = tuple(inspector.get_pk_constraint(table, schema=schema).get("constrained_columns") or ())
        since = database_now(connection)
        found = ((row.key, row.digest) for row in _read_rows(connection, name, columns, key))
        rows = tuple(sorted(found, key=lambda r: (r[0] or "", r[1])))
    except sa.exc.SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        return finding(
            "upgrade.E005",
            name,
            "<unreadable>",
            f"Cannot read {name}: {detail[0] if detail else type(error).__name__}.",
        )
    return TableDigest(name, columns, key, rows, since, timestamp_column, ordered and bool(key))


@dataclass(frozen=True, slots=True)
class TableVerdict:
    """What postflight found in one append-only table.

    Attributes:
        rewritten: ``upgrade.E014`` when historical rows changed or went away.
        added: The rows added since preflight (``None`` when the table could not be compared).
    """

    rewritten: GuardFinding | None
    added: tuple[Row, ...] | None = None


def _lost_rows(before: TableDigest, now: list[Row]) -> tuple[int, int]:
    """``(changed, deleted)`` historical rows; without a key every lost row counts as changed."""
    if before.primary_key:
        current = {row.key: row.digest for row in now}
        changed = sum(1 for k, d in before.rows if k in current and current[k] != d)
        deleted = sum(1 for k, _ in before.rows if k not in current)
        return changed, deleted
    remaining = Counter(row.digest for row in now)
    remaining.subtract(Counter(digest for _, digest in before.rows))
    return -sum(count for count in remaining.values() if count < 0), 0


def _added_rows(before: TableDigest, now: list[Row]) -> tuple[Row, ...]:
    """Rows that were not there at preflight: new keys, or (without a key) digests beyond the preflight count."""
    if before.primary_key:
        known = {key for key, _ in before.rows}
        return tuple(row for row in now if row.key not in known)
    remaining = Counter(digest for _, digest in before.rows)
    added = []
    for row in now:
        if remaining[row.digest] > 0:
            remaining[row.digest] -= 1
        else:
            added.append(row)
    return tuple(added)


def verify(connection: Connection, before: TableDigest) -> TableVerdict:
    """``upgrade.E014`` when a row of ``before`` was changed or deleted, and the rows added since."""
    import sqlalchemy as sa

    schema, table = split_name(before.name)
    inspector = sa.inspect(connection)
    if not inspector.has_table(table, schema=schema):
        return TableVerdict(_rewritten(before, 0, len(before.rows), "the table is gone"))
    present = {column["name"] for column in inspector.get_columns(table, schema=schema)}
    dropped = [c for c in before.columns if c not in present]
    if before.timestamp_column is not None and before.timestamp_column not in present:
        dropped.append(before.timestamp_column)
    if dropped:
        return TableVerdict(_rewritten(before, len(before.rows), 0, f"column(s) {', '.join(dropped)} dropped"))
    now = list(_read_rows(connection, before.name, before.columns, before.primary_key, before.timestamp_column))
    changed, deleted = _lost_rows(before, now)
    rewritten = _rewritten(before, changed, deleted, "") if changed or deleted else None
    return TableVerdict(rewritten, _added_rows(before, now))


def _rewritten(before: TableDigest, changed: int, deleted: int, why: str) -> GuardFinding:
    counts = f"{changed} of {len(before.rows)} historical rows changed, {deleted} deleted"
    message = f"Append-only table {before.name}: {counts}{f' ({why})' if why else ''}."
    return finding("upgrade.E014", before.name, f"{changed + deleted}", message)
