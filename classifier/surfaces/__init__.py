"""Surfaces: one per kind of file, each parsing and diffing into ``Change`` facts.

A surface is built from the configuration, claims the changed files it
understands, and compares them through the ``Source`` (so it can read any other
file at the same revision). Surfaces are tried in the order below; the first
to claim a file owns it, and ``files`` takes whatever is left. A surface that
claims files by where they live may find one is not its own once read (a JSON
file beside a spec that no spec references): it lists it in ``declined`` after
``compare`` and the next surfaces get it. A surface whose verdict depends on
what the default branch already holds (``judged_from_the_default_branch``: an
applied migration is one the default branch has) compares its files on the
branch view in the hook's pre-commit stage. A surface's
package imports nothing heavy at import time: parsers are loaded only when it
has a file to compare.
"""

from __future__ import annotations

import importlib
from typing import Iterator, Protocol, Sequence

from classifier.model import Change
from classifier.policy.config import Config
from classifier.sources import FilePair, Source


class Surface(Protocol):
    name: str

    def claim(self, pairs: Sequence[FilePair], source: Source) -> list[FilePair]:
        """The subset of ``pairs`` this surface compares (by path, or by content read through ``source``)."""
        ...

    def compare(self, pairs: Sequence[FilePair], source: Source) -> Iterator[Change]:
        """The facts about how the claimed files changed."""
        ...


# Explicit and ordered: surface name -> "module:factory". ``files`` stays last.
SURFACES: dict[str, str] = {
    "error_codes": "classifier.surfaces.error_codes:ErrorCodesSurface",
    "migrations": "classifier.surfaces.migrations:MigrationsSurface",
    "openapi": "classifier.surfaces.openapi:OpenAPISurface",
    "error_codes_discovered": "classifier.surfaces.error_codes:DiscoveredTablesSurface",
    "files": "classifier.surfaces.files:FilesSurface",
}


def build_surfaces(config: Config) -> list[Surface]:
    surfaces: list[Surface] = []
    for target in SURFACES.values():
        module_name, factory = target.split(":")
        surfaces.append(getattr(importlib.import_module(module_name), factory)(config))
    return surfaces
