"""Cost of `classify` at each input budget, and just past it.

For every budget of ``[tool.classifier.limits]`` (and the fixed ones for TOML
and YAML), builds a repository whose head commit holds the worst case within
the budget, or one past it, and runs `classify --base HEAD~1 --head HEAD` once
in a process of its own. Prints the outcome, the wall time and that run's
peak resident memory: the figures in docs/robustness.md come from here.

Usage: python benchmarks/budgets.py [CASE ...]   (no argument: every case)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
TABLES = '[tool.classifier.error_codes]\ntables = ["app/errors.py", "app/errors.yaml", "app/errors.json"]\n'
TABLE_PY = 'class ErrorCode:\n    A = "a"\n\n\nSTATUS = {"A": 404}\n'
MB = 1_000_000
# Measures the wall time and the peak memory of one child, alone.
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(json.dumps({'code': proc.returncode, 'out': proc.stdout, 'err': proc.stderr,\n"
    "                  'seconds': time.perf_counter() - started,\n"
    "                  'peak': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))\n"
)

Files = dict[str, str | bytes]


def python_of_size(size: int, prefix: str = "") -> str:
    """Python source of about ``size`` characters: module-level assignments, one per line."""
    lines, total, n = [prefix], len(prefix), 0
    while total < size:
        line = f"VALUE_{n} = {{'code': 'E{n}', 'status': 404, 'message': 'not found {n}'}}\n"
        lines.append(line)
        total += len(line)
        n += 1
    return "".join(lines)


def yaml_table(nodes: int) -> str:
    """A YAML mapping of code to entry, with about ``nodes`` nodes (six per code)."""
    return "".join(f"E{n}:\n  status: 404\n  message: not found {n}\n" for n in range(nodes // 6))


def alias_bomb() -> str:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]\n"]
    for i in range(9):
        name, previous = chr(98 + i), chr(97 + i)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]\n")
    return "".join(levels)


def migration(size: int) -> tuple[Files, Files]:
    """A new revision of about ``size`` characters of ``op.add_column`` calls."""
    revision = 'revision = "{0}"\ndown_revision = {1!r}\n\n\ndef upgrade():\n'
    operation = "    op.add_column('t{0}', sa.Column('c{0}', sa.Integer(), nullable=True))\n"
    count = (size - 200) // len(operation.format(9999))  # the header and a margin: just within the limit
    body = "".join(operation.format(n) for n in range(count))
    base: Files = {"migrations/env.py": "from alembic import context\n",
                   "migrations/versions/0001_a.py": revision.format("0001", None) + "    pass\n"}
    return base, {"migrations/versions/0002_b.py": revision.format("0002", "0001") + body}


def tables_with(name: str, text: str) -> tuple[Files, Files]:
    base: Files = {"pyproject.toml": TABLES, "app/errors.py": TABLE_PY, "app/errors.yaml": "A: 404\n",
                   "app/errors.json": '{"A": 404}'}
    return base, {name: text}


def both_sides(name: str, base: str, head: str) -> tuple[Files, Files]:
    return {"pyproject.toml": TABLES, "app/errors.py": TABLE_PY, name: base}, {name: head}


CASES: dict[str, Callable[[], tuple[Files, Files]]] = {
    "text file at max_file_mb (20 MB, both sides)": lambda: (
        {"data.csv": "a,b\n" * (5 * MB - 10)}, {"data.csv": "a,b\n" * (5 * MB - 10) + "c\n"}),
    "file past max_file_mb (200 MB of zeros)": lambda: ({"data.bin": b"small"}, {"data.bin": bytes(200 * MB)}),
    "libcst error table at max_python_mb (0.5 MB, both sides)": lambda: both_sides(
        "app/errors.py", python_of_size(MB // 2 - 1000, TABLE_PY), python_of_size(MB // 2 - 1000, TABLE_PY) + "X = 1\n"),
    "libcst migration at max_python_mb (0.5 MB, 6,500 operations)": lambda: migration(MB // 2),
    "ast generic module at max_python_mb (0.5 MB, both sides)": lambda: (
        {"app/generated.py": python_of_size(MB // 2 - 1000)},
        {"app/generated.py": python_of_size(MB // 2 - 1000) + "X = 1\n"}),
    "error table of 10 MB of Python (past the budget)": lambda: tables_with(
        "app/errors.py", python_of_size(10 * MB, TABLE_PY)),
    "YAML error table at max_yaml_nodes (50,000 nodes, both sides)": lambda: both_sides(
        "app/errors.yaml", yaml_table(49_990), yaml_table(49_990).replace("not found 7\n", "gone 7\n")),
    "JSON error table at max_yaml_nodes (50,000 nodes, both sides)": lambda: both_sides(
        "app/errors.json",
        json.dumps({f"E{n}": {"status": 404, "message": f"m{n}"} for n in range(8_300)}, indent=1),
        json.dumps({f"E{n}": {"status": 404, "message": f"n{n}"} for n in range(8_300)}, indent=1)),
    "YAML alias bomb (480 bytes, 10^10 nodes expanded)": lambda: tables_with("app/errors.yaml", "A: 404\n" + alias_bomb()),
    "YAML sexagesimal number (1 MB)": lambda: tables_with(
        "app/errors.yaml", "A: {status: 1" + ":00" * 330_000 + "}\n"),
    "YAML nested 100,000 deep": lambda: tables_with("app/errors.yaml", "A: " + "[" * 100_000 + "]" * 100_000 + "\n"),
    "TOML of 1 MB of 31-part dotted keys (parsed, then refused by the schema)": lambda: ({"a.txt": "1"}, {
        "a.txt": "2",
        ".classifier.toml": "".join(f"{'.'.join(f'k{i}' for i in range(31))}.x{n} = 1\n" for n in range(8_000)),
    }),
    "TOML dotted key of 100,000 parts": lambda: ({"a.txt": "1"}, {
        "a.txt": "2", ".classifier.toml": ".".join(["k"] * 100_000) + " = 1\n"}),
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, env=GIT_ENV, capture_output=True)


def build(root: Path, base: Files, head: Files) -> Path:
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for message, files in (("base", base), ("head", head)):
        for name, content in files.items():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode())
        git(repo, "add", "-A")
        git(repo, "-c", "core.compression=1", "commit", "-q", "-m", message)
    return repo


def run(repo: Path) -> dict[str, object]:
    command = [sys.executable, "-c", "import json\n" + MEASURE, sys.executable, "-m", "classifier", "check",
               "--base", "HEAD~1", "--head", "HEAD", "--format", "json"]
    proc = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=GIT_ENV, check=True)
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def outcome(result: dict[str, object]) -> str:
    if result["code"] == 2:
        return "exit 2: " + str(result["err"]).strip().removeprefix("classify: error: ")[:110]
    report = json.loads(str(result["out"]))
    first = (report["findings"] + report["violations"] or [{"rule": "-", "message": "no finding"}])[0]
    return f"exit {result['code']}: {first['rule']} {first['message'][:100]}"


def main(names: list[str]) -> int:
    chosen = [name for name in CASES if not names or any(wanted in name for wanted in names)]
    for name in chosen:
        with tempfile.TemporaryDirectory() as root:
            base, head = CASES[name]()
            repo = build(Path(root), base, head)
            result = run(repo)
        seconds, peak = float(str(result["seconds"])), int(str(result["peak"]))
        print(f"{name}\n    {seconds:5.1f} s  {peak / 2**20:6.0f} MiB  {outcome(result)}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    status = main(sys.argv[1:])
    print(f"total {time.perf_counter() - started:.0f} s")
    raise SystemExit(status)
