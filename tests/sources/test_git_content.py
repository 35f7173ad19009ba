"""What changed and what each side holds: renames, deletes, binary files, odd paths."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

from classifier.model import Side
from classifier.sources.git import GitSource

from .git_support import pair_view

ODD_PATHS = [
    "with space.txt", "dir with space/ünïcödé.txt", "new\nline.txt", "tab\there.txt", "-dash.txt",
    " lead.txt", "trail.txt ", "back\\slash.txt", "quote\"s.txt", "star*.txt", ":colon.txt",
]
LONG_TEXT = "".join(f"line {n}\n" for n in range(40))


def test_rename_without_content_change(repo, open_git: Callable[..., GitSource]) -> None:
    base = repo.commit("one", **{"old.txt": LONG_TEXT})
    repo.git("mv", "old.txt", "new.txt")
    repo.commit("move")

    [pair] = open_git(repo.path, base=base, head="HEAD").changed_files()

    assert (pair.status, pair.base_path, pair.head_path) == ("renamed", "old.txt", "new.txt")
    assert pair.base_blob == pair.head_blob


def test_rename_with_content_change(repo, open_git: Callable[..., GitSource]) -> None:
    base = repo.commit("one", **{"old.txt": LONG_TEXT})
    repo.git("mv", "old.txt", "new.txt")
    repo.commit("move and edit", **{"new.txt": LONG_TEXT + "one more\n"})

    source = open_git(repo.path, base=base, head="HEAD")
    [pair] = source.changed_files()

    assert (pair.status, pair.base_path, pair.head_path) == ("renamed", "old.txt", "new.txt")
    assert source.read_blob(Side.BASE, pair) == LONG_TEXT.encode()
    assert source.read_blob(Side.HEAD, pair) == (LONG_TEXT + "one more\n").encode()


@pytest.mark.parametrize("mode", ["worktree", "staged"])
def test_git_mv_is_a_rename_before_commit(repo, open_git: Callable[..., GitSource], mode: str) -> None:
    base = repo.commit("one", **{"old.txt": LONG_TEXT})
    repo.git("mv", "old.txt", "new.txt")

    source = open_git(repo.path, base=base, staged=mode == "staged")

    assert pair_view(source.changed_files()) == [("renamed", "old.txt", "new.txt")]


def test_delete(repo, open_git: Callable[..., GitSource]) -> None:
    base = repo.commit("one", **{"gone.txt": "bye\n", "stays.txt": "hi\n"})
    repo.git("rm", "-q", "gone.txt")
    repo.commit("delete")

    source = open_git(repo.path, base=base, head="HEAD")
    [pair] = source.changed_files()

    assert (pair.status, pair.base_path, pair.head_path) == ("deleted", "gone.txt", None)
    assert source.read_blob(Side.BASE, pair) == b"bye\n"
    assert source.read_blob(Side.HEAD, pair) is None
    assert source.read(Side.HEAD, "gone.txt") is None


@pytest.mark.parametrize("head", ["HEAD", None])
def test_binary_file_bytes_are_exact(repo, open_git: Callable[..., GitSource], head: str | None) -> None:
    old, new = bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\0\0\0" + bytes(range(255, -1, -1))
    base = repo.commit("one", **{"logo.png": old})
    repo.write("logo.png", new)
    if head:
        repo.commit("new logo")

    source = open_git(repo.path, base=base, head=head)
    [pair] = source.changed_files()

    assert (pair.status, pair.path) == ("modified", "logo.png")
    assert source.read_blob(Side.BASE, pair) == old
    assert source.read_blob(Side.HEAD, pair) == new


@pytest.mark.parametrize("path", ODD_PATHS)
@pytest.mark.parametrize("head", ["HEAD", None, "staged"])
def test_odd_paths(repo, open_git: Callable[..., GitSource], path: str, head: str | None) -> None:
    base = repo.commit("one", **{"plain.txt": "p\n"})
    repo.write(path, "one\n")
    repo.commit("add odd path")
    repo.write(path, "two\n")
    if head == "HEAD":
        repo.commit("edit odd path")
    if head == "staged":
        repo.git("--literal-pathspecs", "add", "--", path)

    source = open_git(repo.path, base=base, head=head if head == "HEAD" else None, staged=head == "staged")
    [pair] = source.changed_files()

    assert (pair.status, pair.base_path, pair.head_path) == ("added", None, path)
    assert source.read_blob(Side.HEAD, pair) == b"two\n"
    assert source.read(Side.HEAD, path) == b"two\n"
    assert source.read(Side.BASE, path) is None
    assert path in source.list_files(Side.HEAD, "")


@pytest.mark.parametrize("path", ["no such file.txt", "x blob 12", "dir/no such", "no\nsuch"])
def test_missing_paths_read_as_none(repo, open_git: Callable[..., GitSource], path: str) -> None:
    repo.commit("one", **{"a.txt": "a\n"})

    source = open_git(repo.path, base="HEAD", head="HEAD")

    assert source.read(Side.BASE, path) is None
    assert source.read(Side.HEAD, path) is None
    # The long-lived reader is still in step after a miss.
    assert source.read(Side.BASE, "a.txt") == b"a\n"


def test_list_files_under_a_folder(repo, open_git: Callable[..., GitSource]) -> None:
    base = repo.commit("one", **{"api__v1.yaml": "a", "api__parts__p.yaml": "p", "other.txt": "o"})
    repo.write("api/v2.yaml", "b")

    source = open_git(repo.path, base=base)

    assert source.list_files(Side.BASE, "api") == ["api/parts/p.yaml", "api/v1.yaml"]
    assert source.list_files(Side.HEAD, "api") == ["api/parts/p.yaml", "api/v1.yaml", "api/v2.yaml"]


@pytest.mark.parametrize("head", ["HEAD", None, "staged"])
def test_sha256_repository(repo, open_git: Callable[..., GitSource], head: str | None) -> None:
    shutil.rmtree(repo.path / ".git")
    repo.git("init", "-q", "-b", "main", "--object-format=sha256")
    base = repo.commit("one", **{"a.txt": "1\n", "gone.txt": "g\n"})
    repo.write("a.txt", "2\n")
    (repo.path / "gone.txt").unlink()
    if head == "HEAD":
        repo.commit("two")
    if head == "staged":
        repo.git("add", "-A")

    source = open_git(repo.path, base=base, head=head if head == "HEAD" else None, staged=head == "staged")
    pairs = {pair.path: pair for pair in source.changed_files()}

    assert len(base) == 64
    assert sorted(pairs) == ["a.txt", "gone.txt"]
    assert source.read_blob(Side.BASE, pairs["a.txt"]) == b"1\n"
    assert source.read_blob(Side.HEAD, pairs["a.txt"]) == b"2\n"
    assert source.read_blob(Side.HEAD, pairs["gone.txt"]) is None


@pytest.mark.parametrize("head", ["HEAD", None, "staged"])
def test_list_files_takes_the_folder_literally(repo, open_git: Callable[..., GitSource], head: str | None) -> None:
    repo.commit("one", **{"v*__a.yaml": "a", "v1__b.yaml": "b", ":top__c.yaml": "c"})

    source = open_git(repo.path, base="HEAD", head=head if head == "HEAD" else None, staged=head == "staged")

    assert source.list_files(Side.HEAD, "v*") == ["v*/a.yaml"]
    assert source.list_files(Side.BASE, "v*") == ["v*/a.yaml"]
    assert source.list_files(Side.HEAD, ":top") == [":top/c.yaml"]
