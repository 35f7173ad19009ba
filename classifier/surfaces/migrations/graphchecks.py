"""Graph violations at the head: several heads, a cycle, a missing parent, a reused id,
and a base head the head no longer descends from."""

from __future__ import annotations

from collections.abc import Iterator

from classifier.model import Change, Side
from classifier.surfaces.migrations.changes import change
from classifier.surfaces.migrations.graph import RevisionGraph


def graph_changes(base: RevisionGraph, head: RevisionGraph) -> Iterator[Change]:
    """Every graph violation of ``head``, placed on the file of the revision concerned."""
    heads = head.heads()
    if len(heads) > 1:
        yield change("revision-graph-forked", head.paths[heads[-1]], "heads", count=len(heads), heads=", ".join(heads))
    cycle = head.cycle()
    if cycle:
        yield change("revision-graph-cyclic", head.paths[cycle[0]], "cycle:" + ",".join(sorted(set(cycle))),
                     cycle=" → ".join(cycle))
    for revision, parent in head.dangling():
        yield change("revision-parent-missing", head.paths[revision], f"{revision}:{parent}", revision=revision, parent=parent)
    for revision, paths in sorted(head.reused.items()):
        yield change("revision-id-reused", paths[-1], revision, revision=revision, count=len(paths), paths=", ".join(paths))
    yield from _rewritten(base, head, heads)


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
