"""Where the bytes come from: two revisions of a tree and the files that differ.

A ``Source`` answers three questions and nothing else: which files changed,
what a path holds at one side, and which paths exist under a folder at one
side. Surfaces read everything through it, so a ``$ref`` or a migration's
parent is always read at the same revision as the file that names it.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Generator, Iterator, Protocol, Sequence

from classifier.errors import SourceError
from classifier.model import Revision, Side
from classifier.sources.limits import MB, FileTooLarge, Oversized, limits_in_force


@dataclass(frozen=True, slots=True)
class FilePair:
    """One changed file: its path and blob at each side (``None`` where absent).

    ``status`` is ``added``, ``deleted``, ``modified``, ``renamed`` or
    ``type-changed``. Blob ids are git object ids where known; two equal blob ids
    mean equal content, so the file need not be read at all.
    """

    status: str
    base_path: str | None
    head_path: str | None
    base_blob: str | None = None
    head_blob: str | None = None
    base_mode: str | None = None
    head_mode: str | None = None

    @property
    def path(self) -> str:
        """The path the user sees now: the head path, or the base path if deleted."""
        return self.head_path if self.head_path is not None else str(self.base_path)

    def path_at(self, side: Side) -> str | None:
        return self.base_path if side is Side.BASE else self.head_path

    @property
    def is_submodule(self) -> bool:
        return GITLINK_MODE in (self.base_mode, self.head_mode)


GITLINK_MODE = "160000"
SYMLINK_MODE = "120000"


class Source(Protocol):
    """Two revisions of one tree."""

    base: Revision
    head: Revision

    def changed_files(self) -> list[FilePair]:
        """Every file that differs between base and head, renames detected."""
        ...

    def read(self, side: Side, path: str) -> bytes | None:
        """The content of ``path`` at ``side`` (a symlink: its link text).

        ``None`` when the path is not part of that side: absent, ignored by git,
        outside the tree (``..``, absolute, through a symlinked folder) or in ``.git``.

        Raises:
            FileTooLarge: the file is over ``max_file_mb``; it was not read.
        """
        ...

    def read_blob(self, side: Side, pair: FilePair) -> bytes | None:
        """One side of a changed file (by blob id where the source has one); ``FileTooLarge`` as ``read``."""
        ...

    def list_files(self, side: Side, under: str) -> list[str]:
        """Every file path below the folder ``under`` ('' for the whole tree) at ``side``."""
        ...

    def file_mode(self, side: Side, path: str) -> str | None:
        """Git's mode for ``path`` at ``side`` (``120000`` a symlink), or ``None`` if absent."""
        ...

    def close(self) -> None:
        """Release helper processes."""
        ...


class TreeReader(Protocol):
    """What reading one named file at one side needs: its content and git's mode for it.

    ``GitSource`` and ``DirectorySource`` both offer ``file_mode``.
    """

    def read(self, side: Side, path: str) -> bytes | None: ...

    def file_mode(self, side: Side, path: str) -> str | None: ...


def tree_path(path: str) -> str | None:
    """``path`` as git names it inside a tree, or ``None`` if no tree can hold it.

    Pure string work, no file system: a relative ``/``-separated path without
    ``..``, ``.git`` or NUL, with empty and ``.`` parts dropped. Committed
    content is read through this alone; git itself then refuses a path that
    runs through a symlink (mode 120000) of the tree, whatever the disk holds.
    """
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if not parts or path.startswith("/") or "\0" in path:
        return None
    if any(part == ".." or part.lower() == ".git" for part in parts):
        return None  # outside the tree, or the repository's own data
    return "/".join(parts)


def path_below(root: Path, path: str, folders: dict[str, bool] | None = None) -> Path | None:
    """Where ``path`` lies under ``root`` on disk, or ``None`` if it would leave ``root``.

    For files on disk only (the working tree, ``--base-dir``/``--head-dir``).
    A path of a tree (see ``tree_path``) whose folders are real folders, never
    symlinks: git itself does not look through a symlinked folder, and a
    symlink may point anywhere on the machine. The last part may be a symlink;
    the caller reads it as its link text.

    Args:
        root: the folder the tree is in.
        path: a ``/``-separated path of the tree.
        folders: a cache of folders already checked, kept by the caller for as
            long as the tree does not change.
    """
    name = tree_path(path)
    if name is None:
        return None
    parts = name.split("/")
    if not _plain_folders(str(root), parts[:-1], {} if folders is None else folders):
        return None
    return root.joinpath(*parts)


