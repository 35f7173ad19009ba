"""Raw SQL of ``op.execute`` parsed with sqlglot and summarised per statement.

sqlglot was chosen over pglast because it is pure Python (no compiled
PostgreSQL parser to install), reads several dialects, and parsed every DDL
and DML form found in the sampled real migrations; statements it cannot
model (``ALTER TYPE … ADD VALUE``) come back as commands whose tokens are
still read with its tokenizer, never with pattern matching on the text.
"""

from __future__ import annotations

import logging
from typing import Any

from classifier.surfaces.migrations.model import (
    Assignment,
    Condition,
    DataEffect,
    SqlStatement,
)

DIALECTS = {"postgresql": "postgres", "postgres": "postgres", "mysql": "mysql", "sqlite": "sqlite", "mssql": "tsql"}


def analyse_sql(text: str, dialect: str) -> tuple[SqlStatement, ...]:
    """Split ``text`` into statements and summarise each one."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    # sqlglot warns on the logger for every statement it falls back on; the
    # fallback is handled below, so the warning is only noise.
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    read = DIALECTS.get(dialect, dialect)
    try:
        parsed = sqlglot.parse(text, read=read)
    except (ParseError, TokenError) as exc:
        # A migration written for several backends may quote for another one (MySQL's backticks).
        for other in ("mysql", "sqlite", "postgres"):
            if other == read:
                continue
            try:
                parsed, read = sqlglot.parse(text, read=other), other
                break
            except (ParseError, TokenError):
                continue
        else:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return (SqlStatement("unknown", None, _short(text), detail=f"SQL does not parse: {first}"),)
    statements: list[SqlStatement] = []
    for expression in parsed:
        if expression is None:
            continue
        text = _short(expression.sql(dialect=read))
        if isinstance(expression, exp.Alter):
            statements.extend(_alter(expression, action, text) for action in expression.args.get("actions") or [None])
        else:
            statements.append(_statement(expression, text))
    return tuple(statements)


def _statement(expression: Any, text: str) -> SqlStatement:
    from sqlglot import exp

    if isinstance(expression, exp.Create):
        return _create(expression, text)
    if isinstance(expression, exp.Drop):
        return _drop(expression, text)
    if isinstance(expression, (exp.Update, exp.Delete, exp.Insert, exp.Merge, exp.Copy)):
        return _data(expression, text)
    if isinstance(expression, exp.TruncateTable):
        return SqlStatement("truncate", _table(expression.expressions[0]), text, guarded=False)
    if isinstance(expression, (exp.Select, exp.Union)):
        return _select(expression, text)
    if isinstance(expression, (exp.Set, exp.Commit, exp.Transaction)):
        return SqlStatement("session", None, text)
    if isinstance(expression, exp.Command):
        return _command(expression, text)
    return SqlStatement("unknown", None, text, detail=f"{type(expression).__name__} statement")


# Functions a SELECT may call without writing anything, beyond those sqlglot models itself.
_PURE_FUNCTIONS = frozenset({"current_setting", "version", "pg_typeof", "format", "concat_ws", "jsonb_build_object",
                             "json_build_object", "to_jsonb", "to_json", "array_agg", "string_agg", "gen_random_uuid",
                             "uuid_generate_v4", "now", "current_database", "current_schema", "has_table_privilege"})


def _data(expression: Any, text: str) -> SqlStatement:
    """UPDATE, DELETE, INSERT, MERGE and COPY with what they write (see ``DataEffect``)."""
    from sqlglot import exp

    if isinstance(expression, exp.Copy):
        if not expression.args.get("kind"):
            return SqlStatement("read", _table(expression.this), text)  # COPY … TO writes a file, not the table
        return SqlStatement("copy", _table(expression.this), text, effect=DataEffect(from_select=True))
    if isinstance(expression, exp.Insert):
        source = expression.expression
        from_select = isinstance(source, (exp.Select, exp.Union))
        guard = expression.args.get("conflict") is not None or (from_select and _not_exists(source))
        return SqlStatement("insert", _table(expression.this), text,
                            effect=DataEffect(conflict_guard=guard, from_select=from_select))
    where = expression.args.get("where")
    action = {exp.Update: "update", exp.Delete: "delete", exp.Merge: "merge"}[type(expression)]
    target = expression.this.alias_or_name if isinstance(expression.this, exp.Table) else ""
    assignments = tuple(_assignment(eq, target) for eq in expression.expressions) if action == "update" else ()
    if action == "merge":
        assignments = tuple(_assignment(eq, target) for eq in expression.find_all(exp.EQ) if eq.find_ancestor(exp.Update))
    effect = DataEffect(
        assignments=assignments,
        where=_conditions(where.this) if where is not None else None,
        where_columns=frozenset(c.name.lower() for c in where.find_all(exp.Column)) if where is not None else frozenset(),
    )
    return SqlStatement(action, _table(expression.this), text, guarded=where is not None, effect=effect)


def _assignment(eq: Any, target: str) -> Assignment:
    """``SET column = value``; ``reads`` keeps only columns of the written table (``o.x`` of a join is not one)."""
    from sqlglot import exp

    column = eq.this.name if isinstance(eq.this, exp.Column) else eq.this.sql()
    value = eq.expression
    literal = _literal(value)
    own = [c for c in value.find_all(exp.Column) if not c.table or c.table == target]
    reads = frozenset(c.name.lower() for c in own) if literal is None else frozenset()
    volatile = any(_volatile(f) for f in value.find_all(exp.Func))
    return Assignment(column, literal, reads, volatile, idempotent=_idempotent(value, column.lower()))


# f(f(x)) = f(x): applying these to their own result again changes nothing.
_IDEMPOTENT_FUNCTIONS = frozenset({"lower", "upper", "trim", "btrim", "ltrim", "rtrim", "abs", "jsonb_set",
                                   "json_set", "coalesce", "jsonb_strip_nulls", "initcap", "greatest", "least"})


def _idempotent(value: Any, column: str) -> bool:
    """Whether ``SET column = value`` gives the same row when applied to its own result."""
    from sqlglot import exp

    def reads_column(node: Any) -> bool:
        return any(c.name.lower() == column for c in node.find_all(exp.Column))

    if isinstance(value, exp.Column):
        return True
    if isinstance(value, (exp.Cast, exp.Paren)):
        return _idempotent(value.this, column)
    if isinstance(value, exp.DPipe):
        # jsonb merge with a constant object: merging it again changes nothing (text || would append).
        right = value.expression
        constant_json = isinstance(right, exp.Cast) and str(right.to).upper().startswith("JSON") and not reads_column(right)
        return constant_json and _idempotent(value.this, column)
    if isinstance(value, exp.Func):
        name = value.name.lower() if isinstance(value, exp.Anonymous) else value.key.lower()
        name = {"lower": "lower", "upper": "upper", "trim": "trim", "abs": "abs", "coalesce": "coalesce",
                "greatest": "greatest", "least": "least", "initcap": "initcap"}.get(name, name)
        if name not in _IDEMPOTENT_FUNCTIONS:
            return False
        arguments = [value.this, *value.expressions] if value.this is not None else list(value.expressions)
        arguments = [a for a in arguments if isinstance(a, exp.Expression)]
        return bool(arguments) and _idempotent(arguments[0], column) and not any(reads_column(a) for a in arguments[1:])
    return False


def _conditions(node: Any) -> tuple[Condition, ...]:
    """The conjuncts of a WHERE clause as ``Condition``s."""
    from sqlglot import exp

    if isinstance(node, exp.Paren):
        return _conditions(node.this)
    if isinstance(node, exp.And):
        return (*_conditions(node.this), *_conditions(node.expression))
    if isinstance(node, exp.Is) and isinstance(node.this, exp.Column) and isinstance(node.expression, exp.Null):
        return (Condition(node.this.name, "null"),)
    if isinstance(node, exp.Not) and isinstance(node.this, exp.Is) and isinstance(node.this.this, exp.Column):
        return (Condition(node.this.this.name, "not_null"),)
    if isinstance(node, exp.EQ) and isinstance(node.this, exp.Column) and _literal(node.expression) is not None:
        return (Condition(node.this.name, "in", (_literal(node.expression) or "",)),)
    if isinstance(node, exp.In) and isinstance(node.this, exp.Column) and node.expressions:
        values = [_literal(v) for v in node.expressions]
        if all(v is not None for v in values):
            return (Condition(node.this.name, "in", tuple(v or "" for v in values)),)
    columns = sorted({c.name for c in node.find_all(exp.Column)}) or ["?"]
    return tuple(Condition(column, "other") for column in columns)


def _literal(node: Any) -> str | None:
    """A constant's text (``NULL`` for NULL; strings quoted), ``None`` when the value is computed."""
    from sqlglot import exp

    if isinstance(node, exp.Null):
        return "NULL"
    if isinstance(node, exp.Boolean):
        return "true" if node.this else "false"
    if isinstance(node, exp.Literal):
        return repr(node.this) if node.is_string else str(node.this)
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
        return f"-{node.this.this}"
    return None


