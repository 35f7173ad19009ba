"""Judgement for the generic surface: one finding per changed file, by its kind."""

from __future__ import annotations

from typing import Iterable, Iterator

from classifier.model import Change

RULE_FOR_KIND: dict[str, str] = {
    "documentation": "GEN001",
    "observability": "GEN002",
    "internal-change": "GEN003",
    "added": "GEN004",
    "deleted": "GEN005",
    "renamed": "GEN006",
    "binary": "GEN007",
}

EMITS = frozenset(RULE_FOR_KIND.values())


def check(changes: Iterable[Change]) -> Iterator[tuple[str, Change]]:
    for change in changes:
        yield RULE_FOR_KIND[change.kind], change
