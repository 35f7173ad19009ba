"""Compare the part of a helper module that applied revisions use, by structure.

A module's top-level definitions (functions, classes, assignments, imported
names) are keyed by the name they bind. Starting from the names the applied
revisions import, every definition reached through the names its body reads
is compared in canonical form (see ``canonical``), after the same rewrites an
applied revision gets (``meaning.Normalised``). Whatever else the module holds
may change freely: no applied revision runs it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from classifier.errors import ClassifierError
from classifier.model import Change, Side
from classifier.sources import FilePair, Source, decode_text
from classifier.sources.limits import PythonTooLarge
from classifier.surfaces.cst_parse import parse_module
from classifier.surfaces.migrations.applied import around_difference
from classifier.surfaces.migrations.canonical import canonical
from classifier.surfaces.migrations.changes import change, shorten
from classifier.surfaces.migrations.helperuse import ALL_NAMES, MAX_HELPER_FILE_BYTES, Importer
from classifier.surfaces.migrations.meaning import Normalised, aliases_of
from classifier.surfaces.migrations.reader import import_names
from classifier.surfaces.migrations.scope import names_in

_MAX_NAMED = 3


def compare_helper(pair: FilePair, importers: Sequence[Importer], source: Source) -> Iterator[Change]:
    """The helper's fact: edited (a used definition changed meaning), reformatted, or nothing."""
    path = pair.base_path
    assert path is not None
    revisions = ", ".join(sorted({importer.revision for importer in importers}))
    fields = {"module": path, "revisions": revisions}
    old = _definitions(source, Side.BASE, path)
    if isinstance(old, str):
        return  # the base version does not parse: the revisions never ran it as written
    new = _definitions(source, Side.HEAD, path)
    if isinstance(new, str):
        yield change("applied-migration-helper-edited", path, f"helper:{path}", **fields, summary=new)
        return
    wanted = set().union(*(importer.names for importer in importers))
    used = _reached(wanted, old) | _reached(wanted, new)
    changed = [name for name in sorted(used) if _meaning(old, name) != _meaning(new, name)]
    if changed:
        yield change("applied-migration-helper-edited", path, f"helper:{path}", **fields,
                     summary=_summary(changed, old, new))
    elif any(_text(old, name) != _text(new, name) for name in used):
        yield change("applied-migration-helper-reformatted", path, f"helper:{path}", **fields,
                     detail="reformatted (same operations, identifiers and literals in what they use)")


class Definitions:
    """One side of a helper module: name -> (canonical form, text, names it reads), per top-level binding."""

    def __init__(self) -> None:
        self.meaning: dict[str, str] = {}
        self.text: dict[str, str] = {}
        self.reads: dict[str, set[str]] = {}

    def add(self, name: str, normalised: cst.CSTNode, written: cst.CSTNode) -> None:
        # A name bound twice (a fallback definition) is compared as every binding, in order.
        self.meaning[name] = self.meaning.get(name, "") + canonical(normalised)
        self.text[name] = self.text.get(name, "") + cst.Module(body=[]).code_for_node(written)
        self.reads.setdefault(name, set()).update(names_in(normalised) - {name})


def _definitions(source: Source, side: Side, path: str) -> Definitions | str:
    """The module's definitions at ``side``, or why it cannot be read as a module any more."""
    try:
        data = source.read(side, path)
    except ClassifierError as exc:
        return f"module unreadable: {exc}"
    if data is None:
        return "module removed: the applied revisions that import it can no longer run"
    if len(data) > MAX_HELPER_FILE_BYTES:
        return f"module larger than {MAX_HELPER_FILE_BYTES:,} bytes: not compared"
    try:
        written = parse_module(decode_text(data, path, side))
    except cst.ParserSyntaxError as exc:
        return f"module does not parse (line {exc.raw_line}): {exc.message}"
    except (RecursionError, PythonTooLarge, ClassifierError):
        return "module cannot be read as Python"
    imports: dict[str, tuple[str, str | None]] = {}
    for statement in written.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                imports.update(import_names(small, path))
    normalise = Normalised(aliases_of(imports))
    found = Definitions()
    for local, origin in imports.items():
        found.meaning[local] = found.text[local] = repr(origin)
        found.reads[local] = set()
    for statement in written.body:
        for name in _bound_names(statement):
            found.add(name, _normalised(statement, normalise), statement)
    return found


def _normalised(statement: cst.BaseStatement, normalise: Normalised) -> cst.CSTNode:
    """``statement`` after the rewrites an applied revision gets; as written when they do not fit."""
    try:
        result = statement.visit(normalise)
    except (cst.CSTValidationError, TypeError, ValueError):
        return statement
    return result if isinstance(result, cst.CSTNode) else statement


def _bound_names(statement: cst.BaseStatement) -> list[str]:
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return [statement.name.value]
    if not isinstance(statement, cst.SimpleStatementLine):
        return []
    names: list[str] = []
    for small in statement.body:
        if isinstance(small, cst.Assign):
            names.extend(t.target.value for t in small.targets if isinstance(t.target, cst.Name))
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)) and isinstance(small.target, cst.Name):
            names.append(small.target.value)
    return names


def _reached(wanted: set[str], side: Definitions) -> set[str]:
    """``wanted`` and every definition of the module their code reads, transitively."""
    start = set(side.meaning) if ALL_NAMES in wanted else wanted
    reached: set[str] = set()
    todo = [name for name in start if name in side.meaning]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        todo.extend(other for other in side.reads.get(name, ()) if other in side.meaning and other not in reached)
    return reached | (wanted - {ALL_NAMES})


def _meaning(side: Definitions, name: str) -> str | None:
    return side.meaning.get(name)


def _text(side: Definitions, name: str) -> str | None:
    return side.text.get(name)


def _summary(changed: list[str], old: Definitions, new: Definitions) -> str:
    parts = [_difference(name, old, new) for name in changed[:_MAX_NAMED]]
    extra = len(changed) - _MAX_NAMED
    return "; ".join(parts) + (f" (+{extra} more)" if extra > 0 else "")


def _difference(name: str, old: Definitions, new: Definitions) -> str:
    before, after = old.text.get(name), new.text.get(name)
    if before is None:
        return f"{name} added"
    if after is None:
        return f"{name} removed"
    before, after = " ".join(before.split()), " ".join(after.split())
    if max(len(before), len(after)) > 40:
        before, after = around_difference(before, after)
    return f"{name}: {shorten(before, 50)} → {shorten(after, 50)}"
