"""The Action's ``snapshot-check`` input, run the way the Actions runner runs action.yml (see test_action.py).

The repository is the example service; ``snapshot-install`` installs the app's
one missing dependency into classify's own environment, as a user's
``pip install -e .`` would.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import GitRepo
from test_action import _FakeGitHub, fake_github, pull_request_event, run_action  # noqa: F401 - a fixture
from tests.versions.conftest import EXAMPLE, V1_DRIFT, V1_FIX, add_field_in_code, regenerate_equivalent

INSTALL = "pip install --quiet fastapi"


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("runner-temp")


@pytest.fixture
def service(repo: GitRepo) -> tuple[GitRepo, str]:
    """The example service committed on main, and a feature branch checked out; the base sha."""
    shutil.copytree(EXAMPLE, repo.path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    repo.write(".gitignore", "__pycache__/\n")
    base = repo.commit("the service")
    repo.git("checkout", "-q", "-b", "feature")
    return repo, base


def test_a_frozen_model_changed_in_code_fails_with_the_drift_in_every_format(
    service: tuple[GitRepo, str], runner_temp: Path
) -> None:
    repo, base = service
    add_field_in_code(repo.path, "v1")
    repo.commit("a note on v1 proofs")
    sarif = runner_temp / "out.sarif"
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base),
                     snapshot_check="true", snapshot_install=INSTALL, sarif_file=str(sarif))
    assert run.code == 1, run.stdout + run.stderr
    assert run.outputs == {
        "label": "additive", "status": "failed", "breaking": "0", "additive": "1", "non-breaking": "1",
        "violations": "1", "report": str(runner_temp / "classify-report.json"),
    }
    # The comparison sees only an internal change; the snapshot check sees the frozen contract move.
    assert "title=GEN003 internal-change (non-breaking)::internal change: code changed" in run.stdout
    assert (f"::error file=snapshots/v1/openapi.json,title=VER201 frozen-snapshot-drift (violation)::{V1_DRIFT}%0A"
            f"{V1_FIX}") in run.stdout.splitlines()
    assert run.summary.startswith("## ✅ classify: **non-breaking** — passed")
    assert "## ❌ classify: **additive** — failed: 1 violation blocks\n\nBase `snapshots` (the snapshot files of v1, v2)" \
        in run.summary
    assert f"| `VER201` frozen-snapshot-drift | `snapshots/v1/openapi.json` | {V1_DRIFT}<br>{V1_FIX} |" in run.summary
    results = json.loads(sarif.read_text("utf-8"))["runs"][0]["results"]
    assert [result["ruleId"] for result in results] == ["GEN003", "VER201", "OAS508"]
    drift = json.loads((runner_temp / "classify-snapshot-report.json").read_text("utf-8"))
    assert [(v["rule"], v["subject"]) for v in drift["violations"]] == [("VER201", "v1")]


def test_an_unchanged_service_passes(service: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = service
    repo.commit("words", **{"README.md": "# Proofs service\n\nMore words.\n"})
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base),
                     snapshot_check="true", snapshot_install=INSTALL)
    assert run.code == 0, run.stdout + run.stderr
    assert (run.outputs["status"], run.outputs["label"], run.outputs["violations"]) == ("passed", "non-breaking", "0")
    assert "classify: label none, passed: nothing blocks (0 breaking, 0 additive, 0 non-breaking, 0 violations)" \
        in run.stdout


def test_an_equivalent_regenerated_snapshot_passes(service: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = service
    regenerate_equivalent(repo.path / "snapshots/v1/openapi.json")
    repo.commit("the v1 snapshot as another generator writes it")
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base),
                     snapshot_check="true", snapshot_install=INSTALL)
    assert run.code == 0, run.stdout + run.stderr
    assert run.outputs["status"] == "passed"
    drift = json.loads((runner_temp / "classify-snapshot-report.json").read_text("utf-8"))
    assert (drift["findings"], drift["violations"]) == ([], [])


def test_never_under_pull_request_target(service: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = service
    run = run_action(repo, runner_temp, "pull_request_target", pull_request_event(repo, base), snapshot_check="true")
    assert run.code == 2
    assert run.outputs["status"] == "error"
    assert ("::error title=classify could not check the snapshots::snapshot-check imports the checked-out code, "
            "and under pull_request_target that code would run with the base repository's secrets and write "
            "token; run it in a pull_request workflow") in run.stdout


def test_a_failing_install_command_is_an_error(service: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = service
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base),
                     snapshot_check="true", snapshot_install="exit 3")
    assert run.code == 2
    assert ("::error title=classify could not check the snapshots::the snapshot-install command 'exit 3' failed "
            "with exit status 3") in run.stdout


def test_the_app_gets_no_token(service: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = service
    leak = runner_temp / "leak.txt"
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base), snapshot_check="true",
                     snapshot_install=f"{INSTALL} && echo \"token=$CLASSIFY_GITHUB_TOKEN\" > {leak}")
    assert run.code == 0, run.stdout + run.stderr
    assert leak.read_text("utf-8") == "token=\n"


def test_the_pull_request_comment_carries_both_reports(service: tuple[GitRepo, str], runner_temp: Path,
                                                       fake_github: str) -> None:
    repo, base = service
    add_field_in_code(repo.path, "v1")
    repo.commit("a note on v1 proofs")
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base), comment="true",
                     snapshot_check="true", snapshot_install=INSTALL)
    assert run.code == 1, run.stdout + run.stderr
    [comment] = _FakeGitHub.comments
    assert "## ✅ classify: **non-breaking** — passed" in comment["body"]
    assert f"| `VER201` frozen-snapshot-drift | `snapshots/v1/openapi.json` | {V1_DRIFT}<br>{V1_FIX} |" in comment["body"]
