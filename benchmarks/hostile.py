"""Cost of `classify` on a branch that changes a huge number of Python files.

Builds a repository of N Python modules (default 20,000), changes every one of
them in a second commit (a third of them code, a third comments, a third log
calls), and runs `classify --base HEAD~1` once as a child process. Prints the
wall time and the child's peak resident memory. Target: under 10 s and under
1 GiB for 20,000 files.

Usage: python benchmarks/hostile.py [--files 20000]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}
BASE_MODULE = 'import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef value_{n}():\n    """Value {n}."""\n    return {n}\n'
# Each edit lands in a different class of the generic surface's Python check.
EDITS = (
    ("return {n}", "return {n} + 1"),
    ('"""Value {n}."""', '"""Value number {n}."""'),
    ("    return {n}", '    log.info("value")\n    return {n}'),
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, env=GIT_ENV, capture_output=True)


def write_modules(repo: Path, files: int, edited: bool) -> None:
    for n in range(files):
        text = BASE_MODULE.format(n=n)
        if edited:
            old, new = EDITS[n % len(EDITS)]
            text = text.replace(old.format(n=n), new.format(n=n), 1)
        folder = repo / f"pkg{n % 100:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"module_{n}.py").write_text(text, "utf-8")


def build_repository(root: Path, files: int) -> Path:
    """A repository whose HEAD changes every one of ``files`` Python modules."""
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_modules(repo, files, edited=False)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    write_modules(repo, files, edited=True)
    git(repo, "commit", "-q", "-am", "edit every module")
    return repo


def classify_command() -> list[str]:
    script = shutil.which("classify")
    return [script] if script else [sys.executable, "-m", "classifier"]


def measure(repo: Path, command: list[str]) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run ``command`` once; return it, its wall seconds and the children's peak RSS in bytes."""
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=GIT_ENV)
    elapsed = time.perf_counter() - start
    # ru_maxrss is in KiB on Linux: the largest child reaped so far.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return proc, elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = build_repository(Path(tmp), args.files)
        proc, elapsed, peak = measure(repo, [*classify_command(), "--base", "HEAD~1", "--format", "json"])
    print(f"repository: {args.files} Python files, all changed; exit {proc.returncode}")
    print(f"classify wall time: {elapsed:.2f} s; peak memory: {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
