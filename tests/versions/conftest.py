"""Helpers for the versions tests: a repository with frozen v1, and classify runs on it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from classifier.cli import main
from tests.run_record import Run as BaseRun

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "service"

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
