"""Print the README's rule list from the catalogue (one table per surface).

Usage: python scripts/rule_list.py > /tmp/rules.md, then paste it under "## Rules".
A test checks that the README names every active rule, so the list cannot drift.
"""

from __future__ import annotations

from itertools import groupby

from classifier.rules.catalogue import RULES

SURFACE_TITLES = {
    "openapi": "OpenAPI snapshots",
    "error_codes": "Error-code tables and contract constants",
    "migrations": "Alembic migrations",
    "versions": "API versions",
    "files": "Everything else",
}


def main() -> None:
    order = list(SURFACE_TITLES)
    active = sorted(
        (rule for rule in RULES if rule.status != "removed"),
        key=lambda rule: (order.index(rule.surface) if rule.surface in order else len(order), rule.id),
    )
    for surface, rules in groupby(active, key=lambda rule: rule.surface):
        print(f"**{SURFACE_TITLES.get(surface, surface)}**\n")
        print("| id | name | label | what it reports |")
        print("|---|---|---|---|")
        for rule in rules:
            label = "violation" if rule.kind == "violation" else rule.label.value
            print(f"| [{rule.id}](docs/rules/{rule.id}.md) | {rule.name} | {label} | {rule.summary} |")
        print()


if __name__ == "__main__":
    main()
