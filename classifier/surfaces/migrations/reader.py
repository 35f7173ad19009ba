"""Read one revision file with libcst: graph fields, operations, raw SQL.

Nothing here imports or runs the file: libcst only builds a syntax tree.
Everything inside ``upgrade()`` and ``downgrade()`` that is not an understood
operation is recorded as ``Unrecognised`` with the reason, never guessed.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from classifier.surfaces.migrations.canonical import canonical, display, structure_digest
from classifier.surfaces.migrations.model import (
    DOWNGRADE,
    MODULE,
    UPGRADE,
    GraphFields,
    MigrationFile,
    Operation,
    Unrecognised,
)
from classifier.surfaces.migrations.sql import analyse_sql

GRAPH_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")
# Statements that set up a data migration without changing anything themselves.
_HELPER_CALLS = frozenset({"op.get_bind", "sa.table", "sa.Table", "table", "sa.column", "column", "sa.sql.table"})


def read_migration(path: str, text: str, dialect: str, lines: bool = True) -> MigrationFile:
    """Parse ``text`` (the content of ``path``) into a ``MigrationFile``.

    ``lines=False`` skips computing line numbers (every line is 0): an applied
    revision is compared by structure only, and the position pass costs more
    than the parse itself.
    """
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        problem = f"does not parse: {exc.message} at line {exc.raw_line}, column {exc.raw_column}"
        return MigrationFile(path, GraphFields(None, problem=problem), parse_error=problem)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider) if lines else None
    walker = _FunctionWalker(positions, dialect)
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.FunctionDef) and statement.name.value in (UPGRADE, DOWNGRADE):
            walker.walk_function(statement)
        elif not _inert_module_statement(statement, first=index == 0):
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


def graph_fields(module: cst.Module) -> GraphFields:
    """The literal values of ``revision``, ``down_revision``, ``branch_labels``, ``depends_on``."""
    values: dict[str, tuple[str, ...] | None] = {}
    problems: list[str] = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            name, value = _assignment(small)
            if name in GRAPH_NAMES and value is not None:
                literal = literal_strings(value)
                if literal is None:
                    problems.append(f"{name} is not a literal ({display(value)})")
                values[name] = literal
    revision = values.get("revision")
    return GraphFields(
        revision=revision[0] if revision and len(revision) == 1 else None,
        down_revision=values.get("down_revision") or (),
        branch_labels=values.get("branch_labels") or (),
        depends_on=values.get("depends_on") or (),
        problem="; ".join(problems) or (None if revision else "no `revision = \"...\"` assignment"),
    )


def literal_strings(node: cst.BaseExpression) -> tuple[str, ...] | None:
    """A string, ``None`` or a tuple/list of strings as a tuple; ``None`` when not a literal."""
    if isinstance(node, cst.Name) and node.value == "None":
        return ()
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return (value,) if isinstance(value, str) else None
    if isinstance(node, (cst.Tuple, cst.List)):
        items = [literal_strings(element.value) for element in node.elements]
        if any(item is None or len(item) != 1 for item in items):
            return None
        return tuple(item[0] for item in items if item)
    return None


def _assignment(small: cst.BaseSmallStatement) -> tuple[str | None, cst.BaseExpression | None]:
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        return (target.value if isinstance(target, cst.Name) else None), small.value
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return small.target.value, small.value
    return None, None


def dotted(node: cst.BaseExpression) -> str | None:
    """``op.batch_alter_table`` for an attribute chain of names, else ``None``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr.value}" if inner else None
    return None


