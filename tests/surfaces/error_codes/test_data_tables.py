"""YAML and JSON error tables: both shapes, schema validation and lines."""

from __future__ import annotations

import pytest

from classifier.surfaces.error_codes.data import read_data_table


def fields(text: str, path: str = "errors.yaml") -> dict[str, dict[str, object]]:
    table = read_data_table(text, path)
    assert table.problems == ()
    return {code: {name: f.value for name, f in r.fields.items()} | {"line": r.line} for code, r in table.records.items()}


def test_mapping_of_code_to_status_or_entry() -> None:
    text = "NOT_FOUND: 404\nCONFLICT:\n  status: 409\n  message: Already exists\n  exception: app.errors.Conflict\n"
    assert fields(text) == {
        "NOT_FOUND": {"status": 404, "line": 1},
        "CONFLICT": {"status": 409, "message": "Already exists", "exception": "app.errors.Conflict", "line": 2},
    }


def test_list_of_entries_and_json() -> None:
    assert fields("- code: A\n  status: 400\n  description: Bad input\n") == {"A": {"status": 400, "docstring": "Bad input", "line": 1}}
    assert fields('[\n  {"code": "A", "status": 400},\n  {"code": 7, "status": 401}\n]', "errors.json") == {
        "A": {"status": 400, "line": 2},
        "7": {"status": 401, "line": 3},
    }


@pytest.mark.parametrize(
    ("text", "path", "line", "detail"),
    [
        ("A: 400\nB:\n  status: 4040\n", "errors.yaml", 2,
         "does not match error-table.schema.json at B/status: 4040 is greater than the maximum of 599"),
        ("- code: A\n  colour: red\n", "errors.yaml", 1,
         "does not match error-table.schema.json at 0: Additional properties are not allowed ('colour' was unexpected)"),
        # The parser's own words follow ours; whose build of libyaml runs decides them.
        ("A: [400\n", "errors.yaml", 2, "invalid YAML at line 2, column 1: "),
        ('{"A": 400,}', "errors.json", 1, "invalid JSON at line 1, column 11: Expecting property name enclosed in double quotes"),
    ],
)
def test_unreadable_tables_say_where(text: str, path: str, line: int, detail: str) -> None:
    table = read_data_table(text, path)
    assert [(p.kind, p.line, p.detail[:len(detail)]) for p in table.problems] == [("unreadable", line, detail)]
    assert table.records == {}


def test_repeated_key_is_reported_not_merged() -> None:
    table = read_data_table("A: 400\nA: 409\n", "errors.yaml")
    assert [(p.kind, p.line) for p in table.problems] == [("duplicated", 2)]
