"""Error-code tables and contract constants, read statically.

Services keep their error-code mapping (code -> HTTP status, message,
exception class) and a few contract constants (the idempotency conflict
status, the signature header, the default page size) in code, where no
OpenAPI diff sees them. This surface reads the configured files with libcst or
a safe YAML/JSON loader, never importing or running them, and reports how
each code and constant changed. Parsers load only when a configured file
changed.
"""

from __future__ import annotations

from typing import Iterator, Sequence

from classifier.model import Change
from classifier.policy.config import Config
from classifier.sources import FilePair, Source
from classifier.surfaces.error_codes.config import (
    ErrorCodesConfig,
    parse_error_codes_config,
)

SURFACE = "error_codes"


class ErrorCodesSurface:
    """Claims the files named in ``[tool.classifier.error_codes]`` and ``[tool.classifier.constants]``."""

    name = SURFACE

    def __init__(self, config: Config) -> None:
        self.config: ErrorCodesConfig = parse_error_codes_config(config.table, config.origin)

    def claim(self, pairs: Sequence[FilePair], source: Source) -> list[FilePair]:
        """The changed files that are configured tables or hold configured constants."""
        paths = self.config.paths
        return [pair for pair in pairs if pair.head_path in paths or pair.base_path in paths]

    def compare(self, pairs: Sequence[FilePair], source: Source) -> Iterator[Change]:
        """Changes of every table and constant in the claimed files, file by file."""
        from classifier.surfaces.error_codes.compare import compare_pair

        for pair in pairs:
            yield from compare_pair(pair, source, self.config)
