"""Read error tables and contract constants from Python source with libcst.

Nothing is imported or executed: the module is parsed, the ``Gather…Visitor``
passes collect its classes, assignments and registry calls, and ``shapes.py``
turns them into entries that are merged by code here. A file that does not
parse becomes an ``unreadable`` problem with the parser's line and column.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from typing import Any, Iterable

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from classifier.sources.limits import PythonTooLarge
from classifier.surfaces.cst_parse import parse_module as guarded_parse_module
from classifier.surfaces.error_codes import enums, shapes
from classifier.surfaces.error_codes.consistency import status_disagreements
from classifier.surfaces.error_codes.gather import (
    GatherAssignmentsVisitor,
    GatherClassesVisitor,
    GatherRegistryCallsVisitor,
)
from classifier.surfaces.error_codes.literals import LiteralReader, Unknown
from classifier.surfaces.error_codes.model import (
    Constant,
    Entry,
    ErrorTable,
    Problem,
    Record,
    count_codes,
)


class Unparsable(Exception):
    """The module does not parse; ``problem`` says where."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail)
        self.problem = problem


def parse_module(text: str, registry: tuple[str, ...] = ()) -> shapes.Module:
    """Parse ``text`` and gather what it declares.

    Raises:
        Unparsable: a syntax error (with line and column) or a file too deeply nested.
    """
    try:
        # The tree is ours alone, so libcst's defensive deep copy is skipped.
        wrapper = MetadataWrapper(guarded_parse_module(text), unsafe_skip_copy=True)
        return _gather(wrapper, registry)
    except cst.ParserSyntaxError as exc:
        raise Unparsable(_syntax_problem(text, exc)) from None
    except RecursionError:
        # From the parser, or from a visitor walking a chain libcst nests (a and b and ...).
        raise Unparsable(Problem("unreadable", "syntax", None, "too deeply nested to parse")) from None
    except PythonTooLarge as exc:
        raise Unparsable(Problem("unreadable", "size", None, f"not parsed: {exc.message}")) from None


def _gather(wrapper: MetadataWrapper, registry: tuple[str, ...]) -> shapes.Module:
    classes, assignments, calls = GatherClassesVisitor(), GatherAssignmentsVisitor(), GatherRegistryCallsVisitor(registry)
    wrapper.visit_batched([classes, assignments, calls])  # one walk of the tree for all three
    positions = wrapper.resolve(PositionProvider)
    module = shapes.Module(
        reader=_reader(wrapper.module, assignments.assignments),
        line_of=lambda node: int(positions[node].start.line),
        classes={info.name: info for info in classes.classes},
        assignments=assignments.assignments,
        calls=calls.calls,
        initializers=classes.initializers,
    )
    shapes.classify_classes(module)
    return module


def _syntax_problem(text: str, exc: cst.ParserSyntaxError) -> Problem:
    # libcst places the error after the whitespace that follows the bad token;
    # the standard parser (which compiles to a tree and runs nothing) names the token itself.
    line, column = exc.editor_line, exc.editor_column
    reason = re.sub(r"^parser error: error at \d+:\d+: ", "", exc.message)
    try:
        ast.parse(text)
    except SyntaxError as error:
        line, column, reason = error.lineno or line, error.offset or column, error.msg
    except (ValueError, RecursionError, MemoryError):
        pass
    return Problem("unreadable", "syntax", line, f"syntax error at line {line}, column {column}: {reason}")


def _reader(node: cst.Module, assignments: Iterable[Any]) -> LiteralReader:
    # Module-level names bound to literals, so ``STATUS = NOT_FOUND`` reads as 404.
    reader = LiteralReader(node)
    for assignment in assignments:
        if not assignment.owner:
            value = reader.read(assignment.value)
            if not isinstance(value, Unknown):
                reader.names[assignment.name] = value
            else:
                reader.names.pop(assignment.name, None)
    return reader


