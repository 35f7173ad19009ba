"""Which commit the base is: every way of naming it, and the merge base with the head."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from classifier.model import Revision
from classifier.sources.git import GitSource

from .git_support import clone, git, pair_view


@dataclass(frozen=True, slots=True)
class History:
    """main: first -> second -> only_on_main; feature branches off at second and adds b.txt."""

    path: Path
    first: str
    second: str
    only_on_main: str
    feature: str


@pytest.fixture
def history(repo) -> History:
    first = repo.commit("first", **{"a.txt": "1\n", "keep.txt": "keep\n"})
    repo.git("tag", "v1")
    repo.git("tag", "-a", "v1-annotated", "-m", "release 1")
    second = repo.commit("second", **{"a.txt": "2\n"})
    repo.git("switch", "-q", "-c", "feature")
    feature = repo.commit("feature", **{"b.txt": "b\n"})
    repo.git("switch", "-q", "main")
    only_on_main = repo.commit("main moves on", **{"only_main.txt": "m\n"})
    repo.git("switch", "-q", "feature")
    return History(repo.path, first, second, only_on_main, feature)


def test_branch_base_is_the_merge_base_not_the_tip(history: History, open_git: Callable[..., GitSource]) -> None:
    source = open_git(history.path, base="main")

    assert source.base == Revision(
        "main", history.second, f"--base; merge-base of main ({history.only_on_main[:12]}) and the head"
    )
    assert source.head == Revision("working tree", history.feature, "working tree on top of HEAD")
    # only_main.txt changed on main after the branch point: not this branch's change.
    assert pair_view(source.changed_files()) == [("added", None, "b.txt")]


@pytest.mark.parametrize("tag", ["v1", "v1-annotated"])
def test_tag_base(history: History, open_git: Callable[..., GitSource], tag: str) -> None:
    source = open_git(history.path, base=tag)

    assert source.base == Revision(tag, history.first, "--base")
    assert pair_view(source.changed_files()) == [("added", None, "b.txt"), ("modified", "a.txt", "a.txt")]


def test_sha_base(history: History, open_git: Callable[..., GitSource]) -> None:
    source = open_git(history.path, base=history.first)

    assert source.base == Revision(history.first, history.first, "--base")
    assert pair_view(source.changed_files()) == [("added", None, "b.txt"), ("modified", "a.txt", "a.txt")]


def test_short_sha_base(history: History, open_git: Callable[..., GitSource]) -> None:
    source = open_git(history.path, base=history.first[:8])

    assert source.base.sha == history.first


@pytest.mark.parametrize(("ref", "expected"), [("HEAD~1", "second"), ("HEAD~2", "first"), ("HEAD^", "second")])
def test_relative_base(history: History, open_git: Callable[..., GitSource], ref: str, expected: str) -> None:
    source = open_git(history.path, base=ref)

    assert source.base == Revision(ref, getattr(history, expected), "--base")


def test_remote_tracking_base(history: History, tmp_path: Path, open_git: Callable[..., GitSource]) -> None:
    work = _clone_with_branch(history, tmp_path)

    source = open_git(work, base="origin/main")

    assert source.base == Revision("origin/main", history.only_on_main, "--base")
    assert pair_view(source.changed_files()) == [("added", None, "x.txt")]


def test_default_base_prefers_origin_head(history: History, tmp_path: Path, open_git: Callable[..., GitSource]) -> None:
    work = _clone_with_branch(history, tmp_path)

    source = open_git(work)

    assert source.base == Revision("origin/main", history.only_on_main, "default branch, from origin/HEAD")
    assert pair_view(source.changed_files()) == [("added", None, "x.txt")]


def test_default_base_falls_back_to_origin_main(
    history: History, tmp_path: Path, open_git: Callable[..., GitSource]
) -> None:
    work = _clone_with_branch(history, tmp_path)
    git(work, "remote", "set-head", "origin", "--delete")

    assert open_git(work).base == Revision("origin/main", history.only_on_main, "default branch origin/main")


def test_default_base_without_a_remote_is_local_main(history: History, open_git: Callable[..., GitSource]) -> None:
    source = open_git(history.path)

    assert source.base == Revision(
        "main", history.second, f"default branch main; merge-base of main ({history.only_on_main[:12]}) and the head"
    )


def test_default_base_master(repo, open_git: Callable[..., GitSource]) -> None:
    repo.git("branch", "-m", "master")
    sha = repo.commit("one", **{"a.txt": "1\n"})

    assert open_git(repo.path).base == Revision("master", sha, "default branch master")


def test_no_default_branch_asks_for_base(repo, open_git: Callable[..., GitSource]) -> None:
    from classifier.errors import GitError

    repo.git("branch", "-m", "trunk")
    repo.commit("one", **{"a.txt": "1\n"})

    with pytest.raises(GitError) as caught:
        open_git(repo.path)
    assert caught.value.hint == "pass --base REF"


def _clone_with_branch(history: History, tmp_path: Path) -> Path:
    """A clone (origin/HEAD -> origin/main at only_on_main) with a local commit adding x.txt."""
    git(history.path, "switch", "-q", "main")
    work = clone(history.path, tmp_path / "clone")
    git(work, "switch", "-q", "-c", "work")
    (work / "x.txt").write_text("x\n", encoding="utf-8")
    git(work, "add", "x.txt")
    git(work, "commit", "-q", "-m", "x")
    return work

