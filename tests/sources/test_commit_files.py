"""One commit's files, read as a tree: git's objects and modes, within the byte budget."""

from __future__ import annotations

import os

import pytest

from classifier.errors import GitError
from classifier.model import Side
from classifier.sources.commit import CommitFiles
from classifier.sources.limits import FileTooLarge, Limits, applied_limits
from tests.conftest import GitRepo


def test_content_and_modes_come_from_the_commit_not_the_disk(repo: GitRepo) -> None:
    repo.commit("one", **{"a.toml": "x = 1\n", "sub/b.txt": "b\n"})
    os.symlink("a.toml", repo.path / "link.toml")
    repo.commit("link")
    (repo.path / "a.toml").write_text("x = 2\n")  # an uncommitted edit is not the commit
    files = CommitFiles(repo.path, "HEAD")
    try:
        assert files.read(Side.HEAD, "a.toml") == b"x = 1\n"
        assert (files.file_mode(Side.HEAD, "a.toml"), files.file_mode(Side.HEAD, "link.toml")) == ("100644", "120000")
        assert (files.file_mode(Side.HEAD, "sub/b.txt"), files.file_mode(Side.HEAD, "missing")) == ("100644", None)
        assert files.read(Side.HEAD, "../outside") is None
    finally:
        files.close()


def test_a_blob_past_the_budget_is_not_read(repo: GitRepo) -> None:
    repo.commit("big", **{"big.txt": "y" * 3_000_000})
    files = CommitFiles(repo.path, "HEAD")
    try:
        with applied_limits(Limits(max_file_bytes=1_000_000)), pytest.raises(FileTooLarge) as raised:
            files.read(Side.HEAD, "big.txt")
        assert "big.txt" in str(raised.value) and "over the 1 MB limit for one file" in str(raised.value)
    finally:
        files.close()


def test_an_unknown_commit_is_one_clear_error(repo: GitRepo) -> None:
    repo.commit("one", **{"a.txt": "a\n"})
    with pytest.raises(GitError) as raised:
        CommitFiles(repo.path, "no-such-ref")
    assert raised.value.message == "unknown revision 'no-such-ref'"
