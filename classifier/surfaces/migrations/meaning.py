"""Rewrites that keep what a revision file does, for telling an edit from a tidy-up.

Formatters and linters rewrite applied revisions without changing them:
type annotations added, ``pass`` removed after a docstring, ``"{}".format(x)``
or ``"%s" % x`` turned into an f-string, ``sqlalchemy.text`` written as
``sa.text`` through an import alias. Each is rewritten here to one form
before the canonical digest is taken, so such edits compare equal. Only used
to judge an edit of an applied revision; the lock file's hash is unchanged.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

import libcst as cst

_FORMAT_FIELD = re.compile(r"\{\}|\{\d+\}")
_PERCENT_FIELD = re.compile(r"%s")


class Normalised(cst.CSTTransformer):
    """See the module docstring. ``aliases`` maps an imported local name to its full dotted path."""

    def __init__(self, aliases: Mapping[str, str]) -> None:
        super().__init__()
        self.aliases = aliases

    # -- annotations and ``pass`` -------------------------------------------------

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign) -> cst.BaseSmallStatement:
        if updated.value is None:
            return updated
        return cst.Assign(targets=[cst.AssignTarget(updated.target)], value=updated.value)

    def leave_Param(self, original: cst.Param, updated: cst.Param) -> cst.Param:
        return updated.with_changes(name=original.name, annotation=None)

    def leave_AsName(self, original: cst.AsName, updated: cst.AsName) -> cst.AsName:
        return updated.with_changes(name=original.name)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        return updated.with_changes(name=original.name, returns=None)

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if all(isinstance(small, cst.Pass) for small in updated.body):
            return cst.RemovalSentinel.REMOVE
        return updated

    # -- import aliases -------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        full = self.aliases.get(original.value)
        if full is None or full == original.value:
            return updated
        try:
            return cst.parse_expression(full)
        except cst.ParserSyntaxError:
            return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
        return updated.with_changes(attr=original.attr)

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg) -> cst.Arg:
        return updated.with_changes(keyword=original.keyword)

    # -- string formatting ------------------------------------------------------------

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``"a {} b".format(x)`` as ``f"a {x} b"`` when every field is a plain ``{}``."""
        func = updated.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "format" and isinstance(func.value, cst.SimpleString)):
            return updated
        if any(arg.keyword is not None or arg.star for arg in updated.args):
            return updated
        template = _value(func.value)
        if template is None or "{{" in template or "}}" in template:
            return updated
        pieces = _FORMAT_FIELD.split(template)
        fields = _FORMAT_FIELD.findall(template)
        if len(fields) != len(updated.args) or re.search(r"[{}]", "".join(pieces)):
            return updated
        order = [int(f[1:-1]) if f != "{}" else i for i, f in enumerate(fields)]
        if sorted(order) != list(range(len(order))):
            return updated
        return _fstring(pieces, [updated.args[i].value for i in order])

    def leave_BinaryOperation(self, original: cst.BinaryOperation, updated: cst.BinaryOperation) -> cst.BaseExpression:
        """``"a %s b" % (x,)`` as ``f"a {x} b"`` when every field is a plain ``%s``."""
        if not (isinstance(updated.operator, cst.Modulo) and isinstance(updated.left, cst.SimpleString)):
            return updated
        template = _value(updated.left)
        if template is None or "{" in template or "}" in template:
            return updated
        pieces = _PERCENT_FIELD.split(template)
        if any("%" in piece for piece in pieces):
            return updated
        right = updated.right
        values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
        if len(values) != len(pieces) - 1 or any(isinstance(v, cst.StarredElement) for v in values):
            return updated
        return _fstring(pieces, values)

    def leave_FormattedString(self, original: cst.FormattedString, updated: cst.FormattedString) -> cst.FormattedString:
        """One quoting and escaped text for every f-string (``f'{x}'`` is ``f\"{x}\"``)."""
        parts: list[cst.BaseFormattedStringContent] = []
        for part in updated.parts:
            if isinstance(part, cst.FormattedStringText):
                text = _unescape(part.value, updated.prefix)
                parts.append(cst.FormattedStringText(text if text is not None else part.value))
            else:
                parts.append(part)
        return updated.with_changes(parts=parts, start='f"', end='"')


def _fstring(pieces: list[str], values: list[cst.BaseExpression]) -> cst.FormattedString:
    parts: list[cst.BaseFormattedStringContent] = []
    for index, piece in enumerate(pieces):
        if piece:
            parts.append(cst.FormattedStringText(piece))
        if index < len(values):
            parts.append(cst.FormattedStringExpression(expression=values[index]))
    return cst.FormattedString(parts=parts, start='f"', end='"')


def _value(node: cst.SimpleString) -> str | None:
    value = node.evaluated_value
    return value if isinstance(value, str) else None


def _unescape(raw: str, prefix: str) -> str | None:
    """The text of an f-string part with its escapes applied (``\\n`` is a newline), as a plain string reads it."""
    if "r" in prefix.lower():
        return raw
    try:
        value = ast.literal_eval('"""' + raw.replace('"', '\\"') + '"""')
    except (SyntaxError, ValueError):
        return None
    return value if isinstance(value, str) else None


def aliases_of(imports: Mapping[str, tuple[str, str | None]]) -> dict[str, str]:
    """Local name -> full dotted path for ``import a.b as x`` and ``from a.b import c``."""
    found: dict[str, str] = {}
    for local, (module, name) in imports.items():
        full = f"{module}.{name}" if name else module
        if full.replace(".", "").replace("_", "").isalnum() and not full.startswith("."):
            found[local] = full
    return found


class WithoutSessionSettings(cst.CSTTransformer):
    """Every ``execute("SET …")`` whose SQL only sets session parameters (``SET LOCAL lock_timeout``)
    loses its text: a timeout changes how long the migration waits, not what it does."""

    def __init__(self, dialect: str) -> None:
        super().__init__()
        self.dialect = dialect

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        from classifier.surfaces.migrations.sql import analyse_sql

        func = updated.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "execute" and updated.args):
            return updated
        value = updated.args[0].value
        if isinstance(value, cst.Call) and value.args and isinstance(value.func, (cst.Name, cst.Attribute)):
            inner = value.func.value if isinstance(value.func, cst.Name) else value.func.attr.value
            if inner == "text":
                value = value.args[0].value
        text = value.evaluated_value if isinstance(value, (cst.SimpleString, cst.ConcatenatedString)) else None
        if not isinstance(text, str):
            return updated
        statements = analyse_sql(text, self.dialect)
        if statements and all(statement.action == "session" for statement in statements):
            return updated.with_changes(args=[cst.Arg(cst.SimpleString('"SET"'))])
        return updated
