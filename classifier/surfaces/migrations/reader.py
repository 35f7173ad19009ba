"""Read one revision file with libcst: graph fields, operations, raw SQL.

Nothing here imports or runs the file: libcst only builds a syntax tree.
Everything inside ``upgrade()`` and ``downgrade()`` that is not an understood
operation is recorded as ``Unrecognised`` with the reason, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from classifier.sources.limits import PythonTooLarge
from classifier.surfaces.cst_parse import parse_module as guarded_parse_module
from classifier.surfaces.migrations.canonical import (
    canonical,
    display,
    structure_digest,
)
from classifier.surfaces.migrations.model import (
    DOWNGRADE,
    MODULE,
    UPGRADE,
    GraphFields,
    MigrationFile,
    Operation,
    SqlStatement,
    Unrecognised,
)
from classifier.surfaces.migrations.sql import analyse_sql
from classifier.surfaces.migrations.syntax import (
    HELPER_CALLS,
    assignment,
    dotted,
    flatten,
    graph_fields,
    inert_module_statement,
    is_autocommit,
    is_docstring,
    is_get_bind,
    sql_text,
    string_value,
    table_argument,
)


def read_migration(path: str, text: str, dialect: str, lines: bool = True) -> MigrationFile:
    """Parse ``text`` (the content of ``path``) into a ``MigrationFile``.

    ``lines=False`` skips computing line numbers (every line is 0): an applied
    revision is compared by structure only, and the position pass costs more
    than the parse itself.
    """
    try:
        return _read(path, guarded_parse_module(text), dialect, lines)
    except cst.ParserSyntaxError as exc:
        problem = f"does not parse (line {exc.raw_line}): {exc.message}"
    except RecursionError:
        # From the parser, or from a walk over a chain libcst nests (a and b and ...).
        problem = "does not parse: nested too deeply"
    except PythonTooLarge as exc:
        problem = f"not parsed: {exc.message}"
    return MigrationFile(path, GraphFields(None, problem=problem), parse_error=problem)


def _read(path: str, module: cst.Module, dialect: str, lines: bool) -> MigrationFile:
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider) if lines else None
    walker = _FunctionWalker(positions, dialect)
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.FunctionDef) and statement.name.value in (UPGRADE, DOWNGRADE):
            walker.walk_function(statement)
        elif not inert_module_statement(statement, first=index == 0):
            walker.unrecognised.append(
                Unrecognised(MODULE, walker.line(statement), display(statement)[:120], "module-level code runs on import")
            )
    return MigrationFile(
        path=path,
        graph=graph_fields(module),
        operations=tuple(walker.operations),
        unrecognised=tuple(walker.unrecognised),
        structure=structure_digest(module),
    )


class _FunctionWalker:
    """Collects operations from the statements of ``upgrade()``/``downgrade()``."""

    def __init__(self, positions: Mapping[cst.CSTNode, CodeRange] | None, dialect: str) -> None:
        self.positions = positions
        self.dialect = dialect
        self.operations: list[Operation] = []
        self.unrecognised: list[Unrecognised] = []
        self.function = UPGRADE
        self.tables: dict[str, str] = {}  # variable -> table name, for bulk_insert
        self.connections: set[str] = set()

    def walk_function(self, function: cst.FunctionDef) -> None:
        self.function = function.name.value
        self.tables, self.connections = {}, set()
        self._block(function.body, batch=None, autocommit=False)

    def _block(self, block: cst.BaseSuite, batch: tuple[str, str | None] | None, autocommit: bool) -> None:
        if isinstance(block, cst.IndentedBlock):
            return self._statements(block.body, batch, autocommit)
        if isinstance(block, cst.SimpleStatementSuite):  # `def upgrade(): pass` on one line
            for small in block.body:
                self._small(small, batch, autocommit)
        return None

    def line(self, node: cst.CSTNode) -> int:
        if self.positions is None:
            return 0
        return self.positions[node].start.line

    def _statements(self, statements: Sequence[cst.BaseStatement], batch: tuple[str, str | None] | None, autocommit: bool) -> None:
        for index, statement in enumerate(statements):
            if index == 0 and is_docstring(statement):
                continue
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self._small(small, batch, autocommit)
            elif isinstance(statement, cst.With):
                self._with(statement, batch, autocommit)
            else:
                self._unknown(statement, "control flow is not analysed")

    def _with(self, statement: cst.With, batch: tuple[str, str | None] | None, autocommit: bool) -> None:
        if len(statement.items) != 1:
            return self._unknown(statement, "a `with` of several context managers is not analysed")
        item = statement.items[0]
        call = item.item
        name = dotted(call.func) if isinstance(call, cst.Call) else None
        body = statement.body
        if name == "op.batch_alter_table" and isinstance(call, cst.Call) and call.args:
            alias = item.asname.name.value if item.asname and isinstance(item.asname.name, cst.Name) else "batch_op"
            table = string_value(call.args[0].value)
            return self._block(body, (alias, table), autocommit)
        if name == "op.get_context().autocommit_block" or is_autocommit(call):
            return self._block(body, batch, True)
        return self._unknown(statement, f"`with {display(call)}` is not an Alembic block")

    def _small(self, small: cst.BaseSmallStatement, batch: tuple[str, str | None] | None, autocommit: bool) -> None:
        if isinstance(small, cst.Pass):
            return
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            return self._call(small, small.value, batch, autocommit)
        name, value = assignment(small)
        if name and isinstance(value, cst.Call) and self._helperassignment(name, value):
            return
        self._unknown(small, "not an Alembic operation")

    def _helperassignment(self, name: str, value: cst.Call) -> bool:
        func = dotted(value.func)
        if func == "op.get_bind":
            self.connections.add(name)
            return True
        if func in HELPER_CALLS and value.args:
            self.tables[name] = string_value(value.args[0].value) or name
            return True
        return False

    def _call(self, owner: cst.CSTNode, call: cst.Call, batch: tuple[str, str | None] | None, autocommit: bool) -> None:
        func = dotted(call.func) or ""
        receiver, _, name = func.rpartition(".")
        if not func and isinstance(call.func, cst.Attribute):
            name = call.func.attr.value  # a method of a call result: ``op.get_bind().execute``
        if batch is not None and receiver == batch[0]:
            return self._add(owner, call, name, batch[1], batch=True, autocommit=autocommit)
        if receiver == "op":
            return self._add(owner, call, name, table_argument(name, call, self.tables), batch=False, autocommit=autocommit)
        on_bind = receiver in self.connections or is_get_bind(call.func)
        if on_bind and name in ("commit", "rollback"):
            return None  # transaction control around an autocommit block changes no schema
        if name == "execute" and on_bind:
            return self._add(owner, call, "execute", None, batch=False, autocommit=autocommit)
        self._unknown(owner, f"call to {func or display(call.func)} is not an Alembic operation")

    def _add(self, owner: cst.CSTNode, call: cst.Call, name: str, table: str | None, batch: bool, autocommit: bool) -> None:
        sql: tuple[SqlStatement, ...] = ()
        if name == "execute":
            text = sql_text(call)
            if text is None:
                return self._unknown(owner, "op.execute with SQL that is not a literal string")
            sql = analyse_sql(text, self.dialect)
        self.operations.append(
            Operation(
                function=self.function,
                name=name,
                table=table,
                line=self.line(owner),
                arguments=tuple(flatten(call)),
                canonical=canonical(call),
                batch=batch,
                autocommit=autocommit,
                sql=sql,
            )
        )

    def _unknown(self, node: cst.CSTNode, reason: str) -> None:
        self.unrecognised.append(Unrecognised(self.function, self.line(node), display(node)[:120], reason))
