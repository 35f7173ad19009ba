"""Read one revision file with libcst: graph fields, operations, raw SQL.

Nothing here imports or runs the file: libcst only builds a syntax tree.
Everything inside ``upgrade()`` and ``downgrade()`` that is not an understood
operation is recorded as ``Unrecognised`` with the reason, never guessed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from classifier.sources.limits import PythonTooLarge
from classifier.surfaces.cst_parse import parse_module as guarded_parse_module
from classifier.surfaces.migrations.canonical import display, structure_digest
from classifier.surfaces.migrations.meaning import (
    Normalised,
    WithoutSessionSettings,
    aliases_of,
)
from classifier.surfaces.migrations.model import (
    DOWNGRADE,
    MODULE,
    UPGRADE,
    GraphFields,
    MigrationFile,
    Unrecognised,
)
from classifier.surfaces.migrations.scope import (
    ModuleContext,
    Scope,
    names_in,
    reaches_database,
)
from classifier.surfaces.migrations.syntax import (
    GRAPH_NAMES,
    assignment,
    graph_fields,
    inert_module_statement,
    string_value,
)
from classifier.surfaces.migrations.walker import Resolver, Walker


@dataclass(frozen=True, slots=True)
class Budget:
    """The most a revision file may hold before it is compared: bytes, and call statements."""

    max_bytes: int
    max_operations: int
    setting: str = "[tool.classifier.migrations]"


def too_large(path: str, size: int, budget: Budget) -> str | None:
    """Why a file of ``size`` bytes is over ``budget``, or ``None`` (checked before any parse)."""
    if size > budget.max_bytes:
        return (f"{path} has {size:,} bytes; the limit is {budget.max_bytes:,} "
                f"(max_revision_kb in {budget.setting})")
    return None


def count_call_statements(text: str) -> int:
    """Statements that are a call, or assign one, anywhere in the file: an upper bound of its operations.

    Python's own parser is used: it is many times faster than libcst and
    builds nothing that runs.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return 0  # libcst reports the problem in its own words
    return sum(
        1 for node in ast.walk(tree)
        if isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign, ast.Return)) and isinstance(node.value, ast.Call)
    )


def read_migration(path: str, text: str, dialect: str, lines: bool = True, resolver: Resolver | None = None,
                   budget: Budget | None = None) -> MigrationFile:
    """Parse ``text`` (the content of ``path``) into a ``MigrationFile``.

    ``lines=False`` skips computing line numbers (every line is 0): an applied
    revision is compared by structure only, and the position pass costs more
    than the parse itself. ``resolver`` finds helper functions imported from
    the repository (same revision); without it they are not read. Past
    ``budget`` the file is not parsed: ``too_large`` says why.
    """
    if budget is not None:
        reason = too_large(path, len(text.encode("utf-8", "surrogatepass")), budget)
        count = count_call_statements(text) if reason is None else 0
        if reason is None and count > budget.max_operations:
            reason = (f"{path} has {count:,} call statements; the limit is {budget.max_operations:,} "
                      f"(max_operations in {budget.setting})")
        if reason is not None:
            return MigrationFile(path, GraphFields(None, problem=reason), too_large=reason)
    try:
        return _read(path, guarded_parse_module(text), dialect, lines, resolver)
    except cst.ParserSyntaxError as exc:
        problem = f"does not parse (line {exc.raw_line}): {exc.message}"
    except RecursionError:
        # From the parser, or from a walk over a chain libcst nests (a and b and ...).
        problem = "does not parse: nested too deeply"
    except PythonTooLarge as exc:
        problem = f"not parsed: {exc.message}"
    return MigrationFile(path, GraphFields(None, problem=problem), parse_error=problem)


