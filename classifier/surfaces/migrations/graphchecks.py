"""Graph violations at the head: several heads, a cycle, a missing parent, a reused id,
and a base head the head no longer descends from.

A problem the base already had, in files the change does not touch, is not the
change's doing: it is reported once as pre-existing (a warning) and never
blocks. Only problems the change introduces, or that sit in files it edits,
are violations.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from classifier.model import Change, Side
from classifier.surfaces.migrations.changes import change
from classifier.surfaces.migrations.graph import RevisionGraph

PRE_EXISTING = "graph-problem-pre-existing"


@dataclass(frozen=True, slots=True)
class GraphProblem:
    """One problem of a graph: its rule, a key that is the same at base and head, where, and what."""

    kind: str
    key: str
    paths: tuple[str, ...]
    fields: dict[str, object]
    description: str


def graph_changes(base: RevisionGraph, head: RevisionGraph, touched: AbstractSet[str] = frozenset()) -> Iterator[Change]:
    """Every graph violation of ``head``, placed on the file of the revision concerned."""
    at_base = {problem.key: problem for problem in problems(base)}
    base_heads = len(base.heads())
    for problem in problems(head):
        old = at_base.get(problem.key)
        inherited = old is not None and not (set(problem.paths) & set(touched))
        if problem.kind == "revision-graph-forked":
            inherited = old is not None and len(head.heads()) <= base_heads
        if inherited:
            yield change(PRE_EXISTING, problem.paths[0], f"pre-existing:{problem.key}", detail=problem.description)
        else:
            yield change(problem.kind, problem.paths[0], problem.key.split(":", 1)[1], **problem.fields)
    yield from _rewritten(base, head, head.heads())


def problems(graph: RevisionGraph) -> Iterator[GraphProblem]:
    """What is wrong with one graph: several heads, a cycle, missing parents, reused ids."""
    heads = graph.heads()
    if len(heads) > 1:
        yield GraphProblem("revision-graph-forked", "forked:heads", (graph.paths[heads[-1]],),
                           {"count": len(heads), "heads": ", ".join(heads)},
                           f"{len(heads)} heads ({', '.join(heads)})")
    cycle = graph.cycle()
    if cycle:
        members = sorted(set(cycle))
        yield GraphProblem("revision-graph-cyclic", "cycle:cycle:" + ",".join(members),
                           tuple(graph.paths[m] for m in members), {"cycle": " → ".join(cycle)},
                           f"revision cycle {' → '.join(cycle)}")
    for revision, parent in graph.dangling():
        yield GraphProblem("revision-parent-missing", f"parent:{revision}:{parent}", (graph.paths[revision],),
                           {"revision": revision, "parent": parent or '""'},
                           f"revision {revision} names parent {parent!r}, which does not exist")
    for revision, paths in sorted(graph.reused.items()):
        yield GraphProblem("revision-id-reused", f"reused:{revision}", (paths[-1], *paths[:-1]),
                           {"revision": revision, "count": len(paths), "paths": ", ".join(paths)},
                           f"revision id {revision} is declared by {len(paths)} files")


def _rewritten(base: RevisionGraph, head: RevisionGraph, heads: tuple[str, ...]) -> Iterator[Change]:
    if not heads:
        return
    reachable: set[str] = set()
    for revision in heads:
        reachable |= head.ancestors(revision)
    for revision in base.heads():
        if revision in reachable:
            continue
        if revision in head.paths:
            yield change("revision-history-rewritten", head.paths[revision], revision, revision=revision,
                         heads=", ".join(heads))
        else:
            yield change("revision-history-rewritten", base.paths[revision], revision, side=Side.BASE,
                         revision=revision, heads=", ".join(heads))
