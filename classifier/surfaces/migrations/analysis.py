"""Compare every touched migration tree between base and head.

Only changed revision files are parsed in full (libcst); the graph fields of
the others come from ``graphscan``'s cheap read, and a base file that did not
change is taken from the head read instead of being read twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from classifier.model import Change, Side
from classifier.sources import FilePair, Source, decode_text
from classifier.surfaces.migrations import tree_of
from classifier.surfaces.migrations.applied import edit_summary
from classifier.surfaces.migrations.changes import change
from classifier.surfaces.migrations.classify import UNRECOGNISED, classify_revision
from classifier.surfaces.migrations.config import MigrationsConfig
from classifier.surfaces.migrations.graph import RevisionGraph
from classifier.surfaces.migrations.graphchecks import graph_changes
from classifier.surfaces.migrations.graphscan import (
    cheap_graph_fields,
    scan_graph_fields,
)
from classifier.surfaces.migrations.helpers import RepositoryHelpers
from classifier.surfaces.migrations.integrity import expected_head_changes, lock_changes
from classifier.surfaces.migrations.locate import discover_trees, group_by_tree
from classifier.surfaces.migrations.model import GraphFields, MigrationFile
from classifier.surfaces.migrations.reader import (
    Budget,
    read_migration,
    settings_free_digest,
    too_large,
)
from classifier.surfaces.migrations.trust import trust_verdicts


def compare_trees(pairs: Sequence[FilePair], source: Source, config: MigrationsConfig) -> Iterator[Change]:
    """Every migrations ``Change`` for the claimed ``pairs``."""
    trees, strays = group_by_tree(pairs, source, config)
    for pair in strays:
        yield change("versions-file-outside-alembic", pair.path, "not-in-tree", status=pair.status)
    head_graphs: dict[str, RevisionGraph] = {}
    for tree, tree_pairs in sorted(trees.items()):
        comparison = TreeComparison(tree, tree_pairs, source, config)
        yield from comparison.changes()
        head_graphs[tree] = comparison.head_graph
    if config.expected_head_file:
        # The pin covers every tree, changed or not; unchanged ones are read cheaply.
        for tree in discover_trees(source, config):
            if tree not in head_graphs:
                head_graphs[tree] = TreeComparison(tree, [], source, config).head_graph
        yield from expected_head_changes(source, config, head_graphs)


class TreeComparison:
    """Base and head of one migration tree."""

    def __init__(self, tree: str, pairs: Sequence[FilePair], source: Source, config: MigrationsConfig) -> None:
        self.tree, self.source, self.config = tree, source, config
        self.pairs = pairs
        self.changed = {
            Side.BASE: {p.base_path for p in pairs if p.base_path and tree_of(p.base_path, config) == tree},
            Side.HEAD: {p.head_path for p in pairs if p.head_path and tree_of(p.head_path, config) == tree},
        }
        self.added = {p.head_path for p in pairs if p.base_path is None}
        self._full: dict[tuple[Side, str], MigrationFile] = {}
        self._has_lines: dict[tuple[Side, str], bool] = {}
        self._resolvers: dict[Side, RepositoryHelpers] = {}
        self.budget = Budget(config.max_revision_kb * 1024, config.max_operations)
        self.head_fields = {path: self._fields(Side.HEAD, path) for path in self._files(Side.HEAD)}
        self.base_fields = {path: self._base_fields(path) for path in self._files(Side.BASE)}
        self.base_graph = RevisionGraph.build(self.base_fields)
        self.head_graph = RevisionGraph.build(self.head_fields)

    # -- reading -------------------------------------------------------------

    def _files(self, side: Side) -> list[str]:
        # Alembic reads every version location of one ini file as one graph.
        folders = sorted({loc.folder for loc in self.config.locations if loc.group == self.tree} or {self.tree})
        listed = [p for folder in folders for p in self.source.list_files(side, folder)]
        return sorted({p for p in listed if tree_of(p, self.config) == self.tree})

    def _fields(self, side: Side, path: str) -> GraphFields:
        if path in self.changed[side]:
            migration = self.full(side, path, lines=side is Side.HEAD and path in self.added)
            if migration.too_large:
                scanned = scan_graph_fields((self.source.read(side, path) or b"").decode("utf-8", "replace"))
                return scanned if scanned is not None else migration.graph
            if migration.parse_error:
                # A file that does not parse still names its place in the graph in
                # literal lines; without them its children would look orphaned.
                text = (self.source.read(side, path) or b"").decode("utf-8", "replace")
                scanned = scan_graph_fields(text)
                if scanned is not None and any(line.startswith("down_revision") for line in text.splitlines()):
                    return GraphFields(scanned.revision, scanned.down_revision, scanned.branch_labels,
                                       scanned.depends_on, problem=migration.parse_error)
            return migration.graph
        data = self.source.read(side, path) or b""
        return cheap_graph_fields(
            data, lambda text: read_migration(path, text, self.config.dialect, lines=False, budget=self.budget).graph
        )

    def _base_fields(self, path: str) -> GraphFields:
        # An unchanged file has the same bytes on both sides: reuse the head read.
        if path not in self.changed[Side.BASE] and path in self.head_fields:
            return self.head_fields[path]
        return self._fields(Side.BASE, path)

    def full(self, side: Side, path: str, lines: bool = False) -> MigrationFile:
        """The full libcst read of one revision file at one side (memoised).

        Line numbers are computed only when asked for (findings on a new
        revision point at lines; applied revisions are compared by structure).
        """
        key = (side, path)
        if key not in self._full or (lines and not self._has_lines.get(key)):
            data = self.source.read(side, path) or b""
            reason = too_large(path, len(data), self.budget)
            if reason is not None:  # refused before decoding or parsing anything
                self._full[key] = MigrationFile(path, GraphFields(None, problem=reason), too_large=reason)
                self._has_lines[key] = True
                return self._full[key]
            text = decode_text(data, path, side)
            # Helpers of the repository are read only for new revisions, whose operations are judged.
            resolver = self._helpers(side) if lines else None
            self._full[key] = read_migration(path, text, self.config.dialect, lines=lines, resolver=resolver,
                                             budget=self.budget)
            self._has_lines[key] = lines
        return self._full[key]

    def applied_read(self, side: Side, path: str) -> MigrationFile:
        """A read fit to compare an applied revision: with the digests a read for line numbers skips."""
        migration = self.full(side, path)
        if self._has_lines.get((side, path)) and not migration.too_large and not migration.parse_error:
            text = decode_text(self.source.read(side, path) or b"", path, side)
            return read_migration(path, text, self.config.dialect, lines=False, budget=self.budget)
        return migration

    def _helpers(self, side: Side) -> RepositoryHelpers:
        helpers = self._resolvers.get(side)
        if helpers is None:
            helpers = self._resolvers[side] = RepositoryHelpers(self.source, side)
        return helpers

    # -- the comparison ------------------------------------------------------

    def changes(self) -> Iterator[Change]:
        yield from self._unreadable()
        yield from self._applied()
        yield from self._new_revisions()
        touched = {p for p in (*self.changed[Side.HEAD], *self.changed[Side.BASE])}
        # A file whose revision id cannot be read leaves its children looking orphaned and the
        # graph looking forked; the file itself is reported, its phantom consequences are not.
        unplaced = any(fields.revision is None and (fields.problem or "").startswith("does not parse")
                       for fields in self.head_fields.values())
        for found in graph_changes(self.base_graph, self.head_graph, touched):
            if not (unplaced and found.kind in ("revision-parent-missing", "revision-graph-forked")):
                yield found
        yield from lock_changes(self)
        for (side, path), migration in sorted(self._full.items(), key=lambda item: (item[0][0].value, item[0][1])):
            if migration.too_large:
                yield change("revision-too-large", path, f"too-large:{side.value}:{path}", side=side,
                             detail=migration.too_large)

    def _too_large(self, side: Side, path: str) -> bool:
        cached = self._full.get((side, path))
        return cached is not None and cached.too_large is not None

    def _unreadable(self) -> Iterator[Change]:
        for path, fields in sorted(self.head_fields.items()):
            # An unchanged file that does not parse was so at the base already: reported, never blocking.
            if path not in self.changed[Side.HEAD] and (fields.problem or "").startswith("does not parse"):
                yield change("graph-problem-pre-existing", path, f"pre-existing:unreadable:{path}",
                             detail=f"{path} {(fields.problem or '').split(':')[0]}")
        for path in sorted(self.changed[Side.HEAD]):
            problem = self.head_fields[path].problem
            if problem and not self._too_large(Side.HEAD, path):
                yield change(UNRECOGNISED, path, f"unreadable:{path}", detail=f"revision file not understood: {problem}",
                             table="(none)")

    def _applied(self) -> Iterator[Change]:
        for revision, base_path in sorted(self.base_graph.paths.items()):
            head_path = self.head_graph.paths.get(revision)
            if head_path == base_path and base_path not in self.changed[Side.BASE]:
                continue
            if head_path is None:
                yield self._gone(revision, base_path)
                continue
            old, new = self.applied_read(Side.BASE, base_path), self.applied_read(Side.HEAD, head_path)
            if old.too_large or new.too_large:
                continue  # not compared: reported as too large to compare
            if old.meaning == new.meaning and not new.parse_error:
                detail = "reformatted (same operations, identifiers and literals)"
                if head_path != base_path:
                    detail = f"moved from {base_path}" + ("" if self._same_bytes(base_path, head_path) else ", " + detail)
                kind = "applied-migration-reformat-forbidden" if self.config.forbid_reformat else "applied-migration-reformatted"
                yield change(kind, head_path, revision, revision=revision, detail=detail)
            elif not new.parse_error and old.import_free_structure == new.import_free_structure:
                yield self._imports_edited(revision, head_path, old, new)
            elif not new.parse_error and not old.parse_error and self._settings_only(base_path, head_path):
                kind = "applied-migration-reformat-forbidden" if self.config.forbid_reformat else "applied-migration-reformatted"
                yield change(kind, head_path, revision, revision=revision,
                             detail="changed in session settings only (SET …: how long it waits, not what it does)")
            else:
                summary = new.parse_error or edit_summary(old, new)
                yield change("applied-migration-edited", head_path, revision, revision=revision, summary=summary)

    def _settings_only(self, base_path: str, head_path: str) -> bool:
        """Whether the two versions differ only in the text of session-setting SQL (read again: a rare path)."""
        digests = []
        for side, path in ((Side.BASE, base_path), (Side.HEAD, head_path)):
            text = decode_text(self.source.read(side, path) or b"", path, side)
            digests.append(settings_free_digest(text, self.config.dialect))
        return digests[0] is not None and digests[0] == digests[1]

    def _imports_edited(self, revision: str, path: str, old: MigrationFile, new: MigrationFile) -> Change:
        """Only import lines changed: harmless unless a name the code uses now comes from elsewhere."""
        for name in sorted(new.used_names):
            before, after = old.imports.get(name), new.imports.get(name)
            if before is not None and after is not None and before != after:
                return change("applied-migration-edited", path, revision, revision=revision,
                              summary=f"`{name}`, used by the revision, was imported from {_origin(before)}, "
                                      f"now imported from {_origin(after)}")
            if before is None and after is not None and name in old.used_names:
                return change("applied-migration-edited", path, revision, revision=revision,
                              summary=f"`{name}`, used by the revision, is now imported from {_origin(after)}")
        kind = "applied-migration-reformat-forbidden" if self.config.forbid_reformat else "applied-migration-reformatted"
        return change(kind, path, revision, revision=revision, detail="imports only (no name the revision uses changed origin)")

    def _gone(self, revision: str, base_path: str) -> Change:
        now = self.head_fields.get(base_path)
        if now is not None and now.revision:
            return change("applied-migration-renamed", base_path, revision, revision=revision, new_revision=now.revision)
        if now is not None:
            # Still there but no longer readable as a revision: that is an edit.
            return change("applied-migration-edited", base_path, revision, revision=revision, summary=now.problem)
        return change("applied-migration-deleted", base_path, revision, side=Side.BASE, revision=revision)

    def _same_bytes(self, base_path: str, head_path: str) -> bool:
        return self.source.read(Side.BASE, base_path) == self.source.read(Side.HEAD, head_path)

    def _new_revisions(self) -> Iterator[Change]:
        base_heads = self.base_graph.heads()
        merged = self._merged_into_one_head(base_heads)
        for revision, path in sorted(self.head_graph.paths.items()):
            if revision in self.base_graph.paths or path not in self.changed[Side.HEAD]:
                continue
            migration = self.full(Side.HEAD, path, lines=True)
            if revision not in merged:
                yield from self._attachment(revision, path, self.head_fields[path].down_revision, base_heads)
            if not migration.too_large:
                yield from _operation_changes(revision, migration, self.config)

    def _merged_into_one_head(self, base_heads: tuple[str, ...]) -> set[str]:
        """New revisions that a merge revision joins with every base head into the one head."""
        heads = self.head_graph.heads()
        if len(heads) != 1:
            return set()
        ancestors = self.head_graph.ancestors(heads[0])
        if not set(base_heads) <= ancestors:
            return set()
        return {rev for rev in ancestors if rev not in self.base_graph.paths}

    def _attachment(self, revision: str, path: str, parents: tuple[str, ...], base_heads: tuple[str, ...]) -> Iterator[Change]:
        if not self.base_graph.paths:
            return
        applied_parents = [p for p in parents if p in self.base_graph.paths]
        wrong = [p for p in applied_parents if p not in base_heads]
        if wrong or not parents:
            yield change("revision-attached-off-head", path, revision, revision=revision,
                         parent=", ".join(wrong) if wrong else "None (a new base)", heads=", ".join(base_heads) or "none")


def _operation_changes(revision: str, migration: MigrationFile, config: MigrationsConfig) -> Iterator[Change]:
    seen: dict[str, int] = {}
    for verdict in classify_revision(migration, config.dialect):
        operation = verdict.operation.label if verdict.operation else "statement"
        key = f"{revision}:{verdict.rule}:{operation}:{verdict.table or ''}"
        seen[key] = seen.get(key, 0) + 1
        yield change(verdict.rule, migration.path, f"{key}:{seen[key]}", verdict.line, revision=revision,
                     operation=operation, table=verdict.table or "(unknown table)", detail=verdict.detail)
    for trust in trust_verdicts(migration, config):
        key = f"{revision}:{trust.rule}:{trust.operation.function}:{trust.table}"
        seen[key] = seen.get(key, 0) + 1
        yield change(trust.rule, migration.path, f"{key}:{seen[key]}", trust.operation.line, revision=revision,
                     operation=trust.operation.label, table=trust.table, detail=trust.detail)


def _origin(imported: tuple[str, str | None]) -> str:
    module, name = imported
    return f"{module}.{name}" if name else module
