"""Static values of libcst expressions: literals, and nothing that needs running code.

An expression is read only when its value can be known from the text of the
file alone: numbers, strings, ``True``/``False``/``None``, tuples, lists,
sets and dicts of those, a negative number, a name bound to such a literal at
module level in the same file, and the well-known HTTP status spellings
(``HTTPStatus.NOT_FOUND``, ``status.HTTP_404_NOT_FOUND``). Anything else is an
``Unknown`` carrying its source text, so a report can say exactly what could
not be read instead of guessing.
"""

from __future__ import annotations

import http
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import libcst as cst

# starlette/fastapi ``status.HTTP_404_NOT_FOUND``: the number is in the name.
_STATUS_CONSTANT = re.compile(r"^HTTP_(\d{3})(_[A-Z0-9_]+)?$")
_HTTP_STATUS = {status.name: status.value for status in http.HTTPStatus}


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be known without running code; ``source`` is its text."""

    source: str

    def __str__(self) -> str:
        return f"not statically known (`{self.source}`)"


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else ``None``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


class LiteralReader:
    """Reads expressions of one module; ``names`` are its module-level literal constants."""

    def __init__(self, module: cst.Module, names: Mapping[str, Any] | None = None) -> None:
        self.module = module
        self.names: dict[str, Any] = dict(names or {})

    def source(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node).strip()

    def read(self, node: cst.BaseExpression) -> Any:
        """The value of ``node``, or an ``Unknown`` with its source text."""
        reader = _READERS.get(type(node))
        value = reader(self, node) if reader is not None else None
        return Unknown(self.source(node)) if value is None else value.value


class _Literal:
    """Wraps a successfully read value so that a literal ``None`` is not "unreadable"."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _known(reader: LiteralReader, node: cst.BaseExpression) -> _Literal | None:
    value = reader.read(node)
    return None if isinstance(value, Unknown) else _Literal(value)


def _integer(reader: LiteralReader, node: cst.Integer) -> _Literal:
    return _Literal(node.evaluated_value)


def _float(reader: LiteralReader, node: cst.Float) -> _Literal:
    return _Literal(node.evaluated_value)


def _string(reader: LiteralReader, node: cst.SimpleString) -> _Literal:
    return _Literal(node.evaluated_value)


def _concatenated(reader: LiteralReader, node: cst.ConcatenatedString) -> _Literal | None:
    value = node.evaluated_value
    return None if value is None else _Literal(value)


def _name(reader: LiteralReader, node: cst.Name) -> _Literal | None:
    constants = {"True": True, "False": False, "None": None}
    if node.value in constants:
        return _Literal(constants[node.value])
    if node.value in reader.names:
        return _Literal(reader.names[node.value])
    return None


def _attribute(reader: LiteralReader, node: cst.Attribute) -> _Literal | None:
    name = dotted_name(node)
    if name is None:
        return None
    owner, _, attr = name.rpartition(".")
    if owner.split(".")[-1] == "HTTPStatus" and attr in _HTTP_STATUS:
        return _Literal(_HTTP_STATUS[attr])
    match = _STATUS_CONSTANT.match(attr)
    if owner.split(".")[-1] == "status" and match:
        return _Literal(int(match.group(1)))
    return None


def _unary(reader: LiteralReader, node: cst.UnaryOperation) -> _Literal | None:
    operand = _known(reader, node.expression)
    if operand is None or not isinstance(operand.value, (int, float)) or isinstance(operand.value, bool):
        return None
    if isinstance(node.operator, cst.Minus):
        return _Literal(-operand.value)
    return operand if isinstance(node.operator, cst.Plus) else None


def _sequence(reader: LiteralReader, node: cst.Tuple | cst.List | cst.Set) -> _Literal | None:
    values = []
    for element in node.elements:
        if not isinstance(element, cst.Element):
            return None  # a starred element unpacks something unknown
        value = _known(reader, element.value)
        if value is None:
            return None
        values.append(value.value)
    return _Literal(tuple(values) if not isinstance(node, cst.Set) else frozenset(values))


def _dict(reader: LiteralReader, node: cst.Dict) -> _Literal | None:
    values: dict[Any, Any] = {}
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            return None
        key, value = _known(reader, element.key), _known(reader, element.value)
        if key is None or value is None:
            return None
        values[key.value] = value.value
    return _Literal(values)


_READERS: dict[type, Callable[[LiteralReader, Any], _Literal | None]] = {
    cst.Integer: _integer,
    cst.Float: _float,
    cst.SimpleString: _string,
    cst.ConcatenatedString: _concatenated,
    cst.Name: _name,
    cst.Attribute: _attribute,
    cst.UnaryOperation: _unary,
    cst.Tuple: _sequence,
    cst.List: _sequence,
    cst.Set: _sequence,
    cst.Dict: _dict,
}
