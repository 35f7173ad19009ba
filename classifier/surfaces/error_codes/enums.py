"""Members of ``Enum`` classes as table entries, read without running the class body.

A member's value is read as a literal (``auto()`` resolved like Python does).
A tuple member (``PROOF_NOT_FOUND = ("proof_not_found", 404, "Proof not found")``)
is split when the enum's ``__init__`` or ``__new__`` says what each part is:
parts stored as a status or a message become those fields, so a status change
is a status change and not a new opaque value.
"""

from __future__ import annotations

from typing import Any, Iterator

import libcst as cst

from classifier.surfaces.error_codes.gather import ClassInfo
from classifier.surfaces.error_codes.literals import Unknown, dotted_name
from classifier.surfaces.error_codes.model import Entry, Field
from classifier.surfaces.error_codes.shapes import CODE_ATTRIBUTES, MESSAGE_ATTRIBUTES, STATUS_ATTRIBUTES, Module

# What an enum's ``__init__`` may store the part of a tuple member that is the code in.
VALUE_ATTRIBUTES = ("_value_", "value", *CODE_ATTRIBUTES)


def enum_entries(module: Module, info: ClassInfo) -> Iterator[Entry]:
    """Members of an Enum class: member name -> value (``auto()`` resolved like Python does).

    A tuple member whose parts the enum's ``__init__`` stores as a status or a
    message gives those fields instead of one opaque value.
    """
    previous: Any = 0
    is_str_enum = any(base.rsplit(".", 1)[-1] == "StrEnum" for base in info.bases)
    roles = member_roles(module, info)
    for member in module.members(info.name):
        parts = member.value.elements if isinstance(member.value, cst.Tuple) else ()
        # A starred part unpacks something unknown: the tuple stays one (not static) value.
        if roles is not None and len(parts) == len(roles) and all(isinstance(part, cst.Element) for part in parts):
            fields = _split_member(module, info.name, member.line, [part.value for part in parts], roles)
            yield Entry(info.name, member.name, member.line, fields)
            continue
        if _is_auto(member.value):
            value: Any = member.name.lower() if is_str_enum else _next_auto(previous)
        else:
            value = module.reader.read(member.value)
        previous = value
        yield Entry(info.name, member.name, member.line, {"value": Field(value, member.line, info.name)})


def member_roles(module: Module, info: ClassInfo) -> tuple[str | None, ...] | None:
    """What each part of a tuple member is (``value``, ``status``, ``message`` or unknown).

    Read from the ``__init__``/``__new__`` of the enum or of a base class in the file;
    ``None`` unless it names a status or a message, so other tuples stay whole values.
    """
    stored = _initializer(module, info.name, frozenset())
    if stored is None:
        return None
    roles = tuple(_role(names) for names in stored)
    return roles if any(role in ("status", "message") for role in roles) else None


def _initializer(module: Module, name: str, seen: frozenset[str]) -> tuple[tuple[str, ...], ...] | None:
    if name in module.initializers:
        return module.initializers[name]
    for base in module.classes[name].bases:
        local = module.local_class(base)
        if local is not None and local not in seen and local != name:
            found = _initializer(module, local, seen | {name})
            if found is not None:
                return found
    return None


def _role(names: tuple[str, ...]) -> str | None:
    # The attribute a parameter is stored in says more than the parameter's own name.
    parameter, *attributes = names
    for name in (*attributes, parameter):
        for role, known in (("value", VALUE_ATTRIBUTES), ("status", STATUS_ATTRIBUTES), ("message", MESSAGE_ATTRIBUTES)):
            if name in known:
                return role
    return None


def _split_member(
    module: Module, table: str, line: int, parts: list[cst.BaseExpression], roles: tuple[str | None, ...]
) -> dict[str, Field]:
    """Status and message parts as fields; the remaining parts are the member's value."""
    fields: dict[str, Field] = {}
    rest: list[Any] = []
    for part, role in zip(parts, roles):
        value = module.reader.read(part)
        if role in ("status", "message"):
            fields[role] = Field(value, line, table)
        else:
            rest.append(value)
    if rest:
        value = rest[0] if len(rest) == 1 else tuple(rest)
        fields = {"value": Field(value, line, table), **fields}
    return fields


def _is_auto(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Call) and (dotted_name(node.func) or "").rsplit(".", 1)[-1] == "auto"


def _next_auto(previous: Any) -> Any:
    if isinstance(previous, int) and not isinstance(previous, bool):
        return previous + 1
    return Unknown("auto()")
