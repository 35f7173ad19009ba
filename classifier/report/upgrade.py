"""Text and JSON forms of the upgrade records, for the command line.

Findings read like the guard's (``KEY: (id) message [value: …]`` with a
``HINT:`` line); fleet instances get a table first, one row per instance.
"""

from __future__ import annotations

import json
from typing import Any

TITLES = {
    "preflight": "Preflight",
    "postflight": "Postflight",
    "fleet": "Fleet check",
    "outcomes": "Verification outcomes",
    "rollback-check": "Rollback check",
    "downgrade-check": "Downgrade check",
}


def render(record: dict[str, Any], output_format: str) -> str:
    """``record`` as indented JSON or as text for people."""
    if output_format == "json":
        return json.dumps(record, indent=2, sort_keys=True)
    lines = [*_facts(record)]
    if record["kind"] == "fleet":
        lines.extend(fleet_table(record["instances"]))
    lines.extend(check_table(record))
    lines.extend(_findings(record["findings"]))
    count = len(record["findings"])
    verdict = "passed" if record["status"] == "passed" else f"failed (exit {record['exit_status']})"
    waived = len(record.get("waived", ()))
    waivers = f", {waived} check{'s' if waived != 1 else ''} waived" if waived else ""
    lines.append(f"{TITLES[record['kind']]} identified {count} issue{'s' if count != 1 else ''}{waivers}; {verdict}.")
    return "\n".join(lines)


def check_table(record: dict[str, Any]) -> list[str]:
    """One line per required check: its state, and for a waived one the reason and who waived it."""
    checks: dict[str, str] = record.get("checks", {})
    if not checks:
        return []
    reasons = {waiver["check"]: waiver for waiver in record.get("waived", ())}
    width = max(len(name) for name in checks)
    lines = ["CHECKS:"]
    for name, state in checks.items():
        line = f"  {name.ljust(width)}  {state}"
        waiver = reasons.get(name)
        if state == "waived" and waiver is not None:
            where = "" if waiver["origin"] == "command line" else f" (at {waiver['origin']})"
            line += f"{where}: {waiver['reason']}"
        lines.append(line)
    return lines


def _facts(record: dict[str, Any]) -> list[str]:
    kind = record["kind"]
    if kind in ("preflight", "postflight"):
        facts: list[str] = [
            f"stage: {record['stage']}",
            f"code_sha: {record['code_sha'] or '<none>'}",
            f"alembic current: {_current(record['database'])}",
            f"target heads: {','.join(record['target_heads']) or '<none>'}",
        ]
        facts += [_table_line(kind, table) for table in record["append_only_tables"]]
        return facts
    if kind == "outcomes":
        counts: dict[str, int] = {}
        for artifact in record["artifacts"]:
            counts[artifact["outcome"]] = counts.get(artifact["outcome"], 0) + 1
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "no artifacts"
        return [
            f"corpus: {record['corpus']} ({summary})",
            *(f"new since the record: {p}" for p in record.get("new_artifacts", [])),
        ]
    if kind == "rollback-check":
        return [
            f"current heads ({record['current']['source']}): {','.join(record['current']['heads']) or '<none>'}",
            f"{record['to']['ref']} ({record['to']['commit'][:12]}) ends at: {','.join(record['to']['heads']) or '<none>'}",
            f"compatibility: {record['compatibility']}",
            *revision_lines(record["window"]),
            *([f"additive window written to: {record['window_file']}"] if record.get("window_file") else []),
            f"recommendation: {record['recommendation']}",
        ]
    if kind == "downgrade-check":
        return [
            f"current heads ({record['current']['source']}): {','.join(record['current']['heads']) or '<none>'}",
            f"downgrade to: {record['to']} (leaves {','.join(record['target_heads']) or '<none>'})",
            "revisions to undo, newest first:",
            *revision_lines(record["undo"]),
            f"tables touched: {', '.join(record['tables']) or '<none>'}",
            f"baseline: {record['baseline']['record']} ({record['baseline']['artifacts']} artifacts)",
            *(_plan(record) if record["status"] == "passed" else []),
        ]
    return []


def _plan(record: dict[str, Any]) -> list[str]:
    return [
        "PLAN:",
        "  1. preflight with the release to deploy: classify migrations preflight --downgrade-plan PLAN.json …",
        f"  2. from a checkout of {record['current']['commit'][:12]}: {record['command']}",
        (
            "  3. deploy the release, then: classify migrations postflight --preflight PREFLIGHT.json … "
            "(its verification compares against the baseline)"
        ),
    ]


def _table_line(kind: str, table: dict[str, Any]) -> str:
    if kind == "preflight":
        return f"append-only {table['table']}: {table['row_count']} rows digested"
    line = f"append-only {table['table']}: {table['historical_rows']} historical rows"
    if table["added_rows"] is None:
        return f"{line}, not compared"
    added = f", {table['added_rows']} added"
    if table["first_added_key"] is not None:
        added += f" (keys {table['first_added_key']} to {table['last_added_key']})"
    return f"{line}{added}, {table['backfilled_rows']} backfilled"


def revision_lines(revisions: list[dict[str, Any]]) -> list[str]:
    """One line per revision read statically: what it does, or why it fails the question asked."""
    lines = []
    for item in revisions:
        said = "; ".join(item["problems"]) if item["problems"] else ", ".join(item["operations"]) or "no operation"
        mark = "refused" if item["problems"] else "ok"
        lines.append(f"  {item['revision']} [{mark}]: {said}")
    return lines


def _current(database: dict[str, Any] | None) -> str:
    if database is None or not database["reachable"]:
        return "<unreachable>"
    if database.get("version_table_malformed"):
        return "<malformed version table>"
    return ",".join(database["heads"]) or "<none>"


def fleet_table(instances: list[dict[str, Any]]) -> list[str]:
    """One aligned row per instance: URL, state, HTTP status, code_sha, heads."""
    header = ("INSTANCE", "STATE", "HTTP", "CODE_SHA", "EXPECTED HEAD", "DATABASE HEADS")
    rows = [header] + [
        (
            item["url"],
            item["state"],
            str(item["http_status"] or "-"),
            (item["code_sha"] or "-")[:12],
            ",".join(item["expected_heads"]) if item["expected_heads"] is not None else "-",
            ",".join(item["database_heads"]) if item["database_heads"] is not None else "-",
        )
        for item in instances
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def _findings(findings: list[dict[str, str]]) -> list[str]:
    lines: list[str] = []
    if findings:
        lines.append("ERRORS:")
    for item in findings:
        lines.append(f"{item['key']}: ({item['id']}) {item['message']} [value: {item['value']}]")
        lines.append(f"\tHINT: {item['hint']}")
    return lines
