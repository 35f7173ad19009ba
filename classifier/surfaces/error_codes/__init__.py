"""Error-code tables and contract constants, read statically.

Services keep their error-code mapping (code -> HTTP status, message,
exception class) and a few contract constants (the idempotency conflict
status, the signature header, the default page size) in code, where no
OpenAPI diff sees them. This surface reads the configured files with libcst or
a safe YAML/JSON loader, never importing or running them, and reports how
each code and constant changed. Parsers load only when a configured file
changed. Tables are also found without configuration: ``DiscoveredTablesSurface``
reads the changed Python files no other surface claimed, and compares every
module-level enum, dict or exception family whose name says error, code or status.
A configured file that exists at neither revision is a configuration error:
a typo must never pass as "nothing changed".
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Iterator, Sequence

from classifier.errors import ConfigError
from classifier.model import Change, Side
from classifier.policy.config import Config
from classifier.sources import FilePair, Source, keep_for_next_read, looks_binary, read_blobs
from classifier.sources.limits import FileTooLarge
from classifier.surfaces.error_codes.config import (
    ErrorCodesConfig,
    TableSpec,
    parse_error_codes_config,
)

SURFACE = "error_codes"


class ErrorCodesSurface:
    """Claims the files named in ``[tool.classifier.error_codes]`` and ``[tool.classifier.constants]``."""

    name = SURFACE

    def __init__(self, config: Config) -> None:
        self.config: ErrorCodesConfig = parse_error_codes_config(config.table, config.origin)

    def claim(self, pairs: Sequence[FilePair], source: Source) -> list[FilePair]:
        """The changed files that are configured tables or hold configured constants.

        Raises:
            ConfigError: a configured file exists at neither revision.
        """
        paths = self.config.paths
        changed = {path for pair in pairs for path in (pair.base_path, pair.head_path)}
        for path in sorted(paths - changed):
            if source.read(Side.HEAD, path) is None and source.read(Side.BASE, path) is None:
                raise ConfigError(f"{_section(path, self.config)}: {path} exists at neither revision",
                                  hint="fix the path in the configuration, or remove the entry")
        return [pair for pair in pairs if pair.head_path in paths or pair.base_path in paths]

    def compare(self, pairs: Sequence[FilePair], source: Source) -> Iterator[Change]:
        """Changes of every table and constant in the claimed files, file by file."""
        from classifier.surfaces.error_codes.compare import compare_pair

        for pair in pairs:
            yield from compare_pair(pair, source, self.config)


def _section(path: str, config: ErrorCodesConfig) -> str:
    return "error_codes.tables" if any(spec.path == path for spec in config.tables) else "constants.names"


class DiscoveredTablesSurface:
    """Error tables nobody configured: changed Python files holding a table named like one.

    It is tried after the other contract surfaces and before the generic one,
    so a migration or a spec is never taken for a table. Test files are left to
    the generic surface: their dicts of statuses are fixtures, not a contract.
    """

    name = SURFACE

    def __init__(self, config: Config) -> None:
        self.config: ErrorCodesConfig = parse_error_codes_config(config.table, config.origin)
        self.found: dict[str, tuple[str, ...]] = {}

    def claim(self, pairs: Sequence[FilePair], source: Source) -> list[FilePair]:
        """The changed Python files (tests aside) with a table at either revision."""
        candidates = [pair for pair in pairs if _is_source_python(pair.head_path or pair.base_path)]
        if not candidates:
            return []
        from classifier.surfaces.error_codes.python import discover_tables

        blobs = iter(read_blobs(source, [(side, pair) for pair in candidates for side in Side]))
        claimed = []
        for pair in candidates:
            # The blobs come in the order asked: base, then head, pair after pair.
            sides = {side: next(blobs) for side in Side}
            names = {name for data in sides.values() if (text := _utf8(data)) is not None
                     for name in discover_tables(text)}
            if names:
                self.found[str(pair.head_path or pair.base_path)] = tuple(sorted(names))
                claimed.append(pair)
            elif pair.base_path is not None and pair.head_path is not None:
                # The generic surface compares both sides of a file present at both: it takes them, not reads them.
                for side, data in sides.items():
                    if not isinstance(data, FileTooLarge):
                        keep_for_next_read(source, side, pair, data)
        return claimed

    def compare(self, pairs: Sequence[FilePair], source: Source) -> Iterator[Change]:
        """Changes of every discovered table, compared as if it had been configured by name."""
        from classifier.surfaces.error_codes.compare import compare_pair

        specs = tuple(TableSpec(path, name) for path, names in self.found.items() for name in names)
        config = replace(self.config, tables=self.config.tables + specs)
        for pair in pairs:
            yield from compare_pair(pair, source, config, announce=True)


def _utf8(data: bytes | None | FileTooLarge) -> str | None:
    # Anything else (binary, another declared encoding, over max_file_mb) is left to the generic surface,
    # which knows those cases.
    if data is None or isinstance(data, FileTooLarge) or looks_binary(data):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _is_source_python(path: str) -> bool:
    if not path.endswith(".py"):
        return False
    name = posixpath.basename(path)
    folders = path.split("/")[:-1]
    return not (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
                or any(folder in ("tests", "test") for folder in folders))
