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
import codecs
import io
import tokenize
from typing import Iterable, Iterator, Sequence

from classifier.errors import SourceError
from classifier.model import Side
from classifier.sources.limits import MB, limits_in_force, megabytes

OBSERVABILITY_MODULES = frozenset(
    {"logging", "structlog", "loguru", "opentelemetry", "prometheus_client", "statsd", "sentry_sdk", "datadog"}
)

# Statements that hold blocks of statements; no other node can hold a definition or a log call statement.
COMPOUND_STATEMENTS = tuple(
    getattr(ast, name)
    for name in ("FunctionDef", "AsyncFunctionDef", "ClassDef", "If", "For", "AsyncFor", "While",
                 "With", "AsyncWith", "Try", "TryStar", "Match")
    if hasattr(ast, name)  # TryStar: Python 3.11+
)


def classify_python(path: str, old: bytes, new: bytes, observability: Sequence[str]) -> tuple[str, str, int | None]:
    """Return ``(kind, detail, first changed line)`` for an edited Python file."""
    from classifier.surfaces.files import first_changed_line

    line = first_changed_line(old, new)
    limit = limits_in_force().max_python_bytes
    largest = max(len(old), len(new))
    if largest > limit:
        # Parsing costs time and memory in proportion (about 120 MB per MB of source, twice over).
        detail = f"not parsed: {megabytes(largest)} of Python, over the {limit / MB:g} MB limit (max_python_mb)"
        return "internal-change", f"{detail}; compared as text", line
    old_parsed, old_error = _parse(path, old, Side.BASE)
    new_parsed, new_error = _parse(path, new, Side.HEAD)
    if old_parsed is None or new_parsed is None:
        return "internal-change", f"does not parse ({old_error or new_error}); compared as text", line
    (old_tree, old_docs), (new_tree, new_docs) = old_parsed, new_parsed
    names = frozenset(observability) | OBSERVABILITY_MODULES
    try:
        if _same(old_tree, new_tree):
            return _documentation_or_layout(old, new, old_docs != new_docs, line)
        if _same(_strip_observability(old_tree, names), _strip_observability(new_tree, names)):
            return "observability", "logging, metrics or tracing calls", line
    except RecursionError:
        return "internal-change", "too deeply nested to compare; compared as text", line
    return "internal-change", "code changed", line


def _documentation_or_layout(old: bytes, new: bytes, docstrings_differ: bool, line: int | None) -> tuple[str, str, int | None]:
    if docstrings_differ or _comments(old) != _comments(new):
        return "documentation", "comments or docstrings only", line
    return "internal-change", "formatting only (same syntax tree)", line


def _parse(path: str, data: bytes, side: Side) -> tuple[tuple[ast.Module, list[str | None]] | None, str | None]:
    """The syntax tree without docstrings, and the docstrings removed; or why it does not parse."""
    text = _decode(path, data, side)
    try:
        tree = ast.parse(text)
        docstrings: list[str | None] = []
        _remove_docstrings(tree, docstrings)
        return (tree, docstrings), None
    except SyntaxError as exc:
        return None, f"{side.value}: {exc.msg} at line {exc.lineno}, column {exc.offset}"
    except (RecursionError, MemoryError, ValueError):
        return None, f"{side.value}: too deeply nested to parse"


def _decode(path: str, data: bytes, side: Side) -> str:
    if not data.startswith(codecs.BOM_UTF8) and b"coding" not in b"\n".join(data.split(b"\n", 2)[:2]):
        # No BOM and no cookie: plain UTF-8, without tokenize's line-by-line sniffing.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass  # reported below, in the words the slow path uses
    # Honour a PEP 263 coding cookie the way Python itself would.
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        raise SourceError(
            f"{path} ({side.value}): Python file cannot be decoded: {exc}",
            hint="save it as UTF-8 or declare its encoding in a coding comment",
        ) from None


