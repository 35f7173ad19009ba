"""The Alembic migrations surface: applied-migration protection, graph, new operations.

Claims the revision files of every migration tree (configured ``paths``, the
version locations an ``alembic.ini`` above the changed files names, or by
default every ``versions/`` folder of an Alembic script directory), plus the
lock file and the expected-head file. Revision files are read with libcst and
never imported or run. This package's import stays light: the parser and the
SQL parser are loaded only when a claimed file is compared.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from classifier.errors import ConfigError
from classifier.model import Change, Side
from classifier.policy.config import Config
from classifier.sources import FilePair, Source
from classifier.surfaces.migrations.config import LOCK_NAME, MigrationsConfig

if TYPE_CHECKING:
    from classifier.surfaces.migrations.locations import LocationFinder

SURFACE = "migrations"


class MigrationsSurface:
    """Compares Alembic migration trees between base and head."""

    name = SURFACE

    # "Applied" means present on the default branch: in the hook's pre-commit stage the claimed files are
    # compared from the default branch's merge-base, not from HEAD (see ``check.py``).
    judged_from_the_default_branch = True

    def __init__(self, config: Config) -> None:
        self.config = MigrationsConfig.from_table(config.table.get("migrations", {}))
        # Repository modules applied revisions import, found by ``claim``; judged as code by later surfaces too.
        self.helper_paths: set[str] = set()
        self.declined: list[FilePair] = []

    def claim(self, pairs: Sequence[FilePair], source: Source) -> list[FilePair]:
        """Revision files of the configured trees, or of the version locations Alembic's own files name.

        Raises:
            ConfigError: a configured tree is a folder at neither revision.
        """
        self._check_configured_paths(source)
        python = [p for pair in pairs for p in (pair.head_path, pair.base_path) if p and p.endswith(".py")]
        if python and not self.config.paths:
            # Only a change to Python files pays for reading alembic.ini files.
            from classifier.surfaces.migrations.locations import LocationFinder

            locations = LocationFinder(source).locations_above(python)
            if locations:
                self.config = replace(self.config, locations=tuple(locations))
        mine = [pair for pair in pairs if self._claims(pair.head_path) or self._claims(pair.base_path)]
        return mine + self._applied_helpers([pair for pair in pairs if self._maybe_helper(pair)], source)

    def compare(self, pairs: Sequence[FilePair], source: Source) -> Iterator[Change]:
        from classifier.surfaces.migrations.analysis import compare_trees

        helpers = [pair for pair in pairs if pair.base_path in self.helper_paths]
        trees = [pair for pair in pairs if pair.base_path not in self.helper_paths]
        yield from compare_trees(trees, source, self.config)
        if helpers:
            from classifier.surfaces.migrations.helperuse import helper_changes

            yield from helper_changes(helpers, source, self.config)

    def _applied_helpers(self, candidates: list[FilePair], source: Source) -> list[FilePair]:
        """Changed modules whose name an applied revision's text mentions (a byte search; no parser).

        They are compared here for what the applied revisions use, and passed on
        (``declined``) so the surfaces after this one still judge them as code.
        """
        if not candidates:
            return []
        from classifier.surfaces.migrations.helperuse import applied_revision_files, mentioning

        revisions = applied_revision_files(source, self.config)
        mentioned = mentioning([pair.base_path for pair in candidates if pair.base_path], revisions, source)
        helpers = [pair for pair in candidates if pair.base_path in mentioned]
        self.helper_paths = {pair.base_path for pair in helpers if pair.base_path}
        self.declined = list(helpers)
        return helpers

    def _maybe_helper(self, pair: FilePair) -> bool:
        """A Python module present at the base that is no migration file: an applied revision may import it."""
        path = pair.base_path
        return (path is not None and path.endswith(".py") and not pair.is_submodule
                and not self._claims(path) and not self._claims(pair.head_path))

    def _check_configured_paths(self, source: Source) -> None:
        # A mistyped tree would otherwise claim nothing, and every edit under the real one would pass unseen.
        for tree in self.config.paths:
            if not any(source.list_files(side, tree) for side in (Side.BASE, Side.HEAD)):
                raise ConfigError(f"migrations.paths: {tree!r} is a folder with files at neither revision",
                                  hint="fix the path in [tool.classifier.migrations] paths, or remove the entry")

    def _claims(self, path: str | None) -> bool:
        if path is None:
            return False
        if path in (self.config.expected_head_file, self.config.lock_file) or path.rsplit("/", 1)[-1] == LOCK_NAME:
            return True
        return tree_of(path, self.config) is not None


def tree_of(path: str, config: MigrationsConfig) -> str | None:
    """The migration tree (folder) a revision file belongs to, or ``None``."""
    if not path.endswith(".py") or path.rsplit("/", 1)[-1] == "__init__.py" or "/__pycache__/" in f"/{path}":
        return None
    if config.paths:
        return next((tree for tree in config.paths if path.startswith(tree + "/")), None)
    named = [location for location in config.locations if location.holds(path)]
    if named:
        return max(named, key=lambda location: len(location.folder)).group
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    return folder if folder == "versions" or folder.endswith("/versions") else None
