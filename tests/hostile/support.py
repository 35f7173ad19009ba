"""Running ``classify`` on hostile repositories as a child process, bounded in time and memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TIME_LIMIT_S = 10.0
MEMORY_LIMIT_BYTES = 1 << 30
# The child is killed well past the limits, so that a hang fails the test instead of the CI job.
HARD_TIMEOUT_S = 60.0
HARD_ADDRESS_SPACE = 4 << 30


@dataclass(frozen=True, slots=True)
class Run:
    """One finished ``classify`` run: exit code, output, and what it cost."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int

    @property
    def report(self) -> dict:
        return json.loads(self.stdout)

    @property
    def error_line(self) -> str:
        """The one stderr line an input error must produce (and nothing else)."""
        assert self.code == 2, (self.code, self.stdout[-2000:], self.stderr[-2000:])
        assert "Traceback" not in self.stderr, self.stderr
        assert self.stderr.count("\n") == 1, self.stderr
        return self.stderr


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (HARD_ADDRESS_SPACE, HARD_ADDRESS_SPACE))


def classify(repo: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """Run ``classify check`` in ``repo`` against ``HEAD~1`` and assert the time and memory bounds.

    Peak memory is ``RUSAGE_CHILDREN``'s ``ru_maxrss``: the largest child this
    test process has reaped, so it can only over-state the run's own peak.
    """
    argv = [sys.executable, "-m", "classifier", "check", "--base", "HEAD~1", "--head", "HEAD", *args]
    started = time.perf_counter()
    proc = subprocess.run(
        argv, cwd=repo, capture_output=True, text=True, errors="replace", timeout=HARD_TIMEOUT_S,
        env={**os.environ, **(env or {})}, preexec_fn=_limit_child,
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    run = Run(proc.returncode, proc.stdout, proc.stderr, seconds, peak)
    assert seconds < TIME_LIMIT_S, f"classify took {seconds:.1f} s"
    assert peak < MEMORY_LIMIT_BYTES, f"classify peaked at {peak / 2**20:.0f} MiB"
    return run


def labels(run: Run) -> dict[str, str]:
    """Each reported file's label, from the JSON report."""
    return {finding["path"]: finding["label"] for finding in run.report["findings"]}
