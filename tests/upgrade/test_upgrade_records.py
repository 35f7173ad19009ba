"""Reading records back: every row digest is checked, beyond the sample the schema sees."""

from __future__ import annotations

import json

import pytest

from classifier.errors import UsageError
from classifier.upgrade.digests import TableDigest
from classifier.upgrade.records import read_record


def preflight_record(rows: list[list]) -> dict:
    table = TableDigest("ledger", ("id",), ("id",), ())
    return {
        "schema_version": 2, "kind": "preflight", "created_at": "2026-01-01T00:00:00+00:00", "status": "passed",
        "exit_status": 0, "findings": [], "code_sha": "abc1234", "script_location": "migrations", "stage": "staging",
        "checks": {"history": "passed"}, "waived": [], "staging": None, "downgrade": None,
        "database": {"url": "sqlite://", "reachable": True, "heads": ["r1"], "version_table_malformed": None},
        "target_heads": ["r2"],
        "restore_point": {"method": "command", "command": "true", "exit_status": 0},
        "append_only_tables": [{**table.to_dict(), "rows": rows, "row_count": len(rows)}],
    }  # fmt: skip


def test_records_row_digests_past_the_sample_are_checked(tmp_path):
    rows = [[f"[{n}]", f"{n:032x}"] for n in range(150)]
    path = tmp_path / "pre.json"
    path.write_text(json.dumps(preflight_record(rows)))
    assert len(read_record(path, "upgrade-record.schema.json", "--preflight")["append_only_tables"][0]["rows"]) == 150
    rows[140] = ["[140]", 7]
    path.write_text(json.dumps(preflight_record(rows)))
    with pytest.raises(
        UsageError, match=r"at append_only_tables/0/rows/140: \['\[140\]', 7\] is not a \[key, digest\] pair"
    ):
        read_record(path, "upgrade-record.schema.json", "--preflight")


def test_records_name_the_field_at_fault_not_the_whole_record(tmp_path):
    record = preflight_record([])
    del record["stage"]
    path = tmp_path / "pre.json"
    path.write_text(json.dumps(record))
    with pytest.raises(UsageError, match=r"not a valid record at top level: 'stage' is a required property \(it must match"):
        read_record(path, "upgrade-record.schema.json", "--preflight")