class _FunctionWalker:
    """Collects operations from the statements of ``upgrade()``/``downgrade()``."""

    def __init__(self, positions: object, dialect: str) -> None:
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
        for small in block.body:  # type: ignore[attr-defined]  # `def upgrade(): pass` on one line
            self._small(small, batch, autocommit)

    def line(self, node: cst.CSTNode) -> int:
        if self.positions is None:
            return 0
        return self.positions[node].start.line  # type: ignore[index]

    def _statements(self, statements: Sequence[cst.BaseStatement], batch: tuple[str, str | None] | None, autocommit: bool) -> None:
        for index, statement in enumerate(statements):
            if index == 0 and _is_docstring(statement):
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
            table = _string(call.args[0].value)
            return self._block(body, (alias, table), autocommit)
        if name == "op.get_context().autocommit_block" or _is_autocommit(call):
            return self._block(body, batch, True)
        return self._unknown(statement, f"`with {display(call)}` is not an Alembic block")

    def _small(self, small: cst.BaseSmallStatement, batch: tuple[str, str | None] | None, autocommit: bool) -> None:
        if isinstance(small, cst.Pass):
            return
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            return self._call(small, small.value, batch, autocommit)
        name, value = _assignment(small)
        if name and isinstance(value, cst.Call) and self._helper_assignment(name, value):
            return
        self._unknown(small, "not an Alembic operation")

    def _helper_assignment(self, name: str, value: cst.Call) -> bool:
        func = dotted(value.func)
        if func == "op.get_bind":
            self.connections.add(name)
            return True
        if func in _HELPER_CALLS and value.args:
            self.tables[name] = _string(value.args[0].value) or name
            return True
        return False

    def _call(self, owner: cst.CSTNode, call: cst.Call, batch: tuple[str, str | None] | None, autocommit: bool) -> None:
        func = dotted(call.func) or ""
        receiver, _, name = func.rpartition(".")
        if batch is not None and receiver == batch[0]:
            return self._add(owner, call, name, batch[1], batch=True, autocommit=autocommit)
        if receiver == "op":
            return self._add(owner, call, name, _table_argument(name, call, self.tables), batch=False, autocommit=autocommit)
        if name == "execute" and (receiver in self.connections or _is_get_bind(call.func)):
            return self._add(owner, call, "execute", None, batch=False, autocommit=autocommit)
        self._unknown(owner, f"call to {func or display(call.func)} is not an Alembic operation")

    def _add(self, owner: cst.CSTNode, call: cst.Call, name: str, table: str | None, batch: bool, autocommit: bool) -> None:
        sql = ()
        if name == "execute":
            text = _sql_text(call)
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


def flatten(call: cst.Call, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every argument of ``call`` by path; nested calls are walked (see ``Operation``)."""
    if prefix:
        yield f"{prefix}()", dotted(call.func) or display(call.func)
    position = 0
    for arg in call.args:
        if arg.keyword is not None:
            key = arg.keyword.value
        else:
            key, position = str(position), position + 1
        path = f"{prefix}{key}"
        if isinstance(arg.value, cst.Call):
            yield path, display(arg.value)
            yield from flatten(arg.value, path + ".")
        else:
            yield path, display(arg.value)


def _table_argument(name: str, call: cst.Call, tables: dict[str, str]) -> str | None:
    keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    positional = [a.value for a in call.args if a.keyword is None]
    if name == "execute":
        return None
    if "table_name" in keywords:
        return _string(keywords["table_name"])
    if name == "bulk_insert" and positional:
        return tables.get(dotted(positional[0]) or "", None)
    if name in ("create_index", "create_unique_constraint", "create_foreign_key", "create_check_constraint",
                "create_primary_key", "create_exclude_constraint") and len(positional) > 1:
        return _string(positional[1])
    if name in ("drop_constraint", "drop_index") and len(positional) > 1:
        return _string(positional[1])
    if name in ("drop_index",):
        return None
    return _string(positional[0]) if positional else None


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _sql_text(call: cst.Call) -> str | None:
    if not call.args:
        return None
    value = call.args[0].value
    if isinstance(value, cst.Call) and dotted(value.func) in ("sa.text", "text", "sqlalchemy.text") and value.args:
        value = value.args[0].value
    return _string(value)


def _is_get_bind(func: cst.BaseExpression) -> bool:
    return isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call) and dotted(func.value.func) == "op.get_bind"


def _is_autocommit(call: cst.BaseExpression) -> bool:
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "autocommit_block"
    )


def _inert_module_statement(statement: cst.BaseStatement, first: bool) -> bool:
    """Imports, definitions, the docstring and plain assignments do nothing when imported."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) or (first and _is_docstring(statement)):
        return True
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(
        isinstance(small, (cst.Import, cst.ImportFrom, cst.Pass))
        or (_assignment(small)[0] is not None and not _calls(_assignment(small)[1]))
        for small in statement.body
    )


def _calls(node: cst.BaseExpression | None) -> bool:
    """Whether evaluating ``node`` calls anything other than SQLAlchemy type and table constructors."""
    if node is None:
        return False
    return any(
        dotted(call.func) not in _HELPER_CALLS and not (dotted(call.func) or "").startswith(("sa.", "sqlalchemy."))
        for call in _find_calls(node)
    )


def _find_calls(node: cst.CSTNode) -> list[cst.Call]:
    found: list[cst.Call] = []

    class _Collector(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            found.append(call)

    node.visit(_Collector())
    return found


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
