"""The rooms keep their walls: what each part of the package may import, and who may print.

docs/architecture.md states the same table in words; change both together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "classifier"

# room -> the other rooms it may import (lazily or not). A room is a top-level module or package.
ALLOWED: dict[str, set[str]] = {
    "classifier": set(),
    "classifier.errors": set(),
    "classifier.model": set(),
    "classifier.sources": {"classifier.errors", "classifier.model"},
    "classifier.rules": {"classifier.errors", "classifier.model"},
    "classifier.policy": {"classifier.errors", "classifier.model", "classifier.rules", "classifier.sources"},
    "classifier.surfaces": {"classifier.errors", "classifier.model", "classifier.policy", "classifier.rules",
                            "classifier.sources"},
    "classifier.check": {"classifier.model", "classifier.policy", "classifier.rules", "classifier.sources",
                         "classifier.surfaces"},
    "classifier.report": {"classifier", "classifier.errors", "classifier.model", "classifier.policy",
                          "classifier.rules", "classifier.guard"},
    "classifier.upgrade": {"classifier.errors", "classifier.guard", "classifier.model", "classifier.sources",
                           "classifier.surfaces"},
    "classifier.guard": set(),
    "classifier.pytest_plugin": {"classifier.policy", "classifier.surfaces"},
    "classifier.commands": {"classifier", "classifier.check", "classifier.errors", "classifier.guard",
                            "classifier.model", "classifier.policy", "classifier.report", "classifier.rules",
                            "classifier.sources", "classifier.surfaces", "classifier.upgrade"},
    "classifier.cli": {"classifier", "classifier.commands", "classifier.errors"},
    "classifier.action": {"classifier.cli", "classifier.report"},
    "classifier.__main__": {"classifier.cli"},
}
# Only the face writes to the terminal; everything below it returns data.
PRINTERS = {"classifier.cli", "classifier.commands", "classifier.report", "classifier.action"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _room(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _imports(path: Path, top_level_only: bool) -> Iterator[str]:
    tree = ast.parse(path.read_text("utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("classifier"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("classifier"):
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                yield target if target in MODULES else str(node.module)


@cache
def _graph(top_level_only: bool) -> dict[str, set[str]]:
    return {
        name: {target for target in _imports(path, top_level_only) if target in MODULES and target != name}
        for name, path in MODULES.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_level_import_circle() -> None:
    assert _cycles(_graph(top_level_only=True)) == []


def test_no_circle_between_rooms_even_through_lazy_imports() -> None:
    rooms: dict[str, set[str]] = {}
    for name, targets in _graph(top_level_only=False).items():
        rooms.setdefault(_room(name), set()).update(_room(t) for t in targets if _room(t) != _room(name))
    assert _cycles(rooms) == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_room_imports_only_what_it_may(module: str) -> None:
    room = _room(module)
    assert room in ALLOWED, f"{room} is a new room: add it to ALLOWED here and to docs/architecture.md"
    reached = {_room(target) for target in _graph(top_level_only=False)[module]} - {room}
    assert reached <= ALLOWED[room], f"{module} imports {sorted(reached - ALLOWED[room])}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _room(m) not in PRINTERS))
def test_nothing_below_the_face_prints(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            pytest.fail(f"{module}:{node.lineno} prints; return the text and let a command print it")
        if isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr") and isinstance(node.value, ast.Name) \
                and node.value.id == "sys":
            pytest.fail(f"{module}:{node.lineno} writes to sys.{node.attr}; only the face writes to the terminal")
