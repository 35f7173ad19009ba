"""What a restore-point file holds: its database, tables, version rows, and whether it is whole.

``pg_dump`` archives (custom, tar, directory) are read with the real
PostgreSQL client: ``pg_restore --list`` gives the table of contents,
``pg_restore --file /dev/null`` reads every data block to the end (a
truncated archive fails there), and ``pg_restore --data-only --table`` gives
the Alembic version rows. The archive format itself is never parsed here; a
tar archive's members are first read to their declared end with the standard
library's tar reader, because ``pg_restore`` restores a cut-off tar archive
without a word, or spins on it. Plain SQL dumps (optionally gzip-compressed) are scanned as
text: the ``CREATE DATABASE``/``\\connect`` naming the database, ``CREATE
TABLE``, ``COPY``/``INSERT`` and the closing ``dump complete`` comment. A
SQLite backup is opened read-only and checked with ``PRAGMA quick_check``.
"""

from __future__ import annotations

import gzip
import re
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

CUSTOM, TAR, DIRECTORY, PLAIN, SQLITE = "custom", "tar", "directory", "plain", "sqlite"
POSTGRES_FORMATS = (CUSTOM, TAR, DIRECTORY, PLAIN)
LIST_TIMEOUT_SECONDS = 120
READ_TIMEOUT_SECONDS = 3600

Name = tuple[str | None, str]
"""``(schema, table)``; the schema is ``None`` in a SQLite file."""

_PLAIN_HEADER = b"--\n-- PostgreSQL database dump"
_GZIP_MAGIC = b"\x1f\x8b"
_IDENTIFIER = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_QUALIFIED = rf"({_IDENTIFIER}(?:\.{_IDENTIFIER})?)"
_TOC_ENTRY = re.compile(r"^\d+; \d+ \d+ (?P<kind>TABLE DATA|TABLE) (?P<schema>\S+) (?P<name>\S+)(?: \S*)?$")
_TOC_DBNAME = re.compile(r"^;\s+dbname: (?P<name>.*)$")
_CREATE_DATABASE = re.compile(rf"^CREATE DATABASE ({_IDENTIFIER})")
_CREATE_TABLE = re.compile(rf"^CREATE (?:UNLOGGED )?TABLE (?:ONLY )?{_QUALIFIED} \(")
_COPY = re.compile(rf"^COPY {_QUALIFIED}(?: \([^)]*\))? FROM stdin;$")
_INSERT = re.compile(rf"^INSERT INTO {_QUALIFIED}(?: \([^)]*\))? (?:OVERRIDING SYSTEM VALUE )?VALUES ")
_SQL_STRING = re.compile(r"'((?:[^']|'')*)'")


@dataclass
class DumpReading:
    """What the file turned out to hold.

    Attributes:
        format: ``custom``, ``tar``, ``directory``, ``plain``, ``sqlite``, or ``None`` (not a dump).
        database: The database the dump names (``None``: it names none, or SQLite).
        tables: Tables the dump creates.
        data: Tables whose rows the dump holds.
        version_rows: The version table's rows in the dump (``None``: no data for it).
        problems: Why the file cannot be trusted to restore (unreadable, truncated …).
        contents_known: Whether what it holds could be read at all; when not,
            only ``problems`` say anything.
    """

    format: str | None = None
    database: str | None = None
    tables: set[Name] = field(default_factory=set)
    data: set[Name] = field(default_factory=set)
    version_rows: tuple[str, ...] | None = None
    problems: list[str] = field(default_factory=list)
    contents_known: bool = True


def detect_format(path: Path) -> str | None:
    """The dump format of ``path`` from its first bytes (a folder: ``pg_dump -Fd``), ``None`` when unknown."""
    if path.is_dir():
        return DIRECTORY if (path / "toc.dat").is_file() else None
    with path.open("rb") as handle:
        head = handle.read(512)
    if head.startswith(b"PGDMP"):
        return CUSTOM
    if head.startswith(b"SQLite format 3\x00"):
        return SQLITE
    if head.startswith(b"toc.dat\x00") and len(head) == 512:
        return TAR
    if head.startswith((_PLAIN_HEADER, _GZIP_MAGIC)):
        return PLAIN
    return None


