"""Is there a backup restore point to come back to? Two pluggable answers.

Either a command decides (its exit status; e.g. a script asking the backup
service for a snapshot newer than an hour), or a restore-point file produced
by ``pg_dump`` or SQLite's online backup is looked at: it must exist, be
recent enough and start like such a dump. The command runs without a shell,
split like a POSIX command line, with a bounded time.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.errors import UsageError
from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import finding
from classifier.upgrade.commands import run_check_command

COMMAND_TIMEOUT_SECONDS = 300
# pg_dump custom/directory-member format, pg_dump plain SQL, SQLite database file.
_DUMP_HEADERS = (b"PGDMP", b"--\n-- PostgreSQL database dump", b"SQLite format 3\x00")
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
class RestorePoint:
    """How the restore point is confirmed: a command, or a file with a maximum age."""

    command: str | None = None
    file: Path | None = None
    max_age_seconds: int = 86400

    def check(self) -> tuple[dict[str, Any], list[GuardFinding]]:
        """What was checked (for the record) and the findings."""
        if self.command is not None:
            return _check_command(self.command)
        assert self.file is not None, "a restore point is a command or a file"
        return _check_file(self.file, self.max_age_seconds)


def _check_command(command: str) -> tuple[dict[str, Any], list[GuardFinding]]:
    record, findings = run_check_command(
        command, "upgrade.E004", "backup_command", "The backup check", COMMAND_TIMEOUT_SECONDS
    )
    return {"method": "command", **record}, findings


def _check_file(path: Path, max_age_seconds: int) -> tuple[dict[str, Any], list[GuardFinding]]:
    record: dict[str, Any] = {"method": "file", "path": str(path), "max_age_seconds": max_age_seconds}
    try:
        stat = path.stat()
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError as error:
        return record, [
            finding(
                "upgrade.E004",
                "backup_file",
                str(path),
                f"The restore point cannot be read: {error.strerror or type(error).__name__}.",
            )
        ]
    age = max(0, int(time.time() - stat.st_mtime))
    record.update(size=stat.st_size, age_seconds=age)
    problems = []
    if not any(head.startswith(header) for header in _DUMP_HEADERS):
        problems.append("it is not a pg_dump output or a SQLite database")
    if age > max_age_seconds:
        problems.append(f"it is {age}s old, more than the {max_age_seconds}s allowed")
    if problems:
        return record, [
            finding("upgrade.E004", "backup_file", str(path), f"The restore point is unusable: {'; '.join(problems)}.")
        ]
    return record, []
