"""Cost of `classify` when nothing it parses changed, against its floor.

Builds a repository of 5,000 files, changes one Markdown file in a second
commit, and prints in one run the median wall time of:
  classify --base HEAD~1        (the console script, as a user runs it)
  python -c pass                (the interpreter's own start-up)
  git diff --name-status HEAD~1 (what git alone needs to list the change)
and the ratio of the first to the sum of the other two. Target: <= 3.

Usage: python benchmarks/small_change.py [--files 5000] [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
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


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, env=GIT_ENV, capture_output=True)


# Measure classify as an installed package runs: pip byte-compiles a package when it installs
# it, so byte-code is allowed here even where the shell disables it.
INSTALLED_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def compile_package() -> None:
    import classifier

    package = Path(classifier.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True, env=INSTALLED_ENV)


def build_repository(root: Path, files: int) -> Path:
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for n in range(files):
        folder = repo / f"pkg{n % 50:02d}"
        folder.mkdir(exist_ok=True)
        name = f"module_{n}.py" if n % 5 else f"notes_{n}.md"
        (folder / name).write_text(f"# file {n}\nVALUE_{n} = {n}\n", "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    (repo / "pkg00" / "notes_0.md").write_text("# file 0\nReworded documentation.\n", "utf-8")
    git(repo, "commit", "-q", "-am", "docs")
    return repo


def median_seconds(command: list[str], cwd: Path, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=False, capture_output=True, env=INSTALLED_ENV)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def classify_command() -> list[str]:
    script = shutil.which("classify")
    return [script] if script else [sys.executable, "-m", "classifier"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        repo = build_repository(Path(tmp), args.files)
        check = subprocess.run([*classify_command(), "--base", "HEAD~1"], cwd=repo, capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        classify = median_seconds([*classify_command(), "--base", "HEAD~1"], repo, args.runs)
        python = median_seconds([sys.executable, "-c", "pass"], repo, args.runs)
        diff = median_seconds(["git", "diff", "--name-status", "HEAD~1"], repo, args.runs)
    print(f"repository: {args.files} files, one Markdown file changed; median of {args.runs} runs")
    print(f"classify --base HEAD~1          {classify * 1000:8.1f} ms")
    print(f"python -c pass                  {python * 1000:8.1f} ms")
    print(f"git diff --name-status HEAD~1   {diff * 1000:8.1f} ms")
    print(f"ratio classify / (python + git) {classify / (python + diff):8.2f}   (target <= 3)")


if __name__ == "__main__":
    main()
