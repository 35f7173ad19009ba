"""A layout-free rendering of libcst nodes, for "same meaning" comparisons.

libcst keeps every space, comment and parenthesis so that code round-trips.
For deciding whether an applied migration was *edited* or only *reformatted*
those must not count: the canonical form drops whitespace, comments,
parentheses and trailing commas, reads string and number literals by value
(``'a'`` equals ``"a"``, ``1_000`` equals ``1000``), removes docstrings and
puts top-level imports in a fixed order.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import libcst as cst

# Fields that only carry layout; their absence changes no meaning.
_LAYOUT_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "comma",
        "semicolon",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "newline",
        "trailing_whitespace",
        "default_indent",
        "default_newline",
        "has_trailing_newline",
        "encoding",
        "indent",
        "first_line",
        "empty_lines",
    }
)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_LITERALS = (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float, cst.Imaginary)


def canonical(node: cst.CSTNode) -> str:
    """The canonical text of ``node``: equal for equal meaning, whatever the layout."""
    return repr(_walk(node))


def structure_digest(module: cst.Module, imports: bool = True, normalise: cst.CSTTransformer | None = None) -> str:
    """A short digest of a whole module's canonical form (docstrings removed, imports sorted).

    ``imports=False`` leaves the import lines out, to tell an edit of imports alone;
    ``normalise`` rewrites the module first (see ``meaning.Normalised``). The lock
    file's hash uses neither, as it always has.
    """
    if normalise is not None:
        try:
            module = module.visit(normalise)
        except (cst.CSTValidationError, TypeError, ValueError):
            pass  # a rewrite that does not fit the tree: compare the file as written
    imports_text = sorted(canonical(s) for s in module.body if _is_import(s)) if imports else []
    rest = [canonical(s) for s in _without_docstring(module.body) if not _is_import(s)]
    return hashlib.sha256(repr((imports_text, rest)).encode("utf-8")).hexdigest()[:16]


def display(node: cst.CSTNode) -> str:
    """Source text of ``node`` on one line, for messages."""
    return " ".join(cst.Module(body=[]).code_for_node(node).split())


def _walk(node: Any) -> Any:
    if isinstance(node, _LITERALS):
        return (type(node).__name__ in ("SimpleString", "ConcatenatedString") and "str" or "num", _value(node))
    if isinstance(node, (list, tuple)):
        return tuple(_walk(child) for child in _without_docstring(node))
    if isinstance(node, cst.CSTNode):
        return (type(node).__name__, *((name, _walk(getattr(node, name))) for name in _names(type(node))))
    if isinstance(node, cst.MaybeSentinel):
        return None
    return node


def _names(node_type: type) -> tuple[str, ...]:
    """The meaningful field names of a node class, computed once per class."""
    names = _FIELD_NAMES.get(node_type)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(node_type) if _meaningful(f.name))
        _FIELD_NAMES[node_type] = names
    return names


def _meaningful(name: str) -> bool:
    return name not in _LAYOUT_FIELDS and not name.startswith("whitespace")


def _value(node: cst.BaseExpression) -> Any:
    try:
        return node.evaluated_value  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - f-strings inside a concatenation have no static value
        return display(node)


def _without_docstring(body: Any) -> Any:
    """A body without its leading string statement (a docstring is documentation)."""
    items = list(body)
    if items and _is_docstring(items[0]):
        return items[1:]
    return items


def _is_docstring(statement: Any) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    expr = statement.body[0]
    return isinstance(expr, cst.Expr) and isinstance(expr.value, (cst.SimpleString, cst.ConcatenatedString))


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )
