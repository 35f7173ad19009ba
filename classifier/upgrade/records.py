"""The JSON records the upgrade commands write and read back.

Each record says what was checked, what was seen and every finding, so a
runbook step leaves evidence a later step (or an auditor) can read. Records
are validated against ``schemas/upgrade-record.schema.json`` (preflight and
postflight) or ``schemas/outcomes.schema.json`` before they are trusted.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from classifier.errors import UsageError
from classifier.guard.findings import GuardFinding

SCHEMA_VERSION = 1
"""The version of the fleet and outcomes records."""
UPGRADE_RECORD_VERSION = 2
"""The version of ``schemas/upgrade-record.schema.json`` (preflight, postflight, rollback-check, downgrade-check)."""


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def findings_block(findings: Sequence[GuardFinding], exit_status: int) -> dict[str, Any]:
    """``status``, ``exit_status`` and ``findings`` as every record carries them."""
    return {
        "status": "failed" if exit_status else "passed",
        "exit_status": exit_status,
        "findings": [f.to_dict() for f in findings],
    }


def write_record(record: dict[str, Any], path: Path | None) -> None:
    """Write ``record`` as indented JSON to ``path`` (nothing when ``None``).

    Raises:
        UsageError: The file cannot be written.
    """
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Row digests make a record large; indenting them would triple the time to write it.
        indent = None if any(table.get("rows") for table in _tables(record)) else 2
        path.write_text(json.dumps(record, indent=indent, sort_keys=True) + "\n", encoding="utf-8")
    except OSError as error:
        raise UsageError(
            f"{path}: cannot write the record: {error.strerror}", hint="choose a writable --out path"
        ) from None


def schema(name: str) -> dict[str, Any]:
    """One of the package's JSON Schemas by file name."""
    text = resources.files("classifier").joinpath(f"schemas/{name}").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def read_record(path: Path, schema_name: str, option: str) -> dict[str, Any]:
    """Read and validate a record written earlier.

    Args:
        path: The record file.
        schema_name: The schema it must satisfy.
        option: The command-line option that named it, for the error.

    Raises:
        UsageError: The file is missing, not JSON, or not such a record.
    """
    import jsonschema

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(
            f"{option} {path}: cannot read it: {error.strerror}", hint="pass the file the earlier step wrote"
        ) from None
    except ValueError as error:
        raise UsageError(f"{option} {path}: not JSON: {error}", hint="pass the file the earlier step wrote") from None
    validator = jsonschema.Draft202012Validator(_branch(schema(schema_name), data))
    problem = jsonschema.exceptions.best_match(validator.iter_errors(_sampled(data)))
    where, message = (
        ("/".join(str(part) for part in problem.absolute_path) or "top level", _shortened(problem.message))
        if problem is not None
        else _bad_row(data)
    )
    if message:
        raise UsageError(
            f"{option} {path}: not a valid record at {where}: {message}", hint=f"it must match schemas/{schema_name}"
        )
    return dict(data)


def _branch(full: dict[str, Any], data: Any) -> dict[str, Any]:
    """The part of a ``oneOf`` schema for ``data``'s ``kind``, so an error names the field, not the whole record."""
    kind = data.get("kind") if isinstance(data, dict) else None
    for branch in full.get("oneOf", ()):
        if branch.get("properties", {}).get("kind", {}).get("const") == kind:
            return {"$defs": full.get("$defs", {}), **branch}
    return full


def _shortened(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else f"{message[:limit]}…"


_SAMPLE_ROWS = 100
_ROW_DIGEST = re.compile(r"[0-9a-f]{32}")


def _tables(data: Any) -> list[Any]:
    tables = data.get("append_only_tables") if isinstance(data, dict) else None
    return tables if isinstance(tables, list) else []


def _sampled(data: Any) -> Any:
    """``data`` with each table's row digests cut to a sample.

    Validating every row through the schema costs seconds per hundred
    thousand rows; the sample is validated by the schema and ``_bad_row``
    checks the rest at a fraction of the cost.
    """
    if not _tables(data):
        return data
    tables = [
        {**table, "rows": table["rows"][:_SAMPLE_ROWS]}
        if isinstance(table, dict) and isinstance(table.get("rows"), list)
        else table
        for table in data["append_only_tables"]
    ]
    return {**data, "append_only_tables": tables}


def _bad_row(data: Any) -> tuple[str, str]:
    """``(where, why)`` for the first malformed row digest, ``("", "")`` when all are well formed."""
    for index, table in enumerate(_tables(data)):
        for number, row in enumerate(table.get("rows", [])):
            well_formed = isinstance(row, list) and len(row) == 2 and (row[0] is None or isinstance(row[0], str))
            if not (well_formed and isinstance(row[1], str) and _ROW_DIGEST.fullmatch(row[1])):
                return f"append_only_tables/{index}/rows/{number}", f"{row!r} is not a [key, digest] pair"
    return "", ""