def _volatile(function: Any) -> bool:
    from sqlglot import exp

    if isinstance(function, (exp.CurrentTimestamp, exp.CurrentDate, exp.CurrentTime, exp.Rand)):
        return True
    name = function.name.lower() if isinstance(function, exp.Anonymous) else type(function).__name__.lower()
    return name in ("now", "random", "gen_random_uuid", "uuid_generate_v4", "nextval", "clock_timestamp", "rand",
                    "uuid", "newid", "statement_timestamp", "timeofday")


def _not_exists(select: Any) -> bool:
    from sqlglot import exp

    where = select.args.get("where") if isinstance(select, exp.Select) else None
    if where is None:
        return False
    return any(isinstance(node.this, exp.Exists) for node in where.find_all(exp.Not)) or any(
        isinstance(node, exp.Join) and str(node.args.get("side") or "").upper() == "LEFT" for node in select.find_all(exp.Join)
    )


def _select(expression: Any, text: str) -> SqlStatement:
    """A SELECT reads, unless a CTE writes or it calls a function that may write."""
    from sqlglot import exp

    for cte in expression.find_all(exp.CTE):
        inner = cte.this
        if isinstance(inner, (exp.Update, exp.Delete, exp.Insert, exp.Merge)):
            statement = _data(inner, text)
            return SqlStatement(statement.action, statement.table, text, guarded=statement.guarded,
                                effect=statement.effect, detail="data-modifying WITH")
    unknown = sorted({f.name.lower() for f in expression.find_all(exp.Anonymous)} - _PURE_FUNCTIONS)
    if unknown:
        return SqlStatement("unknown", None, text, detail=f"SELECT calls {', '.join(unknown)}(), which may write")
    if expression.args.get("into") is not None:
        return SqlStatement("unknown", None, text, detail="SELECT … INTO creates a table")
    return SqlStatement("read", None, text)