def read_table(text: str, names: tuple[str, ...], registry: tuple[str, ...]) -> ErrorTable:
    """The codes of the tables ``names`` (every table understood when empty) in ``text``."""
    try:
        module = parse_module(text, registry)
    except Unparsable as exc:
        return ErrorTable({}, problems=(exc.problem,))
    entries, tables, found = _collect(module, set(names))
    records, problems = _assemble(module, entries)
    problems += status_disagreements(records)
    missing = tuple(name for name in names if name not in found)
    table = ErrorTable(records, tuple(tables), tuple(module.problems + problems), missing)
    if missing:
        # Say what the file does hold, so the configured name can be corrected.
        table = replace(table, available=tuple(_collect(module, set())[1]))
    return table


# A table is found without configuration when its own name says what it is.
TABLE_WORDS = re.compile(r"error|code|status", re.IGNORECASE)
_TOP_LEVEL_NAME = re.compile(r"^(?:class\s+(\w+)|(\w+)\s*(?::[^=\n]*)?=(?!=))", re.MULTILINE)


def may_hold_tables(text: str) -> bool:
    """Whether any top-level class or assignment of ``text`` is named like an error table (no parsing)."""
    return any(TABLE_WORDS.search(match.group(1) or match.group(2)) for match in _TOP_LEVEL_NAME.finditer(text))


def discover_tables(text: str) -> tuple[str, ...]:
    """The tables of ``text`` whose name says error, code or status: enums, dicts, exception families."""
    if not may_hold_tables(text):
        return ()
    try:
        module = parse_module(text)
    except Unparsable:
        return ()
    _, _, found = _collect(module, set())
    roots = {name for name in found if not _has_named_ancestor(module, name, found)}
    named = [name for name in roots if TABLE_WORDS.search(name.rsplit(".", 1)[-1])]
    return tuple(sorted(name for name in named if _ERROR_WORD.search(name) or _maps_statuses(module, name)))


# "code" and "status" alone also name colour maps and state machines; such a table counts only when it maps statuses.
_ERROR_WORD = re.compile(r"error|exception|fault", re.IGNORECASE)


def _maps_statuses(module: shapes.Module, name: str) -> bool:
    entries, _, _ = _collect(module, {name})
    records, _ = _assemble(module, entries)
    return any("status" in record.fields for record in records.values())


def _has_named_ancestor(module: shapes.Module, name: str, found: set[str]) -> bool:
    info = module.classes.get(name)
    return info is not None and any(
        (local := module.local_class(base)) is not None and local != name and local in found for base in info.bases
    )


def _collect(module: shapes.Module, wanted: set[str]) -> tuple[list[Entry], list[str], set[str]]:
    """Entries in precedence order (enums, dicts, registry calls, exceptions) and what was read."""
    entries: list[Entry] = []
    tables: list[str] = []
    found: set[str] = set()

    def take(name: str, shape: str, new: list[Entry], where: str) -> None:
        entries.extend(new)
        tables.append(f"{name} ({shape}{count_codes(len(new))}, {where})")
        found.add(name)

    for name in sorted(module.enums, key=lambda n: module.classes[n].line):
        if not wanted or name in wanted:
            info = module.classes[name]
            take(name, "enum, ", list(enums.enum_entries(module, info)), f"line {info.line}")
    for assignment in module.assignments:
        if not wanted or assignment.qualified in wanted:
            table = shapes.dict_entries(module, assignment, named=bool(wanted))
            if table is not None:
                take(assignment.qualified, "dict, ", table, f"line {assignment.line}")
    calls = [entry for call in module.calls if (entry := shapes.call_entry(module, call)) is not None]
    if calls:
        take("registry calls", "", calls, _lines(entry.line for entry in calls))
    exceptions = [info for info in module.classes.values() if info.name in module.exceptions and _selected(module, info.name, wanted, found)]
    classes = [entry for info in exceptions if (entry := shapes.exception_entry(module, info)) is not None]
    if classes:
        take("exception classes", "", classes, _lines(entry.line for entry in classes))
    return entries, tables, found


