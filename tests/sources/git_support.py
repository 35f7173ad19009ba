"""Helpers shared by the source tests: pairs as plain tuples, clones."""

from __future__ import annotations

import subprocess
from pathlib import Path

from classifier.sources import FilePair

Pair = tuple[str, "str | None", "str | None"]


def pair_view(pairs: list[FilePair]) -> list[Pair]:
    """``(status, base path, head path)`` of every pair, sorted: the part tests assert on."""
    return sorted(((p.status, p.base_path, p.head_path) for p in pairs), key=lambda t: (t[0], t[1] or "", t[2] or ""))


def git(where: Path, *args: str) -> str:
    """Run git in ``where`` (any repository, clones included) and return its stripped output."""
    proc = subprocess.run(["git", "-C", str(where), *args], check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout.strip()


def git_bytes(where: Path, *args: str) -> bytes:
    """Run git in ``where`` and return its raw output (for ``-z`` formats)."""
    return subprocess.run(["git", "-C", str(where), *args], check=True, capture_output=True).stdout


def clone(source: Path | str, target: Path, *options: str) -> Path:
    """``git clone`` ``source`` into ``target`` (a fresh folder) and return ``target``."""
    git(target.parent, "clone", "-q", *options, str(source), str(target))
    return target
