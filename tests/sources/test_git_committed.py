"""Committed content comes from git's objects and modes alone, whatever the disk holds.

The base, a head commit and the index (--staged) are read by object id and
tree mode; only the working-tree side looks at files on disk. Each test
leaves the disk disagreeing with the commits: a sparse checkout, a clone
without a checkout, a folder moved or replaced since.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from classifier.model import Side
from classifier.sources import SYMLINK_MODE
from classifier.sources.directory import DirectorySource
from classifier.sources.git import GitSource

from .git_support import clone

SPEC = "openapi: 3.1.0\n"


def two_commits(repo) -> tuple[str, str]:
    base = repo.commit("one", **{"api__v1__spec.yaml": SPEC, "api__v1__parts__pets.yaml": "a: 1\n", "other__x.txt": "x\n"})
    head = repo.commit("two", **{"api__v1__parts__pets.yaml": "a: 2\n"})
    return base, head


def assert_reads_committed(source: GitSource) -> None:
    assert source.read(Side.BASE, "api/v1/parts/pets.yaml") == b"a: 1\n"
    assert source.read(Side.HEAD, "api/v1/parts/pets.yaml") == b"a: 2\n"
    assert source.read(Side.BASE, "api/./v1//spec.yaml") == SPEC.encode()
    assert source.list_files(Side.BASE, "api") == ["api/v1/parts/pets.yaml", "api/v1/spec.yaml"]
    assert source.file_mode(Side.BASE, "api/v1/spec.yaml") == "100644"
    assert source.file_mode(Side.HEAD, "api/v1") == "040000"
    assert source.file_mode(Side.HEAD, "api/v1/missing.yaml") is None


def test_sparse_checkout_reads_folders_not_checked_out(repo, open_git: Callable[..., GitSource]) -> None:
    base, _ = two_commits(repo)
    repo.git("sparse-checkout", "set", "other")
    assert not (repo.path / "api").exists()

    assert_reads_committed(open_git(repo.path, base=base, head="HEAD"))


def test_sparse_checkout_staged_reads_the_index(repo, open_git: Callable[..., GitSource]) -> None:
    base, _ = two_commits(repo)
    repo.git("sparse-checkout", "set", "other")

    source = open_git(repo.path, base=base, staged=True)

    assert source.read(Side.BASE, "api/v1/parts/pets.yaml") == b"a: 1\n"
    assert source.read(Side.HEAD, "api/v1/parts/pets.yaml") == b"a: 2\n"
    assert source.file_mode(Side.HEAD, "api/v1/parts/pets.yaml") == "100644"
    assert source.list_files(Side.HEAD, "api") == ["api/v1/parts/pets.yaml", "api/v1/spec.yaml"]


def test_clone_without_checkout_reads_every_commit(repo, tmp_path: Path, open_git: Callable[..., GitSource]) -> None:
    base, _ = two_commits(repo)
    bare = clone(repo.path, tmp_path / "no-checkout", "--no-checkout")
    assert sorted(p.name for p in bare.iterdir()) == [".git"]

    assert_reads_committed(open_git(bare, base=base, head="HEAD"))


@pytest.mark.parametrize("replacement", ["moved", "file", "symlink-outside"])
def test_folder_changed_on_disk_since_the_commits(
    repo, tmp_path: Path, open_git: Callable[..., GitSource], replacement: str
) -> None:
    base, head = two_commits(repo)
    outside = tmp_path / "outside"
    (outside / "v1" / "parts").mkdir(parents=True)
    (outside / "v1" / "parts" / "pets.yaml").write_text("stolen: true\n", encoding="utf-8")
    if replacement == "moved":
        repo.git("mv", "api", "spec")
        repo.commit("move the folder later in history")
    elif replacement == "file":
        shutil.rmtree(repo.path / "api")
        (repo.path / "api").write_text("not a folder\n", encoding="utf-8")
    else:
        shutil.rmtree(repo.path / "api")
        (repo.path / "api").symlink_to(outside)

    assert_reads_committed(open_git(repo.path, base=base, head=head))


def test_worktree_side_still_refuses_a_symlinked_folder(repo, tmp_path: Path, open_git: Callable[..., GitSource]) -> None:
    base, _ = two_commits(repo)
    outside = tmp_path / "outside"
    (outside / "v1" / "parts").mkdir(parents=True)
    (outside / "v1" / "parts" / "pets.yaml").write_text("stolen: true\n", encoding="utf-8")
    shutil.rmtree(repo.path / "api")
    (repo.path / "api").symlink_to(outside)

    source = open_git(repo.path, base=base)

    assert source.read(Side.BASE, "api/v1/parts/pets.yaml") == b"a: 1\n"
    assert source.read(Side.HEAD, "api/v1/parts/pets.yaml") is None
    assert source.file_mode(Side.HEAD, "api/v1/parts/pets.yaml") is None
    assert source.file_mode(Side.HEAD, "api") == SYMLINK_MODE


def test_a_symlink_is_its_tree_mode_whatever_the_disk_holds(repo, open_git: Callable[..., GitSource]) -> None:
    os.symlink("real.toml", repo.path / "link.toml")
    base = repo.commit("a symlink", **{"real.toml": "x = 1\n"})
    (repo.path / "link.toml").unlink()
    (repo.path / "link.toml").write_text("x = 2\n", encoding="utf-8")  # now a plain file on disk

    source = open_git(repo.path, base=base, head="HEAD")

    for side in Side:
        assert source.file_mode(side, "link.toml") == SYMLINK_MODE
        assert source.read(side, "link.toml") == b"real.toml"
    source = open_git(repo.path, base=base)
    assert source.file_mode(Side.HEAD, "link.toml") == "100644"  # the working tree: what `git add` would record
    assert source.file_mode(Side.BASE, "link.toml") == SYMLINK_MODE


def test_no_committed_read_goes_through_a_symlink_of_the_tree(repo, open_git: Callable[..., GitSource]) -> None:
    os.symlink("real", repo.path / "linked")
    base = repo.commit("a symlinked folder", **{"real__a.txt": "a\n"})
    (repo.path / "linked").unlink()
    (repo.path / "linked").mkdir()
    (repo.path / "linked" / "a.txt").write_text("on disk\n", encoding="utf-8")  # a real folder on disk now

    source = open_git(repo.path, base=base, head="HEAD")

    assert source.read(Side.BASE, "real/a.txt") == b"a\n"
    assert source.read(Side.BASE, "linked/a.txt") is None
    assert source.file_mode(Side.BASE, "linked/a.txt") is None


@pytest.mark.parametrize("path", ["", "/", "../a.txt", "/etc/hostname", "a/../../b", ".git/config", "sub/.GiT/x", "a\0b"])
def test_paths_no_tree_can_hold_are_absent_on_every_side(repo, open_git: Callable[..., GitSource], path: str) -> None:
    base = repo.commit("one", **{"a.txt": "a\n"})

    for source in (open_git(repo.path, base=base, head="HEAD"), open_git(repo.path, base=base),
                   open_git(repo.path, base=base, staged=True)):
        for side in Side:
            assert source.read(side, path) is None
            assert source.file_mode(side, path) is None


def test_path_with_a_newline_has_a_mode(repo, open_git: Callable[..., GitSource]) -> None:
    base = repo.commit("one", **{"odd\nname.txt": "a\n"})

    source = open_git(repo.path, base=base, head="HEAD")

    assert source.read(Side.BASE, "odd\nname.txt") == b"a\n"
    assert source.file_mode(Side.BASE, "odd\nname.txt") == "100644"


def test_directory_source_modes(tmp_path: Path) -> None:
    for side in ("base", "head"):
        (tmp_path / side / "sub").mkdir(parents=True)
        (tmp_path / side / "sub" / "a.txt").write_text("a\n", encoding="utf-8")
    os.symlink("sub/a.txt", tmp_path / "head" / "link.txt")
    source = DirectorySource(tmp_path / "base", tmp_path / "head")

    assert source.file_mode(Side.HEAD, "link.txt") == SYMLINK_MODE
    assert source.file_mode(Side.HEAD, "sub/a.txt") == "100644"
    assert source.file_mode(Side.BASE, "link.txt") is None
    assert source.file_mode(Side.BASE, "sub") is None
