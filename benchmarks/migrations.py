"""Wall time of ``classify`` on generated Alembic histories of 200 and 2,000 revisions.

Two changes per history: one that adds a revision, one that edits 50 applied
revisions. Each figure is the median of several cold runs of the installed
command (a new process each time, as in CI or a pre-commit hook), so parser
imports are included. Only changed revision files are parsed in full; the
graph fields of the others come from a cheap read, so the 2,000-revision
figure should stay within 3x the 200-revision one.

Run: ``python benchmarks/migrations.py [--runs N] [--sizes 200 2000]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "scenarios" / "migrations"))

from history_factory import add_revision, edit_any, write_history

GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def history(root: Path, size: int) -> None:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write_history(root, size)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"{size} revisions")


def timed_classify(root: Path, runs: int) -> float:
    """Median wall seconds of ``classify`` comparing the working tree with main."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "classifier", "--repo", str(root), "--base", "main", "--format", "json"],
            capture_output=True,
        )
        samples.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"classify failed: {proc.stderr.decode()[:300]}")
    return statistics.median(samples)


def measure(size: int, runs: int, scratch: Path) -> tuple[float, float]:
    """``(add one revision, edit 50 revisions)`` seconds for a history of ``size``."""
    root = scratch / f"history-{size}"
    history(root, size)
    added = add_revision(root, size)
    add_one = timed_classify(root, runs)
    (root / added).unlink()
    step = max(size // 50, 1)
    for number in range(1, size, step)[:50]:
        edit_any(root, number)
    edit_fifty = timed_classify(root, runs)
    return add_one, edit_fifty


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median reported)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            results[size] = measure(size, args.runs, Path(scratch))
    print(f"{'revisions':>9}  {'add 1 revision':>15}  {'edit 50 revisions':>18}")
    for size, (add_one, edit_fifty) in results.items():
        print(f"{size:>9}  {add_one:>14.2f}s  {edit_fifty:>17.2f}s")
    if len(results) > 1:
        small, large = results[min(results)], results[max(results)]
        print(f"ratio {max(results)}/{min(results)}: add {large[0] / small[0]:.2f}x, edit {large[1] / small[1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
