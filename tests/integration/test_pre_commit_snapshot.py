"""The real pre-commit runs the ``classify-snapshot`` hook on a repository of the example service.

The hook is ``language: system``: it runs ``classify`` from the user's own
environment, where the app's dependencies are installed. Here that environment
is this interpreter; a ``classify`` script on the PATH stands for the one pip
installs, and runs this checkout's code.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import GIT_ENV, GitRepo
from tests.versions.conftest import EXAMPLE, V1_DRIFT, add_field_in_code, regenerate_equivalent

PROJECT = Path(__file__).parents[2]
HOOK = "classify-snapshot"
HOOK_LINE = "classify API snapshots match the app"
V1_DRIFT_LINE = f"  VER201 frozen-snapshot-drift  snapshots/v1/openapi.json: {V1_DRIFT}"


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The user's shell: ``classify`` on the PATH, in the interpreter that has the app's dependencies."""
    bin_dir = tmp_path_factory.mktemp("bin")
    script = bin_dir / "classify"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m classifier "$@"\n', "utf-8")
    script.chmod(0o755)
    return {
        **os.environ, **GIT_ENV, "NO_COLOR": "1", "PYTHONPATH": str(PROJECT),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
    }


@pytest.fixture
def service(repo: GitRepo) -> GitRepo:
    """The example service, committed on main, with a feature branch checked out."""
    shutil.copytree(EXAMPLE, repo.path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    repo.write(".gitignore", "__pycache__/\n")
    repo.commit("the service")
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def pre_commit(repo: GitRepo, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *argv], cwd=repo.path, capture_output=True,
                          text=True, timeout=600, env=env)


def try_hook(repo: GitRepo, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return pre_commit(repo, env, "try-repo", str(PROJECT), HOOK, "--verbose")


def test_a_frozen_model_changed_in_code_fails_the_hook_with_the_drift_report(
    service: GitRepo, environment: dict[str, str]
) -> None:
    add_field_in_code(service.path, "v1")
    service.git("add", "-A")
    result = try_hook(service, environment)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{HOOK_LINE}" in result.stdout and "Failed" in result.stdout
    assert V1_DRIFT_LINE in result.stdout.splitlines()
    assert ("    additive      OAS508 response-property-added  GET /proofs/{proof_id} response 200 "
            "application/json: property 'note' added (shared by 2 operations: GET /proofs/{proof_id}, POST /proofs)"
            ) in result.stdout.splitlines()
    assert "label: additive — 0 breaking, 1 additive, 0 non-breaking, 1 violation; failed" in result.stdout


def test_the_hook_checks_what_is_staged_not_the_work_tree(service: GitRepo, environment: dict[str, str]) -> None:
    add_field_in_code(service.path, "v1")
    service.git("add", "-A")
    service.git("checkout", "--", "proofs_service/v1.py")  # the work tree is clean again; the index is not
    result = try_hook(service, environment)
    assert result.returncode == 1, result.stdout + result.stderr
    assert V1_DRIFT_LINE in result.stdout.splitlines()


def test_an_unchanged_service_passes(service: GitRepo, environment: dict[str, str]) -> None:
    path = service.write("proofs_service/store.py",
                         (service.path / "proofs_service/store.py").read_text("utf-8") + "# Kept in memory.\n")
    service.git("add", str(path))
    result = try_hook(service, environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "label: none — nothing changed (2 files compared); passed" in result.stdout


def test_an_equivalent_regenerated_snapshot_passes(service: GitRepo, environment: dict[str, str]) -> None:
    regenerate_equivalent(service.path / "snapshots/v1/openapi.json")
    service.git("add", "-A")
    assert service.git("diff", "--cached", "--name-only") == "snapshots/v1/openapi.json"
    result = try_hook(service, environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "label: none — nothing changed (2 files compared); passed" in result.stdout


def test_the_files_filter_skips_an_unrelated_commit(service: GitRepo, environment: dict[str, str]) -> None:
    # The drift is already committed: a hook that ran would fail, so passing means it was skipped.
    add_field_in_code(service.path, "v1")
    service.commit("drift, committed without the hook")
    service.write("README.md", "# Proofs service\n\nHow to run it.\n")
    service.git("add", "README.md")
    result = try_hook(service, environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(no files to check)Skipped" in result.stdout


def test_the_example_configuration_narrows_the_filter_to_the_app(service: GitRepo, environment: dict[str, str],
                                                                 make_repo: Callable[[str], GitRepo]) -> None:
    # The example's own .pre-commit-config.yaml, pointed at this checkout's hook definitions.
    hooks = make_repo("hooks")
    hooks.write(".pre-commit-hooks.yaml", (PROJECT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    rev = hooks.commit("hooks")
    config = (service.path / ".pre-commit-config.yaml").read_text("utf-8")
    config = re.sub(r"repo: \S+", f"repo: {hooks.path.as_uri()}", config)
    service.write(".pre-commit-config.yaml", config.replace("rev: v0.1.0", f"rev: {rev}"))
    add_field_in_code(service.path, "v1")
    service.commit("drift, committed without the hook")
    service.write("tests/test_proofs.py", (service.path / "tests/test_proofs.py").read_text("utf-8") + "\n")
    service.git("add", "-A")
    skipped = pre_commit(service, environment, "run", HOOK, "--verbose")
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "(no files to check)Skipped" in skipped.stdout
    ran = pre_commit(service, environment, "run", HOOK, "--verbose", "--files", "proofs_service/v1.py")
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert V1_DRIFT_LINE in ran.stdout.splitlines()
