"""``[tool.classifier.migrations]``: where the trees are and what they must preserve."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from classifier.surfaces.migrations.locations import VersionLocation

DEFAULT_HEAD_VARIABLE = "EXPECTED_ALEMBIC_HEAD"
# Budgets, checked before a revision file is parsed (see docs/robustness.md).
DEFAULT_MAX_REVISION_KB = 2048
DEFAULT_MAX_OPERATIONS = 5000
LOCK_NAME = "migrations.lock"


@dataclass(frozen=True, slots=True)
class MigrationsConfig:
    """The migrations surface's settings (see docs/migrations.md).

    ``paths`` empty means discovery: every ``versions/`` folder of an Alembic
    script directory. ``lock_file`` empty means ``migrations.lock`` beside
    each tree's ``versions/`` folder.
    """

    paths: tuple[str, ...] = ()
    dialect: str = "postgresql"
    append_only_tables: frozenset[str] = frozenset()
    key_binding_tables: frozenset[str] = frozenset()
    expected_head_file: str | None = None
    expected_head_variable: str = DEFAULT_HEAD_VARIABLE
    lock_file: str | None = None
    forbid_reformat: bool = False
    max_revision_kb: int = DEFAULT_MAX_REVISION_KB
    max_operations: int = DEFAULT_MAX_OPERATIONS
    # Version locations named by alembic.ini files above the changed files (found, not configured).
    locations: tuple[VersionLocation, ...] = ()

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> MigrationsConfig:
        """Read the (already schema-validated) ``migrations`` table."""
        return cls(
            paths=tuple(_folder(p) for p in table.get("paths", ())),
            dialect=table.get("dialect", "postgresql"),
            append_only_tables=frozenset(t.lower() for t in table.get("append_only_tables", ())),
            key_binding_tables=frozenset(t.lower() for t in table.get("key_binding_tables", ())),
            expected_head_file=table.get("expected_head_file"),
            expected_head_variable=table.get("expected_head_variable", DEFAULT_HEAD_VARIABLE),
            lock_file=table.get("lock_file"),
            forbid_reformat=bool(table.get("forbid_reformat", False)),
            max_revision_kb=int(table.get("max_revision_kb", DEFAULT_MAX_REVISION_KB)),
            max_operations=int(table.get("max_operations", DEFAULT_MAX_OPERATIONS)),
        )

    def lock_path(self, tree: str) -> str:
        """Where the lock file of ``tree`` lives."""
        if self.lock_file:
            return self.lock_file
        parent = tree.rsplit("/", 1)[0] if "/" in tree else ""
        return f"{parent}/{LOCK_NAME}" if parent else LOCK_NAME


def _folder(path: str) -> str:
    return path.strip("/").removeprefix("./")
