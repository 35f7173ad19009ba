"""Rows added behind history: the runtime half of "do not rewrite or backfill cryptographic history".

Postflight lists the rows an append-only table gained since preflight (how
many, the lowest and highest key). New history is written at the end: a new
row whose key sorts before the newest row preflight saw, or whose configured
timestamp column says it was written before preflight began reading the
table, was put into the past. That is a backfill (``upgrade.E016``), even when
no existing row changed.

Keys are compared as their JSON values (numbers as numbers, text as text,
composite keys element by element); tables whose keys do not grow with time
(random UUIDs) are configured as unordered and judged by timestamp only.
Timestamps without a time zone are read as UTC.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import finding
from classifier.upgrade.digests import Row, TableDigest


def _rank(value: Any) -> tuple[int, Any]:
    """A sort key for one decoded key value that never compares a number with a string."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, (int, float)):
        return (2, value)
    if isinstance(value, list):
        return (4, tuple(_rank(item) for item in value))
    return (3, str(value))


def key_order(key: str | None) -> tuple[int, Any]:
    """The sort key of a row key as the digests store it (the JSON of the key values)."""
    return _rank(json.loads(key)) if key is not None else (0, 0)


def moment(value: Any) -> datetime.datetime | None:
    """A timestamp column's value as an aware UTC datetime, ``None`` when it is not a time."""
    if isinstance(value, datetime.datetime):
        found = value
    elif isinstance(value, datetime.date):
        found = datetime.datetime.combine(value, datetime.time())
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    elif isinstance(value, str):
        try:
            found = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return found if found.tzinfo else found.replace(tzinfo=datetime.timezone.utc)


@dataclass(frozen=True, slots=True)
class Added:
    """The rows a table gained since preflight, for the record."""

    count: int
    first_key: str | None
    last_key: str | None
    backfilled: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "added_rows": self.count,
            "first_added_key": self.first_key,
            "last_added_key": self.last_key,
            "backfilled_rows": self.backfilled,
        }


def judge_added(before: TableDigest, added: Sequence[Row]) -> tuple[Added, GuardFinding | None]:
    """The added rows' summary, and ``upgrade.E016`` when some were written behind history."""
    keys = sorted((row.key for row in added if row.key is not None), key=key_order)
    behind, newest = _behind_by_key(before, added)
    older, undated, since = _behind_by_time(before, added)
    culprits = {id(row) for row in (*behind, *older, *undated)}
    summary = Added(len(added), keys[0] if keys else None, keys[-1] if keys else None, len(culprits))
    if not culprits:
        return summary, None
    reasons = []
    if behind:
        reasons.append(f"{len(behind)} with a key before {newest}, the newest at preflight (first: {_first_key(behind)})")
    if older:
        reasons.append(f"{len(older)} with {before.timestamp_column} older than preflight's {since}")
    if undated:
        reasons.append(f"{len(undated)} with no readable {before.timestamp_column}")
    message = (
        f"Append-only table {before.name}: {len(culprits)} of {len(added)} added rows were written behind its history: "
        f"{'; '.join(reasons)}."
    )
    return summary, finding("upgrade.E016", before.name, str(len(culprits)), message)


def _first_key(rows: Sequence[Row]) -> str:
    return min((row.key for row in rows if row.key is not None), key=key_order, default="<none>")


def _behind_by_key(before: TableDigest, added: Sequence[Row]) -> tuple[list[Row], str | None]:
    if not before.ordered_key or not before.rows or not added:
        return [], None
    newest = max((key for key, _ in before.rows if key is not None), key=key_order)
    limit = key_order(newest)
    return [row for row in added if row.key is not None and key_order(row.key) < limit], newest


def _behind_by_time(before: TableDigest, added: Sequence[Row]) -> tuple[list[Row], list[Row], str]:
    if before.timestamp_column is None or not added:
        return [], [], before.digested_at
    since = datetime.datetime.fromisoformat(before.digested_at)
    older, undated = [], []
    for row in added:
        written = moment(row.stamp)
        if written is None:
            undated.append(row)
        elif written < since:
            older.append(row)
    return older, undated, before.digested_at
