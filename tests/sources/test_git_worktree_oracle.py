"""The working-tree head is what ``git add -A`` would record.

Random edits are applied to a repository; a copy of it then runs ``git add -A``
and ``git diff --cached -M``, and the source, reading the untouched original,
must report the same pairs and the same bytes.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from classifier.model import Side
from classifier.sources import read_file_or_link
from classifier.sources.git import GitSource
from classifier.sources.gitraw import parse_raw_diff

from .git_support import git, git_bytes, pair_view

ACTIONS = [
    "edit", "delete", "move", "git-mv-edit", "touch", "chmod", "symlink", "stage-edit", "unindex", "unindex-edit", "to-folder",
]
NAMES = [f"{folder}{name}" for folder in ("", "pkg/", "pkg/sub/", "docs/") for name in ("a.txt", "b.py", "c.md")]


def random_edits(top: Path, rng: random.Random) -> None:
    """Edit, delete, move (plain mv: same content), git mv and edit, symlink, folder, touch, chmod, stage, unindex."""
    tracked = sorted(git(top, "ls-files").splitlines())
    for path in rng.sample(tracked, k=min(len(tracked), rng.randint(1, 5))):
        action = rng.choice(ACTIONS)
        full = top / path
        if action == "edit":
            full.write_text(full.read_text() + f"edit {rng.random()}\n")
        elif action == "delete":
            full.unlink()
        elif action == "move":
            target = top / "moved" / f"{rng.randint(0, 999)}-{full.name}"
            target.parent.mkdir(exist_ok=True)
            full.rename(target)
        elif action == "git-mv-edit":
            target = f"renamed-{rng.randint(0, 999)}-{full.name}"
            git(top, "mv", "--", path, target)
            (top / target).write_text((top / target).read_text() + "one more line\n")
        elif action == "symlink":
            full.unlink()
            full.symlink_to("../outside" if rng.random() < 0.5 else "a.txt")
        elif action == "touch":
            later = time.time() + rng.randint(5, 50)
            os.utime(full, (later, later))
        elif action == "chmod":
            full.chmod(0o755)
        elif action == "stage-edit":
            full.write_text(f"staged {rng.random()}\n")
            git(top, "add", "--", path)
        elif action == "to-folder":
            full.unlink()
            full.mkdir()
            (full / "inner.txt").write_text("now a folder\n")
        else:
            git(top, "rm", "-q", "--cached", "--", path)
            if action == "unindex-edit":
                full.write_text("edited after leaving the index\n")
    for n in range(rng.randint(0, 3)):
        (top / f"new-{n}-{rng.randint(0, 99)}.txt").write_text(f"new {rng.random()}\n")
    (top / "ignored.log").write_text("never part of the head\n")


def expected_pairs(top: Path, base: str, scratch: Path) -> tuple[list[tuple[str, str | None, str | None]], Path]:
    copy = scratch / "copy"
    shutil.copytree(top, copy, symlinks=True)
    git(copy, "add", "-A")
    out = git_bytes(copy, "diff", "--cached", "--raw", "-z", "-M", "--no-abbrev", base)
    return pair_view(parse_raw_diff(out)), copy


@pytest.mark.parametrize("seed", range(int(os.environ.get("ORACLE_SEEDS", "25"))))
def test_working_tree_matches_git_add_all(
    repo, tmp_path: Path, open_git: Callable[..., GitSource], seed: int
) -> None:
    rng = random.Random(seed)
    files = {name.replace("/", "__"): f"{name} {rng.random()}\n" * rng.randint(1, 30) for name in NAMES}
    base = repo.commit("base", **{".gitignore": "*.log\n", **files})
    random_edits(repo.path, rng)
    expected, copy = expected_pairs(repo.path, base, tmp_path)

    source = open_git(repo.path, base=base)
    pairs = source.changed_files()

    assert pair_view(pairs) == expected
    for pair in pairs:
        if pair.head_path is not None:
            assert source.read_blob(Side.HEAD, pair) == read_file_or_link(copy / pair.head_path)
