"""A run never writes into the repository: not the index, not the refs, not the working tree."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from classifier.cli import main

from .git_support import git

Snapshot = tuple[str, bytes, list[tuple[str, int, int]]]


def snapshot(top: Path) -> Snapshot:
    """``git status`` (read without taking locks), the index bytes, and every file's mtime and size."""
    status = git(top, "--no-optional-locks", "status", "--porcelain", "--untracked-files=all", "--ignored")
    files = sorted(
        (str(path.relative_to(top)), path.lstat().st_mtime_ns, path.lstat().st_size)
        for path in top.rglob("*")
        if not path.is_dir() or path.is_symlink()
    )
    return status, (top / ".git" / "index").read_bytes(), files


@pytest.mark.parametrize("head", [[], ["--staged"], ["--head", "HEAD"]])
def test_a_run_leaves_the_repository_untouched(repo, capsys: pytest.CaptureFixture[str], head: list[str]) -> None:
    base = repo.commit("one", **{"a.py": "x = 1\n", "same.txt": "same\n", "docs__b.md": "b\n", ".gitignore": "*.log\n"})
    repo.commit("two", **{"a.py": "x = 2\n"})
    repo.write("a.py", "x = 3\n")
    repo.write("new.txt", "new\n")
    repo.write("build.log", "ignored\n")
    repo.git("mv", "docs/b.md", "docs/c.md")
    # Files whose content is unchanged but whose stat data no longer matches the
    # index: `git diff` would refresh (rewrite) the index for these.
    later = time.time() + 10
    for name in ("same.txt", ".gitignore"):
        os.utime(repo.path / name, (later, later))
    before = snapshot(repo.path)

    code = main(["--repo", str(repo.path), "--base", base, *head])

    assert code == 0, capsys.readouterr().err
    assert snapshot(repo.path) == before
