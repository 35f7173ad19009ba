"""Walk the body of ``upgrade()``/``downgrade()`` and collect what can reach the database.

The walk is a small reading of Python, never an execution: it follows blocks
(``if``, ``for`` over a literal list, ``try``, ``with``), binds local constants,
reads helper functions of the same file or of the repository (same revision,
through libcst) with their parameters bound to the call's arguments, and
records every ``op.*`` call, every statement handed to a connection or
session, and every schema object created on one. Code that cannot touch the
database (logging, constants, environment reads) is not an operation. What is
left is ``Unrecognised``, marked by whether it can reach the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import libcst as cst

from classifier.surfaces.migrations.canonical import canonical, display
from classifier.surfaces.migrations.core import core_statement
from classifier.surfaces.migrations.model import Operation, SqlStatement, Unrecognised
from classifier.surfaces.migrations.scope import (
    INERT_ROOTS,
    SCHEMA_MODULES,
    ModuleContext,
    Scope,
    reaches_database,
    substitute,
)
from classifier.surfaces.migrations.sql import analyse_sql
from classifier.surfaces.migrations.syntax import (
    HELPER_CALLS,
    dotted,
    flatten,
    is_autocommit,
    is_docstring,
    string_value,
    table_argument,
)

# A helper found by name: its definition and the module it lives in.
Resolver = Callable[[ModuleContext, str], "tuple[ModuleContext, cst.FunctionDef] | None"]

MAX_HELPER_DEPTH = 4
MAX_UNROLL = 64
_HARMLESS_OP = frozenset({"get_bind", "get_context", "f", "inline_literal", "implementation_for", "invoke"})
_READS = frozenset(
    {"get_table_names", "get_columns", "get_indexes", "get_foreign_keys", "get_unique_constraints",
     "get_pk_constraint", "get_check_constraints", "has_table", "has_index", "get_enums", "get_schema_names",
     "get_view_names", "get_sequence_names", "has_sequence", "get_table_comment", "get_table_options",
     "get_sorted_table_and_fkc_names", "has_schema", "scalar", "scalars", "fetchall", "fetchone", "first", "all",
     "one", "one_or_none", "get", "connect", "connection", "begin", "begin_nested", "dialect", "in_transaction",
     "get_isolation_level", "execution_options", "refresh", "expire", "expire_all", "expunge", "merge_result"}
)
_TRANSACTION = frozenset({"commit", "rollback", "close", "flush", "begin", "invalidate", "detach"})
_ORM_WRITES = {"add": "insert", "add_all": "insert", "bulk_save_objects": "insert", "bulk_insert_mappings": "insert",
               "bulk_update_mappings": "update", "merge": "update", "delete": "delete"}
_SCHEMA_OBJECTS = {"Enum": "type", "ENUM": "type", "Table": "table", "Index": "index", "Sequence": "sequence"}
_CONNECTION_PARAMETERS = frozenset({"conn", "connection", "bind", "engine", "session", "db", "database", "cursor",
                                    "migrate_engine", "context"})
# Objects built over a connection that do nothing until used: their uses are judged.
_WRAPPERS = frozenset({"inspect", "Session", "sessionmaker", "scoped_session", "MetaData", "from_engine", "Inspector",
                       "reflect", "Table", "automap_base", "prepare"})
SQL_TEXT_CALLS = ("sa.text", "text", "sqlalchemy.text", "sa.sql.text", "sqlalchemy.sql.text")


class Walker:
    """Collects operations and unrecognised statements of one revision's functions."""

    def __init__(self, context: ModuleContext, line: Callable[[cst.CSTNode], int], dialect: str,
                 resolver: Resolver | None, models: Mapping[str, str]) -> None:
        self.context = context
        self._line = line
        self.dialect = dialect
        self.resolver = resolver
        self.models = models
        self.operations: list[Operation] = []
        self.unrecognised: list[Unrecognised] = []
        self.function = "upgrade"
        self.anchor: cst.CSTNode | None = None
        self.active: list[str] = []
        self.local_functions: dict[str, cst.FunctionDef] = {}

    # -- entry ----------------------------------------------------------------

    def walk_function(self, function: cst.FunctionDef) -> None:
        self.function = function.name.value
        scope = Scope(self.context)
        for param in (*function.params.params, *function.params.kwonly_params):
            # A project's own runner may hand ``upgrade()`` arguments: ``op`` and connections reach
            # the database; other objects (tables, a test-data helper) are read as unknown values.
            name = param.name.value
            if name == "op" or name.lower() in _CONNECTION_PARAMETERS:
                scope.mark_database(name)
            else:
                scope.env.pop(name, None)
        self.block(function.body, scope)

    def line(self, node: cst.CSTNode) -> int:
        return self._line(self.anchor if self.anchor is not None else node)

    # -- blocks ---------------------------------------------------------------

    def block(self, suite: cst.BaseSuite, scope: Scope) -> None:
        if isinstance(suite, cst.IndentedBlock):
            self.statements(suite.body, scope)
        elif isinstance(suite, cst.SimpleStatementSuite):
            for small in suite.body:
                self.small(small, scope)

    def statements(self, statements: Sequence[cst.BaseStatement], scope: Scope) -> None:
        for index, statement in enumerate(statements):
            if index == 0 and is_docstring(statement):
                continue
            top = not self.active
            if top:
                self.anchor = None
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self.small(small, scope)
            elif isinstance(statement, cst.With):
                self._with(statement, scope)
            elif isinstance(statement, cst.If):
                self._if(statement, scope)
            elif isinstance(statement, (cst.For, cst.While)):
                self._loop(statement, scope)
            elif isinstance(statement, (cst.Try, cst.TryStar)):
                self._try(statement, scope)
            elif isinstance(statement, cst.FunctionDef):
                scope.env.pop(statement.name.value, None)
                self.local_functions[statement.name.value] = statement
            elif isinstance(statement, cst.ClassDef):
                continue  # a model class declared for a data migration does nothing by itself
            else:
                self.unknown(statement, scope, "this statement is not analysed")

    def _if(self, statement: cst.If, scope: Scope) -> None:
        guard = reaches_database(statement.test, scope) or self._calls_helper(statement.test, scope)
        before = scope.conditional
        scope.conditional = before or guard
        self.block(statement.body, scope)
        orelse = statement.orelse
        if isinstance(orelse, cst.If):
            self._if(orelse, scope)
        elif isinstance(orelse, cst.Else):
            self.block(orelse.body, scope)
        scope.conditional = before

    def _loop(self, statement: cst.For | cst.While, scope: Scope) -> None:
        if isinstance(statement, cst.While):
            self.block(statement.body, scope)
            return
        iterable = substitute(statement.iter, scope)
        items = _literal_items(iterable)
        if items is not None and len(items) <= MAX_UNROLL and self._bindable(statement.target):
            for item in items:
                self._bind_target(statement.target, item, scope)
                self.block(statement.body, scope)
        else:
            for name in _target_names(statement.target):
                if reaches_database(statement.iter, scope):
                    scope.mark_rows(name)  # rows read from the database: data, not a connection
                else:
                    scope.env.pop(name, None)
            self.block(statement.body, scope)
        if statement.orelse is not None:
            self.block(statement.orelse.body, scope)

    def _try(self, statement: cst.Try | cst.TryStar, scope: Scope) -> None:
        self.block(statement.body, scope)
        for handler in statement.handlers:
            self.block(handler.body, scope)
        if statement.orelse is not None:
            self.block(statement.orelse.body, scope)
        if statement.finalbody is not None:
            self.block(statement.finalbody.body, scope)

    def _with(self, statement: cst.With, scope: Scope) -> None:
        saved = (scope.batch, scope.autocommit)
        for item in statement.items:
            call = item.item
            alias = item.asname.name.value if item.asname and isinstance(item.asname.name, cst.Name) else None
            name = dotted(call.func) if isinstance(call, cst.Call) else None
            if isinstance(call, cst.Call) and name and name.endswith(".batch_alter_table") and call.args:
                table = string_value(substitute(call.args[0].value, scope))
                scope.batch = (alias or "batch_op", table)
            elif isinstance(call, cst.Call) and is_autocommit(call):
                scope.autocommit = True
            elif alias and reaches_database(call, scope):
                scope.mark_database(alias)
            elif reaches_database(call, scope) and isinstance(call, cst.Call):
                self.call(call, scope)
        self.block(statement.body, scope)
        scope.batch, scope.autocommit = saved

    # -- simple statements ----------------------------------------------------

    def small(self, small: cst.BaseSmallStatement, scope: Scope) -> None:
        if isinstance(small, (cst.Pass, cst.Import, cst.ImportFrom, cst.Global, cst.Nonlocal, cst.Break, cst.Continue)):
            return
        if isinstance(small, cst.Expr):
            return self._expression(small.value, small, scope)
        if isinstance(small, cst.Return):
            if small.value is not None:
                self._expression(small.value, small, scope)
            return
        if isinstance(small, (cst.Assign, cst.AnnAssign)):
            return self._assign(small, scope)
        if reaches_database(small, scope):
            self.unknown(small, scope, "not an Alembic operation")

    def _expression(self, value: cst.BaseExpression, owner: cst.CSTNode, scope: Scope) -> None:
        if isinstance(value, cst.Call):
            self.call(value, scope, owner)
        elif isinstance(value, cst.Await) and isinstance(value.expression, cst.Call):
            self.call(value.expression, scope, owner)
        elif reaches_database(value, scope) or self._calls_helper(value, scope):
            self.unknown(owner, scope, "an expression that uses the database is not analysed")

    def _assign(self, small: cst.Assign | cst.AnnAssign, scope: Scope) -> None:
        value = small.value
        if value is None:
            return
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        names = [n for t in targets for n in _target_names(t)]
        reaching = reaches_database(value, scope)
        if isinstance(value, cst.Call) and (reaching or self._is_helper(value, scope)):
            self.call(value, scope, small)
            reaching = True
            created = _created_table(value, scope)
            if created and len(names) == 1:
                scope.tables[names[0]] = created  # ``t = op.create_table("t", ...)`` then ``op.bulk_insert(t, ...)``
        elif reaching and self._calls_helper(value, scope):
            self.unknown(small, scope, "an expression that uses the database is not analysed")
        if reaching and any(not isinstance(t, (cst.Name, cst.Tuple, cst.List)) for t in targets) \
                and any(_root(t) in scope.rows for t in targets):
            self.unknown(small, scope, "a loaded row is changed; the session writes it back")
        for name in names:
            if reaching and not _keeps_connection(value):
                scope.mark_rows(name)
            elif reaching:
                scope.mark_database(name)
            elif len(targets) == 1 and isinstance(targets[0], cst.Name):
                bound = substitute(value, scope)
                scope.bind(name, bound)
                table = _table_constructor(bound)
                if table:
                    scope.tables[name] = table
            else:
                scope.env.pop(name, None)

    # -- calls ----------------------------------------------------------------

    def call(self, call: cst.Call, scope: Scope, owner: cst.CSTNode | None = None) -> None:
        owner = owner or call
        func = call.func
        name = dotted(func) or ""
        receiver, _, method = name.rpartition(".")
        if not name and isinstance(func, cst.Attribute):
            method = func.attr.value
        if scope.batch is not None and receiver == scope.batch[0]:
            return self.add(owner, call, method, scope.batch[1], scope, batch=True)
        if receiver in scope.context.op_names or (receiver in scope.database and receiver == "op"):
            return self._op(owner, call, method, scope)
        if method in ("execute", "exec_driver_sql") and isinstance(func, cst.Attribute) and reaches_database(func.value, scope):
            return self.execute(owner, call, scope)
        if method in ("create", "drop", "create_all", "drop_all") and isinstance(func, cst.Attribute) \
                and any(reaches_database(arg.value, scope) for arg in call.args):
            return self._schema_object(owner, call, func.value, method, scope)
        if isinstance(func, cst.Attribute) and reaches_database(func.value, scope):
            return self._on_connection(owner, call, method, scope)
        if self._is_helper(call, scope):
            return self._helper(owner, call, scope)
        if self._inert(call, scope):
            if _last(func) in _WRAPPERS:
                return None  # an inspector, session or metadata over the connection: reads nothing yet
            for arg in call.args:
                if isinstance(arg.value, cst.Call) and reaches_database(arg.value, scope):
                    self.call(arg.value, scope, owner)  # ``list(conn.execute(...))``: the inner call is what runs
            return None
        self.unknown(owner, scope, f"call to {display(func)} is not read", reaches=reaches_database(call, scope))
        return None

    def _op(self, owner: cst.CSTNode, call: cst.Call, method: str, scope: Scope) -> None:
        if method in _HARMLESS_OP:
            return None
        if method == "execute":
            return self.execute(owner, call, scope)
        resolved = substitute(call, scope)
        assert isinstance(resolved, cst.Call)
        return self.add(owner, resolved, method, table_argument(method, resolved, scope.tables), scope, batch=False)

    def _on_connection(self, owner: cst.CSTNode, call: cst.Call, method: str, scope: Scope) -> None:
        inner = call.func.value if isinstance(call.func, cst.Attribute) else None
        if isinstance(inner, cst.Call) and _last(inner.func) in ("execute", "exec_driver_sql") and method not in _ORM_WRITES:
            return self.call(inner, scope, owner)  # ``conn.execute(...).scalar()``: the statement is what runs
        if method in _READS or method in _TRANSACTION or method in _BUILDERS or method.startswith(("get_", "has_", "table_names")):
            return None
        statement = core_statement(substitute(call, scope), scope.tables, self.models)
        if statement is not None and statement.action != "read":
            return self.add(owner, call, "execute", statement.table, scope, batch=False, sql=(statement,))
        if method in _ORM_WRITES:
            table = _model_table(call, self.models)
            effect = SqlStatement(_ORM_WRITES[method], table, display(call)[:100], guarded=method != "delete")
            return self.add(owner, call, "execute", table, scope, batch=False, sql=(effect,))
        if statement is not None:
            return None
        self.unknown(owner, scope, f"{display(call.func)} on a connection or session is not understood")
        return None

    def execute(self, owner: cst.CSTNode, call: cst.Call, scope: Scope) -> None:
        if not call.args:
            return self.unknown(owner, scope, "execute() without a statement")
        value = _unwrap_statement(substitute(call.args[0].value, scope))
        text = string_value(value)
        templated = text is None
        if templated:
            text = template_text(value)
        if text is not None:
            sql = analyse_sql(text, self.dialect)
            if templated and any(s.action != "read" and (s.table or "").upper() in ("", "NULL") for s in sql):
                return self.unknown(owner, scope, "SQL built at run time names its table only when it runs")
            if templated:  # show the code as written: its inserted values are not known
                sql = tuple(replace(s, text=" ".join(display(call.args[0].value).split())[:100]) for s in sql)
        else:
            statement = core_statement(value, scope.tables, self.models)
            if statement is None:
                return self.unknown(owner, scope, f"execute() of {_kind(value)} that is not read")
            sql = (statement,)
        return self.add(owner, call, "execute", None, scope, batch=False, sql=sql)

    def _schema_object(self, owner: cst.CSTNode, call: cst.Call, target: cst.BaseExpression, method: str,
                       scope: Scope) -> None:
        built = substitute(target, scope)
        kind = _SCHEMA_OBJECTS.get((dotted(built.func) or "").rsplit(".", 1)[-1]) if isinstance(built, cst.Call) else None
        if kind is None or method.endswith("_all"):
            return self.unknown(owner, scope, f"{method}() of {display(target)[:60]} on the connection is not understood")
        assert isinstance(built, cst.Call)
        name = _object_name(built)
        verb = "create" if method == "create" else "drop"
        table = name if kind == "table" else None
        synthetic = built.with_changes(args=[cst.Arg(cst.SimpleString(repr(name or "?")))])
        return self.add(owner, synthetic, f"{verb}_{kind}", table, scope, batch=False,
                        checkfirst=any(a.keyword and a.keyword.value == "checkfirst" for a in call.args))

    # -- helpers --------------------------------------------------------------

    def _is_helper(self, call: cst.Call, scope: Scope) -> bool:
        return self._helper_definition(call, scope) is not None

    def _calls_helper(self, node: cst.CSTNode, scope: Scope) -> bool:
        found = False
        walker = self

        class _Calls(cst.CSTVisitor):
            def visit_Call(self, inner: cst.Call) -> None:
                nonlocal found
                found = found or walker._is_helper(inner, scope)

        node.visit(_Calls())
        return found

    def _helper_definition(self, call: cst.Call, scope: Scope) -> tuple[ModuleContext, cst.FunctionDef] | None:
        name = dotted(call.func)
        if not name:
            return None
        if name in self.local_functions and scope.context is self.context:
            return self.context, self.local_functions[name]
        if name in scope.context.functions:
            return scope.context, scope.context.functions[name]
        if self.resolver is not None and name.split(".")[0] in scope.context.imports:
            return self.resolver(scope.context, name)
        return None

    def _helper(self, owner: cst.CSTNode, call: cst.Call, scope: Scope) -> None:
        found = self._helper_definition(call, scope)
        assert found is not None
        context, function = found
        key = f"{context.path}:{function.name.value}"
        if key in self.active or len(self.active) >= MAX_HELPER_DEPTH:
            self.unknown(owner, scope, f"helper {function.name.value}() calls itself or nests too deeply",
                         reaches=True)
            return
        inner = Scope(context, autocommit=scope.autocommit, conditional=scope.conditional,
                      via=(*scope.via, function.name.value))
        self._bind_parameters(function, call, scope, inner)
        if not self.active:
            self.anchor = owner
        self.active.append(key)
        try:
            self.block(function.body, inner)
        finally:
            self.active.pop()

    def _bind_parameters(self, function: cst.FunctionDef, call: cst.Call, caller: Scope, inner: Scope) -> None:
        params = function.params
        positional = [a for a in call.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a for a in call.args if a.keyword is not None}
        ordered = [*params.posonly_params, *params.params]
        for index, param in enumerate(ordered):
            arg = positional[index] if index < len(positional) else keywords.get(param.name.value)
            self._bind_one(param.name.value, arg.value if arg else param.default, caller, inner)
        for param in params.kwonly_params:
            arg = keywords.get(param.name.value)
            self._bind_one(param.name.value, arg.value if arg else param.default, caller, inner)
        if isinstance(params.star_arg, cst.Param):
            rest = positional[len(ordered):]
            if any(reaches_database(a.value, caller) for a in rest):
                inner.mark_database(params.star_arg.name.value)
            else:
                elements = [cst.Element(substitute(a.value, caller)) for a in rest]
                inner.bind(params.star_arg.name.value, cst.Tuple(elements))
        if isinstance(params.star_kwarg, cst.Param) and any(reaches_database(a.value, caller) for a in keywords.values()):
            inner.mark_database(params.star_kwarg.name.value)
        if caller.batch is not None:
            for index, arg in enumerate(positional):
                if dotted(arg.value) == caller.batch[0] and index < len(ordered):
                    inner.batch = (ordered[index].name.value, caller.batch[1])

    def _bind_one(self, name: str, value: cst.BaseExpression | None, caller: Scope, inner: Scope) -> None:
        if value is None:
            return
        if reaches_database(value, caller):
            inner.mark_database(name)
            if dotted(value) in caller.tables:
                inner.tables[name] = caller.tables[dotted(value) or ""]
        else:
            bound = substitute(value, caller)
            inner.bind(name, bound)
            table = _table_constructor(bound) or caller.tables.get(dotted(value) or "")
            if table:
                inner.tables[name] = table

    # -- records ----------------------------------------------------------------

    def add(self, owner: cst.CSTNode, call: cst.Call, name: str, table: str | None, scope: Scope, batch: bool,
            sql: tuple[SqlStatement, ...] = (), checkfirst: bool = False) -> None:
        resolved = substitute(call, scope) if not sql else call
        arguments = tuple(flatten(resolved)) if isinstance(resolved, cst.Call) else ()
        if checkfirst:
            arguments += (("checkfirst", "True"),)
        self.operations.append(
            Operation(
                function=self.function,
                name=name,
                table=table,
                line=self.line(owner),
                arguments=arguments,
                canonical=canonical(resolved),
                batch=batch,
                autocommit=scope.autocommit,
                sql=sql,
                conditional=scope.conditional,
                via=" → ".join(scope.via),
            )
        )

    def unknown(self, node: cst.CSTNode, scope: Scope, reason: str, reaches: bool = True) -> None:
        text = display(node)[:120]
        if scope.via:
            reason = f"{reason}, in helper {' → '.join(scope.via)}()"
        self.unrecognised.append(Unrecognised(self.function, self.line(node), text, reason, reaches))

    def _inert(self, call: cst.Call, scope: Scope) -> bool:
        name = dotted(call.func)
        root = _root(call.func)
        if root is None:
            return False
        if root in INERT_ROOTS or root in HELPER_CALLS or root in scope.env or root in scope.context.constants:
            return True
        imported = scope.context.imports.get(root)
        if imported is not None and imported[0].split(".")[0] in SCHEMA_MODULES:
            return True
        return name in HELPER_CALLS

    def _bindable(self, target: cst.BaseExpression) -> bool:
        return isinstance(target, cst.Name) or (
            isinstance(target, (cst.Tuple, cst.List)) and all(isinstance(e.value, cst.Name) for e in target.elements)
        )

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            scope.bind(target.value, value)
            table = _table_constructor(value)
            if table:
                scope.tables[target.value] = table
            return
        assert isinstance(target, (cst.Tuple, cst.List))
        values = _literal_items(value)
        for index, element in enumerate(target.elements):
            assert isinstance(element.value, cst.Name)
            if values is not None and index < len(values):
                scope.bind(element.value.value, values[index])
            else:
                scope.env.pop(element.value.value, None)