def read_dump(path: Path, version_table: Name) -> DumpReading:
    """Everything ``judge`` needs to know about the restore point at ``path``.

    Args:
        path: The dump file, or a ``pg_dump -Fd`` folder.
        version_table: The Alembic version table to read rows from.
    """
    found = detect_format(path)
    if found is None:
        return DumpReading(
            problems=["it is not a pg_dump output (custom, tar, directory or plain) or a SQLite database"],
            contents_known=False,
        )
    if found == SQLITE:
        return _read_sqlite(path, version_table[1])
    if found == PLAIN:
        return _read_plain(path, version_table)
    return _read_archive(path, found, version_table)


# --- pg_dump archives, through pg_restore -------------------------------------------------


def _pg_restore(arguments: Iterable[str], timeout: float) -> tuple[int, str, str] | str:
    """``(status, stdout, first stderr line)`` of ``pg_restore``, or why it could not run."""
    program = shutil.which("pg_restore")
    if program is None:
        return "pg_restore is not installed (install the PostgreSQL client, as new as the pg_dump that wrote it)"
    try:
        proc = subprocess.run(
            [program, *arguments], capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return f"pg_restore did not finish within {timeout:g}s"
    except OSError as error:
        return f"pg_restore could not run: {error.strerror or error}"
    errors = [line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), errors[0] if errors else ""


def _read_archive(path: Path, found: str, version_table: Name) -> DumpReading:
    reading = DumpReading(format=found)
    if found == TAR:
        # pg_restore may spin on a cut-off tar archive: prove it whole before handing it over.
        reading.problems.extend(_tar_problems(path))
        if reading.problems:
            reading.contents_known = False
            return reading
    listed = _pg_restore(["--list", str(path)], LIST_TIMEOUT_SECONDS)
    if isinstance(listed, str) or listed[0] != 0:
        why = listed if isinstance(listed, str) else listed[2] or f"pg_restore exited {listed[0]}"
        reading.problems.append(f"pg_restore cannot read its table of contents: {why}")
        reading.contents_known = False
        return reading
    _read_toc(listed[1], reading)
    whole = _pg_restore(["--file", "/dev/null", str(path)], READ_TIMEOUT_SECONDS)
    if isinstance(whole, str) or whole[0] != 0:
        why = whole if isinstance(whole, str) else whole[2] or f"pg_restore exited {whole[0]}"
        reading.problems.append(f"it is truncated or damaged: pg_restore cannot read it to the end ({why})")
    if version_table in reading.data:
        reading.version_rows = _archived_version_rows(path, version_table, reading)
    return reading


def _read_toc(listing: str, reading: DumpReading) -> None:
    for line in listing.splitlines():
        named = _TOC_DBNAME.match(line)
        if named is not None:
            reading.database = named["name"].strip()
            continue
        entry = _TOC_ENTRY.match(line)
        if entry is not None:
            name = (entry["schema"], entry["name"])
            (reading.data if entry["kind"] == "TABLE DATA" else reading.tables).add(name)


def _archived_version_rows(path: Path, version_table: Name, reading: DumpReading) -> tuple[str, ...] | None:
    schema, table = version_table
    selection = ["--data-only", "--table", table, *(["--schema", schema] if schema else [])]
    output = _pg_restore([*selection, "--file", "-", str(path)], LIST_TIMEOUT_SECONDS)
    if isinstance(output, str) or output[0] != 0:
        why = output if isinstance(output, str) else output[2] or f"pg_restore exited {output[0]}"
        reading.problems.append(f"pg_restore cannot read the rows of {_shown(version_table)}: {why}")
        return None
    scan = _SqlScan(version_table)
    scan.feed(output[1].splitlines())
    return scan.version_rows


def _tar_problems(path: Path) -> list[str]:
    """A tar archive cut short: a member shorter than its header says, or no end-of-archive blocks."""
    try:
        with tarfile.open(path, "r:") as archive:
            for member in archive:
                extracted = archive.extractfile(member)
                if extracted is not None:
                    while extracted.read(1 << 20):
                        pass
    except (tarfile.TarError, EOFError, OSError) as error:
        return [f"it is truncated or damaged: its tar members do not read to their end ({type(error).__name__})"]
    return []


# --- plain SQL dumps ------------------------------------------------------------------------


def _open_text(path: Path) -> IO[str]:
    with path.open("rb") as handle:
        compressed = handle.read(2) == _GZIP_MAGIC
    if compressed:
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


def _read_plain(path: Path, version_table: Name) -> DumpReading:
    reading = DumpReading(format=PLAIN)
    scan = _SqlScan(version_table)
    try:
        with _open_text(path) as text:
            first = text.read(len(_PLAIN_HEADER))
            if first != _PLAIN_HEADER.decode():
                reading.problems.append("it is not a pg_dump plain SQL output (no '-- PostgreSQL database dump' header)")
                reading.contents_known = False
                return reading
            scan.feed(_lines(first, text))
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        reading.problems.append(f"it is truncated or damaged: it does not read to its end ({type(error).__name__})")
    if not scan.complete and not reading.problems:
        reading.problems.append("it is truncated: it does not end with pg_dump's 'PostgreSQL database dump complete'")
    reading.contents_known = not reading.problems
    reading.database, reading.tables, reading.data = scan.database, scan.tables, scan.data
    reading.version_rows = scan.version_rows
    return reading


def _lines(first: str, text: IO[str]) -> Iterator[str]:
    """The file's lines (without their line ends), given its first characters already read."""
    rest = text.readline()
    yield (first + rest).rstrip("\n")
    for line in text:
        yield line.rstrip("\n")


def _unquote(identifier: str) -> str:
    return identifier[1:-1].replace('""', '"') if identifier.startswith('"') else identifier


def _split(qualified: str) -> Name:
    parts = re.findall(_IDENTIFIER, qualified)
    names = [_unquote(part) for part in parts]
    return (names[0], names[1]) if len(names) == 2 else (None, names[0])


def _shown(name: Name) -> str:
    return f"{name[0]}.{name[1]}" if name[0] else name[1]


class _SqlScan:
    """Reads pg_dump's SQL text line by line, skipping COPY data except the version table's."""

    def __init__(self, version_table: Name) -> None:
        self.version_table = version_table
        self.database: str | None = None
        self.tables: set[Name] = set()
        self.data: set[Name] = set()
        self.version_rows: tuple[str, ...] | None = None
        self.complete = False

    def feed(self, lines: Iterable[str]) -> None:
        copying: Name | None = None
        rows: list[str] = []
        for line in lines:
            if copying is not None:
                if line == "\\.":
                    if copying == self.version_table:
                        self.version_rows = (*(self.version_rows or ()), *rows)
                    copying, rows = None, []
                elif copying == self.version_table:
                    rows.append(line.split("\t")[0])
                continue
            copying = self._statement(line)

    def _statement(self, line: str) -> Name | None:
        """Note what one line outside COPY data says; the table whose COPY data follows, if any."""
        if line.startswith("COPY "):
            match = _COPY.match(line)
            if match is not None:
                self.data.add(_split(match[1]))
                return _split(match[1])
        elif line.startswith("INSERT INTO "):
            match = _INSERT.match(line)
            if match is not None:
                name = _split(match[1])
                self.data.add(name)
                if name == self.version_table:
                    values = line[match.end():]
                    found = tuple(value.replace("''", "'") for value in _SQL_STRING.findall(values))
                    self.version_rows = (*(self.version_rows or ()), *found)
        elif line.startswith("CREATE "):
            self._create(line)
        elif line.startswith("\\connect "):
            self.database = _connected(line)
        elif line == "-- PostgreSQL database dump complete":
            self.complete = True
        return None

    def _create(self, line: str) -> None:
        table = _CREATE_TABLE.match(line)
        if table is not None:
            self.tables.add(_split(table[1]))
            return
        database = _CREATE_DATABASE.match(line)
        if database is not None:
            self.database = _unquote(database[1])


def _connected(line: str) -> str:
    """The database of a ``\\connect`` line: ``\\connect app`` or ``\\connect -reuse-previous=on "dbname='app'"``."""
    rest = line.removeprefix("\\connect ").strip()
    named = re.search(r"dbname='((?:[^']|'')*)'", rest)
    if named is not None:
        return named[1].replace("''", "'")
    return _unquote(rest.split()[0]) if rest else ""


# --- SQLite ---------------------------------------------------------------------------------


def _read_sqlite(path: Path, version_table: str) -> DumpReading:
    reading = DumpReading(format=SQLITE)
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            verdict = connection.execute("PRAGMA quick_check").fetchone()
            if verdict is None or verdict[0] != "ok":
                reading.problems.append(f"it is damaged: SQLite's quick_check says {verdict[0] if verdict else 'nothing'}")
                reading.contents_known = False
                return reading
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            reading.tables = reading.data = {(None, name) for name in names}
            if version_table in names:
                query = f'SELECT version_num FROM "{version_table.replace(chr(34), chr(34) * 2)}"'
                reading.version_rows = tuple(str(row[0]) for row in connection.execute(query))
    except sqlite3.Error as error:
        reading.problems.append(f"it does not open as a SQLite database: {type(error).__name__}")
        reading.contents_known = False
    return reading
