"""Read error tables kept as YAML or JSON, validated against ``error-table.schema.json``.

Values come from ``yaml_load`` (nothing is constructed but plain data, and
every alias is counted at its expanded size) or, for JSON, from ``json``;
lines come from PyYAML's node tree (JSON is read as YAML for that), so each
code points at the line that defines it. A repeated key, which both loaders
silently collapse to the last value, is found in the node tree and reported.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Iterator

from classifier.sources.limits import limits_in_force
from classifier.surfaces.error_codes.model import ErrorTable, Field, Problem, Record, count_codes
from classifier.surfaces.error_codes.table_load import CodeAt

TABLE = "table"
# Schema keys that are fields of a code, and the field each one feeds.
ENTRY_FIELDS = {"status": "status", "message": "message", "exception": "exception", "description": "docstring"}


def read_data_table(text: str, path: str) -> ErrorTable:
    """The codes of a YAML or JSON table, or an ``unreadable`` problem saying where it fails."""
    from classifier.surfaces.error_codes.table_load import TableLoadError, load_table

    try:
        data, codes = load_table(text, path, limits_in_force().max_yaml_nodes)
    except TableLoadError as exc:
        return ErrorTable({}, problems=(Problem("unreadable", "syntax", exc.line, exc.detail),))
    lines, duplicates = _lines(codes)
    problem = _schema_problem(data, lines)
    if problem is not None:
        return ErrorTable({}, problems=(problem,))
    records = dict(_records(data, lines))
    return ErrorTable(records, (_described(data, path, records),), tuple(duplicates))


def _described(data: Any, path: str, records: dict[str, Record]) -> str:
    """``YAML mapping (3 codes, line 1)``: how the table is written and where it starts."""
    language = "JSON" if path.endswith(".json") else "YAML"
    shape = "list" if isinstance(data, list) else "mapping"
    first = min((record.line for record in records.values()), default=1)
    return f"{language} {shape} ({count_codes(len(records))}, line {first})"


def _lines(codes: list[CodeAt]) -> tuple[dict[tuple[Any, ...], int], list[Problem]]:
    """Line of every code (by its path in the data) and the repeated codes of the top level."""
    lines: dict[tuple[Any, ...], int] = {}
    duplicates: list[Problem] = []
    first: dict[str, int] = {}
    for where in codes:
        lines[where.path] = where.line
        if where.code in first:
            detail = f"{where.code} appears twice in the table (line {first[where.code]} and line {where.line})"
            duplicates.append(Problem("duplicated", f"{TABLE}.{where.code}", where.line, detail))
        first.setdefault(where.code, where.line)
    return lines, duplicates


def _schema_problem(data: Any, lines: dict[tuple[Any, ...], int]) -> Problem | None:
    import jsonschema

    text = resources.files("classifier").joinpath("schemas/error-table.schema.json").read_text("utf-8")
    validator = jsonschema.Draft202012Validator(json.loads(text))
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "the top level"
    line = lines.get(tuple(error.absolute_path)[:1])
    return Problem("unreadable", "schema", line, f"does not match error-table.schema.json at {where}: {error.message}")


def _records(data: Any, lines: dict[tuple[Any, ...], int]) -> Iterator[tuple[str, Record]]:
    items = enumerate(data) if isinstance(data, list) else data.items()
    for key, spec in items:
        if isinstance(spec, int):
            spec = {"status": spec}
        code = str(spec["code"]) if isinstance(data, list) else str(key)
        line = lines.get((key,), 1)
        fields = {ENTRY_FIELDS[name]: Field(value, line, TABLE) for name, value in spec.items() if name in ENTRY_FIELDS}
        yield code, Record(code, line, TABLE, fields)