_CONNECTION_CALLS = frozenset({"get_bind", "connect", "begin", "connection", "get_context", "get_engine", "engine",
                               "bind", "Session", "sessionmaker", "scoped_session", "inspect", "Inspector",
                               "from_engine", "MetaData", "begin_nested", "execution_options", "session"})


def _keeps_connection(value: cst.BaseExpression) -> bool:
    """Whether ``value`` is a connection, session, inspector or engine (not rows read through one)."""
    if isinstance(value, cst.Call):
        return _last(value.func) in _CONNECTION_CALLS or _last(value.func) in _WRAPPERS
    if isinstance(value, cst.Attribute):
        return value.attr.value in _CONNECTION_CALLS
    return isinstance(value, cst.Name)


def _last(func: cst.BaseExpression) -> str:
    if isinstance(func, cst.Name):
        return func.value
    return func.attr.value if isinstance(func, cst.Attribute) else ""


def _root(node: cst.BaseExpression) -> str | None:
    while isinstance(node, (cst.Attribute, cst.Call, cst.Subscript)):
        node = node.value if isinstance(node, (cst.Attribute, cst.Subscript)) else node.func
    return node.value if isinstance(node, cst.Name) else None


def _literal_items(node: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        if any(isinstance(e, cst.StarredElement) for e in node.elements):
            return None
        return [e.value for e in node.elements]
    if isinstance(node, cst.Dict):
        return None
    return None


def _target_names(target: cst.BaseExpression) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    return []


def _table_constructor(node: cst.BaseExpression) -> str | None:
    """The table name of ``sa.table("t", ...)``/``sa.Table("t", ...)``."""
    if isinstance(node, cst.Call) and node.args and dotted(node.func) in HELPER_CALLS \
            and (dotted(node.func) or "").rsplit(".", 1)[-1] in ("table", "Table"):
        return string_value(node.args[0].value)
    return None


def _created_table(call: cst.Call, scope: Scope) -> str | None:
    name = dotted(call.func) or ""
    receiver, _, method = name.rpartition(".")
    if method == "create_table" and receiver in scope.context.op_names | {"op"} and call.args:
        return string_value(substitute(call.args[0].value, scope))
    return None


def _object_name(call: cst.Call) -> str | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "name":
            return string_value(arg.value)
    func = (dotted(call.func) or "").rsplit(".", 1)[-1]
    if func in ("Table", "Index", "Sequence") and call.args:
        return string_value(call.args[0].value)
    return None


def _model_table(call: cst.Call, models: Mapping[str, str]) -> str | None:
    for arg in call.args:
        value = arg.value
        if isinstance(value, cst.Call):
            name = dotted(value.func) or ""
            return models.get(name, name.rsplit(".", 1)[-1] or None)
    return None


# Methods that build a query or read a result; nothing runs until the statement is executed.
_BUILDERS = frozenset({"join", "outerjoin", "select", "alias", "subquery", "cte", "order_by", "limit", "offset",
                       "where", "filter", "filter_by", "group_by", "having", "distinct", "options", "with_entities",
                       "query", "params", "bindparams", "label", "columns", "scalar_one", "scalar_one_or_none",
                       "mappings", "fetchmany", "keys", "yield_per", "unique", "partitions", "tuples", "t"})
_STATEMENT_WRAPPERS = ("bindparams", "execution_options", "columns", "compile")


def _unwrap_statement(value: cst.BaseExpression) -> cst.BaseExpression:
    """The SQL inside ``sa.text(x)``, ``sa.text(x).bindparams(...)``, ``dedent(x)``."""
    while isinstance(value, cst.Call):
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value in _STATEMENT_WRAPPERS:
            value = func.value
        elif (dotted(func) in SQL_TEXT_CALLS or _last(func) == "dedent") and value.args:
            value = value.args[0].value
        else:
            break
    return value


def template_text(node: cst.BaseExpression) -> str | None:
    """SQL assembled at run time from a literal template, each placeholder read as ``NULL``.

    ``"UPDATE t SET c = '%s'" % (x,)``, ``f"... {x} ..."`` and ``"... {} ...".format(x)`` keep
    their statement's shape; only the inserted values are unknown.
    """
    import re

    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        template = string_value(node.left)
        return re.sub(r"%(\([^)]*\))?[sdifr]", "NULL", template) if template is not None else None
    if isinstance(node, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else _inserted(p) for p in node.parts)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        template = string_value(node.func.value)
        return re.sub(r"\{[^{}]*\}", "NULL", template) if template is not None else None
    return None


def _inserted(part: cst.BaseFormattedStringContent) -> str:
    """The text an f-string inserts: a known constant as written, anything else as ``NULL``."""
    if isinstance(part, cst.FormattedStringExpression) and part.format_spec is None and part.conversion is None:
        value = part.expression
        text = string_value(value)
        if text is not None:
            return text
        if isinstance(value, (cst.Integer, cst.Float)):
            return value.value
    return "NULL"


def _kind(node: cst.BaseExpression) -> str:
    if isinstance(node, (cst.FormattedString, cst.BinaryOperation)):
        return "SQL built at run time"
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        return "SQL built at run time"
    return f"`{display(node)[:60]}`"
