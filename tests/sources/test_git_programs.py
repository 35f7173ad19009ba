"""Reading a repository never runs a program its configuration names.

A repository's own git configuration can name programs that ``git diff`` and
``git ls-files`` start on their own: an fsmonitor hook, clean, smudge and
process filters, textconv and external diff drivers, hooks, a pager. Each one
here would leave a marker file; after every kind of comparison no marker
exists, and the comparison is the same as in a repository without them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from classifier.errors import GitError
from classifier.model import Side
from classifier.sources.git import GitRequest, GitSource

from .git_support import pair_view

HOOKS = ("post-index-change", "reference-transaction", "pre-auto-gc", "post-checkout", "fsmonitor-watchman")
def lines(name: str) -> str:
    return "".join(f"{name} line {n}\n" for n in range(40))


@pytest.fixture
def markers(tmp_path: Path) -> Path:
    folder = tmp_path / "markers"
    folder.mkdir()
    return folder


def trap(tmp_path: Path, markers: Path) -> Path:
    """A program that leaves a marker named by its first argument and passes its input through."""
    script = tmp_path / "trap.sh"
    script.write_text(f'#!/bin/sh\ntouch "{markers}/$1"\ncat\n', encoding="utf-8")
    script.chmod(0o755)
    return script


def booby_trap(repo, tmp_path: Path, markers: Path) -> None:
    """Configure every program git could start in ``repo`` to leave a marker."""
    program = trap(tmp_path, markers)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in HOOKS:
        (hooks / hook).write_text(f'#!/bin/sh\ntouch "{markers}/hook-{hook}"\n', encoding="utf-8")
        (hooks / hook).chmod(0o755)
    settings = {
        "core.fsmonitor": f"{program} fsmonitor",
        "core.hooksPath": str(hooks),
        "core.pager": f"{program} pager",
        "pager.diff": f"{program} pager-diff",
        "diff.external": f"{program} external",
        "diff.trapped.textconv": f"{program} textconv",
        "diff.trapped.command": f"{program} diff-command",
        "filter.trapped.clean": f"{program} clean",
        "filter.trapped.smudge": f"{program} smudge",
        "filter.trapped.process": f"{program} process",
        "filter.trapped.required": "true",
        "filter.Other.Name.clean": f"{program} clean-dotted",
    }
    for key, value in settings.items():
        repo.git("config", key, value)


def history(repo) -> str:
    """A base commit whose files every filter and diff driver applies to."""
    return repo.commit("base", **{
        ".gitattributes": "* filter=trapped diff=trapped\n*.dat filter=Other.Name\n",
        **{name: lines(name) for name in ("touched.txt", "edited.txt", "moved.txt", "staged-move.txt", "x.dat")},
    })


def edit_worktree(repo) -> None:
    """Every kind of working-tree change git has to look at file contents for."""
    time.sleep(1.1)  # stat data that no longer matches the index: git must look again
    os.utime(repo.path / "touched.txt")
    repo.write("edited.txt", lines("edited.txt") + "more\n")
    repo.write("x.dat", lines("x.dat") + "more\n")
    repo.git("mv", "staged-move.txt", "staged-moved.txt")
    repo.write("staged-moved.txt", lines("staged-move.txt") + "moved and edited\n")
    os.rename(repo.path / "moved.txt", repo.path / "moved-on-disk.txt")
    repo.write("untracked.txt", "new\n")


WORKTREE = [
    ("added", None, "untracked.txt"),
    ("modified", "edited.txt", "edited.txt"),
    ("modified", "x.dat", "x.dat"),
    ("renamed", "moved.txt", "moved-on-disk.txt"),
    ("renamed", "staged-move.txt", "staged-moved.txt"),
]
STAGED = [("renamed", "staged-move.txt", "staged-moved.txt")]


@pytest.mark.parametrize("mode", ["worktree", "staged", "commit"])
def test_no_configured_program_runs(
    repo, tmp_path: Path, markers: Path, open_git: Callable[..., GitSource], mode: str
) -> None:
    base = history(repo)
    edit_worktree(repo)
    if mode == "commit":
        repo.git("add", "-A")
        repo.git("commit", "-q", "-m", "head")
    expected = {"worktree": WORKTREE, "staged": STAGED, "commit": WORKTREE}[mode]
    booby_trap(repo, tmp_path, markers)

    source = open_git(repo.path, base=base, head="HEAD" if mode == "commit" else None, staged=mode == "staged")
    pairs = source.changed_files()
    heads = {pair.path: source.read_blob(Side.HEAD, pair) for pair in pairs}
    bases = {pair.path: source.read_blob(Side.BASE, pair) for pair in pairs}

    assert pair_view(pairs) == expected
    assert bases["staged-moved.txt"] == lines("staged-move.txt").encode()
    edited = "" if mode == "staged" else "moved and edited\n"  # the edit after `git mv` is not staged
    assert heads["staged-moved.txt"] == (lines("staged-move.txt") + edited).encode()
    assert sorted(path.name for path in markers.iterdir()) == []


@pytest.mark.parametrize("args", [(), ("--staged",), ("--head", "HEAD")])
def test_classify_runs_no_configured_program(repo, tmp_path: Path, markers: Path, args: tuple[str, ...]) -> None:
    base = history(repo)
    edit_worktree(repo)
    booby_trap(repo, tmp_path, markers)

    proc = subprocess.run(
        [sys.executable, "-m", "classifier", "check", "--base", base, "--format", "json", *args],
        cwd=repo.path, capture_output=True, text=True, check=False,
    )

    assert proc.returncode == 0, proc.stderr
    assert sorted(path.name for path in markers.iterdir()) == []


def test_driver_name_that_cannot_be_switched_off_is_refused(repo, tmp_path: Path, markers: Path) -> None:
    base = history(repo)
    repo.git("config", "filter.a=b.clean", f"{trap(tmp_path, markers)} clean")

    with pytest.raises(GitError) as caught:
        GitSource(GitRequest(repo.path, base=base))

    assert caught.value.message == "git configuration names a filter driver 'a=b' that cannot be switched off safely"
    assert list(markers.iterdir()) == []