def _plain_folders(root: str, parts: list[str], known: dict[str, bool]) -> bool:
    """Whether each folder along ``parts`` is a directory and not a symlink."""
    folder = ""
    for part in parts:
        folder = f"{folder}/{part}" if folder else part
        plain = known.get(folder)
        if plain is None:
            try:
                plain = stat.S_ISDIR(os.lstat(os.path.join(root, folder)).st_mode)
            except OSError:
                plain = False
            known[folder] = plain
        if not plain:
            return False
    return True


def read_file_or_link(full: Path, limit: int | None = None) -> bytes | None | Oversized:
    """A file's bytes, a symlink's target text (never followed, like git), or ``None`` if absent.

    A file larger than ``limit`` bytes is not read: its size comes back as ``Oversized``.

    Raises:
        SourceError: the file exists but cannot be read.
    """
    try:
        info = os.lstat(full)
    except OSError:
        return None
    try:
        if stat.S_ISLNK(info.st_mode):
            return os.fsencode(os.readlink(full))
        if not stat.S_ISREG(info.st_mode):
            return None
        if limit is not None and info.st_size > limit:
            return Oversized(info.st_size)
        # At most one byte past the limit: a file that grew since lstat is caught too.
        data = _read_regular(full, info.st_size, None if limit is None else limit + 1)
        return Oversized(len(data)) if limit is not None and len(data) > limit else data
    except OSError as exc:
        raise SourceError(f"{full}: cannot be read ({exc.strerror})", hint="make the file readable") from None


