"""What changes for clients moving from one version to the next.

The OpenAPI differ compares the predecessor's document with the new
version's, both read at head: a small ``Source`` adapter serves the head
revision on both sides, so the differ needs no change.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Iterator

from classifier.model import Change, Label, Location, Revision, Side
from classifier.policy.config import Config
from classifier.surfaces.versions.config import version_key
from classifier.surfaces.versions.layout import Layout
from classifier.sources import FilePair, Source

SURFACE = "versions"


class HeadOnlySource:
    """Both sides of the comparison are the head revision of ``source``."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.base: Revision = source.head
        self.head: Revision = source.head

    def changed_files(self) -> list[FilePair]:
        return []

    def read(self, side: Side, path: str) -> bytes | None:
        return self.source.read(Side.HEAD, path)

    def read_blob(self, side: Side, pair: FilePair) -> bytes | None:
        path = pair.path_at(side)
        return None if path is None else self.source.read(Side.HEAD, path)

    def list_files(self, side: Side, under: str) -> list[str]:
        return self.source.list_files(Side.HEAD, under)

    def file_mode(self, side: Side, path: str) -> str | None:
        return self.source.file_mode(Side.HEAD, path)

    def close(self) -> None:
        """The wrapped source is closed by its owner."""


def predecessor(layout: Layout, version: str) -> str | None:
    """The newest version older than ``version`` present at head."""
    older = [v for v in layout.files(Side.HEAD) if version_key(v) < version_key(version)]
    return max(older, key=version_key, default=None)


def upgrade_changes(layout: Layout, version: str, config: Config) -> Iterator[Change]:
    """The breaking differences between ``version`` and its predecessor, one change each."""
    from classifier.rules import judge
    from classifier.surfaces.openapi import SPEC_NAMES, OpenAPISurface

    previous = predecessor(layout, version)
    head = layout.files(Side.HEAD)
    if previous is None or version not in head:
        return
    old_doc = _document(head[previous], SPEC_NAMES)
    new_doc = _document(head[version], SPEC_NAMES)
    if old_doc is None or new_doc is None:
        return
    surface = OpenAPISurface(config)
    surface.config = replace(surface.config, paths=(old_doc, new_doc))
    changes = surface.compare([FilePair("renamed", old_doc, new_doc)], HeadOnlySource(layout.source))
    for finding in judge(surface.name, changes):
        if finding.label is Label.BREAKING:
            fields = {"old": previous, "new": version, "what": f"{finding.message} ({finding.rule} {finding.name})"}
            subject = f"{previous}->{version}|{finding.rule}|{finding.subject}"
            # Every difference is shown on the new version's document, where clients look.
            line = finding.line if finding.path == new_doc else None
            yield Change(SURFACE, "upgrade-difference", subject, Location(new_doc, line, Side.HEAD), fields)


def _document(files: list[str], names: tuple[str, ...]) -> str | None:
    return next((path for path in files if posixpath.basename(path) in names), None)
