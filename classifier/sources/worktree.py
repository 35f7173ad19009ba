"""Files of the working tree that git does not track yet, folded into the diff.

``git diff <base>`` knows only the paths in the index. A new spec the user has
not staged must still be compared, a file moved with plain ``mv`` is a rename
rather than a deletion, and a file only removed from the index (``git rm
--cached``) is still in the working tree: the head is what ``git add -A`` would
record, without running it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from classifier.sources import GITLINK_MODE, SYMLINK_MODE, FilePair, blob_id

ReadFile = Callable[[str], "bytes | None"]
BlobSize = Callable[[str], int]


def fold_untracked(
    pairs: list[FilePair], untracked: list[str], read: ReadFile, blob_size: BlobSize, top: Path
) -> list[FilePair]:
    """``pairs`` from ``git diff <base>`` plus what the ``untracked`` paths change.

    Args:
        pairs: the diff of the base against the tracked working tree.
        untracked: ``git ls-files --others --exclude-standard`` paths; a nested
            repository is listed as its folder with a trailing slash.
        read: reads one working-tree path (a symlink as its link text).
        blob_size: the size of a blob of the base, by id.
        top: the root of the working tree.
    """
    nested = [FilePair("added", None, path.rstrip("/"), head_mode=GITLINK_MODE) for path in untracked if path.endswith("/")]
    files = [path for path in untracked if not path.endswith("/")]
    pairs, files = _still_in_worktree(pairs, files, read, top)
    pairs, files = _moved(pairs, files, read, blob_size, top)
    added = [FilePair("added", None, path, head_mode=worktree_mode(top / path)) for path in files]
    return pairs + added + nested


def worktree_mode(path: Path) -> str:
    """The mode git would record for ``path``: symlink, executable or plain file."""
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return SYMLINK_MODE
    return "100755" if info.st_mode & stat.S_IXUSR else "100644"


def _still_in_worktree(
    pairs: list[FilePair], files: list[str], read: ReadFile, top: Path
) -> tuple[list[FilePair], list[str]]:
    """A path deleted from the index but present on disk is unchanged or modified, not gone."""
    on_disk = set(files)
    result: list[FilePair] = []
    for pair in pairs:
        if pair.status != "deleted" or pair.base_path not in on_disk or pair.base_blob is None:
            result.append(pair)
            continue
        path = pair.base_path
        on_disk.discard(path)
        data, mode = read(path), worktree_mode(top / path)
        if data is not None and blob_id(data, len(pair.base_blob)) == pair.base_blob and mode == pair.base_mode:
            continue
        result.append(FilePair("modified", path, path, pair.base_blob, None, pair.base_mode, mode))
    return result, [path for path in files if path in on_disk]


def _moved(
    pairs: list[FilePair], files: list[str], read: ReadFile, blob_size: BlobSize, top: Path
) -> tuple[list[FilePair], list[str]]:
    """Pair a deleted file with an untracked one of identical content, like ``git diff -M``."""
    deleted = {pair.base_blob: pair for pair in pairs if pair.status == "deleted" and pair.base_blob}
    if not deleted or not files:
        return pairs, files
    id_length = len(next(iter(deleted)))
    # Only a file of a deleted file's size can be that file moved.
    sizes = {blob_size(blob) for blob in deleted}
    renamed: dict[str, FilePair] = {}
    for path in files:
        if os.lstat(top / path).st_size not in sizes:
            continue
        data = read(path)
        old = deleted.pop(blob_id(data, id_length), None) if data is not None else None
        if old is not None and old.base_path is not None:
            mode = worktree_mode(top / path)
            renamed[old.base_path] = FilePair("renamed", old.base_path, path, old.base_blob, old.base_blob, old.base_mode, mode)
    kept = [renamed.get(str(pair.base_path), pair) if pair.status == "deleted" else pair for pair in pairs]
    moved_to = {pair.head_path for pair in renamed.values()}
    return kept, [path for path in files if path not in moved_to]
