"""A changed shared component is reported once, naming how many operations reach it and the first few."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from classifier.check import run_check
from classifier.policy.config import Config
from classifier.sources.directory import DirectorySource

PET = "#/components/schemas/Pet"


def spec(pet_id_type: str, operations: int) -> dict[str, Any]:
    """``operations`` GET operations returning a Pet (half of them through an ``Owner`` wrapper)."""
    ref = {"$ref": PET}
    owner = {"$ref": "#/components/schemas/Owner"}
    paths = {f"/r{index}": {"get": {"responses": ok(owner if index % 2 else ref)}} for index in range(operations)}
    paths["/pets"] = {"post": {"requestBody": {"content": {"application/json": {"schema": ref}}},
                               "responses": {"204": {"description": "ok"}}}}
    return {
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths,
        "components": {"schemas": {
            "Pet": {"type": "object", "properties": {"id": {"type": pet_id_type}}},
            "Owner": {"type": "object", "properties": {"pet": ref}},
        }},
    }


def ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def messages(tmp_path: Path, base: dict[str, Any], head: dict[str, Any]) -> list[tuple[str, str]]:
    for side, document in (("base", base), ("head", head)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "openapi.yaml").write_text(yaml.safe_dump(document), "utf-8")
    report = run_check(DirectorySource(tmp_path / "base", tmp_path / "head"), Config())
    return [(finding.rule, finding.message) for finding in report.findings]


def test_every_operation_reaching_a_changed_component_is_counted(tmp_path: Path) -> None:
    found = messages(tmp_path, spec("integer", 5), spec("string", 5))

    assert found == [
        ("OAS511", "POST /pets request body application/json: property 'id' type changed from integer to string"),
        # Directly and through Owner: five operations, the first three named in comparison order.
        ("OAS511", "GET /r0 response 200 application/json: property 'id' type changed from integer to string "
                   "(shared by 5 operations: GET /r0, GET /r1, GET /r2 and 2 more)"),
    ]


def test_a_component_reached_by_one_operation_names_no_others(tmp_path: Path) -> None:
    found = messages(tmp_path, spec("integer", 1), spec("string", 1))

    assert found == [
        ("OAS511", "POST /pets request body application/json: property 'id' type changed from integer to string"),
        ("OAS511", "GET /r0 response 200 application/json: property 'id' type changed from integer to string"),
    ]