def _create(expression: Any, text: str) -> SqlStatement:
    kind = str(expression.args.get("kind") or "").upper()
    exists = bool(expression.args.get("exists"))
    if kind == "INDEX":
        index = expression.this
        unique = bool(expression.args.get("unique"))
        return SqlStatement(
            "create_unique_index" if unique else "create_index",
            _table(index.args.get("table")),
            text,
            rerunnable=exists,
            concurrently=bool(expression.args.get("concurrently")),
        )
    if kind == "TABLE":
        if expression.expression is not None:
            # CREATE TABLE … AS SELECT fills the new table: nothing existing is touched.
            return SqlStatement("create_table", _table(expression.this), text, rerunnable=exists)
        return SqlStatement("create_table", _table(expression.this), text, rerunnable=exists)
    if kind in ("FUNCTION", "PROCEDURE", "TRIGGER", "VIEW") and bool(expression.args.get("replace")):
        return SqlStatement(f"create_{kind.lower()}", None, text, rerunnable=True)
    return SqlStatement(f"create_{kind.lower() or 'object'}", None, text, rerunnable=exists)


def _drop(expression: Any, text: str) -> SqlStatement:
    kind = str(expression.args.get("kind") or "").upper()
    exists = bool(expression.args.get("exists"))
    action = {"TABLE": "drop_table", "INDEX": "drop_index"}.get(kind, f"drop_{kind.lower() or 'object'}")
    return SqlStatement(
        action, _table((expression.args.get("tables") or [expression.this])[0]) if kind == "TABLE" else None, text,
        rerunnable=exists, concurrently=bool(expression.args.get("concurrently")),
    )


