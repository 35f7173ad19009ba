"""The shapes an error table takes in Python, read from what ``gather.py`` collected.

Each shape yields ``Entry`` observations (enum members are ``enums.py``'s): dict
literals (code -> status, message tuple, spec call or exception class),
exception classes carrying ``code``/``status_code``… attributes (inherited
values resolved within the file) and registry calls. Codes written as
``ErrorCode.MEMBER`` or as the member's string value all become ``MEMBER``,
so the shapes of one file merge by code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, TypeGuard

import libcst as cst

from classifier.surfaces.error_codes.gather import Assignment, Call, ClassInfo
from classifier.surfaces.error_codes.literals import LiteralReader, Unknown, dotted_name
from classifier.surfaces.error_codes.model import Entry, Field, Problem

ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"})
CODE_ATTRIBUTES = ("code", "error_code")
STATUS_ATTRIBUTES = ("status_code", "http_status", "status")
MESSAGE_ATTRIBUTES = ("message", "detail", "title")
# Keyword arguments of spec calls and registry calls, by the field they give.
KEYWORD_FIELDS = {
    **{name: "code" for name in ("code", "error_code", "name")},
    **{name: "status" for name in STATUS_ATTRIBUTES},
    **{name: "message" for name in MESSAGE_ATTRIBUTES},
    **{name: "exception" for name in ("exception", "exc", "exception_class", "exc_class")},
}
_CLASS_NAME = re.compile(r"^_?[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")


@dataclass(slots=True)
class Module:
    """What one parsed module declares, with helpers to read it."""

    reader: LiteralReader
    line_of: Callable[[cst.CSTNode], int]
    classes: dict[str, ClassInfo]
    assignments: list[Assignment]
    calls: list[Call]
    initializers: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    enums: set[str] = field(default_factory=set)
    exceptions: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def members(self, owner: str) -> list[Assignment]:
        return [a for a in self.assignments if a.owner == owner and not a.name.startswith("_")]

    def local_class(self, name: str) -> str | None:
        """The class of this file that a base or reference names, if any."""
        if name in self.classes:
            return name
        last = name.rsplit(".", 1)[-1]
        return last if last in self.classes else None

    def not_static(self, subject: str, line: int, value: Unknown) -> None:
        self.problems.append(Problem("not-static", subject, line, f"{subject} is {value}"))


def classify_classes(module: Module) -> None:
    """Mark which classes are enums and which are exceptions (inheritance within the file)."""
    changed = True
    while changed:
        changed = False
        for info in module.classes.values():
            for kind, found in (("enum", module.enums), ("exception", module.exceptions)):
                if info.name not in found and any(_base_is(module, base, kind) for base in info.bases):
                    found.add(info.name)
                    changed = True


def _base_is(module: Module, base: str, kind: str) -> bool:
    local = module.local_class(base)
    if local is not None:
        return local in (module.enums if kind == "enum" else module.exceptions)
    last = base.rsplit(".", 1)[-1]
    if kind == "enum":
        return last in ENUM_BASES
    return last in ("Exception", "BaseException") or last.endswith(("Error", "Exception"))


def dict_entries(module: Module, assignment: Assignment, named: bool) -> list[Entry] | None:
    """Entries of a dict literal mapping codes to specs; ``None`` when it is not a table."""
    node = assignment.value
    if not isinstance(node, cst.Dict) or not node.elements:
        return None
    entries: list[Entry] = []
    for element in node.elements:
        code = code_key(module, element.key) if isinstance(element, cst.DictElement) else None
        if code is None and not named:
            return None
        line = module.line_of(element)
        if code is None:
            module.not_static(assignment.qualified, line, Unknown(module.reader.source(element)))
            continue
        fields = spec_fields(module, element.value, assignment.qualified, line)
        entries.append(Entry(assignment.qualified, code, line, fields))
    return entries


def code_key(module: Module, node: cst.BaseExpression) -> str | None:
    """The code a dict key or attribute names: a string, a number or ``Enum.MEMBER``."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer)):
        value = module.reader.read(node)
        return None if isinstance(value, Unknown) else str(value)
    name = dotted_name(node)
    if name is not None and "." in name:
        owner, _, member = name.rpartition(".")
        if module.local_class(owner) in module.enums:
            return member
    return None


def spec_fields(module: Module, node: cst.BaseExpression, table: str, line: int) -> dict[str, Field]:
    """The fields one table value gives: a status, a tuple, a spec call or an exception class."""
    if _is_spec_call(node):
        positional = [arg.value for arg in node.args if arg.keyword is None]
        return {**_positional_fields(module, positional, table, line), **_keyword_fields(module, node.args, table)}
    if isinstance(node, cst.Tuple):
        return _positional_fields(module, [element.value for element in node.elements], table, line)
    return _positional_fields(module, [node], table, line)


