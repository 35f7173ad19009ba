"""Judgement for the migrations surface: each change's kind is the name of its rule.

The surface already decides which rule a fact falls under (an applied
revision edited or only reformatted, an operation additive or breaking), so
judging is a lookup; labels, severities and blocking come from the catalogue
and the policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from classifier.model import Change

RULE_FOR_KIND: dict[str, str] = {
    "applied-migration-edited": "MIG101",
    "applied-migration-reformatted": "MIG102",
    "applied-migration-deleted": "MIG103",
    "applied-migration-renamed": "MIG104",
    "applied-migration-lock-mismatch": "MIG105",
    "applied-migration-reformat-forbidden": "MIG106",
    "versions-file-outside-alembic": "MIG107",
    "revision-too-large": "MIG108",
    "applied-migration-helper-edited": "MIG109",
    "applied-migration-helper-reformatted": "MIG110",
    "revision-graph-forked": "MIG201",
    "revision-graph-cyclic": "MIG202",
    "revision-parent-missing": "MIG203",
    "revision-id-reused": "MIG204",
    "revision-history-rewritten": "MIG205",
    "revision-attached-off-head": "MIG206",
    "graph-problem-pre-existing": "MIG207",
    "schema-object-added": "MIG301",
    "table-dropped": "MIG302",
    "column-dropped": "MIG303",
    "table-renamed": "MIG304",
    "column-renamed": "MIG305",
    "column-type-changed": "MIG306",
    "column-altered-compatibly": "MIG307",
    "column-made-not-null": "MIG308",
    "required-column-added": "MIG309",
    "constraint-added-to-existing-table": "MIG310",
    "constraint-dropped": "MIG311",
    "index-created-with-lock": "MIG312",
    "table-rewrite-locked": "MIG313",
    "migration-operation-unrecognised": "MIG314",
    "column-made-nullable": "MIG315",
    "migration-code-unanalysed": "MIG316",
    "index-dropped": "MIG317",
    "data-backfilled": "MIG318",
    "data-rewritten": "MIG319",
    "raw-ddl-not-rerunnable": "MIG401",
    "op-create-not-rerunnable": "MIG403",
    "data-change-not-rerunnable": "MIG404",
    "insert-not-rerunnable": "MIG405",
    "append-only-table-rewritten": "MIG501",
    "key-binding-changed": "MIG502",
    "trust-table-downgrade-destructive": "MIG503",
    "expected-head-mismatch": "MIG504",
    "trust-table-backfilled": "MIG505",
}

EMITS = frozenset(RULE_FOR_KIND.values())


def check(changes: Iterable[Change]) -> Iterator[tuple[str, Change]]:
    for change in changes:
        yield RULE_FOR_KIND[change.kind], change
