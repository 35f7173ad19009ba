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

from classifier.surfaces.migrations.model import SqlStatement

DIALECTS = {"postgresql": "postgres", "postgres": "postgres", "mysql": "mysql", "sqlite": "sqlite", "mssql": "tsql"}


def analyse_sql(text: str, dialect: str) -> tuple[SqlStatement, ...]:
    """Split ``text`` into statements and summarise each one."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError, TokenError

    # sqlglot warns on the logger for every statement it falls back on; the
    # fallback is handled below, so the warning is only noise.
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    try:
        parsed = sqlglot.parse(text, read=DIALECTS.get(dialect, dialect))
    except (ParseError, TokenError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return (SqlStatement("unknown", None, _short(text), detail=f"SQL does not parse: {first}"),)
    read = DIALECTS.get(dialect, dialect)
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
    if isinstance(expression, (exp.Update, exp.Delete)):
        action = "update" if isinstance(expression, exp.Update) else "delete"
        return SqlStatement(action, _table(expression.this), text, guarded=expression.args.get("where") is not None)
    if isinstance(expression, exp.TruncateTable):
        return SqlStatement("truncate", _table(expression.expressions[0]), text, guarded=False)
    if isinstance(expression, exp.Insert):
        return SqlStatement("insert", _table(expression.this), text)
    if isinstance(expression, (exp.Set, exp.Select, exp.Commit, exp.Transaction)):
        return SqlStatement("session", None, text)
    if isinstance(expression, exp.Command):
        return _command(expression, text)
    return SqlStatement("unknown", None, text, detail=f"{type(expression).__name__} statement")


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
        return SqlStatement("create_table", _table(expression.this), text, rerunnable=exists)
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
            rerunnable=bool(action.args.get("exists")),
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
    if head == "CREATE" and words[:1] == ["EXTENSION"]:
        return SqlStatement("create_extension", None, text, rerunnable="EXISTS" in words)
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