def _lines(lines: Iterable[int]) -> str:
    ordered = sorted(set(lines))
    return f"line {ordered[0]}" if len(ordered) == 1 else f"lines {ordered[0]}-{ordered[-1]}"


def _selected(module: shapes.Module, name: str, wanted: set[str], found: set[str]) -> bool:
    """A class is selected when no name is configured, or it or one of its ancestors is named."""
    if not wanted or name in wanted:
        found.add(name)
        return True
    info = module.classes[name]
    return any(
        (local := module.local_class(base)) is not None and local != name and _selected(module, local, wanted, found)
        for base in info.bases
    )


def _assemble(module: shapes.Module, entries: list[Entry]) -> tuple[dict[str, Record], list[Problem]]:
    """Merge entries by code; a code twice in one table (or a repeated enum value) is a problem."""
    aliases = _enum_value_aliases(module, entries)
    fields: dict[str, dict[str, Any]] = {}
    first: dict[str, Entry] = {}
    seen: dict[tuple[str, str], int] = {}
    problems: list[Problem] = []
    for entry in entries:
        code = entry.code if entry.table in module.enums else aliases.get(entry.code, entry.code)
        code_key, value_key = (entry.table, code), _enum_value_key(module, entry)
        if code_key in seen:
            problems.append(_duplicate(entry, code, "code", seen[code_key]))
        elif value_key is not None and value_key in seen:
            problems.append(_duplicate(entry, code, "value", seen[value_key]))
        seen[code_key] = entry.line
        if value_key is not None:
            seen.setdefault(value_key, entry.line)
        first.setdefault(code, entry)
        merged = fields.setdefault(code, {})
        source = "class" if entry.table in module.exceptions else entry.table
        for name, field in entry.fields.items():
            # Within one table the later entry wins, as a dict literal does at run time.
            # The same field from another shape (a status dict and the exception class's
            # status_code) is kept beside it, so a change to either one is seen.
            if name not in merged or merged[name].table == entry.table:
                merged[name] = field
            else:
                merged[f"{name}@{source}"] = field
    records = {code: Record(code, first[code].line, first[code].table, merged) for code, merged in fields.items()}
    return records, problems


def _enum_value_aliases(module: shapes.Module, entries: list[Entry]) -> dict[str, str]:
    # ``"proof_not_found"`` written where ``ErrorCode.PROOF_NOT_FOUND`` is meant.
    members = {entry.code for entry in entries if entry.table in module.enums}
    aliases: dict[str, str] = {}
    for entry in entries:
        value = entry.fields["value"].value if entry.table in module.enums and "value" in entry.fields else None
        if isinstance(value, (str, int)) and str(value) not in members:
            aliases.setdefault(str(value), entry.code)  # an enum alias resolves to its first member
    return aliases


def _enum_value_key(module: shapes.Module, entry: Entry) -> tuple[str, str] | None:
    if entry.table not in module.enums or "value" not in entry.fields or isinstance(entry.fields["value"].value, Unknown):
        return None
    return (entry.table, f"value={entry.fields['value'].value!r}")


def _duplicate(entry: Entry, code: str, kind: str, first_line: int) -> Problem:
    what = "appears twice" if kind == "code" else "repeats the value of an earlier member (an alias)"
    detail = f"{code} {what} in {entry.table} (line {first_line} and line {entry.line})"
    return Problem("duplicated", f"{entry.table}.{code}", entry.line, detail)


def read_constants(text: str, names: Iterable[str]) -> tuple[dict[str, Constant], Problem | None]:
    """The configured constants (``NAME`` or ``Class.NAME``) found in ``text``; the last binding wins."""
    try:
        module = parse_module(text)
    except Unparsable as exc:
        return {}, exc.problem
    wanted = set(names)
    found: dict[str, Constant] = {}
    for assignment in module.assignments:
        if assignment.qualified in wanted:
            value = module.reader.read(assignment.value)
            found[assignment.qualified] = Constant(assignment.qualified, value, assignment.line)
    return found, None
