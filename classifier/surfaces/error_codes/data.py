"""Read error tables kept as YAML or JSON, validated against ``error-table.schema.json``.

Values come from the safe loaders (nothing is constructed but plain data);
lines come from PyYAML's node tree (JSON is read as YAML for that), so each
code points at the line that defines it. A repeated key, which both loaders
silently collapse to the last value, is found in the node tree and reported.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Iterator

from classifier.surfaces.error_codes.model import ErrorTable, Field, Problem, Record, count_codes

TABLE = "table"
# Schema keys that are fields of a code, and the field each one feeds.
ENTRY_FIELDS = {"status": "status", "message": "message", "exception": "exception", "description": "docstring"}


def read_data_table(text: str, path: str) -> ErrorTable:
    """The codes of a YAML or JSON table, or an ``unreadable`` problem saying where it fails."""
    try:
        data, node = _load(text, path)
    except ValueError as exc:
        line, detail = exc.args
        return ErrorTable({}, problems=(Problem("unreadable", "syntax", line, detail),))
    lines, duplicates = _lines(node)
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


def _load(text: str, path: str) -> tuple[Any, Any]:
    import yaml

    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(exc.lineno, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if not path.endswith(".json"):
            data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        where = f"line {line}, column {mark.column + 1}" if mark is not None else "unknown position"
        raise ValueError(line, f"invalid YAML at {where}: {getattr(exc, 'problem', exc)}") from None
    return data, node


def _lines(node: Any) -> tuple[dict[tuple[Any, ...], int], list[Problem]]:
    """Line of every code (by its path in the data) and the repeated codes of the top level."""
    import yaml

    lines: dict[tuple[Any, ...], int] = {}
    duplicates: list[Problem] = []
    first: dict[str, int] = {}
    for path, code, line in _code_nodes(node, yaml):
        lines[path] = line
        if code in first:
            detail = f"{code} appears twice in the table (line {first[code]} and line {line})"
            duplicates.append(Problem("duplicated", f"{TABLE}.{code}", line, detail))
        first.setdefault(code, line)
    return lines, duplicates


def _code_nodes(node: Any, yaml: Any) -> Iterator[tuple[tuple[Any, ...], str, int]]:
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            yield (key.value,), str(key.value), key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            code = _scalar_child(item, "code", yaml)
            yield (index,), str(code), item.start_mark.line + 1


def _scalar_child(node: Any, key: str, yaml: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        for child, value in node.value:
            if child.value == key and isinstance(value, yaml.ScalarNode):
                return value.value
    return None


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
