"""The OpenAPI surface: snapshots of OpenAPI 3.x documents, compared structurally.

Claims the files matching ``[tool.classifier.openapi] paths``, the JSON or
YAML files beside them (which a spec may ``$ref``), and any other changed
JSON or YAML file whose top level says ``openapi: 3.x`` (or ``swagger``, which
is refused): a spec is compared wherever it lives. A file beside a spec that
no spec references and that is no spec itself is declined after the
comparison, so the generic surface labels it. Parsing and diffing live in
modules imported only when a claimed file changed, so a run without an OpenAPI
change pays nothing for them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence

import re

from classifier.errors import ConfigError
from classifier.model import Change, Side
from classifier.policy.config import Config
from classifier.policy.globs import match_any
from classifier.sources import FilePair, Source, read_blobs
from classifier.surfaces.openapi.config import OpenAPIConfig, parse_openapi_config

SPEC_SUFFIXES = (".json", ".yaml", ".yml")
SPEC_NAMES = tuple(f"openapi{suffix}" for suffix in SPEC_SUFFIXES)


class OpenAPISurface:
    """Compares OpenAPI specs and the files they reference."""

    name = "openapi"

    def __init__(self, config: Config) -> None:
        self.config: OpenAPIConfig = parse_openapi_config(config.table, config.today)
        self.configured_paths: tuple[str, ...] = tuple(config.table.get("openapi", {}).get("paths", ()))
        self.found_by_content: set[str] = set()
        self.declined: list[FilePair] = []

    def is_spec(self, path: str | None) -> bool:
        return path is not None and (path in self.found_by_content or match_any(path, self.config.paths))

    def spec_candidates(self, path: str) -> list[str]:
        """Spec paths in the folders above ``path`` that the globs would match."""
        found, folder = [], posixpath.dirname(path)
        while True:
            found += [c for c in (posixpath.join(folder, n) for n in SPEC_NAMES) if self.is_spec(c) and c != path]
            if not folder:
                return found
            folder = posixpath.dirname(folder)

    def claim(self, pairs: Sequence[FilePair], source: Source) -> list[FilePair]:
        """Specs by path, files beside them, and specs found by their content anywhere else.

        Raises:
            ConfigError: a configured spec path matches no file at either revision.
        """
        self._check_configured_paths(source)
        unmatched = [pair for pair in pairs if not (self.is_spec(pair.head_path) or self.is_spec(pair.base_path))]
        # A document that says it is OpenAPI is a spec wherever it lives, even beside another spec.
        by_content = [pair for pair in unmatched if _data_file(pair) and _says_openapi(source, pair)]
        self.found_by_content.update(str(path) for pair in by_content for path in (pair.base_path, pair.head_path) if path)
        return [pair for pair in pairs if self._claims(pair)]

    def _check_configured_paths(self, source: Source) -> None:
        for glob in self.configured_paths:
            if not _matches_somewhere(glob, source):
                raise ConfigError(f"openapi.paths: {glob!r} matches no file at either revision",
                                  hint="fix the path in [tool.classifier.openapi] paths, or remove the entry")

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


# The top level of a document saying what it is: `openapi: 3.1.0` in YAML, `"openapi": "3.0.3"` in JSON.
# Sniffed in the first bytes only; the comparison then parses the file properly and refuses Swagger 2.0.
_SPEC_MARK = re.compile(rb'(?m)^(?:openapi|swagger)\s*:\s*["\']?\d|"(?:openapi|swagger)"\s*:\s*"\d')
_SNIFF_BYTES = 65_536


def _data_file(pair: FilePair) -> bool:
    path = pair.head_path or pair.base_path or ""
    # Tool configuration in hidden folders (.github/, .gitlab/) is never a spec.
    return path.lower().endswith(SPEC_SUFFIXES) and not pair.is_submodule and not any(
        part.startswith(".") for part in path.split("/"))


def _says_openapi(source: Source, pair: FilePair) -> bool:
    # A side over the size limit is not read (its place holds the error): the generic surface reports it.
    return any(isinstance(data, bytes) and _SPEC_MARK.search(data[:_SNIFF_BYTES])
               for data in read_blobs(source, [(side, pair) for side in Side]))


def _matches_somewhere(glob: str, source: Source) -> bool:
    """Whether a configured spec glob names at least one file at the base or the head."""
    literal = glob.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0].split("{", 1)[0]
    if literal == glob:  # no wildcard: one exact path
        return any(source.read(side, glob) is not None for side in Side)
    folder = posixpath.dirname(literal)
    return any(match_any(path, (glob,)) for side in Side for path in source.list_files(side, folder))
