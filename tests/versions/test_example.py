"""The example service: its scripted history gives the four verdicts, its own tests pass."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from tests.versions.conftest import EXAMPLE, Run, add_field_in_code

Classify = Callable[..., Run]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("history") / "proofs"
    proc = subprocess.run([sys.executable, str(EXAMPLE / "build_history.py"), str(dest)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return dest


@pytest.mark.parametrize(("base", "head", "code", "label", "rules"), [
    ("start", "docs-change", 0, "non-breaking", {"GEN001"}),
    ("docs-change", "v2-added", 0, "additive", {"GEN004", "OAS106", "VER101", "VER103"}),
    ("v2-added", "v2-endpoint", 0, "additive", {"OAS104", "VER102"}),
    ("v2-endpoint", "v1-field-removed", 1, "breaking", {"OAS506", "VER001"}),
], ids=["doc-change", "v2-added", "v2-endpoint", "v1-field-removed"])
def test_scripted_history_verdicts(history: Path, classify: Classify, base: str, head: str, code: int,
                                   label: str, rules: set[str]) -> None:
    run = classify(history, "--base", base, "--head", head)
    report = run.report
    assert (run.code, report["label"]) == (code, label)
    assert {item["rule"] for item in [*report["findings"], *report["violations"]]} == rules


def test_history_is_reproducible(history: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    subprocess.run([sys.executable, str(EXAMPLE / "build_history.py"), str(again)], check=True, capture_output=True)

    def tags(repo: Path) -> str:
        return subprocess.run(["git", "show-ref", "--tags"], cwd=repo, capture_output=True, text=True).stdout

    assert tags(again) == tags(history)


def test_history_refuses_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "busy.txt").write_text("x", "utf-8")
    proc = subprocess.run([sys.executable, str(EXAMPLE / "build_history.py"), str(tmp_path)],
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (2, f"{tmp_path} is not empty: give a new folder\n")


def _pytest(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *argv],
                          cwd=folder, capture_output=True, text=True)


@pytest.fixture
def service(tmp_path: Path) -> Path:
    copy = tmp_path / "service"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return copy


@pytest.mark.parametrize("argv", [(), ("-p", "classifier.pytest_plugin")], ids=["entry-point", "dash-p"])
def test_example_suite_passes_with_the_plugin(service: Path, argv: tuple[str, ...]) -> None:
    proc = _pytest(service, *argv)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "6 passed" in proc.stdout


def test_frozen_contract_test_fails_with_a_readable_diff(service: Path) -> None:
    path = service / "snapshots/v1/openapi.json"
    document = json.loads(path.read_text("utf-8"))
    del document["components"]["schemas"]["Proof"]["properties"]["created_at"]
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", "utf-8")
    proc = _pytest(service, "tests/test_contract_v1.py")
    assert proc.returncode == 1
    assert "the app no longer serves the frozen v1 contract of snapshots/v1/openapi.json:" in proc.stdout
    assert '+          "created_at": {' in proc.stdout
    assert "1 failed" in proc.stdout


def test_missing_snapshot_says_how_to_write_it(service: Path) -> None:
    shutil.rmtree(service / "snapshots/v2")
    proc = _pytest(service, "tests/test_contract_v2.py")
    assert proc.returncode == 1
    assert "snapshots/v2/openapi.json does not exist: write it with `classify snapshot --version v2`" in proc.stdout


def test_frozen_contract_test_names_the_structural_differences_first(service: Path) -> None:
    add_field_in_code(service, "v1")
    proc = _pytest(service, "tests/test_contract_v1.py")
    assert proc.returncode == 1
    assert ("the app no longer serves the frozen v1 contract of snapshots/v1/openapi.json:\n"
            "  OAS508 GET /proofs/{proof_id} response 200 application/json: property 'note' added (shared by 2 operations: GET /proofs/{proof_id}, POST /proofs)\n"
            "--- snapshots/v1/openapi.json") in proc.stdout