def _read(path: str, module: cst.Module, dialect: str, lines: bool, resolver: Resolver | None) -> MigrationFile:
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider) if lines else None

    def line(node: cst.CSTNode) -> int:
        return positions[node].start.line if positions is not None and node in positions else 0

    context = module_context(path, module)
    walker = Walker(context, line, dialect, resolver, module_models(module))
    scope = Scope(context)
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.FunctionDef) and statement.name.value in (UPGRADE, DOWNGRADE):
            walker.walk_function(statement)
        elif not inert_module_statement(statement, first=index == 0) and not _plain_assignment(statement, scope):
            walker.unrecognised.append(
                Unrecognised(MODULE, line(statement), display(statement)[:120], "module-level code runs on import",
                             reaches_database(statement, scope))
            )
    structure = structure_digest(module)
    # The digests that tell a tidy-up from an edit are needed only to compare an applied revision,
    # which is read without line numbers; a new revision (read with them) skips their cost.
    applied = not lines
    return MigrationFile(
        path=path,
        graph=graph_fields(module),
        operations=tuple(walker.operations),
        unrecognised=tuple(walker.unrecognised),
        structure=structure,
        imports=dict(context.imports),
        # Without import lines, names are compared as written: where they come from is checked separately.
        import_free_structure=structure_digest(module, imports=False, normalise=Normalised({})) if applied else "",
        meaning=structure_digest(module, normalise=Normalised(aliases_of(context.imports))) if applied else structure,
        used_names=frozenset(_names_used_in_functions(module)) if applied else frozenset(),
    )


def settings_free_digest(text: str, dialect: str) -> str | None:
    """The meaning digest with session-setting SQL blanked; ``None`` when the text does not parse."""
    try:
        module = guarded_parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return None
    aliases = aliases_of(module_context("", module).imports)
    without = module.visit(WithoutSessionSettings(dialect))
    return structure_digest(without, normalise=Normalised(aliases))


def module_context(path: str, module: cst.Module) -> ModuleContext:
    """Constants, functions, imports and ``op`` names of a module, read from its top level."""
    constants: dict[str, cst.BaseExpression] = {}
    functions: dict[str, cst.FunctionDef] = {}
    imports: dict[str, tuple[str, str | None]] = {}
    op_names: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            functions[statement.name.value] = statement
            continue
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                imports.update(import_names(small, path))
                continue
            name, value = assignment(small)
            if name and value is not None and name not in GRAPH_NAMES:
                constants[name] = value  # calls in it are only read, never run: substituted as written
    for local, (module_name, imported) in imports.items():
        if module_name == "alembic" and imported == "op" or module_name == "alembic.op" and imported is None:
            op_names.add(local)
    return ModuleContext(path, constants, functions, imports, frozenset(op_names))


def import_names(small: cst.Import | cst.ImportFrom, path: str) -> dict[str, tuple[str, str | None]]:
    """Local name -> ``(absolute module, name or None)`` for one import statement."""
    found: dict[str, tuple[str, str | None]] = {}
    if isinstance(small, cst.Import):
        for alias in small.names:
            full = display(alias.name)
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else full.split(".")[0]
            found[local] = (full if alias.asname else local, None)
        return found
    base = display(small.module) if small.module is not None else ""
    if small.relative:
        folder = path.rsplit("/", 1)[0].split("/") if "/" in path else []
        up = len(small.relative) - 1
        parts = folder[: len(folder) - up] if up else folder
        base = ".".join([*parts, *([base] if base else [])])
    if isinstance(small.names, cst.ImportStar):
        return found
    for alias in small.names:
        name = display(alias.name)
        local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
        found[local] = (base, name)
    return found


def module_models(module: cst.Module) -> dict[str, str]:
    """ORM classes declared in the module: class name -> ``__tablename__``."""
    models: dict[str, str] = {}
    for statement in module.body:
        if not isinstance(statement, cst.ClassDef) or not isinstance(statement.body, cst.IndentedBlock):
            continue
        for inner in statement.body.body:
            if isinstance(inner, cst.SimpleStatementLine):
                for small in inner.body:
                    name, value = assignment(small)
                    if name == "__tablename__" and value is not None and string_value(value):
                        models[statement.name.value] = string_value(value) or ""
    return models


def _plain_assignment(statement: cst.BaseStatement, scope: Scope) -> bool:
    """A module-level ``NAME = value`` that cannot reach the database (types, lists of column specs)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return all(assignment(small)[0] is not None and not reaches_database(small, scope) for small in statement.body)


def _names_used_in_functions(module: cst.Module) -> set[str]:
    """Every name the module's code reads outside its import lines (functions and module level)."""
    used: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        ):
            continue
        used |= names_in(statement)
    return used
