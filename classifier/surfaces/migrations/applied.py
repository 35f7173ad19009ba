"""Applied migrations are immutable: compare a base revision with its head version.

A revision present at the base has run somewhere. At the head it may be moved
or reformatted (same structure: ``applied-migration-reformatted``), but a
change to any operation, argument, SQL text or graph field is an edit
(``applied-migration-edited``) with a summary of what changed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from classifier.surfaces.migrations.changes import shorten
from classifier.surfaces.migrations.model import (
    DOWNGRADE,
    UPGRADE,
    GraphFields,
    MigrationFile,
    Operation,
)

_MAX_DIFFERENCES = 3


def edit_summary(old: MigrationFile, new: MigrationFile) -> str:
    """What changed between two structurally different versions, shortest first."""
    differences = [*_graph_differences(old.graph, new.graph)]
    for function in (UPGRADE, DOWNGRADE):
        differences.extend(_operation_differences(function, old.in_function(function), new.in_function(function)))
    if not differences:
        old_texts = [u.text for u in old.unrecognised]
        new_texts = [u.text for u in new.unrecognised]
        differences.append(
            "statements outside the operations changed" if old_texts != new_texts else "module code changed"
        )
    extra = len(differences) - _MAX_DIFFERENCES
    summary = "; ".join(differences[:_MAX_DIFFERENCES])
    return f"{summary} (+{extra} more)" if extra > 0 else summary


def _graph_differences(old: GraphFields, new: GraphFields) -> Iterator[str]:
    for name in ("down_revision", "branch_labels", "depends_on"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            yield f"{name} {_tuple(before)} → {_tuple(after)}"


def _tuple(values: tuple[str, ...]) -> str:
    if not values:
        return "None"
    return repr(values[0]) if len(values) == 1 else repr(values)


def _operation_differences(function: str, old: tuple[Operation, ...], new: tuple[Operation, ...]) -> Iterator[str]:
    matcher = difflib.SequenceMatcher(a=[o.canonical for o in old], b=[o.canonical for o in new], autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before, after = list(old[a1:a2]), list(new[b1:b2])
        while before and after and before[0].name == after[0].name:
            yield f"{function}(): {after[0].label} {_argument_difference(before.pop(0), after.pop(0))}"
        for operation in before:
            yield f"{function}(): {operation.label} removed"
        for operation in after:
            yield f"{function}(): {operation.label} added"


def _argument_difference(old: Operation, new: Operation) -> str:
    before, after = dict(old.arguments), dict(new.arguments)
    changed = [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
    # Name the innermost argument that changed, not every call that encloses it.
    changed = [key for key in changed if not any(other.startswith(key + ".") for other in changed)]
    if not changed:
        return "changed"
    parts = [_pair(key, before.get(key), after.get(key)) for key in changed[:2]]
    return ", ".join(parts)


def _pair(key: str, old: str | None, new: str | None) -> str:
    if old is not None and new is not None and max(len(old), len(new)) > 40:
        old, new = around_difference(old, new)
    return f"{_show(key, old)} → {_show(key, new)}"


def around_difference(old: str, new: str, context: int = 12) -> tuple[str, str]:
    """Both strings cut to the part that differs, with a little context either side."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    begin = max(start - context, 0)
    def cut(text: str) -> str:
        stop = len(text) - max(end - context, 0)
        return ("…" if begin else "") + text[begin:stop] + ("…" if stop < len(text) else "")
    return cut(old), cut(new)


def _show(key: str, value: str | None) -> str:
    name = key.rsplit(".", 1)[-1]
    if value is None:
        return f"no {name}" if not name.isdigit() else "(none)"
    if name.isdigit() or name == "()":
        return shorten(value, 50)
    return f"{name}={shorten(value, 40)}"
