"""Compare two plain folders, for offline artefacts and for tests.

Content is identified the way git does it (the sha1 of ``blob <size>\\0`` and
the bytes), so parse caches keyed by blob id work for both sources alike.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from classifier.errors import SourceError
from classifier.model import Revision, Side
from classifier.sources import (
    FilePair,
    ReadMemo,
    blob_id,
    path_below,
    read_file_or_link,
    within_limit,
)
from classifier.sources.limits import Oversized, limits_in_force
from classifier.sources.worktree import worktree_mode


class DirectorySource:
    """Base and head are two folders on disk; neither is modified."""

    def __init__(self, base_dir: Path, head_dir: Path) -> None:
        for flag, folder in (("--base-dir", base_dir), ("--head-dir", head_dir)):
            if not folder.is_dir():
                raise SourceError(f"{flag} {folder}: no such directory", hint="pass an existing folder")
        self.roots = {Side.BASE: base_dir, Side.HEAD: head_dir}
        self.base = Revision(str(base_dir), None, "--base-dir")
        self.head = Revision(str(head_dir), None, "--head-dir")
        self._blobs: dict[tuple[Side, str], str] = {}
        self._folders: dict[Side, dict[str, bool]] = {Side.BASE: {}, Side.HEAD: {}}
        self.memo = ReadMemo()  # sides one surface read and the next takes (see read_blobs)

    def changed_files(self) -> list[FilePair]:
        base = set(self.list_files(Side.BASE, ""))
        head = set(self.list_files(Side.HEAD, ""))
        modified = [
            self._pair("modified", path, path)
            for path in sorted(base & head)
            if self._blob(Side.BASE, path) != self._blob(Side.HEAD, path)
            or self._mode(Side.BASE, path) != self._mode(Side.HEAD, path)
        ]
        added, deleted = sorted(head - base), sorted(base - head)
        renamed, added, deleted = self._exact_renames(added, deleted)
        return (
            modified
            + renamed
            + [self._pair("added", None, p) for p in added]
            + [self._pair("deleted", p, None) for p in deleted]
        )

    def _exact_renames(
        self, added: list[str], deleted: list[str]
    ) -> tuple[list[FilePair], list[str], list[str]]:
        # Like `git diff -M` for identical content: a file that moved is one
        # rename, not a delete and an add.
        by_blob = {self._blob(Side.BASE, p): p for p in deleted}
        renamed: list[FilePair] = []
        for path in list(added):
            old = by_blob.pop(self._blob(Side.HEAD, path), None)
            if old is not None:
                renamed.append(self._pair("renamed", old, path))
                added.remove(path)
                deleted.remove(old)
        return renamed, added, deleted

    def _pair(self, status: str, base_path: str | None, head_path: str | None) -> FilePair:
        return FilePair(
            status=status,
            base_path=base_path,
            head_path=head_path,
            base_blob=None if base_path is None else self._blob(Side.BASE, base_path),
            head_blob=None if head_path is None else self._blob(Side.HEAD, head_path),
            base_mode=None if base_path is None else self._mode(Side.BASE, base_path),
            head_mode=None if head_path is None else self._mode(Side.HEAD, head_path),
        )

    def _blob(self, side: Side, path: str) -> str:
        key = (side, path)
        if key not in self._blobs:
            found = self._content(side, path)
            full = self.roots[side] / path
            self._blobs[key] = _streamed_blob_id(full) if isinstance(found, Oversized) else blob_id(found or b"")
        return self._blobs[key]

    def _mode(self, side: Side, path: str) -> str:
        return worktree_mode(self.roots[side] / path)

    def read(self, side: Side, path: str) -> bytes | None:
        return within_limit(self._content(side, path), path, side)

    def _content(self, side: Side, path: str) -> bytes | None | Oversized:
        full = path_below(self.roots[side], path, self._folders[side])
        return None if full is None else read_file_or_link(full, limits_in_force().max_file_bytes)

    def file_mode(self, side: Side, path: str) -> str | None:
        """The mode git would record for ``path`` in that folder (``120000`` a symlink), or ``None`` if absent."""
        full = path_below(self.roots[side], path, self._folders[side])
        if full is None or not os.path.lexists(full) or full.is_dir() and not full.is_symlink():
            return None
        return worktree_mode(full)

    def read_blob(self, side: Side, pair: FilePair) -> bytes | None:
        path = pair.path_at(side)
        return None if path is None else self.read(side, path)

    def list_files(self, side: Side, under: str) -> list[str]:
        root = self.roots[side]
        start = path_below(root, under) if under else root
        if start is None or start.is_symlink():
            return []  # git lists nothing below a symlinked folder either
        found: list[str] = []
        for folder, dirs, files in os.walk(start):
            # A repository's own data (a .git folder, or the .git file of a
            # submodule or linked worktree) is not part of the tree.
            dirs[:] = sorted(d for d in dirs if d != ".git")
            for name in files:
                if name != ".git":
                    found.append((Path(folder) / name).relative_to(root).as_posix())
            # os.walk does not descend into symlinked folders; list them as files.
            found.extend((Path(folder) / d).relative_to(root).as_posix() for d in dirs if (Path(folder) / d).is_symlink())
        return sorted(found)

    def close(self) -> None:
        """Nothing to release but what the memo holds."""
        self.memo.clear()


def _streamed_blob_id(full: Path) -> str:
    """The blob id of a file too large to hold in memory, hashed a chunk at a time."""
    digest = hashlib.sha1(b"blob %d\0" % full.stat().st_size, usedforsecurity=False)
    with full.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
