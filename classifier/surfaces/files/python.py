"""What kind of edit a Python file received: documentation, observability or code.

Both sides are parsed with the standard library's ``ast`` (parsing never runs
the code). Comments and formatting do not exist in the syntax tree, and
docstrings are removed from it, so two files whose trees are equal differ only
in documentation or layout. Then logging, metrics and tracing statements are
removed too; trees that are equal after that differ only in observability.

``ast`` is used rather than libcst here because only equality of meaning is
needed, not positions or round-tripping: it parses several times faster and
costs no import.
"""

from __future__ import annotations

import ast
import io
import tokenize
from typing import Iterable, Sequence

from classifier.errors import SourceError
from classifier.model import Side

OBSERVABILITY_MODULES = frozenset(
    {"logging", "structlog", "loguru", "opentelemetry", "prometheus_client", "statsd", "sentry_sdk", "datadog"}
)


def classify_python(path: str, old: bytes, new: bytes, observability: Sequence[str]) -> tuple[str, str, int | None]:
    """Return ``(kind, detail, first changed line)`` for an edited Python file."""
    from classifier.surfaces.files import first_changed_line

    line = first_changed_line(old, new)
    old_tree, old_error = _parse(path, old, Side.BASE)
    new_tree, new_error = _parse(path, new, Side.HEAD)
    if old_tree is None or new_tree is None:
        return "internal-change", f"does not parse ({old_error or new_error}); compared as text", line
    names = frozenset(observability)
    if _dump(old_tree) == _dump(new_tree):
        return _documentation_or_layout(old, new, line)
    if _dump(_strip_observability(old_tree, names)) == _dump(_strip_observability(new_tree, names)):
        return "observability", "logging, metrics or tracing calls", line
    return "internal-change", "code changed", line


def _documentation_or_layout(old: bytes, new: bytes, line: int | None) -> tuple[str, str, int | None]:
    if _docstrings(old) != _docstrings(new) or _comments(old) != _comments(new):
        return "documentation", "comments or docstrings only", line
    return "internal-change", "formatting only (same syntax tree)", line


def _parse(path: str, data: bytes, side: Side) -> tuple[ast.Module | None, str | None]:
    text = _decode(path, data, side)
    try:
        return _without_docstrings(ast.parse(text)), None
    except SyntaxError as exc:
        return None, f"{side.value}: {exc.msg} at line {exc.lineno}, column {exc.offset}"
    except (RecursionError, MemoryError, ValueError):
        return None, f"{side.value}: too deeply nested to parse"


def _decode(path: str, data: bytes, side: Side) -> str:
    # Honour a PEP 263 coding cookie the way Python itself would.
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise SourceError(
            f"{path} ({side.value}): Python file cannot be decoded: {exc}",
            hint="save it as UTF-8 or declare its encoding in a coding comment",
        ) from None


def _dump(tree: ast.AST) -> str:
    return ast.dump(tree, annotate_fields=False, include_attributes=False)


def _without_docstrings(tree: ast.Module) -> ast.Module:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and _is_docstring(body[0]):
                node.body = body[1:] or [ast.Pass()]
    return tree


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _docstrings(data: bytes) -> list[str | None]:
    tree = ast.parse(data)
    return [
        ast.get_docstring(node, clean=False)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
    ]


def _comments(data: bytes) -> list[str]:
    tokens = tokenize.tokenize(io.BytesIO(data).readline)
    try:
        return [tok.string for tok in tokens if tok.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return []


class _ObservabilityStripper(ast.NodeTransformer):
    """Removes statements whose only effect is to log, count or trace."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def visit_Expr(self, node: ast.Expr) -> ast.AST | None:
        return None if self._is_observability_call(node.value) else node

    def visit_Assign(self, node: ast.Assign) -> ast.AST | None:
        # ``logger = logging.getLogger(__name__)`` and friends.
        targets_are_names = all(isinstance(t, ast.Name) and t.id in self.names for t in node.targets)
        return None if targets_are_names and self._is_observability_call(node.value) else node

    def visit_Import(self, node: ast.Import) -> ast.AST | None:
        return None if all(_root(alias.name) in OBSERVABILITY_MODULES for alias in node.names) else node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | None:
        return None if node.module and _root(node.module) in OBSERVABILITY_MODULES else node

    def visit_With(self, node: ast.With) -> ast.AST | list[ast.stmt]:
        # ``with tracer.start_as_current_span("x"): body`` is just ``body`` traced.
        self.generic_visit(node)
        if all(self._is_observability_call(item.context_expr) and item.optional_vars is None for item in node.items):
            # Drop the placeholder a fully stripped body received.
            return [statement for statement in node.body if not isinstance(statement, ast.Pass)]
        return node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        # A block whose only statement was a log call must stay a valid block.
        if isinstance(getattr(node, "body", None), list) and not node.body:  # type: ignore[attr-defined]
            node.body = [ast.Pass()]  # type: ignore[attr-defined]
        return node

    def _is_observability_call(self, node: ast.AST) -> bool:
        while isinstance(node, ast.Await):
            node = node.value
        if not isinstance(node, ast.Call):
            return False
        return bool(self.names.intersection(_name_chain(node.func)))


def _strip_observability(tree: ast.Module, names: frozenset[str]) -> ast.AST:
    stripped: ast.AST = _ObservabilityStripper(names | OBSERVABILITY_MODULES).visit(tree)
    return stripped


def _name_chain(node: ast.AST) -> Iterable[str]:
    """Every name along ``a.b().c.d``: ``a``, ``b``, ``c``, ``d``."""
    while True:
        if isinstance(node, ast.Attribute):
            yield node.attr
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            yield node.id
            return
        else:
            return


def _root(module: str) -> str:
    return module.split(".", 1)[0]
