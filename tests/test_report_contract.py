"""The JSON report format is this project's own frozen v1 contract."""

from __future__ import annotations

import json
from pathlib import Path

from classifier.report.json import SCHEMA_VERSION

ROOT = Path(__file__).parents[1]


def test_report_schema_only_extends_the_frozen_snapshot_of_its_version() -> None:
    """Within a version, fields may be added (never required) but nothing frozen may change or go."""
    live = json.loads((ROOT / "classifier" / "schemas" / "report.schema.json").read_text("utf-8"))
    snapshot_file = ROOT / "snapshots" / "report" / f"v{SCHEMA_VERSION}" / "report.schema.json"
    assert snapshot_file.is_file(), f"a new report version needs its snapshot at {snapshot_file}"
    frozen = json.loads(snapshot_file.read_text("utf-8"))
    problems = list(_departures(frozen, live, "schema"))
    assert not problems, (
        f"schemas/report.schema.json departs from the frozen v{SCHEMA_VERSION} snapshot: {problems}. "
        f"Bump SCHEMA_VERSION and add snapshots/report/v{SCHEMA_VERSION + 1}/ instead."
    )
    assert live["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def _departures(frozen: object, live: object, where: str) -> list[str]:
    if not (isinstance(frozen, dict) and isinstance(live, dict)):
        return [] if frozen == live else [f"{where} changed"]
    problems = []
    for key, value in frozen.items():
        if key not in live:
            problems.append(f"{where}.{key} removed")
        elif key in ("properties", "$defs"):
            problems += [f"{where}.{key}.{name} removed" for name in value if name not in live[key]]
            problems += [p for name in value if name in live[key]
                         for p in _departures(value[name], live[key][name], f"{where}.{key}.{name}")]
        else:
            problems += _departures(value, live[key], f"{where}.{key}")
    extra = set(live) - set(frozen) - {"description"}
    problems += [f"{where}.{key} added" for key in sorted(extra)]
    return problems


def test_a_required_field_cannot_be_added_within_a_version() -> None:
    frozen = {"required": ["a"], "properties": {"a": {"type": "string"}}}
    assert _departures(frozen, {"required": ["a", "b"], "properties": {"a": {"type": "string"}, "b": {}}}, "s") == [
        "s.required changed"]
    assert _departures(frozen, {"required": ["a"], "properties": {"a": {"type": "string"}, "b": {}}}, "s") == []


def test_every_earlier_version_keeps_its_snapshot() -> None:
    for version in range(1, SCHEMA_VERSION + 1):
        assert (ROOT / "snapshots" / "report" / f"v{version}" / "report.schema.json").is_file()
