"""Helpers for the versions tests: a repository with frozen v1, and classify runs on it."""

from __future__ import annotations

import copy
import json
import shutil
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from classifier.cli import main
from tests.run_record import Run as BaseRun

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "service"
# What the snapshot check says when a field is added to the frozen v1 model in code.
V1_DRIFT = (
    "frozen v1: the app no longer serves snapshots/v1/openapi.json: OAS508 GET /proofs/{proof_id} response 200 "
    "application/json: property 'note' added (shared by 2 operations: GET /proofs/{proof_id}, POST /proofs); v1 "
    "never changes: change its code back until the app serves snapshots/v1/openapi.json again, and make the change "
    "in v2 (then classify snapshot --version v2)"
)
V1_FIX = ("fix: Change the frozen version's code back until `classify snapshot --check` passes, then ship the change "
          "where change is allowed: in a later version that is not frozen (its code, then `classify snapshot --version "
          "v2`), or as a new version (serve it, `classify snapshot --version v3`, a contract test, and the version "
          "listed as supported). (classify explain VER201)")

CONFIG = """\
[tool.classifier.api]
frozen = ["v1"]
supported_versions_file = "deploy/release.env"
"""

V1: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Proofs", "version": "1"},
    "paths": {
        "/proofs/{id}": {
            "get": {
                "operationId": "getProof",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "A proof", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Proof"}}}}},
            }
        }
    },
    "components": {"schemas": {"Proof": {
        "type": "object", "required": ["id", "signature"],
        "properties": {"id": {"type": "string"}, "signature": {"type": "string"}},
    }}},
}
CONTRACT_TEST = 'def test_{version}(frozen_contract):\n    frozen_contract("{version}")\n'


def spec(doc: dict[str, Any], indent: int = 2, sort_keys: bool = False) -> str:
    return json.dumps(doc, indent=indent, sort_keys=sort_keys) + "\n"


def without_signature(doc: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    schema = changed["components"]["schemas"]["Proof"]
    del schema["properties"]["signature"]
    schema["required"] = ["id"]
    return changed


def with_list_endpoint(doc: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    changed["paths"]["/proofs"] = {"get": {"operationId": "listProofs", "responses": {"200": {"description": "ok"}}}}
    return changed


def declaration(versions: str) -> str:
    return f"RELEASE_SUPPORTED_API_VERSIONS={versions}\n"


class Run(BaseRun):
    """One ``classify`` run: exit code, JSON report (when printed) and stderr."""

    def rules(self) -> list[str]:
        return sorted(item["rule"] for item in self.items if item["rule"].startswith("VER"))

    def messages(self, rule: str) -> list[str]:
        return [item["message"] for item in self.items if item["rule"] == rule]


@pytest.fixture
def classify(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def run(path: Path, *argv: str) -> Run:
        capsys.readouterr()
        formats = [] if "--format" in argv else ["--format", "json"]
        code = main(["--repo", str(path), *formats, *argv])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def versioned(repo: Any) -> Any:
    """A repository whose first commit holds a frozen, declared and tested v1."""
    repo.commit(
        "v1",
        **{
            "pyproject.toml": CONFIG,
            "snapshots/v1/openapi.json": spec(V1),
            "deploy/release.env": declaration("v1"),
            "tests/test_contract_v1.py": CONTRACT_TEST.format(version="v1"),
        },
    )
    return repo


def add_field_in_code(service: Path, module: str, line: str = "    note: str | None = None\n") -> None:
    """Add a field to the ``Proof`` response model of ``proofs_service/<module>.py``, after ``created_at``."""
    path = service / "proofs_service" / f"{module}.py"
    text = path.read_text("utf-8")
    anchor = "    created_at: datetime\n"
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, anchor + line), "utf-8")


def regenerate_equivalent(snapshot: Path) -> None:
    """Rewrite a snapshot as another generator might: keys in reverse order, four-space indentation."""
    def reversed_keys(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: reversed_keys(value[key]) for key in reversed(list(value))}
        if isinstance(value, list):
            return [reversed_keys(item) for item in value]
        return value

    document = json.loads(snapshot.read_text("utf-8"))
    snapshot.write_text(json.dumps(reversed_keys(document), indent=4), "utf-8")


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the example service as the current folder; its modules are forgotten afterwards."""
    copy = tmp_path / "service"
    shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    monkeypatch.chdir(copy)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the app's folder is put first on it
    yield copy
    for name in [name for name in sys.modules if name.split(".")[0] == "proofs_service"]:
        del sys.modules[name]
