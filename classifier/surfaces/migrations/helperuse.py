"""Repository modules that applied revisions import: compared like the revisions themselves.

``from migrations.helpers import note_column`` in a revision present at the
base means that revision does whatever ``helpers.py`` says each time it runs
on a new database. When such a module changes, the definitions the applied
revisions use (the names they import, and every function, class, constant or
import of the module those reach) are compared by structure, as an applied
revision is: a tidy-up is ``applied-migration-helper-reformatted``, a changed
operation or literal is ``applied-migration-helper-edited`` naming the
revisions. A change elsewhere in the module is not this surface's to judge.
Only the revisions' own import lines are read (libcst); nothing is imported.

Finding the importers is split so a run that changes no helper pays little:
``mentioning`` is a byte search over the base's revision files (no parser),
and only the files it returns are parsed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from classifier.errors import ClassifierError
from classifier.model import Change, Side
from classifier.sources import FilePair, Source, decode_text
from classifier.surfaces.migrations import tree_of
from classifier.surfaces.migrations.config import MigrationsConfig
from classifier.surfaces.migrations.locate import discover_trees

ALL_NAMES = "*"
# Where a repository keeps its packages besides the root.
PACKAGE_ROOTS = ("", "src/")
MAX_HELPER_FILE_BYTES = 1 << 20


def module_names(path: str) -> tuple[str, ...]:
    """The dotted names an ``import`` finds the repository file ``path`` by (the inverse of ``RepositoryHelpers``)."""
    if not path.endswith(".py") or path == "__init__.py":
        return ()
    stem = path.removesuffix(".py").removesuffix("/__init__")
    names = []
    for root in PACKAGE_ROOTS:
        if stem.startswith(root):
            dotted = stem.removeprefix(root).replace("/", ".")
            if dotted and all(part.isidentifier() for part in dotted.split(".")):
                names.append(dotted)
    return tuple(names)


def applied_revision_files(source: Source, config: MigrationsConfig) -> list[str]:
    """Every revision file of every migration tree at the base: the revisions that have run."""
    files: set[str] = set()
    for tree in discover_trees(source, config, Side.BASE):
        folders = {loc.folder for loc in config.locations if loc.group == tree} or {tree}
        files.update(p for folder in folders for p in source.list_files(Side.BASE, folder) if tree_of(p, config) == tree)
    return sorted(files)


def mentioning(paths: Iterable[str], revisions: Sequence[str], source: Source) -> dict[str, list[str]]:
    """``helper path -> base revision files whose bytes name its module``: a cheap superset of the importers."""
    needles = {path: {name.rsplit(".", 1)[-1].encode() for name in module_names(path)} for path in paths}
    needles = {path: words for path, words in needles.items() if words}
    found: dict[str, list[str]] = {}
    if not needles:
        return found
    for revision in revisions:
        data = source.read(Side.BASE, revision) or b""
        for path, words in needles.items():
            if any(word in data for word in words):
                found.setdefault(path, []).append(revision)
    return found


@dataclass(frozen=True, slots=True)
class Importer:
    """An applied revision that imports a helper module, and the module's names it uses (``*``: all)."""

    revision: str
    path: str
    names: frozenset[str]


def helper_changes(pairs: Sequence[FilePair], source: Source, config: MigrationsConfig) -> Iterator[Change]:
    """The applied-helper facts for changed repository modules that applied revisions import."""
    revisions = applied_revision_files(source, config)
    candidates = mentioning([pair.base_path for pair in pairs if pair.base_path], revisions, source)
    for pair in pairs:
        if pair.base_path is None or pair.base_path not in candidates:
            continue
        importers = _importers(pair.base_path, candidates[pair.base_path], source)
        if importers:
            from classifier.surfaces.migrations.helperdiff import compare_helper

            yield from compare_helper(pair, importers, source)


def _importers(helper: str, revisions: Sequence[str], source: Source) -> list[Importer]:
    from classifier.surfaces.cst_parse import parse_module
    from classifier.surfaces.migrations.reader import module_context
    from classifier.surfaces.migrations.syntax import graph_fields

    import libcst as cst

    names = set(module_names(helper))
    found: list[Importer] = []
    for path in revisions:
        data = source.read(Side.BASE, path) or b""
        try:
            module = parse_module(decode_text(data, path, Side.BASE))
        except (cst.ParserSyntaxError, RecursionError, ClassifierError):
            continue  # an applied revision that does not parse imports nothing it could run
        used = _names_used(module, module_context(path, module).imports, names)
        if used:
            found.append(Importer(graph_fields(module).revision or path, path, frozenset(used)))
    return found


def _names_used(module: object, imports: Mapping[str, tuple[str, str | None]], helper_names: set[str]) -> set[str]:
    """The helper module's names a revision uses: imported by name, or read as attributes of the module."""
    import libcst as cst

    from classifier.surfaces.migrations.syntax import dotted

    assert isinstance(module, cst.Module)
    used: set[str] = set()
    prefixes: set[str] = set()
    for local, (source_module, name) in imports.items():
        full = f"{source_module}.{name}" if name else source_module
        if name is not None and source_module in helper_names:
            used.add(name)  # from migrations.helpers import note_column
        elif full in helper_names:
            prefixes.add(local)  # from migrations import helpers / import migrations.helpers as h
        elif name is None and any(h.startswith(source_module + ".") for h in helper_names):
            # import migrations.helpers: used as ``migrations.helpers.note_column``
            prefixes.update(local + h[len(source_module):] for h in helper_names if h.startswith(source_module + "."))
    if _star_import(module, helper_names):
        used.add(ALL_NAMES)
    if not prefixes:
        return used

    class _Attributes(cst.CSTVisitor):
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            name = dotted(node.value)
            if name in prefixes:
                used.add(node.attr.value)
                return False
            return True

        def visit_Name(self, node: cst.Name) -> None:
            # The module itself handed on (``run(helpers)``): any of its names may be used.
            if node.value in prefixes:
                used.add(ALL_NAMES)

        def visit_Import(self, node: cst.Import) -> bool:
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            return False

    module.visit(_Attributes())
    return used


def _star_import(module: object, helper_names: set[str]) -> bool:
    import libcst as cst

    from classifier.surfaces.migrations.canonical import display

    assert isinstance(module, cst.Module)
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and isinstance(small.names, cst.ImportStar) \
                        and small.module is not None and not small.relative and display(small.module) in helper_names:
                    return True
    return False
