"""An adapter: the migration graph of one git revision, read statically.

The migrations surface reads graphs through a two-sided ``Source``; a
rollback check needs one commit, named by the user, without the merge-base
resolution a ``GitSource`` applies to its base. This adapter serves that one
commit through the same ``read``/``list_files`` calls and hands the files to
the surface's own readers (``discover_trees``, ``tree_of``, the cheap
graph-field scan with its libcst fallback, ``RevisionGraph``). Nothing is
imported or run from the revision.
"""

from __future__ import annotations

from functools import partial

from classifier.errors import GitError
from classifier.model import Side
from classifier.sources.commit import CommitFiles
from classifier.surfaces.migrations import tree_of
from classifier.surfaces.migrations.config import MigrationsConfig
from classifier.surfaces.migrations.graph import RevisionGraph
from classifier.surfaces.migrations.graphscan import cheap_graph_fields
from classifier.surfaces.migrations.locate import discover_trees
from classifier.surfaces.migrations.model import GraphFields


def migration_trees(files: CommitFiles, tree: str | None) -> list[str]:
    """The trees to read: ``tree`` if given, else those the commit's ``alembic.ini`` names.

    Raises:
        GitError: No tree was given and the commit has no ``alembic.ini`` naming one.
    """
    if tree:
        return [tree.strip("/")]
    trees = discover_trees(files, MigrationsConfig(), Side.BASE)
    if not trees:
        raise GitError(f"{files.ref}: no alembic.ini naming a script_location", hint="pass --tree PATH/versions")
    return trees


def _full_read(path: str, dialect: str, text: str) -> GraphFields:
    """The libcst read, for files whose graph fields the cheap scan cannot settle."""
    from classifier.surfaces.migrations.reader import read_migration

    return read_migration(path, text, dialect, lines=False).graph


def read_graph(files: CommitFiles, trees: list[str], dialect: str = "postgresql") -> RevisionGraph:
    """The revision graph of ``trees`` at the commit, read without importing anything."""
    config = MigrationsConfig(paths=tuple(trees))
    fields: dict[str, GraphFields] = {}
    for tree in trees:
        for path in files.list_files(Side.BASE, tree):
            if tree_of(path, config) is None:
                continue
            data = files.read(Side.BASE, path) or b""
            fields[path] = cheap_graph_fields(data, partial(_full_read, path, dialect))
    return RevisionGraph.build(fields)
