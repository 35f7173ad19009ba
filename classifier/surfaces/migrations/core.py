"""SQLAlchemy data statements built in Python, read as ``SqlStatement``s.

``op.execute(sa.update(t).where(t.c.x.is_(None)).values(x=0))``,
``t.delete().where(...)``, ``sa.insert(t).from_select(...)`` and ORM
``session.query(M).filter(...).update({...})`` are method chains; each is read
from the syntax tree (never built or run) into the same record raw SQL gives,
so one set of rules judges both.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from classifier.surfaces.migrations.canonical import display
from classifier.surfaces.migrations.model import (
    Assignment,
    Condition,
    DataEffect,
    SqlStatement,
)
from classifier.surfaces.migrations.syntax import dotted, string_value

_STATEMENT_BUILDERS = {"update": "update", "delete": "delete", "insert": "insert", "select": "select"}
_VOLATILE_CALLS = ("now", "utcnow", "random", "uuid4", "uuid1", "gen_random_uuid", "current_timestamp", "today",
                   "token_hex", "token_urlsafe", "nextval")
_READ_CHAIN = frozenset({"all", "first", "one", "one_or_none", "scalar", "count", "fetchall", "fetchone", "scalars"})


def core_statement(node: cst.BaseExpression, tables: Mapping[str, str], models: Mapping[str, str]) -> SqlStatement | None:
    """The data statement a SQLAlchemy expression builds, or ``None`` when it builds none."""
    chain = _chain(node)
    if not chain:
        return None
    base_name, base_call = chain[0]
    methods = chain[1:]
    if base_name.rsplit(".", 1)[-1] in ("table", "Table") and methods and methods[0][0] in _STATEMENT_BUILDERS:
        # ``sa.table("t", ...).update()``: a table named where it is used.
        table_name = string_value(base_call.args[0].value) if base_call.args else None
        action, table, methods = _STATEMENT_BUILDERS[methods[0][0]], table_name, methods[1:]
    else:
        action, table = _base(base_name, base_call, tables, models)
    if action is None:
        return None
    if action == "query":
        last = methods[-1][0] if methods else ""
        if last in ("update", "delete"):
            action = last
        elif last in _READ_CHAIN or not methods:
            return SqlStatement("read", table, display(node)[:100])
        else:
            return None
    if action == "select":
        return SqlStatement("read", table, display(node)[:100])
    return SqlStatement(action, table, display(node)[:100], guarded=_has_where(methods),
                        effect=_effect(action, methods))


def _chain(node: cst.BaseExpression) -> list[tuple[str, cst.Call]]:
    """``a(x).b(y).c()`` as ``[("a", call), ("b", call), ("c", call)]``; empty for anything else."""
    links: list[tuple[str, cst.Call]] = []
    current = node
    while isinstance(current, cst.Call):
        func = current.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call):
            links.append((func.attr.value, current))
            current = func.value
            continue
        name = dotted(func) or ""
        links.append((name, current))
        break
    return list(reversed(links))


def _base(name: str, call: cst.Call, tables: Mapping[str, str], models: Mapping[str, str]) -> tuple[str | None, str | None]:
    """``(action, table)`` of the first link: ``sa.update(t)``, ``t.update()``, ``session.query(M)``."""
    receiver, _, method = name.rpartition(".")
    positional = [arg.value for arg in call.args if arg.keyword is None]
    if method in _STATEMENT_BUILDERS and receiver in ("sa", "sqlalchemy", "sqlalchemy.sql", "sa.sql", "") and positional:
        return _STATEMENT_BUILDERS[method], _table_of(positional[0], tables, models)
    if method in ("update", "delete", "insert") and receiver and not call.args:
        return method, _table_of(cst.parse_expression(receiver), tables, models)
    if method in ("insert",) and receiver.endswith(("postgresql", "mysql", "sqlite", "dialects.postgresql")) and positional:
        return "insert", _table_of(positional[0], tables, models)
    if method == "query" and positional:
        return "query", _table_of(positional[0], tables, models)
    return None, None


def _table_of(node: cst.BaseExpression, tables: Mapping[str, str], models: Mapping[str, str]) -> str | None:
    if isinstance(node, cst.Call) and node.args and (dotted(node.func) or "").rsplit(".", 1)[-1] in ("table", "Table"):
        return string_value(node.args[0].value)
    name = dotted(node) or ""
    if name in tables:
        return tables[name]
    if name in models:
        return models[name]
    if isinstance(node, cst.Attribute) and node.attr.value == "__table__":
        return _table_of(node.value, tables, models)
    return name.rsplit(".", 1)[-1] or None


def _has_where(methods: list[tuple[str, cst.Call]]) -> bool:
    return any(name in ("where", "filter", "filter_by") for name, _ in methods)


def _effect(action: str, methods: list[tuple[str, cst.Call]]) -> DataEffect:
    conditions: list[Condition] = []
    where_columns: set[str] = set()
    assignments: list[Assignment] = []
    guarded = from_select = False
    has_where = False
    for name, call in methods:
        if name in ("where", "filter"):
            has_where = True
            for arg in call.args:
                conditions.extend(_conditions(arg.value))
                where_columns |= _columns(arg.value)
        elif name == "filter_by":
            has_where = True
            for arg in call.args:
                if arg.keyword is not None:
                    conditions.append(_equality(arg.keyword.value, arg.value))
                    where_columns.add(arg.keyword.value)
        elif name in ("values", "update") and call.args:
            assignments.extend(_assignments(call))
        elif name == "from_select":
            from_select = True
        elif name in ("on_conflict_do_nothing", "on_conflict_do_update", "prefix_with", "on_duplicate_key_update"):
            guarded = True
    return DataEffect(tuple(assignments), tuple(conditions) if has_where else None, frozenset(where_columns),
                      conflict_guard=guarded, from_select=from_select)


def _assignments(call: cst.Call) -> list[Assignment]:
    found: list[Assignment] = []
    for arg in call.args:
        if arg.keyword is not None:
            found.append(_assignment(arg.keyword.value, arg.value))
        elif isinstance(arg.value, cst.Dict):
            for element in arg.value.elements:
                if isinstance(element, cst.DictElement):
                    column = string_value(element.key) or _column_name(element.key)
                    if column:
                        found.append(_assignment(column, element.value))
    return found


def _assignment(column: str, value: cst.BaseExpression) -> Assignment:
    literal = _literal(value)
    return Assignment(column, literal, frozenset() if literal is not None else _columns(value), _volatile(value))


def _conditions(node: cst.BaseExpression) -> list[Condition]:
    """The conjuncts of a SQLAlchemy predicate (``and_``, ``&``, comparisons, ``is_``, ``in_``)."""
    if isinstance(node, cst.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] in ("and_",):
        return [c for arg in node.args for c in _conditions(arg.value)]
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitAnd):
        return [*_conditions(node.left), *_conditions(node.right)]
    if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
        column = _column_name(node.left)
        target = node.comparisons[0]
        if column and isinstance(target.operator, (cst.Equal, cst.Is)):
            return [_equality(column, target.comparator)]
        if column and isinstance(target.operator, (cst.NotEqual, cst.IsNot)) and _literal(target.comparator) == "NULL":
            return [Condition(column, "not_null")]
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        column = _column_name(node.func.value)
        method = node.func.attr.value
        values = [_literal(arg.value) for arg in node.args]
        if column and method == "is_" and values == ["NULL"]:
            return [Condition(column, "null")]
        if column and method in ("isnot", "is_not") and values == ["NULL"]:
            return [Condition(column, "not_null")]
        if column and method == "in_" and node.args and isinstance(node.args[0].value, (cst.List, cst.Tuple)):
            items = [_literal(e.value) for e in node.args[0].value.elements]
            if all(item is not None for item in items):
                return [Condition(column, "in", tuple(str(item) for item in items))]
    columns = _columns(node)
    return [Condition(column, "other") for column in sorted(columns)] or [Condition("?", "other")]


def _equality(column: str, value: cst.BaseExpression) -> Condition:
    literal = _literal(value)
    if literal == "NULL":
        return Condition(column, "null")
    return Condition(column, "in", (literal,)) if literal is not None else Condition(column, "other")


def _column_name(node: cst.BaseExpression) -> str | None:
    """``t.c.value`` / ``Model.value`` / ``sa.column("value")`` / ``"value"`` → ``value``."""
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Call) and (dotted(node.func) or "").rsplit(".", 1)[-1] == "column" and node.args:
        return string_value(node.args[0].value)
    return string_value(node)


def _columns(node: cst.BaseExpression) -> set[str]:
    """Every column name an expression may read (attribute names of column references)."""
    found: set[str] = set()

    class _Columns(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> bool:
            # A method's name is not a column: read only its receiver and arguments.
            if isinstance(call.func, cst.Attribute):
                call.func.value.visit(self)
            for arg in call.args:
                arg.value.visit(self)
            return False

        def visit_Attribute(self, attribute: cst.Attribute) -> None:
            # ``t.c.x`` names a column; ``row.x`` is a Python value read before the statement.
            if isinstance(attribute.value, cst.Attribute) and attribute.value.attr.value == "c":
                found.add(attribute.attr.value)

    node.visit(_Columns())
    return found


def _literal(node: cst.BaseExpression) -> str | None:
    """A constant's text (``NULL`` for ``None``), ``None`` when the value is computed."""
    if isinstance(node, cst.Name) and node.value in ("None", "True", "False"):
        return "NULL" if node.value == "None" else node.value.lower()
    if isinstance(node, (cst.Integer, cst.Float)):
        return node.value
    if isinstance(node, cst.UnaryOperation) and isinstance(node.expression, (cst.Integer, cst.Float)):
        return "-" + node.expression.value if isinstance(node.operator, cst.Minus) else None
    value = string_value(node)
    if value is not None:
        return repr(value)
    if isinstance(node, cst.Call) and (dotted(node.func) or "").endswith(("null", "literal", "true", "false")) and not node.args:
        return "NULL" if (dotted(node.func) or "").endswith("null") else None
    return None


def _volatile(node: cst.BaseExpression) -> bool:
    found = False

    class _Calls(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            nonlocal found
            name = dotted(call.func) or (call.func.attr.value if isinstance(call.func, cst.Attribute) else "")
            if name.rsplit(".", 1)[-1].lower() in _VOLATILE_CALLS:
                found = True

    node.visit(_Calls())
    return found