def _read_regular(full: Path, expected: int, most: int | None) -> bytes:
    """A regular file's bytes, at most ``most`` of them, in reads sized by ``expected`` (its size at lstat).

    The buffer is the file's size, not the limit: a buffered ``read(limit)``
    allocates the whole limit (20 MB by default) for every file, however
    small, which made reading 20,000 small files four times slower, and left
    each one held afterwards on a page of its own. One byte more than
    expected is asked for, so the end of the file (or its growth since lstat)
    is seen.
    """
    chunks: list[bytes] = []
    got, ask = 0, expected + 1
    fd = os.open(full, os.O_RDONLY | os.O_CLOEXEC)
    try:
        while most is None or got < most:
            chunk = os.read(fd, ask if most is None else min(ask, most - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            ask = 1 << 20  # grown since lstat: the rest a megabyte at a time
    finally:
        os.close(fd)
    return b"".join(chunks)  # one chunk, the usual case, is returned as it is, not copied


def within_limit(found: bytes | None | Oversized, path: str, side: Side) -> bytes | None:
    """``found`` as content, or ``FileTooLarge`` naming ``path`` if a reader stopped at the size limit."""
    if isinstance(found, Oversized):
        raise FileTooLarge(f"{path} ({side.value})", found.size, limits_in_force().max_file_bytes)
    return found


# At most this much of what one reader read is kept for the next: the bytes of
# the kept sides plus a fixed cost per side for the bookkeeping around them.
MEMO_BUDGET_BYTES = 32 * MB
MEMO_COST_PER_SIDE = 200


class ReadMemo:
    """Sides of changed files one reader read and the next will ask for: kept within a byte budget, taken once.

    Error-table discovery reads every changed Python file; the generic surface
    then compares the ones discovery did not claim. What discovery keeps here,
    ``read_blobs`` hands to the generic surface instead of reading it again.
    Past the budget a side is not kept, and is simply read again, so a huge
    branch never holds more than the budget; a side is handed out once and
    forgotten, so it is never held twice. Only content is kept: a side over
    ``max_file_mb`` is refused afresh by whoever reads it next.
    """

    def __init__(self, budget: int = MEMO_BUDGET_BYTES) -> None:
        self.budget = budget
        self._held: dict[tuple[Side, FilePair], bytes | None] = {}
        self._size = 0

    def __len__(self) -> int:
        return len(self._held)

    @staticmethod
    def _cost(data: bytes | None) -> int:
        return MEMO_COST_PER_SIDE + (len(data) if data else 0)

    def keep(self, side: Side, pair: FilePair, data: bytes | None) -> bool:
        """Hold ``data`` as ``pair``'s content at ``side``; ``False`` (and nothing held) past the budget."""
        key = (side, pair)
        if key in self._held:
            return True  # the same side of the same file: the same content
        cost = self._cost(data)
        if self._size + cost > self.budget:
            return False
        self._held[key] = data
        self._size += cost
        return True

    def take(self, wanted: Sequence[tuple[Side, FilePair]]) -> dict[int, bytes | None]:
        """The held sides among ``wanted``, by their place in it; each is forgotten as it is handed out."""
        taken: dict[int, bytes | None] = {}
        for index, key in enumerate(wanted):
            if key in self._held:
                data = taken[index] = self._held.pop(key)
                self._size -= self._cost(data)
        return taken

    def clear(self) -> None:
        self._held.clear()
        self._size = 0


def keep_for_next_read(source: Source, side: Side, pair: FilePair, data: bytes | None) -> None:
    """Leave one side already read for the next ``read_blobs`` of it (a source without a memo reads it again)."""
    memo: ReadMemo | None = getattr(source, "memo", None)
    if memo is not None:
        memo.keep(side, pair, data)


def read_blobs(source: Source, wanted: Sequence[tuple[Side, FilePair]]) -> Iterator[bytes | None | FileTooLarge]:
    """``source.read_blob`` for each of many sides, yielded in order, one in memory at a time.

    A side over ``max_file_mb`` is not read: its place holds the ``FileTooLarge``
    error instead of content, so one large file does not stop the others. A
    side left by ``keep_for_next_read`` is taken from the source's memo rather
    than read again. A source that can fetch many objects in one go (git, with
    a pipelined ``cat-file``) offers ``read_many_blobs``; any other is asked
    one by one.
    """
    memo: ReadMemo | None = getattr(source, "memo", None)
    taken = memo.take(wanted) if memo else {}
    if not taken:
        yield from _read_each(source, wanted)
        return
    rest = _read_each(source, [key for index, key in enumerate(wanted) if index not in taken])
    try:
        for index in range(len(wanted)):
            yield taken.pop(index) if index in taken else next(rest)
    finally:
        rest.close()  # a caller that stops early ends the reader's process now


def _read_each(
    source: Source, wanted: Sequence[tuple[Side, FilePair]]
) -> Generator[bytes | None | FileTooLarge, None, None]:
    if not wanted:
        return
    read_many = getattr(source, "read_many_blobs", None)
    yield from read_many(wanted) if read_many is not None else read_one_by_one(source, wanted)


def read_one_by_one(source: Source, wanted: Sequence[tuple[Side, FilePair]]) -> Iterator[bytes | None | FileTooLarge]:
    """``source.read_blob`` for each side in turn, a side over ``max_file_mb`` yielding its ``FileTooLarge``."""
    for side, pair in wanted:
        try:
            yield source.read_blob(side, pair)
        except FileTooLarge as exc:
            yield exc


def blob_id(data: bytes, length: int = 40) -> str:
    """The id git gives ``data`` as a blob: sha1 (40 hex digits) or, in sha256 repositories, sha256."""
    digest = hashlib.sha256 if length == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def looks_binary(data: bytes) -> bool:
    """Git's own heuristic: a NUL byte in the first 8,000 bytes means binary."""
    return b"\0" in data[:8000]


def decode_text(data: bytes, path: str, side: Side) -> str:
    """Decode a text file as UTF-8 (a BOM is allowed) or say exactly why not.

    Raises:
        SourceError: the bytes are not valid UTF-8; the message names the file,
            the side and the byte offset.
    """
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path} ({side.value}): not valid UTF-8 at byte {exc.start}",
            hint="save the file as UTF-8, or exclude it in [tool.classifier] exclude",
        ) from None
