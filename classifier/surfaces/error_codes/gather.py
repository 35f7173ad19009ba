"""libcst visitors that collect what a Python module declares, without running it.

Three passes over one parsed module, each a ``Gather…Visitor`` with typed
results: classes (name, bases, docstring), assignments at module and class
level (the raw material of dict tables, enum members, exception attributes and
contract constants), and calls to configured registry functions. Interpreting
them as tables is ``shapes.py``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import PositionProvider

from classifier.surfaces.error_codes.literals import dotted_name


@dataclass(frozen=True, slots=True)
class ClassInfo:
    """A class statement: its qualified name, base names, line and docstring."""

    name: str
    bases: tuple[str, ...]
    line: int
    docstring: str | None


@dataclass(frozen=True, slots=True)
class Assignment:
    """``owner.NAME = value`` (owner '' at module level) with the value's expression."""

    owner: str
    name: str
    value: cst.BaseExpression
    line: int

    @property
    def qualified(self) -> str:
        return f"{self.owner}.{self.name}" if self.owner else self.name


@dataclass(frozen=True, slots=True)
class Call:
    """A call to a configured registry function, with its arguments as written."""

    function: str
    args: tuple[cst.Arg, ...]
    line: int


class _Positioned(cst.BatchableCSTVisitor):
    """A visitor run with the others in one traversal (``MetadataWrapper.visit_batched``).

    Batched visitors cannot prune the walk, so each keeps its own count of the
    function bodies it is inside: what is defined there exists only when the
    function runs.
    """

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.function_depth = 0

    def line_of(self, node: cst.CSTNode) -> int:
        return int(self.get_metadata(PositionProvider, node).start.line)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.function_depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.function_depth -= 1


class _Scoped(_Positioned):
    """Knows the classes it is inside (outside any function body), innermost last."""

    def __init__(self) -> None:
        super().__init__()
        self.scope: list[str] = []

    @property
    def owner(self) -> str:
        return ".".join(self.scope)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not self.function_depth:
            self.enter_class(node)
            self.scope.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        if not self.function_depth:
            self.scope.pop()

    def enter_class(self, node: cst.ClassDef) -> None:
        """Called for each class statement before its body is walked."""


class GatherClassesVisitor(_Scoped):
    """Every class statement, nested ones qualified by their enclosing classes.

    ``initializers`` maps a class to what its ``__init__`` (or ``__new__``)
    does with each positional parameter after ``self``/``cls``: the parameter's
    name followed by the attributes it is stored in (``self.status = status``).
    An Enum whose members are tuples is read through it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.classes: list[ClassInfo] = []
        self.initializers: dict[str, tuple[tuple[str, ...], ...]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if not self.function_depth and self.scope and node.name.value in ("__init__", "__new__"):
            self.initializers.setdefault(self.owner, _stored_parameters(node))
        super().visit_FunctionDef(node)

    def enter_class(self, node: cst.ClassDef) -> None:
        name = ".".join([*self.scope, node.name.value])
        bases = tuple(filter(None, (dotted_name(arg.value) for arg in node.bases if arg.keyword is None)))
        self.classes.append(ClassInfo(name, bases, self.line_of(node), node.get_docstring(clean=True)))


def _stored_parameters(node: cst.FunctionDef) -> tuple[tuple[str, ...], ...]:
    """Each positional parameter after the first, with the attributes assigned from it."""
    parameters = [param.name.value for param in (*node.params.posonly_params, *node.params.params)][1:]
    stored: dict[str, list[str]] = {name: [] for name in parameters}
    statements = node.body.body if isinstance(node.body, cst.IndentedBlock) else (node.body,)
    for statement in statements:
        small = statement.body if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else ()
        for assign in small:
            if isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Name) and assign.value.value in stored:
                for target in assign.targets:
                    if isinstance(target.target, cst.Attribute):  # self.status = status, obj._value_ = code
                        stored[assign.value.value].append(target.target.attr.value)
    return tuple((name, *stored[name]) for name in parameters)


class GatherAssignmentsVisitor(_Scoped):
    """Plain and annotated assignments to names, at module level and in class bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.assignments: list[Assignment] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.function_depth:
            return  # locals are not part of a table or a contract
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._add(target.target.value, node.value, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if not self.function_depth and isinstance(node.target, cst.Name) and node.value is not None:
            self._add(node.target.value, node.value, node)

    def _add(self, name: str, value: cst.BaseExpression, node: cst.CSTNode) -> None:
        self.assignments.append(Assignment(self.owner, name, value, self.line_of(node)))


class GatherRegistryCallsVisitor(_Positioned):
    """Calls such as ``register(code="X", status=404)`` to the configured functions.

    A configured plain name (``register``) matches any call whose last name is
    that (``errors.register``, ``registry.register``); a dotted one matches
    exactly.
    """

    def __init__(self, functions: tuple[str, ...]) -> None:
        super().__init__()
        self.functions = functions
        self.calls: list[Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        name = dotted_name(node.func)
        if name is not None and self._configured(name):
            self.calls.append(Call(name, tuple(node.args), self.line_of(node)))

    def _configured(self, name: str) -> bool:
        last = name.rsplit(".", 1)[-1]
        return any(name == wanted or ("." not in wanted and last == wanted) for wanted in self.functions)
