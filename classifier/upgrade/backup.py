"""Is there a backup restore point that restores *this* database? Two pluggable answers.

Either a command decides (its exit status; e.g. a script asking a managed
backup service for a snapshot newer than an hour: the escape hatch), or a
restore-point file is read (``classifier.upgrade.dumps``) and judged against
the database preflight is about to migrate: a ``pg_dump`` of the same
database, whole, holding the Alembic version table with the database's
current heads and every append-only table being digested; or, for SQLite, a
file that opens, passes ``quick_check`` and holds the same head and tables.
The file must also be recent enough. The command runs without a shell, split
like a POSIX command line, with a bounded time.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.errors import UsageError
from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import finding
from classifier.upgrade.commands import run_check_command
from classifier.upgrade.dumps import (
    PLAIN,
    POSTGRES_FORMATS,
    SQLITE,
    DumpReading,
    Name,
    read_dump,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

COMMAND_TIMEOUT_SECONDS = 300
_AGE = re.compile(r"(?P<amount>\d+)(?P<unit>[smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_age(text: str) -> int:
    """Seconds in an age such as ``90m``, ``24h`` or ``2d``.

    Raises:
        UsageError: ``text`` is not such an age.
    """
    match = _AGE.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"--backup-max-age {text!r} is not an age", hint="write it like 30m, 24h or 2d")
    return int(match["amount"]) * _UNIT_SECONDS[match["unit"]]


@dataclass(frozen=True, slots=True)
class RestoreTarget:
    """The database a restore point must restore, as preflight saw it.

    Attributes:
        dialect: ``postgresql``, ``sqlite`` …
        database: ``current_database()`` on PostgreSQL; ``None`` elsewhere.
        version_table: The Alembic version table, schema resolved.
        heads: The database's heads (``None``: it has no version table).
        tables: The append-only tables being digested, schemas resolved, with their row counts.
    """

    dialect: str
    database: str | None
    version_table: Name
    heads: frozenset[str] | None
    tables: tuple[tuple[Name, int], ...] = ()


def restore_target(
    connection: Connection, version_table: str, heads: frozenset[str] | None, tables: list[tuple[str, int]]
) -> RestoreTarget:
    """The target for ``connection``'s database: bare names are resolved to the schema they live in."""
    import sqlalchemy as sa

    dialect = connection.dialect.name
    if dialect != "postgresql":
        return RestoreTarget(dialect, None, (None, version_table), heads, tuple(((None, n), c) for n, c in tables))
    database, schema = connection.execute(sa.text("SELECT current_database(), current_schema()")).one()

    def resolved(name: str) -> Name:
        owner, _, table = name.rpartition(".")
        return (owner or schema, table)

    return RestoreTarget(dialect, database, resolved(version_table), heads, tuple((resolved(n), c) for n, c in tables))


@dataclass(frozen=True, slots=True)
class RestorePoint:
    """How the restore point is confirmed: a command, or a file with a maximum age."""

    command: str | None = None
    file: Path | None = None
    max_age_seconds: int = 86400

    def check(self, target: RestoreTarget | None) -> tuple[dict[str, Any], list[GuardFinding]]:
        """What was checked (for the record) and the findings.

        Args:
            target: The database to restore; ``None`` when it could not be read
                (the file is then only checked for being a whole, recent dump).
        """
        if self.command is not None:
            return _check_command(self.command)
        assert self.file is not None, "a restore point is a command or a file"
        return _check_file(self.file, self.max_age_seconds, target)


def _check_command(command: str) -> tuple[dict[str, Any], list[GuardFinding]]:
    record, findings = run_check_command(
        command, "upgrade.E004", "backup_command", "The backup check", COMMAND_TIMEOUT_SECONDS
    )
    return {"method": "command", **record}, findings


def _modified(path: Path) -> tuple[float, int]:
    """``(mtime, size)``; for a ``pg_dump -Fd`` folder, of its ``toc.dat`` and the whole folder."""
    if path.is_dir():
        size = sum(member.stat().st_size for member in path.iterdir() if member.is_file())
        return (path / "toc.dat").stat().st_mtime if (path / "toc.dat").exists() else path.stat().st_mtime, size
    stat = path.stat()
    return stat.st_mtime, stat.st_size


def _check_file(path: Path, max_age_seconds: int, target: RestoreTarget | None) -> tuple[dict[str, Any], list[GuardFinding]]:
    record: dict[str, Any] = {"method": "file", "path": str(path), "max_age_seconds": max_age_seconds}
    try:
        modified, size = _modified(path)
        reading = read_dump(path, target.version_table if target else (None, "alembic_version"))
    except OSError as error:
        message = f"The restore point cannot be read: {error.strerror or type(error).__name__}."
        return record, [finding("upgrade.E004", "backup_file", str(path), message)]
    age = max(0, int(time.time() - modified))
    record.update(
        size=size,
        age_seconds=age,
        format=reading.format,
        database=reading.database,
        version_rows=None if reading.version_rows is None else sorted(reading.version_rows),
        compared=target is not None,
    )
    problems = list(reading.problems)
    if reading.contents_known and target is not None:
        problems.extend(judge(reading, target))
    if age > max_age_seconds:
        problems.append(f"it is {age}s old, more than the {max_age_seconds}s allowed")
    return record, [
        finding("upgrade.E004", "backup_file", str(path), f"The restore point is unusable: {problem}.")
        for problem in problems
    ]


def _shown(name: Name) -> str:
    return f"{name[0]}.{name[1]}" if name[0] else name[1]


def judge(reading: DumpReading, target: RestoreTarget) -> list[str]:
    """Why ``reading`` would not restore ``target``'s database, one reason a line."""
    postgres = target.dialect == "postgresql"
    if reading.format == SQLITE and postgres:
        return ["it is a SQLite database, but the database to migrate is PostgreSQL"]
    if reading.format in POSTGRES_FORMATS and not postgres:
        return [f"it is a pg_dump output, but the database to migrate is {target.dialect}"]
    problems = []
    if postgres and reading.database is None:
        problems.append(
            "it does not name its database (a plain pg_dump without --create): take it with pg_dump -Fc, or with --create"
        )
    elif postgres and reading.database != target.database:
        problems.append(f"it is a dump of database {reading.database}, not of {target.database}")
    problems.extend(_version_problems(reading, target))
    for name, rows in target.tables:
        if name not in reading.tables:
            problems.append(f"it does not hold the append-only table {_shown(name)}")
        elif name not in reading.data and (rows or reading.format != PLAIN):
            problems.append(f"it holds no rows of the append-only table {_shown(name)}")
    return problems


def _version_problems(reading: DumpReading, target: RestoreTarget) -> list[str]:
    if target.heads is None:
        return []  # the database has no version table to restore
    shown = _shown(target.version_table)
    if target.version_table not in reading.tables:
        return [f"it does not hold the Alembic version table {shown}"]
    if reading.version_rows is None:
        return [f"it holds no rows of the Alembic version table {shown}"]
    held = frozenset(reading.version_rows)
    if held != target.heads:
        have, want = ",".join(sorted(held)) or "<none>", ",".join(sorted(target.heads)) or "<none>"
        return [f"it holds revision {have}, but the database is at {want} (taken before the last migration?)"]
    return []
