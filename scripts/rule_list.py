"""Write docs/rules.md, the rule list, from the catalogue (one table per surface).

Usage: python scripts/rule_list.py   (rewrites docs/rules.md)
A test checks that docs/rules.md is exactly what this prints, so the list cannot drift.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from classifier.rules.catalogue import RULES

TARGET = Path(__file__).parents[1] / "docs" / "rules.md"
SURFACE_TITLES = {
    "openapi": "OpenAPI snapshots",
    "error_codes": "Error-code tables and contract constants",
    "migrations": "Alembic migrations",
    "versions": "API versions",
    "files": "Everything else",
}
HEADER = """\
# Rules

Generated from the catalogue by `python scripts/rule_list.py`; do not edit by hand.

Every rule has a stable id that never changes meaning and is never reused, a documentation page
under [`rules/`](rules/) (`classify explain ID`), and fixtures under `tests/rules/fixtures/ID/`
that fire and stay quiet. `classify rules` prints the same list. A violation blocks whatever
`fail_on` says; a finding blocks when its severity is `error` and its label is at or above `fail_on`.
"""


def rule_list() -> str:
    """The whole of docs/rules.md."""
    order = list(SURFACE_TITLES)
    active = sorted(
        (rule for rule in RULES if rule.status != "removed"),
        key=lambda rule: (order.index(rule.surface) if rule.surface in order else len(order), rule.id),
    )
    lines = [HEADER]
    for surface, rules in groupby(active, key=lambda rule: rule.surface):
        lines += [f"## {SURFACE_TITLES.get(surface, surface)}", "", "| id | name | label | what it reports |",
                  "|---|---|---|---|"]
        for rule in rules:
            label = "violation" if rule.kind == "violation" else rule.label.value
            lines.append(f"| [{rule.id}](rules/{rule.id}.md) | {rule.name} | {label} | {rule.summary} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    TARGET.write_text(rule_list(), encoding="utf-8")