def _same(old: object, new: object) -> bool:
    """Whether two syntax trees are equal, positions aside; stops at the first difference.

    Equivalent to comparing ``ast.dump`` outputs, without building two strings
    for every pair of files. Plain loops: this runs once per node of every
    changed Python file.
    """
    if old is new:
        return True  # None, shared contexts (Load, Store), interned names
    if type(old) is not type(new):
        return False
    if isinstance(old, ast.AST):
        for field in old._fields:
            if not _same(getattr(old, field, None), getattr(new, field, None)):
                return False
        return True
    if type(old) is list:
        if len(old) != len(new):  # type: ignore[arg-type]
            return False
        for old_item, new_item in zip(old, new):  # type: ignore[call-overload]
            if not _same(old_item, new_item):
                return False
        return True
    # repr tells 0.0 from -0.0 and keeps NaN equal to itself, as ast.dump would.
    return old == new if not isinstance(old, (float, complex)) else repr(old) == repr(new)


def _remove_docstrings(node: ast.AST, removed: list[str | None]) -> None:
    """Drop every module, class and function docstring, collecting them in traversal order.

    Definitions only nest inside statement blocks, so only blocks are walked,
    not expressions.
    """
    if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        body = node.body
        if body and _is_docstring(body[0]):
            removed.append(body[0].value.value)  # type: ignore[attr-defined]
            node.body = body[1:] or [ast.Pass()]
        else:
            removed.append(None)
    for block in _blocks(node):
        for statement in block:
            if isinstance(statement, COMPOUND_STATEMENTS):
                _remove_docstrings(statement, removed)


def _blocks(node: ast.AST) -> Iterator[list[ast.stmt]]:
    """The statement lists directly inside ``node`` (handlers' and match cases' bodies too)."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(node, field, None)
        if isinstance(block, list):
            yield block
    for holder in (*getattr(node, "handlers", ()), *getattr(node, "cases", ())):
        yield holder.body


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _comments(data: bytes) -> list[str]:
    tokens = tokenize.tokenize(io.BytesIO(data).readline)
    try:
        return [tok.string for tok in tokens if tok.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return []


def _strip_observability(tree: ast.Module, names: frozenset[str]) -> ast.Module:
    """Remove, in place, statements whose only effect is to log, count or trace."""
    _strip_blocks(tree, names)
    return tree


def _strip_blocks(node: ast.AST, names: frozenset[str]) -> None:
    for field in ("body", "orelse", "finalbody"):
        block = getattr(node, field, None)
        if isinstance(block, list):
            setattr(node, field, [kept for statement in block for kept in _strip_statement(statement, names)])
    for holder in (*getattr(node, "handlers", ()), *getattr(node, "cases", ())):
        _strip_blocks(holder, names)
    # A block whose only statement was a log call must stay a valid block.
    if isinstance(getattr(node, "body", None), list) and not node.body:  # type: ignore[attr-defined]
        node.body = [ast.Pass()]  # type: ignore[attr-defined]


def _strip_statement(node: ast.stmt, names: frozenset[str]) -> list[ast.stmt]:
    """What remains of one statement: nothing, itself, or (for a traced ``with``) its body."""
    if isinstance(node, ast.Expr):
        return [] if _is_observability_call(node.value, names) else [node]
    if isinstance(node, ast.Assign):
        # ``logger = logging.getLogger(__name__)`` and friends.
        targets_are_names = all(isinstance(t, ast.Name) and t.id in names for t in node.targets)
        return [] if targets_are_names and _is_observability_call(node.value, names) else [node]
    if isinstance(node, ast.Import):
        return [] if all(_root(alias.name) in OBSERVABILITY_MODULES for alias in node.names) else [node]
    if isinstance(node, ast.ImportFrom):
        return [] if node.module and _root(node.module) in OBSERVABILITY_MODULES else [node]
    if not isinstance(node, COMPOUND_STATEMENTS):
        return [node]
    _strip_blocks(node, names)
    if isinstance(node, ast.With) and all(
        _is_observability_call(item.context_expr, names) and item.optional_vars is None for item in node.items
    ):
        # ``with tracer.start_as_current_span("x"): body`` is just ``body`` traced;
        # the placeholder a fully stripped body received goes too.
        return [statement for statement in node.body if not isinstance(statement, ast.Pass)]
    return [node]


def _is_observability_call(node: ast.AST, names: frozenset[str]) -> bool:
    while isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return False
    return bool(names.intersection(_name_chain(node.func)))


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
