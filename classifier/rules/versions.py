"""Judgement of the versions policy: each kind of versions fact is one catalogue rule."""

from __future__ import annotations

from typing import Iterable, Iterator

from classifier.model import Change

RULE_OF_KIND = {
    "frozen-changed": "VER001",
    "frozen-deleted": "VER002",
    "new-version-incomplete": "VER003",
    "upgrade-difference": "VER101",
    "unfrozen-changed": "VER102",
    "version-added": "VER103",
    "frozen-drift": "VER201",
    "snapshot-drift": "VER202",
}
EMITS = frozenset(RULE_OF_KIND.values())


def check(changes: Iterable[Change]) -> Iterator[tuple[str, Change]]:
    """Map each versions fact to its rule; the policy already decided which facts exist."""
    for change in changes:
        yield RULE_OF_KIND[change.kind], change
