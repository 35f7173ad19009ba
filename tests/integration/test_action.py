"""Run action.yml's steps the way the Actions runner does, in real repositories.

Each `run:` step is executed with bash (`bash --noprofile --norc -eo pipefail`,
the runner's default) after evaluating the `${{ }}` expressions of its `env:`;
`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_EVENT_PATH`, `RUNNER_TEMP` and
the other `GITHUB_*` variables are set as the runner sets them. The one step
that uses another action, `actions/setup-python` with
`update-environment: false`, is replaced by its documented effect: it sets the
step output `python-path` and leaves the caller's environment alone. Here that
path is this interpreter. The tests of this module share one RUNNER_TEMP, like
the jobs of one runner; the install step runs in full the first time and is
skipped once its virtual environment exists.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from conftest import GIT_ENV, GitRepo
from consumer_files import MIGRATION, OPENAPI

PROJECT = Path(__file__).parents[2]
ACTION = yaml.safe_load((PROJECT / "action.yml").read_text("utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


@dataclass
class ActionRun:
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Shared so the virtual environment is built once for the module, as on one runner.
    return tmp_path_factory.mktemp("runner-temp")


def _lookup(expression: str, contexts: dict[str, Any]) -> str:
    value: Any = contexts
    for part in expression.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return str(value)


def _evaluate(text: str, contexts: dict[str, Any]) -> str:
    return EXPRESSION.sub(lambda m: _lookup(m.group(1), contexts), str(text))


def _read_outputs(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text("utf-8").splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def run_action(repo: GitRepo, temp: Path, event_name: str, event: dict[str, Any], **inputs: str) -> ActionRun:
    defaults = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    contexts: dict[str, Any] = {
        "inputs": {**defaults, **{k.replace("_", "-"): v for k, v in inputs.items()}},
        "github": {"action_path": str(PROJECT), "token": "test-token"},
        "steps": {},
    }
    event_path = temp / "event.json"
    event_path.write_text(json.dumps(event), "utf-8")
    summary = temp / "summary.md"
    summary.write_text("", "utf-8")
    base_env = {
        **os.environ, **GIT_ENV, "GITHUB_ACTIONS": "true", "CI": "true", "RUNNER_TEMP": str(temp),
        "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_path), "GITHUB_WORKSPACE": str(repo.path),
        "GITHUB_REPOSITORY": "acme/service", "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ACTION_PATH": str(PROJECT),
    }
    stdout, stderr, code = "", "", 0
    for step in ACTION["runs"]["steps"]:
        outputs_file = temp / f"output-{step.get('id', 'step')}"
        outputs_file.write_text("", "utf-8")
        if "uses" in step:
            assert step["uses"].startswith("actions/setup-python@") and step["with"]["update-environment"] is False
            contexts["steps"][step["id"]] = {"outputs": {"python-path": sys.executable}}
            continue
        assert "${{" not in step["run"], "inputs must reach run: through env:, never ${{ }} in the script"
        if step["name"] == "Install classify" and (temp / "classify-venv" / "bin" / "classify").exists():
            contexts["steps"][step["id"]] = {"outputs": {"python": str(temp / "classify-venv" / "bin" / "python")}}
            continue
        env = {**base_env, "GITHUB_OUTPUT": str(outputs_file)}
        env.update({key: _evaluate(value, contexts) for key, value in step.get("env", {}).items()})
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=repo.path, env=env, capture_output=True, text=True, timeout=900,
        )
        stdout += proc.stdout
        stderr += proc.stderr
        if "id" in step:
            contexts["steps"][step["id"]] = {"outputs": _read_outputs(outputs_file)}
        if proc.returncode != 0:
            code = proc.returncode
            break
    outputs = {name: _evaluate(spec["value"], contexts) for name, spec in ACTION["outputs"].items()}
    return ActionRun(code, stdout, stderr, outputs, summary.read_text("utf-8"))


def pull_request_event(repo: GitRepo, base_sha: str, labels: tuple[str, ...] = (), fork: bool = False) -> dict[str, Any]:
    head_repo = "someone/service" if fork else "acme/service"
    return {
        "pull_request": {
            "number": 7,
            "base": {"sha": base_sha, "repo": {"full_name": "acme/service"}},
            "head": {"sha": repo.git("rev-parse", "HEAD"), "repo": {"full_name": head_repo}},
            "labels": [{"name": name} for name in labels],
        }
    }


@pytest.fixture
def project(repo: GitRepo) -> tuple[GitRepo, str]:
    base = repo.commit("initial", **{
        "README.md": "# Service\n", "app/core.py": "def f():\n    return 1\n", "openapi.yaml": OPENAPI,
        "alembic.ini": "[alembic]\nscript_location = migrations\n", "migrations/env.py": "",
        "migrations/versions/0001_init.py": MIGRATION,
    })
    repo.git("checkout", "-q", "-b", "feature")
    return repo, base


def test_passing_pull_request(project: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = project
    repo.commit("docs", **{"README.md": "# Service\n\nMore words.\n"})
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base))
    assert run.code == 0, run.stdout
    assert run.outputs == {
        "label": "non-breaking", "status": "passed", "breaking": "0", "additive": "0", "non-breaking": "1",
        "violations": "0", "report": str(runner_temp / "classify-report.json"),
    }
    assert "::notice file=README.md,title=GEN001 documentation-changed (non-breaking)::" in run.stdout
    assert run.summary.startswith("## ✅ classify: **non-breaking** — passed")
    assert json.loads(Path(run.outputs["report"]).read_text("utf-8"))["base"]["sha"] == base


def test_blocking_change_fails_after_writing_outputs_and_sarif(project: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = project
    repo.commit("code", **{"app/core.py": "def f():\n    return 2\n"})
    sarif = runner_temp / "out.sarif"
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base),
                     fail_on="non-breaking", sarif_file=str(sarif))
    assert run.code == 1
    assert (run.outputs["status"], run.outputs["label"], run.outputs["non-breaking"]) == ("failed", "non-breaking", "1")
    assert "::error file=app/core.py,line=2,title=GEN003 internal-change (non-breaking)::internal change: code changed" in run.stdout
    assert "| **non-breaking** (blocks) | `GEN003` internal-change | `app/core.py:2` |" in run.summary
    assert json.loads(sarif.read_text("utf-8"))["runs"][0]["results"][0]["ruleId"] == "GEN003"


def test_breaking_pull_request(project: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = project
    repo.commit("drop teams", **{"openapi.yaml": OPENAPI.split("  /teams:")[0]})
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base))
    assert run.code == 1
    assert (run.outputs["label"], run.outputs["status"], run.outputs["breaking"]) == ("breaking", "failed", "1")
    # The operation is gone from the head: the annotation is on the file, with the base's line in the message.
    assert ("::error file=openapi.yaml,title=OAS101 operation-removed (breaking)::GET /teams: operation removed "
            "(was line 9 at the base)%0Afix: ") in run.stdout
    assert run.summary.startswith("## ❌ classify: **breaking** — failed")


def test_violating_pull_request(project: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = project
    repo.commit("edit applied", **{"migrations/versions/0001_init.py": MIGRATION.replace("nullable=True", "nullable=False")})
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base))
    assert run.code == 1
    assert (run.outputs["status"], run.outputs["violations"]) == ("failed", "1")
    assert "::error file=migrations/versions/0001_init.py,title=MIG101 applied-migration-edited (violation)::" in run.stdout
    assert "### Violations" in run.summary


def test_skip_label_reports_without_failing(project: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = project
    repo.commit("code", **{"app/core.py": "def f():\n    return 2\n"})
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base, labels=("classify skip",)),
                     fail_on="non-breaking")
    assert run.code == 0
    assert run.outputs["status"] == "failed"
    assert "failures not enforced: the pull request has the label 'classify skip'" in run.stdout


def test_skip_label_does_not_lift_a_violation(project: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, base = project
    repo.commit("edit applied", **{"migrations/versions/0001_init.py": MIGRATION.replace("nullable=True", "nullable=False")})
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base, labels=("classify skip",)))
    assert run.code == 1
    assert (run.outputs["status"], run.outputs["violations"]) == ("failed", "1")
    assert "classify: the label 'classify skip' does not lift violations: 1 still fail this step" in run.stdout


def test_push_of_a_new_branch_skips_the_all_zero_before(project: tuple[GitRepo, str], runner_temp: Path) -> None:
    repo, _ = project
    repo.commit("docs", **{"docs/a.md": "# A\n"})
    run = run_action(repo, runner_temp, "push", {"before": "0" * 40, "after": repo.git("rev-parse", "HEAD")})
    assert run.code == 0, run.stdout + run.stderr
    report = json.loads(Path(run.outputs["report"]).read_text("utf-8"))
    assert report["base"]["name"] == "main" and report["base"]["how"].startswith("default branch main")


def test_shallow_checkout_is_an_error_with_the_fix(project: tuple[GitRepo, str], runner_temp: Path, tmp_path: Path) -> None:
    origin, base = project
    origin.commit("docs", **{"README.md": "# Service\n\nMore.\n"})
    clone = GitRepo.__new__(GitRepo)
    clone.path = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{origin.path}", str(clone.path)],
                   check=True, env={**os.environ, **GIT_ENV})
    run = run_action(clone, runner_temp, "pull_request", pull_request_event(clone, base))
    assert run.code == 2
    assert run.outputs["status"] == "error" and run.outputs["label"] == "none"
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) == 1 and "shallow clone" in errors[0] and "fetch-depth: 0" in errors[0]


class _FakeGitHub(BaseHTTPRequestHandler):
    comments: list[dict[str, Any]] = []
    requests: list[tuple[str, str, str]] = []

    def _reply(self, payload: Any, status: int = 200) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict[str, Any]:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.requests.append(("GET", self.path, self.headers["Authorization"]))
        self._reply(self.comments)

    def do_POST(self) -> None:  # noqa: N802
        self.requests.append(("POST", self.path, self.headers["Authorization"]))
        self.comments.append({"id": len(self.comments) + 1, "body": self._body()["body"]})
        self._reply(self.comments[-1], 201)

    def do_PATCH(self) -> None:  # noqa: N802
        self.requests.append(("PATCH", self.path, self.headers["Authorization"]))
        comment_id = int(self.path.rsplit("/", 1)[1])
        self.comments[comment_id - 1]["body"] = self._body()["body"]
        self._reply(self.comments[comment_id - 1])

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def fake_github(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    _FakeGitHub.comments, _FakeGitHub.requests = [], []
    server = HTTPServer(("127.0.0.1", 0), _FakeGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setenv("GITHUB_API_URL", url)
    yield url
    server.shutdown()


def test_sticky_comment_is_created_then_updated(project: tuple[GitRepo, str], runner_temp: Path, fake_github: str) -> None:
    repo, base = project
    repo.commit("docs", **{"README.md": "# Service\n\nMore words.\n"})
    for _ in range(2):
        assert run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base), comment="true").code == 0
    assert [method for method, _, _ in _FakeGitHub.requests] == ["GET", "POST", "GET", "PATCH"]
    assert _FakeGitHub.requests[1][1] == "/repos/acme/service/issues/7/comments"
    assert _FakeGitHub.requests[1][2] == "Bearer test-token"
    assert len(_FakeGitHub.comments) == 1 and "classify: **non-breaking**" in _FakeGitHub.comments[0]["body"]


def test_no_comment_on_forks(project: tuple[GitRepo, str], runner_temp: Path, fake_github: str) -> None:
    repo, base = project
    repo.commit("docs", **{"README.md": "# Service\n\nMore words.\n"})
    run = run_action(repo, runner_temp, "pull_request", pull_request_event(repo, base, fork=True), comment="true")
    assert run.code == 0 and _FakeGitHub.requests == []
