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
class Condition:
    """One conjunct of a data statement's ``WHERE``: ``column`` tested by ``test``.

    ``test`` is ``null`` (``IS NULL``), ``not_null``, ``in`` (``=`` or ``IN``
    of the literal ``values``) or ``other`` (anything else; ``values`` empty).
    """

    column: str
    test: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Assignment:
    """One ``SET column = value`` of a data statement.

    ``literal`` is the value when it is a constant; ``reads`` names the columns
    the value is computed from; ``volatile`` is true when it calls a function
    whose result changes between runs (``now()``, ``random()`` …); ``idempotent``
    is true when applying the value to its own result changes nothing
    (``lower(c)``, ``jsonb_set(c, '{k}', '1')``, ``c || '{"k": 1}'::jsonb``).
    """

    column: str
    literal: str | None
    reads: frozenset[str] = frozenset()
    volatile: bool = False
    idempotent: bool = False


@dataclass(frozen=True, slots=True)
class DataEffect:
    """What a data statement writes, read from its syntax tree.

    ``where`` is ``None`` without a ``WHERE``; ``where_columns`` every column the
    predicate reads. ``conflict_guard`` is true for an insert that skips rows
    already present (``ON CONFLICT``, ``WHERE NOT EXISTS``); ``from_select``
    for ``INSERT … SELECT`` (and ``COPY``, which also fills a table in bulk).
    """

    assignments: tuple[Assignment, ...] = ()
    where: tuple[Condition, ...] | None = None
    where_columns: frozenset[str] = frozenset()
    conflict_guard: bool = False
    from_select: bool = False


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
    effect: DataEffect | None = None


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
    conditional: bool = False
    via: str = ""

    def param(self, name: str) -> str | None:
        """An argument by its name in Alembic's signature, given by keyword or by position."""
        for key, found in self.arguments:
            if key == name:
                return found
        position = signature_position(self.name, name, self.batch)
        if position is None:
            return None
        return next((found for key, found in self.arguments if key == str(position)), None)

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
    reaches_database: bool = True


@dataclass(frozen=True, slots=True)
class MigrationFile:
    """A fully read revision file."""

    path: str
    graph: GraphFields
    operations: tuple[Operation, ...] = ()
    unrecognised: tuple[Unrecognised, ...] = ()
    structure: str = ""
    parse_error: str | None = None
    too_large: str | None = None
    lines: dict[str, int] = field(default_factory=dict, hash=False, compare=False)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict, hash=False, compare=False)
    import_free_structure: str = ""
    meaning: str = ""
    used_names: frozenset[str] = frozenset()

    def in_function(self, function: str) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if op.function == function)


# Alembic's parameter names, in order, for the operations whose arguments are read
# by name; ``batch_op`` methods take the same minus the table name.
SIGNATURES: dict[str, tuple[str, ...]] = {
    "create_table": ("table_name",),
    "drop_table": ("table_name",),
    "rename_table": ("old_table_name", "new_table_name"),
    "add_column": ("table_name", "column"),
    "drop_column": ("table_name", "column_name"),
    "alter_column": ("table_name", "column_name"),
    "create_index": ("index_name", "table_name", "columns"),
    "drop_index": ("index_name", "table_name"),
    "create_unique_constraint": ("constraint_name", "table_name", "columns"),
    "create_foreign_key": ("constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"),
    "create_check_constraint": ("constraint_name", "table_name", "condition"),
    "create_primary_key": ("constraint_name", "table_name", "columns"),
    "create_exclude_constraint": ("constraint_name", "table_name"),
    "drop_constraint": ("constraint_name", "table_name", "type_"),
    "bulk_insert": ("table", "rows"),
    "sync_enum_values": ("enum_schema", "enum_name", "new_values", "affected_columns"),
}
_TABLE_PARAMS = frozenset({"table_name", "source_table", "old_table_name"})


def signature_position(operation: str, name: str, batch: bool) -> int | None:
    """Where ``name`` sits among the positional arguments of ``operation``."""
    names = SIGNATURES.get(operation)
    if not names or name not in names:
        return None
    if batch:
        names = tuple(n for n in names if n not in _TABLE_PARAMS)
        if name not in names:
            return None
    return names.index(name)
