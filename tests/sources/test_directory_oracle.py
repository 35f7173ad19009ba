"""Two folders compare as git compares the same two trees.

Random base and head folders are built; git commits the base, then the head,
and ``git diff -M`` between the two commits is the expected answer. Contents
are unique and edits rewrite a whole file, so every rename is an exact one.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from classifier.model import Side
from classifier.sources.directory import DirectorySource
from classifier.sources.gitraw import parse_raw_diff

from .git_support import git, git_bytes, pair_view

FOLDERS = ("", "api/", "api/v1/", "docs/")


def random_folders(root: Path, rng: random.Random) -> tuple[Path, Path]:
    base, head = root / "base", root / "head"
    for n in range(rng.randint(3, 12)):
        target = base / f"{rng.choice(FOLDERS)}f{n}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"file {n} {rng.random()}\n")
    shutil.copytree(base, head, symlinks=True)
    for path in sorted(p for p in head.rglob("*") if p.is_file()):
        action = rng.choice(["keep", "keep", "edit", "delete", "move", "chmod"])
        if action == "edit":
            path.write_text(f"rewritten {rng.random()}\n")
        elif action == "delete":
            path.unlink()
        elif action == "move":
            target = head / f"{rng.choice(FOLDERS)}moved-{path.name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
        elif action == "chmod":
            path.chmod(0o755)
    (head / f"added-{rng.randint(0, 99)}.txt").write_text(f"added {rng.random()}\n")
    return base, head


def git_answer(base: Path, head: Path, scratch: Path) -> list[tuple[str, str | None, str | None]]:
    work = scratch / "work"
    shutil.copytree(base, work, symlinks=True)
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "base")
    for child in work.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    shutil.copytree(head, work, symlinks=True, dirs_exist_ok=True)
    git(work, "add", "-A")
    return pair_view(parse_raw_diff(git_bytes(work, "diff", "--cached", "--raw", "-z", "-M", "--no-abbrev", "HEAD")))


@pytest.mark.parametrize("seed", range(int(os.environ.get("ORACLE_SEEDS", "25"))))
def test_folders_compare_like_git(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    base, head = random_folders(tmp_path, rng)

    source = DirectorySource(base, head)
    pairs = source.changed_files()

    assert pair_view(pairs) == git_answer(base, head, tmp_path)
    for pair in pairs:
        if pair.head_path is not None:
            assert source.read_blob(Side.HEAD, pair) == (head / pair.head_path).read_bytes()
