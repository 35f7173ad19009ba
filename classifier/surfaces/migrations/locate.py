"""Which migration tree each claimed file belongs to, and whether that tree is Alembic's.

With ``paths`` configured every listed folder is a tree. Otherwise a
``versions/`` folder is a tree when its parent holds ``env.py`` or when an
``alembic.ini`` at the repository root names the parent as its
``script_location`` (read as text with ``configparser``; nothing is run).
"""

from __future__ import annotations

import configparser
from collections.abc import Sequence

from classifier.model import Side
from classifier.sources import FilePair, Source
from classifier.surfaces.migrations import tree_of
from classifier.surfaces.migrations.config import LOCK_NAME, MigrationsConfig


def group_by_tree(
    pairs: Sequence[FilePair], source: Source, config: MigrationsConfig
) -> tuple[dict[str, list[FilePair]], list[FilePair]]:
    """``(tree -> its pairs, pairs in a folder that is not an Alembic tree)``."""
    trees: dict[str, list[FilePair]] = {}
    strays: list[FilePair] = []
    confirmed: dict[str, bool] = {}
    for pair in pairs:
        tree = _tree_for(pair, config)
        if tree is None:
            continue
        if tree not in confirmed:
            confirmed[tree] = _is_alembic_tree(tree, source, config)
        (trees.setdefault(tree, []) if confirmed[tree] else strays).append(pair)
    return trees, [p for p in strays if not p.path.endswith(LOCK_NAME)]


def discover_trees(source: Source, config: MigrationsConfig, side: Side = Side.HEAD) -> list[str]:
    """The configured trees, or those named by the root ``alembic.ini``."""
    if config.paths:
        return list(config.paths)
    named = [location.group for location in config.locations]
    return sorted(set(named) | set(_ini_trees(source, side) or _env_trees(source, side)))


def _tree_for(pair: FilePair, config: MigrationsConfig) -> str | None:
    for path in (pair.head_path, pair.base_path):
        if path is None:
            continue
        tree = tree_of(path, config)
        if tree is not None:
            return tree
        if path.rsplit("/", 1)[-1] == LOCK_NAME:
            return _tree_of_lock(path, config)
    return None


def _tree_of_lock(path: str, config: MigrationsConfig) -> str | None:
    if config.paths:
        return next((tree for tree in config.paths if config.lock_path(tree) == path), None)
    parent = path.rsplit("/", 1)[0] if "/" in path else ""
    return f"{parent}/versions" if parent else "versions"


def _is_alembic_tree(tree: str, source: Source, config: MigrationsConfig) -> bool:
    if config.paths or any(location.group == tree for location in config.locations):
        return True
    parent = tree.rsplit("/", 1)[0] if "/" in tree else ""
    env = f"{parent}/env.py" if parent else "env.py"
    if any(source.read(side, env) is not None for side in (Side.HEAD, Side.BASE)):
        return True
    return any(tree in _ini_trees(source, side) for side in (Side.HEAD, Side.BASE))


def _env_trees(source: Source, side: Side) -> list[str]:
    """Every ``versions/`` folder beside an ``env.py`` (lists the whole tree: used only when nothing else says)."""
    files = source.list_files(side, "")
    folders = {path.rsplit("/", 1)[0] if "/" in path else "" for path in files}
    trees = []
    for path in files:
        if path == "env.py" or path.endswith("/env.py"):
            parent = path[: -len("env.py")].rstrip("/")
            tree = f"{parent}/versions" if parent else "versions"
            if tree in folders:
                trees.append(tree)
    return sorted(trees)


def _ini_trees(source: Source, side: Side) -> list[str]:
    data = source.read(side, "alembic.ini")
    if data is None:
        return []
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(data.decode("utf-8", "replace"))
    except configparser.Error:
        return []
    if not parser.has_section("alembic"):
        return []
    from classifier.surfaces.migrations.locations import ini_locations

    return sorted({location.group for location in ini_locations("alembic.ini", data.decode("utf-8", "replace"))})
