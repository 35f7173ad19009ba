"""``classify migrations lock``: write or verify each tree's ``migrations.lock``.

``classifier.cli`` mounts this on its ``migrations`` sub-command through
``add_command``; ``python -m classifier.surfaces.migrations.lock``
runs it on its own. Exit codes: 0 written or up to date, 1 ``--check`` found
the lock out of date, 2 bad input (a ``ClassifierError``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from classifier.errors import SourceError, UsageError
from classifier.model import Side
from classifier.policy.config import load_config
from classifier.surfaces.migrations import tree_of
from classifier.surfaces.migrations.config import MigrationsConfig
from classifier.surfaces.migrations.lockfile import LockEntry, render_lock

EXIT_OK, EXIT_STALE = 0, 1
_SKIPPED_FOLDERS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"})


@dataclass(frozen=True, slots=True)
class LockResult:
    """One tree's lock: where it lives, its text, and whether the file on disk matched."""

    path: str
    text: str
    up_to_date: bool
    revisions: int


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the required ``lock`` sub-command to the ``migrations`` parser."""
    add_command(parser.add_subparsers(dest="migrations_command", metavar="COMMAND", required=True))


def add_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add ``lock`` to the ``migrations`` group's sub-commands."""
    lock = commands.add_parser(
        "lock",
        help="write migrations.lock (one structural hash per revision) for every migration tree",
        description="Write migrations.lock beside each versions/ folder, or verify it with --check.",
    )
    lock.add_argument("--repo", metavar="DIR", default=".", help="repository root (default: current folder)")
    lock.add_argument("--config", metavar="FILE", help="configuration file (default: .classifier.toml or pyproject.toml)")
    lock.add_argument("--check", action="store_true", help="do not write; exit 1 when a lock file is missing or stale")
    lock.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write (or with ``--check`` verify) the lock files; print one line per tree.

    Raises:
        ClassifierError: no migration tree, an unreadable revision file.
    """
    top = Path(args.repo)
    if not top.is_dir():
        raise UsageError(f"--repo {top}: no such directory", hint="pass the repository root")
    config = load_config(top, Path(args.config) if args.config else None)
    results = build_locks(top, MigrationsConfig.from_table(config.table.get("migrations", {})))
    stale = 0
    for result in results:
        if args.check:
            stale += not result.up_to_date
            state = "up to date" if result.up_to_date else "out of date: run `classify migrations lock`"
            print(f"{result.path}: {state} ({result.revisions} revisions)")
        else:
            (top / result.path).write_text(result.text, encoding="utf-8")
            print(f"{result.path}: {'unchanged' if result.up_to_date else 'written'} ({result.revisions} revisions)")
    return EXIT_STALE if stale else EXIT_OK


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


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m classifier.surfaces.migrations.lock lock …``."""
    from classifier.cli import main as classify_main

    return classify_main(["migrations", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
