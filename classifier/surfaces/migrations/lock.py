"""The lock of each migration tree: what ``migrations.lock`` should say, and whether it does.

``classify migrations lock`` (``classifier.commands.migrations``) writes or
verifies the files; this module only computes them from the work tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from classifier.errors import SourceError, UsageError
from classifier.model import Side
from classifier.surfaces.migrations import tree_of
from classifier.surfaces.migrations.config import MigrationsConfig
from classifier.surfaces.migrations.lockfile import LockEntry, render_lock

_SKIPPED_FOLDERS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"})


@dataclass(frozen=True, slots=True)
class LockResult:
    """One tree's lock: where it lives, its text, and whether the file on disk matched."""

    path: str
    text: str
    up_to_date: bool
    revisions: int


def build_locks(top: Path, config: MigrationsConfig) -> list[LockResult]:
    """The lock of every migration tree under ``top``, compared with the file on disk."""
    trees = list(config.paths) or find_trees(top, config)
    if not trees:
        raise UsageError(f"{top}: no Alembic migration tree found",
                         hint="set [tool.classifier.migrations] paths = [\"migrations/versions\"]")
    results = []
    for tree in trees:
        lock_path = config.lock_path(tree)
        text = render_lock(tree_entries(top, tree, config))
        existing = top / lock_path
        current = existing.read_text("utf-8") if existing.is_file() else None
        results.append(LockResult(lock_path, text, current == text, text.count("\n") - 2))
    return results


def tree_entries(top: Path, tree: str, config: MigrationsConfig) -> tuple[LockEntry, ...]:
    """One entry per revision of ``tree``, base first."""
    from classifier.sources import decode_text
    from classifier.surfaces.migrations.graph import RevisionGraph
    from classifier.surfaces.migrations.reader import read_migration

    folder = top / tree
    if not folder.is_dir():
        raise SourceError(f"{tree}: no such folder", hint="fix [tool.classifier.migrations] paths")
    files = {}
    for path in sorted(folder.iterdir()):
        relative = f"{tree}/{path.name}"
        if path.is_file() and tree_of(relative, config) == tree:
            migration = read_migration(relative, decode_text(path.read_bytes(), relative, Side.HEAD), config.dialect)
            if migration.graph.revision is None:
                raise SourceError(f"{relative}: {migration.graph.problem}", hint="fix the file, or move it out of the tree")
            files[relative] = migration
    graph = RevisionGraph.build({p: m.graph for p, m in files.items()})
    if graph.reused:
        revision, paths = next(iter(graph.reused.items()))
        raise SourceError(f"{tree}: revision {revision} is declared by {', '.join(paths)}", hint="give each revision its own id")
    return tuple(
        LockEntry(revision, files[graph.paths[revision]].structure, graph.paths[revision].rsplit("/", 1)[-1])
        for revision in graph.order()
    )


def find_trees(top: Path, config: MigrationsConfig) -> list[str]:
    """Every ``versions/`` folder beside an ``env.py`` below ``top``."""
    found = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_FOLDERS)
        if "env.py" in files and "versions" in dirs:
            found.append((Path(folder) / "versions").relative_to(top).as_posix())
    return found
