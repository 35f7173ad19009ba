"""Symlinks are content (their link text); no read leaves the tree or enters .git."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from classifier.errors import SourceError
from classifier.model import Side
from classifier.sources import SYMLINK_MODE, read_file_or_link
from classifier.sources.git import GitSource


@pytest.mark.parametrize("head", ["HEAD", None])
def test_symlink_content_is_the_link_text(
    repo, tmp_path: Path, open_git: Callable[..., GitSource], head: str | None
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET\n", encoding="utf-8")
    base = repo.commit("one", **{"a.txt": "a\n"})
    os.symlink("../outside/secret.txt", repo.path / "link.txt")
    os.symlink(str(outside), repo.path / "linkdir")
    if head:
        repo.commit("links")

    source = open_git(repo.path, base=base, head=head)
    pairs = {pair.path: pair for pair in source.changed_files()}

    assert sorted(pairs) == ["link.txt", "linkdir"]
    assert source.read_blob(Side.HEAD, pairs["link.txt"]) == b"../outside/secret.txt"
    assert source.read(Side.HEAD, "link.txt") == b"../outside/secret.txt"
    assert source.read(Side.HEAD, "linkdir") == str(outside).encode()
    # Through a symlinked folder git sees nothing, and neither may the source.
    assert source.read(Side.HEAD, "linkdir/secret.txt") is None
    assert "linkdir/secret.txt" not in source.list_files(Side.HEAD, "")
    if head:
        assert pairs["link.txt"].head_mode == SYMLINK_MODE


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/hostname", "sub/../../outside.txt", ".git/config", ".GIT/HEAD"])
def test_worktree_reads_stay_inside_the_repository(
    repo, tmp_path: Path, open_git: Callable[..., GitSource], path: str
) -> None:
    (tmp_path / "outside.txt").write_text("outside\n", encoding="utf-8")
    repo.commit("one", **{"a.txt": "a\n", "sub__b.txt": "b\n"})

    source = open_git(repo.path, base="HEAD")

    assert source.read(Side.HEAD, path) is None
    assert source.read(Side.BASE, path) is None


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_file_that_exists_but_cannot_be_read_is_an_error_not_absent() -> None:
    # /proc/self/mem is a regular file whose first page cannot be read: the
    # stand-in for an unreadable file when the tests run as root.
    with pytest.raises(SourceError) as caught:
        read_file_or_link(Path("/proc/self/mem"))

    assert (caught.value.message, caught.value.hint) == (
        "/proc/self/mem: cannot be read (Input/output error)",
        "make the file readable",
    )