def _alter(expression: Any, action: Any, text: str) -> SqlStatement:
    from sqlglot import exp

    table = _table(expression.this)
    kind = str(expression.args.get("kind") or "TABLE").upper()
    if kind != "TABLE":
        return SqlStatement("unknown", None, text, detail=f"ALTER {kind} not classified")
    if isinstance(action, exp.ColumnDef):
        required = _not_null(action) and not _has_default(action)
        return SqlStatement(
            "add_required_column" if required else "add_column", table, text,
            rerunnable=bool(action.args.get("exists")), detail=action.name,
        )
    if isinstance(action, exp.Drop):
        kind = str(action.args.get("kind") or "").upper()
        return SqlStatement(
            "drop_constraint" if kind == "CONSTRAINT" else "drop_column", table, text,
            rerunnable=bool(action.args.get("exists")),
        )
    if isinstance(action, exp.AlterRename):
        return SqlStatement("rename_table", table, text, rerunnable=False)
    if isinstance(action, exp.RenameColumn):
        return SqlStatement("rename_column", table, text, rerunnable=False)
    if isinstance(action, exp.AlterColumn):
        return _alter_column(action, table, text)
    if isinstance(action, exp.AddConstraint):
        return SqlStatement("add_constraint", table, text, rerunnable=False)
    return SqlStatement("alter_table", table, text, rerunnable=False, detail="ALTER TABLE form not classified")


def _alter_column(action: Any, table: str | None, text: str) -> SqlStatement:
    if action.args.get("dtype") is not None:
        return SqlStatement("alter_type", table, text, detail=action.args["dtype"].sql())
    allow_null = action.args.get("allow_null")
    if allow_null is False:
        return SqlStatement("set_not_null", table, text)
    if allow_null is True:
        return SqlStatement("drop_not_null", table, text)
    return SqlStatement("alter_column", table, text, detail="ALTER COLUMN form not classified")


def _command(expression: Any, text: str) -> SqlStatement:
    """Statements sqlglot keeps as a command: read their tokens."""
    from sqlglot.tokens import Tokenizer

    words = [token.text.upper() for token in Tokenizer().tokenize(str(expression.expression or ""))]
    head = str(expression.this).upper()
    if head == "ALTER" and words[:1] == ["TYPE"] and "ADD" in words and "VALUE" in words:
        return SqlStatement("add_enum_value", None, text, rerunnable="EXISTS" in words)
    body = [w for w in words if w not in ("OR", "REPLACE")]
    if head == "CREATE" and body[:1] in (["FUNCTION"], ["PROCEDURE"], ["VIEW"]):
        return SqlStatement(f"create_{body[0].lower()}", None, text, rerunnable="REPLACE" in words[:2])
    if head == "CREATE" and words[:1] == ["EXTENSION"]:
        return SqlStatement("create_extension", None, text, rerunnable="EXISTS" in words)
    widened = ("AS" in words and "BIGINT" in words) or "MAXVALUE" in words or "CACHE" in words
    if head == "ALTER" and words[:1] == ["SEQUENCE"] and widened and not {"RESTART", "START", "RENAME", "MINVALUE"} & set(words):
        # A wider type or a higher maximum: every value already issued still fits.
        return SqlStatement("alter_sequence", None, text, detail="sequence widened")
    if head in ("REINDEX", "VACUUM", "ANALYZE", "CLUSTER"):
        return SqlStatement("maintenance", None, text, detail=head)
    return SqlStatement("unknown", None, text, detail=f"{head} statement not classified")


def _not_null(column: Any) -> bool:
    from sqlglot import exp

    return any(isinstance(c.args.get("kind"), exp.NotNullColumnConstraint) for c in column.args.get("constraints") or [])


def _has_default(column: Any) -> bool:
    from sqlglot import exp

    return any(isinstance(c.args.get("kind"), exp.DefaultColumnConstraint) for c in column.args.get("constraints") or [])


def _table(node: Any) -> str | None:
    from sqlglot import exp

    if isinstance(node, exp.Schema):
        node = node.this
    if isinstance(node, exp.Table):
        return node.name
    return None


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 100 else flat[:97] + "..."
