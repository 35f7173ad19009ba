"""The JSON report format is this project's own frozen v1 contract."""

from __future__ import annotations

import json
from pathlib import Path

from classifier.report.json import SCHEMA_VERSION

ROOT = Path(__file__).parents[1]


def test_report_schema_matches_the_frozen_snapshot_of_its_version() -> None:
    live = json.loads((ROOT / "classifier" / "schemas" / "report.schema.json").read_text("utf-8"))
    snapshot_file = ROOT / "snapshots" / "report" / f"v{SCHEMA_VERSION}" / "report.schema.json"
    assert snapshot_file.is_file(), f"a new report version needs its snapshot at {snapshot_file}"
    frozen = json.loads(snapshot_file.read_text("utf-8"))
    assert live == frozen, (
        f"schemas/report.schema.json differs from the frozen v{SCHEMA_VERSION} snapshot: report v{SCHEMA_VERSION} "
        f"may not change. Bump SCHEMA_VERSION and add snapshots/report/v{SCHEMA_VERSION + 1}/ instead."
    )
    assert live["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def test_every_earlier_version_keeps_its_snapshot() -> None:
    for version in range(1, SCHEMA_VERSION + 1):
        assert (ROOT / "snapshots" / "report" / f"v{version}" / "report.schema.json").is_file()
