"""Hostile OpenAPI specs in real repositories: every one is refused with one clear line, in bounds."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GitRepo
from tests.hostile.support import classify

SPEC = "openapi.yaml"
GOOD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
GOOD_JSON = '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}\n'


def spec_with_ref(target: str) -> str:
    return GOOD.replace("paths: {}", f"paths:\n  /pets:\n    $ref: '{target}'")


@pytest.fixture
def trap(tmp_path: Path) -> Path:
    """A FIFO outside the repository: opening it for reading blocks until the test times out."""
    fifo = tmp_path / "outside" / "secret.yaml"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    return fifo


def changed_spec(repo: GitRepo, head: str | bytes, path: str = SPEC) -> None:
    repo.commit("base", **{path.replace("/", "__"): GOOD_JSON if path.endswith(".json") else GOOD})
    repo.commit("head", **{path.replace("/", "__"): head})


@pytest.mark.parametrize("target", ["{trap}", "{trap}#/Pets", "../outside/secret.yaml", "../../../../../../{trap}"])
def test_ref_leaving_the_repository_is_refused_unread(repo: GitRepo, trap: Path, target: str) -> None:
    changed_spec(repo, spec_with_ref(target.format(trap=trap)))

    line = classify(repo.path).error_line

    assert line.startswith(f"classify: error: {SPEC}:") and "fix:" in line
    assert "outside the repository" in line or "absolute" in line


@pytest.mark.parametrize("target", ["https://example.invalid/pets.yaml", "file:///etc/passwd", "//host/x.yaml"])
def test_remote_ref_is_refused(repo: GitRepo, target: str) -> None:
    changed_spec(repo, spec_with_ref(target))

    line = classify(repo.path).error_line

    assert line.startswith(f"classify: error: {SPEC}:") and "fix:" in line


def test_ref_through_a_symlink_to_outside_is_refused_unread(repo: GitRepo, trap: Path) -> None:
    (repo.path / "parts").symlink_to(trap.parent)
    (repo.path / "pets.yaml").symlink_to(trap)
    repo.commit("base", **{SPEC: GOOD})
    repo.commit("head", **{SPEC: spec_with_ref("parts/secret.yaml")})

    line = classify(repo.path).error_line

    assert line.startswith(f"classify: error: {SPEC}:") and "fix:" in line


def test_spec_that_is_a_symlink_outside_is_not_followed(repo: GitRepo, trap: Path) -> None:
    repo.commit("base", **{SPEC: GOOD})
    (repo.path / SPEC).unlink()
    (repo.path / SPEC).symlink_to(trap)
    repo.commit("head")

    run = classify(repo.path, "--format", "json")

    # A link is not a document: the spec is gone, and that is breaking.
    assert run.code == 1, run.stderr
    assert [(f["rule"], f["label"]) for f in run.report["findings"]] == [("OAS105", "breaking")]


def test_alias_bomb(repo: GitRepo) -> None:
    lines = ["openapi: 3.1.0", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 12)]
    changed_spec(repo, "\n".join(lines) + "\npaths: {}\n")

    assert "alias bomb" in classify(repo.path).error_line


@pytest.mark.parametrize("name, text", [
    ("openapi.yaml", "openapi: 3.1.0\npaths: {}\ndeep: " + "[" * 10_000 + "]" * 10_000 + "\n"),
    ("openapi.yaml", "openapi: 3.1.0\npaths: {}\ndeep:\n" + "".join(" " * i + "k:\n" for i in range(1, 3000))),
    ("openapi.json", '{"openapi": "3.1.0", "paths": {}, "deep": ' + "[" * 10_000 + "]" * 10_000 + "}"),
], ids=["yaml-flow", "yaml-block", "json"])
def test_ten_thousand_levels_of_nesting(repo: GitRepo, name: str, text: str) -> None:
    changed_spec(repo, text, name)

    line = classify(repo.path).error_line

    assert line.startswith(f"classify: error: {name}") and "nested" in line and "deep" in line


def test_hundred_megabyte_spec_is_refused_before_parsing(repo: GitRepo) -> None:
    filler = "x-filler:\n" + "  - " + "y" * 1000 + "\n"
    changed_spec(repo, GOOD + filler * 100_000)

    line = classify(repo.path).error_line

    assert line.startswith(f"classify: error: {SPEC}") and "max_file_mb" in line


@pytest.mark.parametrize("head, expected", [
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 8, "binary"),
    (GOOD.encode() + b"x-name: caf\xe9\n", "not valid UTF-8"),
    (GOOD.encode() + b"x-name: a\0b\n", "binary"),
], ids=["png", "latin-1", "nul-byte"])
def test_bytes_that_are_not_a_spec(repo: GitRepo, head: bytes, expected: str) -> None:
    changed_spec(repo, head)

    line = classify(repo.path).error_line

    assert line.startswith(f"classify: error: {SPEC}") and expected in line


def composed_spec(leaf_type: str, *, levels: int, width: int, cycle: bool = False, wrap: bool = False) -> str:
    """A response schema whose components each combine the next one ``width`` times: a diamond ``levels`` deep.

    ``cycle`` closes the last component back onto the first; ``wrap`` also wraps every level into a union,
    which asks the comparison whether the old schema lives on as one variant.
    """
    ref = "#/components/schemas/S{}"
    schemas: dict[str, Any] = {}
    for level in range(levels):
        parts = [{"$ref": ref.format(level + 1)}] * width
        schema: dict[str, Any] = {"allOf": parts, "properties": {f"p{level}": {"type": "string"}}}
        schemas[f"S{level}"] = {"oneOf": [schema, {"type": "integer"}]} if wrap else schema
    schemas[f"S{levels}"] = {"type": "object", "properties": {"leaf": {"type": leaf_type}}}
    if cycle:
        schemas[f"S{levels}"]["allOf"] = [{"$ref": ref.format(0)}]
    response = {"description": "ok", "content": {"application/json": {"schema": {"$ref": ref.format(0)}}}}
    paths = {f"/r{n}": {"get": {"responses": {"200": response}}} for n in range(width)}
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths,
                "components": {"schemas": schemas}}
    return json.dumps(document, indent=1)


@pytest.mark.parametrize("levels, width, cycle, wrap", [(12, 10, False, False), (12, 10, True, False),
                                                        (12, 10, False, True), (30, 2, True, True)],
                         ids=["diamond", "diamond-with-cycle", "diamond-of-unions", "deep-cycle-of-unions"])
def test_allof_diamonds_and_cycles_are_compared_once(repo: GitRepo, levels: int, width: int, cycle: bool,
                                                     wrap: bool) -> None:
    repo.commit("base", **{"openapi.json": composed_spec("string", levels=levels, width=width, cycle=cycle, wrap=wrap)})
    repo.commit("head", **{"openapi.json": composed_spec("integer", levels=levels, width=width, cycle=cycle,
                                                         wrap=wrap)})

    run = classify(repo.path, "--format", "json")

    assert run.code == 1, run.stderr
    assert [(f["rule"], f["line"]) for f in run.report["findings"]] == [("OAS511", run.report["findings"][0]["line"])]
    assert "type changed from string to integer" in run.report["findings"][0]["message"]


def test_allof_nested_past_the_budget_is_refused(repo: GitRepo) -> None:
    schemas = {f"S{n}": {"allOf": [{"$ref": f"#/components/schemas/S{n + 1}"}]} for n in range(500)}
    schemas["S500"] = {"type": "string"}
    response = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}}
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                "paths": {"/a": {"get": {"responses": {"200": response}}}}, "components": {"schemas": schemas}}
    repo.commit("base", **{"openapi.json": json.dumps(document)})
    document["components"]["schemas"]["S500"] = {"type": "integer"}
    repo.commit("head", **{"openapi.json": json.dumps(document)})

    line = classify(repo.path).error_line

    assert line.startswith("classify: error: openapi.json:") and "allOf nested deeper than" in line and "fix:" in line


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_json_numbers_that_are_not_numbers_are_refused(repo: GitRepo, literal: str) -> None:
    changed_spec(repo, GOOD_JSON.replace('"paths": {}', f'"paths": {{}},\n "x-limit": {literal}'), "openapi.json")

    line = classify(repo.path).error_line

    assert line.startswith("classify: error: openapi.json:2 (head): ") and literal in line and "fix:" in line


@pytest.mark.parametrize("literal", [".nan", ".inf", "-.Inf"])
def test_yaml_numbers_json_cannot_hold_are_refused(repo: GitRepo, literal: str) -> None:
    changed_spec(repo, GOOD + f"x-limit: {literal}\n")

    line = classify(repo.path).error_line

    assert line.startswith(f"classify: error: {SPEC}:4 (head): ") and literal in line


def test_long_base_sixty_number_is_read_as_text_in_bounds(repo: GitRepo) -> None:
    # PyYAML converts YAML 1.1 base-60 integers in quadratic time; 1.2 reads them as text.
    changed_spec(repo, GOOD + "x-duration: 1" + ":00" * 2_000_000 + "\n")

    run = classify(repo.path, "--format", "json")

    assert run.code == 0, run.stderr
    assert [f["rule"] for f in run.report["findings"]] == ["OAS107"]
