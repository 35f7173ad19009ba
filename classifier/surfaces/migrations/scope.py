"""What the reader knows about the names of a revision file while it walks ``upgrade()``.

A name is *bound* to an expression when its value is known from the file
(a module-level string constant, ``table = "users"``, a loop over a literal
list, a helper's parameter): operations are read with those names replaced
by their values, so messages show real table and column names. A name
*reaches the database* when it is ``op``, a connection, session, inspector
or anything computed from one: only code that uses such a name, or SQL text
handed to one, can change the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import libcst as cst

# Names whose calls never touch a database: builtins and the standard library
# modules a migration uses for logging, time, identifiers and text.
INERT_ROOTS = frozenset(
    {
        "print", "len", "str", "int", "float", "bool", "list", "dict", "set", "tuple", "frozenset", "sorted",
        "reversed", "range", "enumerate", "zip", "map", "filter", "min", "max", "sum", "any", "all", "isinstance",
        "getattr", "hasattr", "repr", "format", "round", "abs", "iter", "next", "type", "super", "setattr",
        "logging", "logger", "log", "LOGGER", "LOG", "warnings", "os", "sys", "json", "datetime", "time", "uuid",
        "re", "hashlib", "random", "secrets", "string", "textwrap", "itertools", "functools", "collections",
        "decimal", "math", "base64", "copy", "enum", "typing", "dataclasses", "pprint", "click",
    }
)
# Modules whose functions build SQL or schema objects without running anything.
SCHEMA_MODULES = ("sqlalchemy", "alembic")


@dataclass(frozen=True, slots=True)
class ModuleContext:
    """The module-level facts of one Python file the reader walks.

    ``constants`` are module-level names bound to a value that calls nothing;
    ``functions`` the module's own function definitions; ``imports`` maps a
    local name to ``(module, imported name or None for a module)``;
    ``op_names`` the local names of Alembic's ``op``.
    """

    path: str
    constants: Mapping[str, cst.BaseExpression]
    functions: Mapping[str, cst.FunctionDef]
    imports: Mapping[str, tuple[str, str | None]]
    op_names: frozenset[str]


@dataclass(slots=True)
class Scope:
    """The names known inside one function body being walked."""

    context: ModuleContext
    env: dict[str, cst.BaseExpression] = field(default_factory=dict)
    database: set[str] = field(default_factory=set)
    rows: set[str] = field(default_factory=set)
    tables: dict[str, str] = field(default_factory=dict)
    batch: tuple[str, str | None] | None = None
    autocommit: bool = False
    conditional: bool = False
    via: tuple[str, ...] = ()

    def nested(self, **changes: object) -> Scope:
        """A copy for a block: the same names, other flags."""
        copy = replace(self, env=dict(self.env), database=set(self.database), rows=set(self.rows),
                       tables=dict(self.tables))
        for name, value in changes.items():
            setattr(copy, name, value)
        return copy

    def bind(self, name: str, value: cst.BaseExpression) -> None:
        self.env[name] = value
        self.database.discard(name)
        self.rows.discard(name)

    def mark_database(self, name: str) -> None:
        self.database.add(name)
        self.rows.discard(name)
        self.env.pop(name, None)

    def mark_rows(self, name: str) -> None:
        """``name`` holds data read from the database: it cannot write by itself."""
        self.rows.add(name)
        self.database.discard(name)
        self.env.pop(name, None)


def names_in(node: cst.CSTNode) -> set[str]:
    """Every variable name ``node`` reads (attribute names and keywords excluded)."""
    found: set[str] = set()

    class _Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.add(name.value)

        def visit_Attribute(self, attribute: cst.Attribute) -> bool:
            attribute.value.visit(self)
            return False

        def visit_Arg(self, arg: cst.Arg) -> bool:
            arg.value.visit(self)
            return False

    node.visit(_Names())
    return found


def reaches_database(node: cst.CSTNode, scope: Scope) -> bool:
    """Whether evaluating ``node`` uses a name that reaches the database.

    Besides the scope's own names, an imported application object used through
    ``.session``/``.engine``/``.connection`` (``db.session.execute``) reaches it.
    """
    names = names_in(node)
    if names & scope.database or names & scope.context.op_names:
        return True
    if _hands_sql(node):
        return True
    return any(_global_session(node, name, scope) for name in names & set(scope.context.imports))


def _hands_sql(node: cst.CSTNode) -> bool:
    """Whether ``node`` runs statements on something: an ``.execute(...)`` call or SQL text."""
    found = False

    class _Sql(cst.CSTVisitor):
        def visit_Call(self, call: cst.Call) -> None:
            nonlocal found
            func = call.func
            runs = isinstance(func, cst.Attribute) and func.attr.value in ("execute", "exec_driver_sql", "executemany")
            found = found or runs or (isinstance(func, (cst.Name, cst.Attribute)) and _last_name(func) == "text")

    node.visit(_Sql())
    return found


def _last_name(func: cst.Name | cst.Attribute) -> str:
    return func.value if isinstance(func, cst.Name) else func.attr.value


def _global_session(node: cst.CSTNode, name: str, scope: Scope) -> bool:
    module, _ = scope.context.imports[name]
    if module.split(".")[0] in SCHEMA_MODULES or name in INERT_ROOTS:
        return False
    found = False

    class _Session(cst.CSTVisitor):
        def visit_Attribute(self, attribute: cst.Attribute) -> None:
            nonlocal found
            if attribute.attr.value in ("session", "engine", "connection", "get_engine", "Session"):
                found = True

    node.visit(_Session())
    return found


class _Substitute(cst.CSTTransformer):
    """Replaces bound names by their values (never attribute names or keywords)."""

    def __init__(self, env: Mapping[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.env = env

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        return self.env.get(original.value, updated)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(keyword=original.keyword)

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript) -> cst.BaseExpression:
        """``{"name": "url"}["name"]`` (a bound literal indexed by a literal) is ``"url"``."""
        if len(updated.slice) != 1 or not isinstance(updated.slice[0].slice, cst.Index):
            return updated
        key = updated.slice[0].slice.value
        container = updated.value
        if isinstance(container, cst.Dict) and isinstance(key, (cst.SimpleString, cst.ConcatenatedString)):
            for element in container.elements:
                if isinstance(element, cst.DictElement) and isinstance(element.key, (cst.SimpleString, cst.ConcatenatedString)) \
                        and element.key.evaluated_value == key.evaluated_value:
                    return element.value
        if isinstance(container, (cst.List, cst.Tuple)) and isinstance(key, cst.Integer):
            index = int(key.value)
            if 0 <= index < len(container.elements):
                return container.elements[index].value
        return updated

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_CompFor(self, node: cst.CompFor) -> bool:
        return False


def substitute(node: cst.BaseExpression, scope: Scope) -> cst.BaseExpression:
    """``node`` with every bound name replaced by its value (``node`` itself when none is)."""
    env = {**scope.context.constants, **scope.env}
    for name in scope.database | scope.rows | scope.context.op_names:
        env.pop(name, None)
    if not env or not (names_in(node) & set(env)):
        return node
    try:
        result = node.visit(_Substitute(env))
    except (cst.CSTValidationError, TypeError, ValueError):
        return node  # a value that cannot stand where the name stood: read the name as written
    return result if isinstance(result, cst.BaseExpression) else node
