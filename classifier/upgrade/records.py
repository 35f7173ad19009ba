"""The JSON records the upgrade commands write and read back.

Each record says what was checked, what was seen and every finding, so a
runbook step leaves evidence a later step (or an auditor) can read. Records
are validated against ``schemas/upgrade-record.schema.json`` (preflight and
postflight) or ``schemas/outcomes.schema.json`` before they are trusted.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from classifier.errors import UsageError
from classifier.guard.findings import GuardFinding

SCHEMA_VERSION = 1


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
        path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
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
    problem = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema(schema_name)).iter_errors(data))
    if problem is not None:
        where = "/".join(str(part) for part in problem.absolute_path) or "top level"
        raise UsageError(
            f"{option} {path}: not a valid record at {where}: {problem.message}",
            hint=f"it must match schemas/{schema_name}",
        )
    return dict(data)
