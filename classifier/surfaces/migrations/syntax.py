"""Small readers of libcst nodes shared by the revision reader: names, literals, call arguments.

Nothing here evaluates code: literals are read from the tree (``evaluated_value``
of a string node), everything else is rendered back to source text.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from classifier.surfaces.migrations.canonical import display
from classifier.surfaces.migrations.model import GraphFields

GRAPH_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")
# Statements that set up a data migration without changing anything themselves.
HELPER_CALLS = frozenset({"op.get_bind", "sa.table", "sa.Table", "table", "sa.column", "column", "sa.sql.table"})


def graph_fields(module: cst.Module) -> GraphFields:
    """The literal values of ``revision``, ``down_revision``, ``branch_labels``, ``depends_on``."""
    values: dict[str, tuple[str, ...] | None] = {}
    problems: list[str] = []
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            name, value = assignment(small)
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


def assignment(small: cst.BaseSmallStatement) -> tuple[str | None, cst.BaseExpression | None]:
    """``(name, value)`` of ``name = value`` or ``name: T = value``; ``(None, None)`` otherwise."""
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


def table_argument(name: str, call: cst.Call, tables: dict[str, str]) -> str | None:
    """The table an ``op.<name>(...)`` call works on, read by Alembic's parameter names."""
    from classifier.surfaces.migrations.model import SIGNATURES

    keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    positional = [a.value for a in call.args if a.keyword is None]
    if name == "execute":
        return None
    if name == "bulk_insert":
        node = keywords.get("table", positional[0] if positional else None)
        if node is None:
            return None
        if isinstance(node, cst.Call) and node.args and (dotted(node.func) or "").rsplit(".", 1)[-1] in ("table", "Table"):
            return string_value(node.args[0].value)
        name = dotted(node) or ""
        if name in tables:
            return tables[name]
        return name.rsplit(".", 1)[-1] if isinstance(node, cst.Attribute) else None  # ``tables.logentrykind``
    params = SIGNATURES.get(name, ("table_name",))
    for param in ("table_name", "source_table", "old_table_name"):
        if param in keywords:
            return string_value(keywords[param])
        if param in params and params.index(param) < len(positional):
            return string_value(positional[params.index(param)])
    return None


def string_value(node: cst.BaseExpression) -> str | None:
    """The value of a string literal node, ``None`` for anything else (f-strings included)."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def sql_text(call: cst.Call) -> str | None:
    """The literal SQL of ``execute("...")`` or ``execute(sa.text("..."))``; ``None`` when not literal."""
    if not call.args:
        return None
    value = call.args[0].value
    if isinstance(value, cst.Call) and dotted(value.func) in ("sa.text", "text", "sqlalchemy.text") and value.args:
        value = value.args[0].value
    return string_value(value)


def is_get_bind(func: cst.BaseExpression) -> bool:
    """Whether ``func`` is a method of ``op.get_bind()``."""
    return isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call) and dotted(func.value.func) == "op.get_bind"


def is_autocommit(call: cst.BaseExpression) -> bool:
    """Whether ``call`` opens ``<context>.autocommit_block()``."""
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "autocommit_block"
    )


def inert_module_statement(statement: cst.BaseStatement, first: bool) -> bool:
    """Imports, definitions, the docstring and plain assignments do nothing when imported."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) or (first and is_docstring(statement)):
        return True
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(
        isinstance(small, (cst.Import, cst.ImportFrom, cst.Pass))
        or (assignment(small)[0] is not None and not _calls(assignment(small)[1]))
        for small in statement.body
    )


def _calls(node: cst.BaseExpression | None) -> bool:
    """Whether evaluating ``node`` calls anything but SQLAlchemy constructors, logging or the standard library."""
    if node is None:
        return False
    from classifier.surfaces.migrations.scope import INERT_ROOTS

    return any(
        dotted(call.func) not in HELPER_CALLS
        and not (dotted(call.func) or "").startswith(("sa.", "sqlalchemy.", "postgresql.", "mysql."))
        and (dotted(call.func) or "").split(".")[0] not in INERT_ROOTS
        for call in _find_calls(node)
    )


def _find_calls(node: cst.CSTNode) -> list[cst.Call]:
    found: list[cst.Call] = []

    class _Collector(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            found.append(call)

    node.visit(_Collector())
    return found


def is_docstring(statement: cst.BaseStatement) -> bool:
    """Whether ``statement`` is a lone string expression."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
