"""Every input past its budget: refused before the expensive step, with the file and the limit named.

One test per budget of ``[tool.classifier.limits]`` (bytes per file, Python
source size, YAML nodes), and the bounds with no setting (YAML depth, number
length). A contract file past a budget is exit 2 or a blocking finding; any
other file is reported as not compared. The runs are bounded like the rest
of the hostile suite, and the runs that prove a file was never read whole
measure their own peak memory.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GitRepo
from tests.hostile.support import HARD_TIMEOUT_S, TIME_LIMIT_S, Run, classify

TABLES = '[tool.classifier.error_codes]\ntables = ["app/errors.py", "app/errors.yaml"]\n'
TABLE_PY = 'class ErrorCode:\n    A = "a"\n\n\nSTATUS = {"A": 404}\n'
TABLE_YAML = "A: {status: 404}\n"
REVISION = 'revision = "{0}"\ndown_revision = {1!r}\n\n\ndef upgrade():\n    pass\n'
MIGRATIONS = {"migrations__env.py": "from alembic import context\n",
              "migrations__versions__0001_a.py": REVISION.format("0001", None)}
# Ten aliases of ten aliases of ... of ten scalars: 480 bytes that expand to ten billion nodes.
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(9)
)
MB = 1_000_000
BUDGET = "more than 50,000 YAML nodes, aliases expanded (the max_yaml_nodes limit)"


def assignments(count: int) -> str:
    """``count`` lines of Python, about 15 bytes each."""
    return "".join(f"X{n} = {n}\n" for n in range(count))


def findings(run: Run) -> list[tuple[str, str, int | None, str]]:
    assert run.code in (0, 1), run.stderr
    items = run.report["findings"] + run.report["violations"]
    return sorted((f["rule"], f["path"], f.get("line"), f["message"]) for f in items)


def error_tables(repo: GitRepo, head: dict[str, str]) -> None:
    repo.commit("base", **{"pyproject.toml": TABLES, "app__errors.py": TABLE_PY, "app__errors.yaml": TABLE_YAML})
    repo.commit("head", **head)


def classify_alone(repo: Path, *args: str) -> Run:
    """``classify check --format json ARGS`` through a process of its own, so that the peak memory is its alone.

    ``support.classify`` reads the largest child the test process ever reaped;
    a test that proves a file was never read whole needs this run's peak only.
    """
    measure = (
        "import resource, subprocess, sys, time\n"
        "started = time.perf_counter()\n"
        "proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stdout.write(proc.stdout)\n"
        "sys.stderr.write(proc.stderr)\n"
        "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(proc.returncode)\n"
    )
    argv = [sys.executable, "-c", measure, sys.executable, "-m", "classifier", "check", "--format", "json", *args]
    proc = subprocess.run(argv, cwd=repo, capture_output=True, text=True, timeout=HARD_TIMEOUT_S, check=False)
    *stderr, last = proc.stderr.splitlines()
    seconds, peak_kib = last.split()
    run = Run(proc.returncode, proc.stdout, "".join(f"{line}\n" for line in stderr), float(seconds), int(peak_kib) * 1024)
    assert run.seconds < TIME_LIMIT_S, f"classify took {run.seconds:.1f} s"
    return run


# -- bytes per file -------------------------------------------------------------------


def test_contract_file_over_the_file_limit_is_refused_unread(repo: GitRepo) -> None:
    error_tables(repo, {"app__errors.yaml": TABLE_YAML + "# padding\n" * 2_100_000})

    assert classify(repo.path).error_line == (
        "classify: error: app/errors.yaml (head): 21.0 MB is over the 20 MB limit for one file; "
        "fix: raise [tool.classifier.limits] max_file_mb, or exclude the file\n"
    )


def test_migration_over_a_configured_file_limit_is_refused(repo: GitRepo) -> None:
    files = {**MIGRATIONS, "pyproject.toml": "[tool.classifier.limits]\nmax_file_mb = 0.5\n"}
    repo.commit("base", **files)
    repo.commit("head", **{"migrations__versions__0002_b.py": REVISION.format("0002", "0001") + assignments(50_000)})

    line = classify(repo.path).error_line

    assert line.startswith("classify: error: migrations/versions/0002_b.py (head): 0.7 MB is over the 0.5 MB limit")


def test_other_file_over_the_limit_is_reported_not_compared_and_never_read(repo: GitRepo) -> None:
    repo.commit("base", **{"data.bin": "small\n"})
    with (repo.path / "data.bin").open("r+b") as handle:
        handle.truncate(256 * MB)  # zeros, cheap to store; reading them whole would show in the peak
    repo.git("-c", "core.compression=1", "add", "data.bin")
    repo.git("commit", "-q", "-m", "head")

    run = classify_alone(repo.path, "--base", "HEAD~1", "--head", "HEAD")

    assert findings(run) == [
        ("GEN003", "data.bin", None, "internal change: not compared: 256.0 MB, over the 20 MB limit for one file (max_file_mb)"),
    ]
    assert run.peak_bytes < 200 * MB, f"peaked at {run.peak_bytes / MB:.0f} MB: the file was read"


def test_python_module_over_the_limit_is_reported_not_compared(repo: GitRepo) -> None:
    # Error-table discovery cannot look inside it, so it is not taken for a table: the generic surface reports it.
    repo.commit("base", **{"pyproject.toml": "[tool.classifier.limits]\nmax_file_mb = 0.5\n", "app__service.py": "X = 1\n"})
    repo.commit("head", **{"app__service.py": assignments(50_000)})

    assert findings(classify(repo.path, "--format", "json")) == [
        ("GEN003", "app/service.py", None,
         "internal change: not compared: 0.7 MB, over the 0.5 MB limit for one file (max_file_mb)"),
    ]


def test_json_data_file_over_the_limit_is_reported_not_compared(repo: GitRepo) -> None:
    # Whether it is an OpenAPI document cannot be sniffed without reading it: the generic surface reports it.
    repo.commit("base", **{"pyproject.toml": "[tool.classifier.limits]\nmax_file_mb = 0.5\n", "data.json": "{}\n"})
    repo.commit("head", **{"data.json": '{"x": "' + "a" * 600_000 + '"}\n'})

    assert findings(classify(repo.path, "--format", "json")) == [
        ("GEN003", "data.json", None, "internal change: not compared: 0.6 MB, over the 0.5 MB limit for one file (max_file_mb)"),
    ]


def test_discovered_error_table_over_the_limit_is_refused(repo: GitRepo) -> None:
    # The base holds a table, so the file is a contract file: past the limit at head it is refused, as a configured one is.
    repo.commit("base", **{"pyproject.toml": "[tool.classifier.limits]\nmax_file_mb = 0.5\n", "app__errors.py": TABLE_PY})
    repo.commit("head", **{"app__errors.py": TABLE_PY + assignments(50_000)})

    assert classify(repo.path).error_line == (
        "classify: error: app/errors.py (head): 0.7 MB is over the 0.5 MB limit for one file; "
        "fix: raise [tool.classifier.limits] max_file_mb, or exclude the file\n"
    )


def test_many_files_near_the_limit_are_held_one_pair_at_a_time(repo: GitRepo) -> None:
    size = 19 * MB
    for side, message in ((b"base", "base"), (b"head", "head")):
        for n in range(12):
            (repo.path / f"blob{n}.bin").write_bytes(side + bytes(size - len(side)))  # NUL: binary
        repo.git("-c", "core.compression=1", "add", "-A")
        repo.git("commit", "-q", "-m", message)

    run = classify_alone(repo.path, "--base", "HEAD~1", "--head", "HEAD")

    assert [rule for rule, *_ in findings(run)] == ["GEN007"] * 12
    # Held all at once, the 24 sides would be 456 MB.
    assert run.peak_bytes < 200 * MB, f"peaked at {run.peak_bytes / MB:.0f} MB"


def test_working_tree_file_over_the_limit_is_never_opened(repo: GitRepo) -> None:
    repo.commit("base", **{"data.bin": "small\n", "a.txt": "1"})
    with (repo.path / "data.bin").open("r+b") as handle:
        handle.truncate(8 << 30)  # sparse: 8 GiB reported, nothing on disk; reading it exceeds the address limit

    run = classify_alone(repo.path, "--base", "HEAD")

    assert findings(run) == [
        ("GEN003", "data.bin", None, "internal change: not compared: 8589.9 MB, over the 20 MB limit for one file (max_file_mb)"),
    ]
    assert run.peak_bytes < 200 * MB, f"peaked at {run.peak_bytes / MB:.0f} MB: the file was read"


# -- Python source size (libcst for contract files, ast for the rest) ----------------


def test_error_table_module_over_the_python_limit_blocks(repo: GitRepo) -> None:
    error_tables(repo, {"app__errors.py": TABLE_PY + assignments(100_000)})

    assert findings(classify(repo.path, "--format", "json")) == [(
        "ERC110", "app/errors.py", None,
        ("contract file cannot be read at head: not parsed: 1.5 MB of Python is over the 0.5 MB limit for parsing "
         "(max_python_mb)"),
    )]


def test_migration_over_a_configured_python_limit_blocks(repo: GitRepo) -> None:
    repo.commit("base", **{**MIGRATIONS, "pyproject.toml": "[tool.classifier.limits]\nmax_python_mb = 0.1\n"})
    repo.commit("head", **{"migrations__versions__0002_b.py": REVISION.format("0002", "0001") + assignments(10_000)})

    run = classify(repo.path, "--format", "json")

    assert run.code == 1
    [finding] = [f for f in run.report["findings"] if f["path"] == "migrations/versions/0002_b.py"]
    assert finding["label"] == "breaking"
    assert finding["message"].endswith(
        "revision file not understood: not parsed: 0.1 MB of Python is over the 0.1 MB limit for parsing (max_python_mb)"
    )


def test_other_python_file_over_the_limit_is_compared_as_text(repo: GitRepo) -> None:
    repo.commit("base", **{"app__generated.py": assignments(100_000)})
    repo.commit("head", **{"app__generated.py": assignments(100_001)})

    assert findings(classify(repo.path, "--format", "json")) == [(
        "GEN003", "app/generated.py", 100001,
        "internal change: not parsed: 1.5 MB of Python, over the 0.5 MB limit (max_python_mb); compared as text",
    )]


# -- YAML and JSON error tables --------------------------------------------------------


YAML_TABLES = {
    "alias-bomb": (TABLE_YAML + ALIAS_BOMB,
                   5, "contract file cannot be read at head: " + BUDGET),
    "many-nodes": (TABLE_YAML + "".join(f"C{n}: 404\n" for n in range(30_000)),
                   24999, "contract file cannot be read at head: " + BUDGET),
    "sexagesimal": ("A: {status: 1" + ":00" * 300_000 + "}\n",
                    1, "contract file cannot be read at head: a number longer than 64 characters"),
    "long-integer": ("A: {status: " + "9" * 5000 + "}\n",
                     1, "contract file cannot be read at head: a number longer than 64 characters"),
    "deep-flow": ("A: " + "[" * 100_000 + "]" * 100_000 + "\n",
                  1, "contract file cannot be read at head: nested deeper than 64 levels"),
    "deep-block": ("".join("  " * n + f"k{n}:\n" for n in range(2000)),
                   65, "contract file cannot be read at head: nested deeper than 64 levels"),
    "recursive-alias": ("A: &a {status: 404, again: *a}\n",
                        1, "contract file cannot be read at head: recursive YAML alias"),
    "python-tag": ("A: !!python/object/apply:os.system [touch marker]\n",
                   1, ("contract file cannot be read at head: the YAML tag "
                       "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in an error table")),
}


@pytest.mark.parametrize("text, line, message", YAML_TABLES.values(), ids=YAML_TABLES.keys())
def test_yaml_error_table_past_a_bound_blocks(repo: GitRepo, text: str, line: int, message: str) -> None:
    error_tables(repo, {"app__errors.yaml": text})

    assert findings(classify(repo.path, "--format", "json")) == [("ERC110", "app/errors.yaml", line, message)]
    assert not (repo.path / "marker").exists()


JSON_TABLES = {
    "nan": ('{"A": NaN}', None, "contract file cannot be read at head: invalid JSON: NaN is not a JSON number"),
    "infinity": ('{"A": {"status": -Infinity}}', None,
                 "contract file cannot be read at head: invalid JSON: -Infinity is not a JSON number"),
    "long-integer": ('{"A": ' + "9" * 5000 + "}", None,
                     "contract file cannot be read at head: a number longer than 64 characters"),
    "many-nodes": ("{" + ", ".join(f'"C{n}": 404' for n in range(30_000)) + "}", 1,
                   "contract file cannot be read at head: " + BUDGET),
    "deep": ('{"A": ' + "[" * 100_000 + "]" * 100_000 + "}", 1,
             "contract file cannot be read at head: nested deeper than 64 levels"),
}


@pytest.mark.parametrize("text, line, message", JSON_TABLES.values(), ids=JSON_TABLES.keys())
def test_json_error_table_past_a_bound_blocks(repo: GitRepo, text: str, line: int | None, message: str) -> None:
    config = TABLES.replace("app/errors.yaml", "app/errors.json")
    repo.commit("base", **{"pyproject.toml": config, "app__errors.py": TABLE_PY, "app__errors.json": '{"A": 404}'})
    repo.commit("head", **{"app__errors.json": text})

    assert findings(classify(repo.path, "--format", "json")) == [("ERC110", "app/errors.json", line, message)]


def test_configured_node_budget_is_the_one_applied(repo: GitRepo) -> None:
    config = TABLES + "\n[tool.classifier.limits]\nmax_yaml_nodes = 500\n"
    repo.commit("base", **{"pyproject.toml": config, "app__errors.py": TABLE_PY, "app__errors.yaml": TABLE_YAML})
    repo.commit("head", **{"app__errors.yaml": "".join(f"C{n}: 404\n" for n in range(300))})

    assert findings(classify(repo.path, "--format", "json")) == [(
        "ERC110", "app/errors.yaml", 250,
        "contract file cannot be read at head: more than 500 YAML nodes, aliases expanded (the max_yaml_nodes limit)",
    )]

