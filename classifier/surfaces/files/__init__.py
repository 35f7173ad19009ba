"""The generic surface: every changed file that no contract surface claims.

Each file gets one ``Change`` whose kind says what sort of edit it was:
``documentation`` (docs files; Python comments and docstrings), ``observability``
(only logging, metrics or tracing calls), ``internal-change`` (anything else),
``added``, ``deleted``, ``renamed`` (content unchanged), ``binary``.
"""

from __future__ import annotations

from typing import Generator, Iterator, Sequence

from classifier.model import Change, Location, Side
from classifier.policy.config import Config, FilesConfig
from classifier.policy.globs import match_any
from classifier.sources import FilePair, Source, looks_binary, read_blobs
from classifier.sources.limits import MB, FileTooLarge, megabytes

SURFACE = "files"
Content = bytes | FileTooLarge  # one side of a pair; a side over the size limit is its error
# Pairs whose contents are read in one go; bounds memory on a huge branch.
PREFETCH_CHUNK = 1000


class FilesSurface:
    """Labels every remaining file; it claims all it is offered."""

    name = SURFACE

    def __init__(self, config: Config) -> None:
        self.config: FilesConfig = config.files

    def claim(self, pairs: Sequence[FilePair], source: Source) -> list[FilePair]:
        return list(pairs)

    def compare(self, pairs: Sequence[FilePair], source: Source) -> Iterator[Change]:
        # Contents are fetched a chunk at a time: one pipelined read instead of
        # a round trip per side, streamed so that memory holds one pair (each
        # side at most max_file_mb), not the chunk.
        for start in range(0, len(pairs), PREFETCH_CHUNK):
            chunk = pairs[start:start + PREFETCH_CHUNK]
            decided = [self._kind_without_content(pair) for pair in chunk]
            compared = [pair for pair, change in zip(chunk, decided) if change is None]
            contents = _both_sides(compared, source)
            try:
                for pair, change in zip(chunk, decided):
                    yield change if change is not None else self._content_change(pair, *next(contents))
            finally:
                contents.close()  # ends the chunk's reader process now, not when collected

    def _kind_without_content(self, pair: FilePair) -> Change | None:
        if pair.is_submodule:
            # A submodule is another repository's contract, not this one's.
            return _make(pair, "internal-change", status=pair.status, detail=f"submodule {pair.status}")
        if match_any(pair.path, self.config.documentation):
            return _make(pair, "documentation", status=pair.status, detail="documentation file")
        if pair.status in ("added", "deleted"):
            return _make(pair, pair.status)
        if pair.status == "renamed" and pair.base_blob == pair.head_blob and pair.base_blob:
            return _make(pair, "renamed", old_path=pair.base_path)
        return None

    def _content_change(self, pair: FilePair, old: Content, new: Content) -> Change:
        if isinstance(old, FileTooLarge) or isinstance(new, FileTooLarge):
            # Nothing this surface can say is breaking: the file is reported
            # as a code change, the kind that assumes least, with the reason.
            too_large = [side for side in (old, new) if isinstance(side, FileTooLarge)]
            return _make(pair, "internal-change", status=pair.status, detail=_not_compared(too_large[0]))
        if looks_binary(old) or looks_binary(new):
            return _make(pair, "binary", status=pair.status)
        if pair.path.endswith((".py", ".pyi")):
            from classifier.surfaces.files.python import classify_python

            kind, detail, line = classify_python(pair.path, old, new, self.config.observability)
        else:
            kind, detail, line = "internal-change", "text changed", first_changed_line(old, new)
        detail = f"renamed from {pair.base_path}; {detail}" if pair.status == "renamed" else detail
        return _make(pair, kind, line=line, status=pair.status, detail=detail)


def _both_sides(pairs: Sequence[FilePair], source: Source) -> Generator[tuple[Content, Content], None, None]:
    """Base and head content of each pair, streamed from one request (absent reads as empty)."""
    data = read_blobs(source, [(side, pair) for pair in pairs for side in (Side.BASE, Side.HEAD)])
    for old, new in zip(data, data):  # the same iterator twice: consecutive items
        yield old or b"", new or b""


def _not_compared(error: FileTooLarge) -> str:
    return f"not compared: {megabytes(error.size)}, over the {error.limit / MB:g} MB limit for one file (max_file_mb)"


def first_changed_line(old: bytes, new: bytes) -> int | None:
    """The 1-based line of the head file where it first differs from the base."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for number, (a, b) in enumerate(zip(old_lines, new_lines), start=1):
        if a != b:
            return number
    shorter = min(len(old_lines), len(new_lines))
    return min(shorter + 1, max(len(new_lines), 1)) if new_lines else None


def _make(pair: FilePair, kind: str, line: int | None = None, **fields: object) -> Change:
    deleted = pair.head_path is None
    location = Location(pair.path, line, Side.BASE if deleted else Side.HEAD)
    return Change(surface=SURFACE, kind=kind, subject=kind, location=location, fields=fields)
