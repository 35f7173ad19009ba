"""Which content is the head: the working tree, the index, or a commit."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from classifier.errors import GitError
from classifier.model import Revision, Side
from classifier.sources import SYMLINK_MODE
from classifier.sources.git import GitSource

from .git_support import git, pair_view


@pytest.fixture
def edited(repo):
    """A commit, then: tracked.txt edited and staged, unstaged.txt edited only in the working tree,
    new.txt untracked, build.log ignored."""
    repo.commit("one", **{"tracked.txt": "1\n", "unstaged.txt": "1\n", ".gitignore": "*.log\n"})
    repo.write("tracked.txt", "2\n")
    repo.git("add", "tracked.txt")
    repo.write("unstaged.txt", "2\n")
    repo.write("new.txt", "new\n")
    repo.write("build.log", "noise\n")
    return repo


def test_working_tree_counts_untracked_files_but_not_ignored_ones(edited, open_git: Callable[..., GitSource]) -> None:
    source = open_git(edited.path, base="HEAD")

    assert pair_view(source.changed_files()) == [
        ("added", None, "new.txt"),
        ("modified", "tracked.txt", "tracked.txt"),
        ("modified", "unstaged.txt", "unstaged.txt"),
    ]
    assert source.read(Side.HEAD, "unstaged.txt") == b"2\n"
    assert source.read(Side.HEAD, "new.txt") == b"new\n"
    assert source.head == Revision("working tree", edited.git("rev-parse", "HEAD"), "working tree on top of HEAD")


def test_staged_sees_only_the_index(edited, open_git: Callable[..., GitSource]) -> None:
    source = open_git(edited.path, base="HEAD", staged=True)

    assert pair_view(source.changed_files()) == [("modified", "tracked.txt", "tracked.txt")]
    assert source.read(Side.HEAD, "tracked.txt") == b"2\n"
    # The working tree holds "2" too, but only the index counts.
    assert source.read(Side.HEAD, "unstaged.txt") == b"1\n"
    assert source.read(Side.HEAD, "new.txt") is None
    assert source.head == Revision("index", edited.git("rev-parse", "HEAD"), "staged changes (--staged)")


def test_staged_edit_then_reverted_in_the_working_tree_is_still_seen(repo, open_git: Callable[..., GitSource]) -> None:
    repo.commit("one", **{"a.txt": "1\n"})
    repo.write("a.txt", "2\n")
    repo.git("add", "a.txt")
    repo.write("a.txt", "1\n")

    [pair] = open_git(repo.path, base="HEAD", staged=True).changed_files()

    assert (pair.status, pair.path) == ("modified", "a.txt")


def test_head_commit_ignores_the_working_tree(edited, open_git: Callable[..., GitSource]) -> None:
    first = edited.git("rev-parse", "HEAD")
    second = edited.commit("two", **{"committed.txt": "c\n"})
    edited.write("committed.txt", "changed after the commit\n")

    source = open_git(edited.path, base=first, head="HEAD")

    # commit "two" took every pending change (GitRepo.commit adds everything).
    assert pair_view(source.changed_files()) == [
        ("added", None, "committed.txt"),
        ("added", None, "new.txt"),
        ("modified", "tracked.txt", "tracked.txt"),
        ("modified", "unstaged.txt", "unstaged.txt"),
    ]
    assert source.read(Side.HEAD, "committed.txt") == b"c\n"
    assert source.head == Revision("HEAD", second, "--head")


def test_head_as_a_branch_name(repo, open_git: Callable[..., GitSource]) -> None:
    base = repo.commit("one", **{"a.txt": "1\n"})
    repo.git("switch", "-q", "-c", "topic")
    tip = repo.commit("two", **{"a.txt": "2\n"})
    repo.git("switch", "-q", "main")

    source = open_git(repo.path, base="main", head="topic")

    assert source.base == Revision("main", base, "--base")
    assert source.head == Revision("topic", tip, "--head")
    assert pair_view(source.changed_files()) == [("modified", "a.txt", "a.txt")]


def test_staged_with_head_is_refused(repo, open_git: Callable[..., GitSource]) -> None:
    repo.commit("one", **{"a.txt": "1\n"})

    with pytest.raises(GitError, match="--staged and --head cannot be combined"):
        open_git(repo.path, base="HEAD", head="HEAD", staged=True)


def test_detached_head(repo, open_git: Callable[..., GitSource]) -> None:
    first = repo.commit("one", **{"a.txt": "1\n"})
    second = repo.commit("two", **{"a.txt": "2\n", "b.txt": "b\n"})
    repo.commit("three", **{"c.txt": "c\n"})
    repo.git("checkout", "-q", "--detach", second)

    source = open_git(repo.path, base=first)

    assert source.head.sha == second
    assert pair_view(source.changed_files()) == [("added", None, "b.txt"), ("modified", "a.txt", "a.txt")]


def test_head_equal_to_base_has_no_changes(repo, open_git: Callable[..., GitSource]) -> None:
    sha = repo.commit("one", **{"a.txt": "1\n"})

    source = open_git(repo.path, base="HEAD", head="HEAD")

    assert source.base == Revision("HEAD", sha, "--base")
    assert source.changed_files() == []


def test_pre_commit_refs_name_base_and_head(
    repo, open_git: Callable[..., GitSource], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = repo.commit("one", **{"a.txt": "1\n"})
    second = repo.commit("two", **{"b.txt": "b\n"})
    repo.commit("three", **{"c.txt": "c\n"})
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", first)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", second)

    source = open_git(repo.path)

    assert source.base == Revision(first, first, "PRE_COMMIT_FROM_REF")
    assert source.head == Revision(second, second, "PRE_COMMIT_TO_REF")
    assert pair_view(source.changed_files()) == [("added", None, "b.txt")]


def test_explicit_base_beats_pre_commit_from_ref(
    repo, open_git: Callable[..., GitSource], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = repo.commit("one", **{"a.txt": "1\n"})
    second = repo.commit("two", **{"b.txt": "b\n"})
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", first)

    assert open_git(repo.path, base="HEAD").base == Revision("HEAD", second, "--base")


def test_new_branch_push_falls_back_to_the_default_branch(
    repo, open_git: Callable[..., GitSource], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = repo.commit("one", **{"a.txt": "1\n"})
    repo.git("switch", "-q", "-c", "topic")
    second = repo.commit("two", **{"b.txt": "b\n"})
    # pre-commit passes the all-zero sha when the remote branch does not exist yet.
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "0" * 40)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", second)

    source = open_git(repo.path)

    assert source.base == Revision("main", first, "default branch main")
    assert pair_view(source.changed_files()) == [("added", None, "b.txt")]


def test_a_touched_but_unchanged_file_is_not_a_change(repo, open_git: Callable[..., GitSource]) -> None:
    repo.commit("one", **{"same.txt": "same\n", "edited.txt": "1\n"})
    later = time.time() + 10
    os.utime(repo.path / "same.txt", (later, later))
    repo.write("edited.txt", "2\n")
    os.utime(repo.path / "edited.txt", (later, later))

    source = open_git(repo.path, base="HEAD")

    assert pair_view(source.changed_files()) == [("modified", "edited.txt", "edited.txt")]


def test_a_file_only_removed_from_the_index_is_still_there(repo, open_git: Callable[..., GitSource]) -> None:
    repo.commit("one", **{"same.txt": "same\n", "edited.txt": "1\n"})
    repo.git("rm", "-q", "--cached", "same.txt", "edited.txt")
    repo.write("edited.txt", "2\n")

    source = open_git(repo.path, base="HEAD")
    [pair] = source.changed_files()

    assert (pair.status, pair.base_path, pair.head_path) == ("modified", "edited.txt", "edited.txt")
    assert source.read_blob(Side.BASE, pair) == b"1\n"
    assert source.read_blob(Side.HEAD, pair) == b"2\n"


def test_plain_mv_is_a_rename(repo, open_git: Callable[..., GitSource]) -> None:
    repo.commit("one", **{"old.txt": "content\n", "empty.txt": "", "gone.txt": "gone\n"})
    (repo.path / "old.txt").rename(repo.path / "new.txt")
    (repo.path / "empty.txt").rename(repo.path / "also-empty.txt")
    (repo.path / "gone.txt").unlink()
    repo.write("other.txt", "other\n")

    source = open_git(repo.path, base="HEAD")
    pairs = source.changed_files()

    # As `git add -A && git diff -M` would say, an empty file included.
    assert pair_view(pairs) == [
        ("added", None, "other.txt"),
        ("deleted", "gone.txt", None),
        ("renamed", "empty.txt", "also-empty.txt"),
        ("renamed", "old.txt", "new.txt"),
    ]
    renamed = next(pair for pair in pairs if pair.base_path == "old.txt")
    assert renamed.base_blob == renamed.head_blob
    assert source.read_blob(Side.HEAD, renamed) == b"content\n"


def test_untracked_files_carry_their_mode(repo, open_git: Callable[..., GitSource]) -> None:
    repo.commit("one", **{"a.txt": "a\n"})
    repo.write("run.sh", "#!/bin/sh\n").chmod(0o755)
    os.symlink("a.txt", repo.path / "link")
    repo.write("plain.txt", "p\n")

    modes = {pair.path: pair.head_mode for pair in open_git(repo.path, base="HEAD").changed_files()}

    assert modes == {"run.sh": "100755", "link": SYMLINK_MODE, "plain.txt": "100644"}


def test_untracked_nested_repository_is_a_submodule_not_a_file(repo, open_git: Callable[..., GitSource]) -> None:
    repo.commit("one", **{"a.txt": "a\n"})
    nested = repo.path / "vendor" / "lib"
    nested.mkdir(parents=True)
    git(nested, "init", "-q")

    source = open_git(repo.path, base="HEAD")
    [pair] = source.changed_files()

    assert (pair.status, pair.head_path, pair.is_submodule) == ("added", "vendor/lib", True)
    assert source.list_files(Side.HEAD, "") == ["a.txt"]


def test_git_mv_then_edit_reads_the_edited_file(repo, open_git: Callable[..., GitSource]) -> None:
    text = "".join(f"line {n}\n" for n in range(30))
    repo.commit("one", **{"old.txt": text})
    repo.git("mv", "old.txt", "new.txt")
    repo.write("new.txt", text + "more\n")

    source = open_git(repo.path, base="HEAD")
    [pair] = source.changed_files()

    assert (pair.status, pair.base_path, pair.head_path) == ("renamed", "old.txt", "new.txt")
    assert source.read_blob(Side.HEAD, pair) == (text + "more\n").encode()


def test_intent_to_add_is_added_in_the_working_tree_only(repo, open_git: Callable[..., GitSource]) -> None:
    repo.commit("one", **{"a.txt": "a\n"})
    repo.write("new.txt", "new\n")
    repo.git("add", "--intent-to-add", "new.txt")

    worktree = open_git(repo.path, base="HEAD")
    [pair] = worktree.changed_files()

    assert (pair.status, pair.head_path) == ("added", "new.txt")
    assert worktree.read_blob(Side.HEAD, pair) == b"new\n"
    assert open_git(repo.path, base="HEAD", staged=True).changed_files() == []


def test_ignored_files_are_not_part_of_the_working_tree_head(repo, open_git: Callable[..., GitSource]) -> None:
    repo.commit("one", **{"api.yaml": "a", ".gitignore": "local.yaml\n"})
    repo.write("local.yaml", "secret: 1\n")
    repo.write("draft.yaml", "draft\n")

    source = open_git(repo.path, base="HEAD")

    assert source.read(Side.HEAD, "local.yaml") is None
    assert source.read(Side.HEAD, "draft.yaml") == b"draft\n"
    assert source.read(Side.HEAD, "api.yaml") == b"a"
    assert "local.yaml" not in source.list_files(Side.HEAD, "")
