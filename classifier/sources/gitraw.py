"""Parse ``git diff --raw -z`` output into file pairs.

Kept apart from the process handling in ``git.py``: this is pure, and the one
place that knows the raw format's quirks (the all-zero id of content git has
not hashed, in sha1 and sha256 repositories alike; the ``U`` of a path left
unmerged in the index).
"""

from __future__ import annotations

from classifier.sources import FilePair

UNMERGED = "unmerged"

_STATUS_NAMES = {
    "A": "added",
    "D": "deleted",
    "M": "modified",
    "R": "renamed",
    "C": "added",
    "T": "type-changed",
    "U": UNMERGED,
}


def is_null_id(object_id: str) -> bool:
    """Whether ``object_id`` is git's all-zero id: content git has not hashed (or no content)."""
    return not object_id.strip("0")


def parse_raw_diff(out: bytes) -> list[FilePair]:
    """Parse ``git diff --raw -z`` output into file pairs."""
    fields = out.split(b"\0")
    pairs: list[FilePair] = []
    i = 0
    while i < len(fields) and fields[i]:
        meta = fields[i].decode("ascii").lstrip(":").split(" ")
        old_mode, new_mode, old_sha, new_sha, status = meta
        letter = status[0]
        first = decode_path(fields[i + 1])
        if letter in "RC":
            second = decode_path(fields[i + 2])
            i += 3
        else:
            second = first
            i += 2
        pairs.append(_pair(letter, first, second, (old_mode, new_mode), (old_sha, new_sha)))
    return pairs


def decode_path(raw: bytes) -> str:
    """A path as git printed it; bytes that are not UTF-8 survive the round trip."""
    return raw.decode("utf-8", "surrogateescape")


def _pair(letter: str, old: str, new: str, modes: tuple[str, str], shas: tuple[str, str]) -> FilePair:
    status = _STATUS_NAMES.get(letter, "modified")
    base_path = None if letter in "AC" else old
    head_path = None if letter == "D" else new
    return FilePair(
        status=status,
        base_path=base_path,
        head_path=head_path,
        base_blob=None if base_path is None or is_null_id(shas[0]) else shas[0],
        head_blob=None if head_path is None or is_null_id(shas[1]) else shas[1],
        base_mode=None if base_path is None else modes[0],
        head_mode=None if head_path is None else modes[1],
    )


def tree_entry_mode(tree: bytes, name: str, id_bytes: int) -> str | None:
    """The mode of the entry ``name`` in a raw tree object, or ``None`` if it has none.

    A tree object is a run of ``<mode> <name>\\0<binary id>`` records, ids of
    ``id_bytes`` bytes (20 for sha1, 32 for sha256).
    """
    wanted = name.encode("utf-8", "surrogateescape")
    at = 0
    while at < len(tree):
        space = tree.index(b" ", at)
        end = tree.index(b"\0", space)
        if tree[space + 1:end] == wanted:
            return tree[at:space].decode("ascii").rjust(6, "0")
        at = end + 1 + id_bytes
    return None
