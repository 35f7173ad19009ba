"""What a revision file says, as plain records: graph fields, operations, SQL.

These records are produced by reading the file's syntax tree (nothing is
imported or run) and are compared field by field, so two files that differ
only in layout, comments or docstrings produce equal records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UPGRADE = "upgrade"
DOWNGRADE = "downgrade"
MODULE = "module"


@dataclass(frozen=True, slots=True)
class GraphFields:
    """The four module-level names Alembic reads to place a revision in the graph.

    ``down_revision``, ``branch_labels`` and ``depends_on`` are normalised to
    tuples (``None`` becomes the empty tuple). ``problem`` says why a field
    could not be read as a literal, when it could not.
    """

    revision: str | None
    down_revision: tuple[str, ...] = ()
    branch_labels: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class SqlStatement:
    """One statement of raw SQL, parsed and summarised.

    ``action`` is the surface's own vocabulary (``create_table``,
    ``drop_column``, ``update`` …, ``unknown`` when the parser could not tell).
    ``rerunnable`` is false for DDL without ``IF [NOT] EXISTS``; ``guarded`` is
    false for an ``UPDATE``/``DELETE`` without a ``WHERE`` clause.
    """

    action: str
    table: str | None
    text: str
    rerunnable: bool = True
    guarded: bool = True
    concurrently: bool = False
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Operation:
    """One ``op.*`` (or ``batch_op.*``) call inside ``upgrade()`` or ``downgrade()``.

    ``arguments`` flattens the call: ``("0", "'users'")``, ``("1.nullable",
    "False")``, ``("1.()", "sa.Column")``; nested calls are walked so a change
    deep inside ``sa.Column(...)`` can be named. ``canonical`` is the
    layout-free form used for equality.
    """

    function: str
    name: str
    table: str | None
    line: int
    arguments: tuple[tuple[str, str], ...]
    canonical: str
    batch: bool = False
    autocommit: bool = False
    sql: tuple[SqlStatement, ...] = ()

    def argument(self, suffix: str) -> str | None:
        """The first flattened argument whose key is ``suffix`` or ends with ``.suffix``."""
        for key, value in self.arguments:
            if key == suffix or key.endswith("." + suffix):
                return value
        return None

    @property
    def label(self) -> str:
        receiver = "batch_op" if self.batch else "op"
        return f"{receiver}.{self.name}"


@dataclass(frozen=True, slots=True)
class Unrecognised:
    """A statement of ``upgrade()``/``downgrade()`` that is not an understood operation."""

    function: str
    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class MigrationFile:
    """A fully read revision file."""

    path: str
    graph: GraphFields
    operations: tuple[Operation, ...] = ()
    unrecognised: tuple[Unrecognised, ...] = ()
    structure: str = ""
    parse_error: str | None = None
    lines: dict[str, int] = field(default_factory=dict, hash=False, compare=False)

    def in_function(self, function: str) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.function == function)
