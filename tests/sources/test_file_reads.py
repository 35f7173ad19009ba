"""Files read from disk: in a buffer of their own size, whole, and never past one byte over the limit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from classifier.model import Side
from classifier.sources import _read_regular
from classifier.sources.git import GitSource
from classifier.sources.limits import MB, FileTooLarge, Limits, applied_limits


def test_a_large_working_tree_file_is_read_whole_within_the_limit(repo, open_git: Callable[..., GitSource]) -> None:
    # Read in a buffer of the file's size, not the limit's: what comes back is still the whole file.
    repo.commit("base", **{"big.txt": "small\n"})
    text = b"".join(b"line %d\n" % n for n in range(300_000))  # about 3 MB
    (repo.path / "big.txt").write_bytes(text)
    source = open_git(repo.path, base="HEAD")
    [pair] = source.changed_files()

    with applied_limits(Limits(max_file_bytes=4 * MB)):
        assert source.read_blob(Side.HEAD, pair) == text
    with applied_limits(Limits(max_file_bytes=len(text) - 1)):
        with pytest.raises(FileTooLarge):
            source.read_blob(Side.HEAD, pair)


def test_a_file_longer_than_measured_is_read_to_its_end_or_one_byte_past_the_limit(tmp_path: Path) -> None:
    # As when a file grows between its lstat and its read.
    grown = tmp_path / "grown.txt"
    grown.write_bytes(b"x" * 3_000_000)

    assert _read_regular(grown, 10, None) == b"x" * 3_000_000
    assert _read_regular(grown, 10, 2_000_001) == b"x" * 2_000_001
    assert _read_regular(grown, 3_000_000, 3_000_001) == b"x" * 3_000_000
