"""The revision graph of one migration tree at one side, and what is wrong with it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from classifier.surfaces.migrations.model import GraphFields


@dataclass(frozen=True, slots=True)
class RevisionGraph:
    """Revisions of one tree: id -> path, id -> parents (``down_revision``) and
    id -> ``depends_on``, plus ids defined twice and branch labels."""

    paths: dict[str, str] = field(default_factory=dict)
    parents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reused: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, files: Mapping[str, GraphFields]) -> RevisionGraph:
        graph = cls()
        seen: dict[str, list[str]] = {}
        for path in sorted(files):
            fields = files[path]
            if fields.revision is None:
                continue
            seen.setdefault(fields.revision, []).append(path)
            graph.paths.setdefault(fields.revision, path)
            graph.parents.setdefault(fields.revision, fields.down_revision)
            graph.dependencies.setdefault(fields.revision, fields.depends_on)
            for label in fields.branch_labels:
                graph.labels[label] = fields.revision
        graph.reused.update({rev: tuple(paths) for rev, paths in seen.items() if len(paths) > 1})
        return graph

    def parent_ids(self, revision: str) -> tuple[str, ...]:
        """Parents with branch labels resolved to the revision they name."""
        return tuple(self.labels.get(parent, parent) for parent in self.parents.get(revision, ()))

    def heads(self) -> tuple[str, ...]:
        """Revisions no other revision descends from (``depends_on`` does not make a child)."""
        children = {p for rev in self.parents for p in self.parent_ids(rev)}
        return tuple(sorted(rev for rev in self.parents if rev not in children))

    def dangling(self) -> list[tuple[str, str]]:
        """``(revision, missing parent)`` for every parent or dependency that names no revision."""
        return [
            (rev, parent)
            for rev in sorted(self.parents)
            for parent in (*self.parent_ids(rev), *self.dependencies.get(rev, ()))
            if self.labels.get(parent, parent) not in self.parents
        ]

    def ancestors(self, revision: str) -> set[str]:
        """Every revision ``revision`` descends from, itself included."""
        found: set[str] = set()
        stack = [revision]
        while stack:
            current = stack.pop()
            if current in found or current not in self.parents:
                continue
            found.add(current)
            stack.extend(self.parent_ids(current))
        return found

    def cycle(self) -> list[str] | None:
        """One cycle as a list of revision ids, or ``None`` (iterative DFS: histories are long)."""
        state: dict[str, int] = {}
        for start in sorted(self.parents):
            if state.get(start):
                continue
            path: list[str] = []
            stack: list[tuple[str, int]] = [(start, 0)]
            while stack:
                node, index = stack.pop()
                if index == 0:
                    state[node] = 1
                    path.append(node)
                parents = [p for p in self.parent_ids(node) if p in self.parents]
                if index < len(parents):
                    stack.append((node, index + 1))
                    nxt = parents[index]
                    if state.get(nxt) == 1:
                        return path[path.index(nxt):] + [nxt]
                    if not state.get(nxt):
                        stack.append((nxt, 0))
                else:
                    state[node] = 2
                    path.pop()
        return None

    def order(self) -> list[str]:
        """Revisions base first (parents before children), ties by id."""
        placed: list[str] = []
        done: set[str] = set()
        entered: set[str] = set()
        for start in sorted(self.parents):
            stack = [(start, False)]
            while stack:
                node, expanded = stack.pop()
                if node in done or node not in self.parents or (node in entered and not expanded):
                    continue
                entered.add(node)
                if expanded:
                    done.add(node)
                    placed.append(node)
                    continue
                stack.append((node, True))
                stack.extend((p, False) for p in reversed(self.parent_ids(node)) if p not in done)
        return placed