def _is_spec_call(node: cst.BaseExpression) -> TypeGuard[cst.Call]:
    """``ErrorSpec(404, "…")`` or ``spec(status=404)``; ``compute()`` is a computed value."""
    if not isinstance(node, cst.Call):
        return False
    name = (dotted_name(node.func) or "").rsplit(".", 1)[-1]
    return bool(_CLASS_NAME.match(name)) or any(arg.keyword is not None for arg in node.args)


def _positional_fields(module: Module, values: list[cst.BaseExpression], table: str, line: int) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for node in values:
        name = _exception_name(module, node)
        value = module.reader.read(node)
        if name is not None:
            kind, value = "exception", name
        elif isinstance(value, str):
            kind = "message"
        else:
            # Numbers are statuses; an unreadable positional value is taken as the status
            # it most often is, and reported as not statically known.
            kind = "status"
        fields.setdefault(kind, Field(value, line, table))
    return fields


def _keyword_fields(module: Module, args: tuple[cst.Arg, ...] | Any, table: str) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for arg in args:
        wanted = KEYWORD_FIELDS.get(arg.keyword.value) if arg.keyword is not None else None
        if wanted is not None and wanted != "code":
            fields[wanted] = Field(_field_value(module, wanted, arg.value), module.line_of(arg), table)
    return fields


def _field_value(module: Module, wanted: str, node: cst.BaseExpression) -> Any:
    if wanted == "exception":
        return _exception_name(module, node) or module.reader.read(node)
    return module.reader.read(node)


def _exception_name(module: Module, node: cst.BaseExpression) -> str | None:
    name = dotted_name(node)
    if name is None or name in module.reader.names:
        return None
    last = name.rsplit(".", 1)[-1]
    return last if module.local_class(name) or _CLASS_NAME.match(last) else None


def exception_entry(module: Module, info: ClassInfo) -> Entry | None:
    """An exception class that sets a code, status or message itself (others inherit)."""
    own = {a.name: a for a in module.members(info.name)}
    tracked = set(own) & {*CODE_ATTRIBUTES, *STATUS_ATTRIBUTES, *MESSAGE_ATTRIBUTES}
    if not tracked:
        return None
    short = info.name.rsplit(".", 1)[-1]
    code = _own_code(module, own) or short
    fields = {"exception": Field(short, info.line, info.name)}
    if info.docstring:
        fields["docstring"] = Field(info.docstring, info.line, info.name)
    for kind, names in (("status", STATUS_ATTRIBUTES), ("message", MESSAGE_ATTRIBUTES)):
        found = _inherited(module, info, names)
        if found is not None:
            fields[kind] = Field(module.reader.read(found.value), found.line, info.name)
    return Entry(info.name, code, info.line, fields)


def _own_code(module: Module, own: dict[str, Assignment]) -> str | None:
    for name in CODE_ATTRIBUTES:
        if name in own:
            code = code_key(module, own[name].value)
            if code is None:
                module.not_static(f"{own[name].owner}.{name}", own[name].line, Unknown(module.reader.source(own[name].value)))
            return code
    return None


def _inherited(module: Module, info: ClassInfo, names: tuple[str, ...], seen: frozenset[str] = frozenset()) -> Assignment | None:
    """The first of ``names`` the class or its bases in this file define (depth-first, left to right)."""
    for member in module.members(info.name):
        if member.name in names:
            return member
    for base in info.bases:
        local = module.local_class(base)
        if local is not None and local not in seen:
            found = _inherited(module, module.classes[local], names, seen | {info.name})
            if found is not None:
                return found
    return None


def call_entry(module: Module, call: Call) -> Entry | None:
    """A registry call: the code from ``code=``/``name=`` or the first positional string."""
    keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}
    positional = [arg.value for arg in call.args if arg.keyword is None]
    code_node = next((keywords[k].value for k in ("code", "error_code", "name") if k in keywords), None)
    if code_node is None and positional:
        code_node = positional.pop(0)
    code = code_key(module, code_node) if code_node is not None else None
    if code is None:
        module.not_static(f"{call.function}()", call.line, Unknown(module.reader.source(code_node or cst.Name("code"))))
        return None
    fields = {**_positional_fields(module, positional, call.function, call.line),
              **_keyword_fields(module, call.args, call.function)}
    return Entry(call.function, code, call.line, fields)
