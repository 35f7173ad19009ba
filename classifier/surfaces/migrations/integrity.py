"""Checks against pinned values: the lock file's per-revision hashes and the expected head."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from classifier.errors import SourceError
from classifier.model import Change, Side
from classifier.sources import decode_text
from classifier.surfaces.migrations.changes import change
from classifier.surfaces.migrations.config import MigrationsConfig
from classifier.surfaces.migrations.graph import RevisionGraph
from classifier.surfaces.migrations.lockfile import parse_lock

if TYPE_CHECKING:
    from classifier.sources import Source
    from classifier.surfaces.migrations.analysis import TreeComparison

LOCK_MISMATCH = "applied-migration-lock-mismatch"


def lock_changes(tree: TreeComparison) -> Iterator[Change]:
    """Revisions whose structure no longer matches the tree's lock file.

    Revisions whose file changed are always checked; every entry is checked
    when the lock file itself changed (so a hand-edited lock cannot hide an
    edit made on the same branch).
    """
    lock_path = tree.config.lock_path(tree.tree)
    data = tree.source.read(Side.HEAD, lock_path)
    if data is None:
        return
    lock = parse_lock(decode_text(data, lock_path, Side.HEAD), lock_path)
    lock_changed = any(lock_path in (p.base_path, p.head_path) for p in tree.pairs)
    if lock_changed and lock.recorded_sum != lock.actual_sum:
        yield change(LOCK_MISMATCH, lock_path, "sum", revision="(all)", lock=lock_path,
                     detail="the sum line does not match the entries; regenerate the lock")
    locked = lock.by_revision()
    for revision, path in sorted(tree.head_graph.paths.items()):
        if revision not in locked and revision not in tree.base_graph.paths:
            yield change(LOCK_MISMATCH, path, revision, revision=revision, lock=lock_path,
                         detail="new revision missing from the lock; run `classify migrations lock`")
    for entry in lock.entries:
        located = tree.head_graph.paths.get(entry.revision)
        if located is None:
            yield change(LOCK_MISMATCH, lock_path, entry.revision, revision=entry.revision, lock=lock_path,
                         detail="locked revision no longer exists")
        elif lock_changed or located in tree.changed[Side.HEAD]:
            actual = tree.full(Side.HEAD, located).structure
            if actual != entry.digest:
                yield change(LOCK_MISMATCH, located, entry.revision, revision=entry.revision, lock=lock_path,
                             detail=f"structure {actual} differs from the locked {entry.digest}")


def expected_head_changes(source: Source, config: MigrationsConfig, graphs: Mapping[str, RevisionGraph]) -> Iterator[Change]:
    """A violation when the pinned head differs from the graph's heads at the head side."""
    path = config.expected_head_file
    assert path is not None
    data = source.read(Side.HEAD, path)
    if data is None:
        raise SourceError(f"expected_head_file {path}: no such file at the head",
                          hint="create it or fix [tool.classifier.migrations] expected_head_file")
    expected = read_expected_heads(decode_text(data, path, Side.HEAD), path, config.expected_head_variable)
    actual = sorted({head for graph in graphs.values() for head in graph.heads()})
    if set(expected) != set(actual):
        yield change("expected-head-mismatch", path, "expected-head", expected=", ".join(expected),
                     actual=", ".join(actual) or "(no revisions)", file=path)


def read_expected_heads(text: str, path: str, variable: str) -> list[str]:
    """Heads pinned in an env file (``VARIABLE=rev``) or a plain list (one revision a line).

    Raises:
        SourceError: the file has neither form.
    """
    plain: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if sep and key.strip() == variable:
            return [v for v in value.strip().strip("'\"").replace(",", " ").split() if v]
        if not sep and len(line.split()) == 1:
            plain.append(line)
    if plain:
        return plain
    raise SourceError(f"{path}: no {variable}= line and no revision list",
                      hint=f"add `{variable}=<head revision>` or set expected_head_variable")
