"""Helper functions a revision imports from the repository, read at the same revision.

``from app.migrations.utils import add_columns`` names a module of the
repository; its file is read from the compared revision (never imported),
parsed with libcst, and the function's definition handed to the walker, which
reads its body with the call's arguments bound. Modules outside the repository
(installed packages) are not found and the call stays "not understood".
"""

from __future__ import annotations

import libcst as cst

from classifier.errors import ClassifierError
from classifier.model import Side
from classifier.sources import Source, decode_text
from classifier.surfaces.cst_parse import parse_module
from classifier.surfaces.migrations.helperuse import MAX_HELPER_FILE_BYTES, PACKAGE_ROOTS
from classifier.surfaces.migrations.scope import ModuleContext



class RepositoryHelpers:
    """Finds helper functions by the import that names them, at one side of the comparison."""

    def __init__(self, source: Source, side: Side) -> None:
        self.source = source
        self.side = side
        self._modules: dict[str, ModuleContext | None] = {}

    def __call__(self, context: ModuleContext, name: str) -> tuple[ModuleContext, cst.FunctionDef] | None:
        root, _, rest = name.partition(".")
        imported = context.imports.get(root)
        if imported is None:
            return None
        module, member = imported
        if member is None:  # ``import app.utils as utils`` then ``utils.add_columns(...)``
            module_name, _, function = f"{module}.{rest}".rpartition(".")
        elif rest:  # ``from app import utils`` then ``utils.add_columns(...)``
            module_name, function = f"{module}.{member}", rest
        else:
            module_name, function = module, member
        if "." in function or not module_name:
            return None
        found = self.module(module_name)
        if found is None or function not in found.functions:
            return None
        return found, found.functions[function]

    def module(self, dotted: str) -> ModuleContext | None:
        """The module context of a repository module, or ``None`` when it is not in the repository."""
        if dotted not in self._modules:
            self._modules[dotted] = self._read(dotted)
        return self._modules[dotted]

    def _read(self, dotted: str) -> ModuleContext | None:
        from classifier.surfaces.migrations.reader import module_context

        relative = dotted.replace(".", "/")
        for root in PACKAGE_ROOTS:
            for path in (f"{root}{relative}.py", f"{root}{relative}/__init__.py"):
                try:
                    data = self.source.read(self.side, path)
                except ClassifierError:
                    data = None
                if data is None or len(data) > MAX_HELPER_FILE_BYTES:
                    continue
                try:
                    return module_context(path, parse_module(decode_text(data, path, self.side)))
                except (cst.ParserSyntaxError, RecursionError, ClassifierError):
                    return None
        return None
