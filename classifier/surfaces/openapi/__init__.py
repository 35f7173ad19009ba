"""The OpenAPI surface: snapshots of OpenAPI 3.x documents, compared structurally.

Claims the files matching ``[tool.classifier.openapi] paths`` and the JSON or
YAML files beside them (which a spec may ``$ref``). Parsing and diffing live in
modules imported only when a claimed file changed, so a run without an OpenAPI
change pays nothing for them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence

from classifier.model import Change
from classifier.policy.config import Config
from classifier.policy.globs import match_any
from classifier.sources import FilePair, Source
from classifier.surfaces.openapi.config import OpenAPIConfig, parse_openapi_config

SPEC_SUFFIXES = (".json", ".yaml", ".yml")
SPEC_NAMES = tuple(f"openapi{suffix}" for suffix in SPEC_SUFFIXES)


class OpenAPISurface:
    """Compares OpenAPI specs and the files they reference."""

    name = "openapi"

    def __init__(self, config: Config) -> None:
        self.config: OpenAPIConfig = parse_openapi_config(config.table, config.today)

    def is_spec(self, path: str | None) -> bool:
        return path is not None and match_any(path, self.config.paths)

    def spec_candidates(self, path: str) -> list[str]:
        """Spec paths in the folders above ``path`` that the globs would match."""
        found, folder = [], posixpath.dirname(path)
        while True:
            found += [c for c in (posixpath.join(folder, n) for n in SPEC_NAMES) if self.is_spec(c) and c != path]
            if not folder:
                return found
            folder = posixpath.dirname(folder)

    def claim(self, pairs: Sequence[FilePair], source: Source) -> list[FilePair]:
        return [pair for pair in pairs if self._claims(pair)]

    def _claims(self, pair: FilePair) -> bool:
        if pair.is_submodule:
            return False
        if self.is_spec(pair.head_path) or self.is_spec(pair.base_path):
            return True
        return any(self._companion(path) for path in (pair.head_path, pair.base_path))

    def _companion(self, path: str | None) -> bool:
        # A JSON/YAML file that a spec in its folder or a folder above may $ref;
        # tool configuration in hidden folders (.github/, .gitlab/) never is one.
        if path is None or not path.lower().endswith(SPEC_SUFFIXES):
            return False
        if any(part.startswith(".") for part in path.split("/")):
            return False
        return bool(self.spec_candidates(path))

    def compare(self, pairs: Sequence[FilePair], source: Source) -> Iterator[Change]:
        from classifier.surfaces.openapi.compare import compare_pairs

        yield from compare_pairs(self, pairs, source)
