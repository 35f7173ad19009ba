"""Line numbers of elements, in YAML and JSON alike (pretty-printed, compact, odd layouts)."""

from __future__ import annotations

import json

import pytest

from classifier.model import Side
from classifier.surfaces.openapi.json_lines import JsonIndex
from classifier.surfaces.openapi.load import parse_document

SPEC = {
    "openapi": "3.1.0",
    "paths": {
        "/a": {"get": {"parameters": [{"name": "x", "in": "query"}, {"name": "y", "in": "query"}],
                       "responses": {"200": {"description": "ok"}}}},
        "/b~c/{id}": {"post": {"responses": {}}},
    },
    "components": {"schemas": {"Pet": {"properties": {"get": {"type": "string"}, "name": {"enum": ["a", "b"]}}}}},
}
POINTERS = [
    ("paths",), ("paths", "/a", "get"), ("paths", "/a", "get", "parameters", "1"),
    ("paths", "/a", "get", "parameters", "1", "in"), ("paths", "/a", "get", "responses", "200"),
    ("paths", "/b~c/{id}", "post"), ("components", "schemas", "Pet", "properties", "name"),
    ("components", "schemas", "Pet", "properties", "get"), ("components", "schemas", "Pet", "missing"),
]


def expected_lines(text: str) -> dict[tuple[str, ...], int]:
    """The slow, obviously right answer: index every object with the C scanner."""
    index = JsonIndex(text)
    return {pointer: index.line(pointer) for pointer in POINTERS}  # type: ignore[misc]


@pytest.mark.parametrize("indent", [2, 4, None])
def test_json_lines_match_the_scanner(indent: int | None) -> None:
    text = json.dumps(SPEC, indent=indent)
    document = parse_document(text.encode(), "openapi.json", Side.HEAD, 10**6)
    assert {p: document.line(p) for p in POINTERS} == expected_lines(text)


def test_pretty_json_lines_are_the_key_lines() -> None:
    document = parse_document(json.dumps(SPEC, indent=2).encode(), "openapi.json", Side.HEAD, 10**6)
    assert document.line(("paths", "/a", "get", "parameters", "1")) == 11
    assert document.line(("components", "schemas", "Pet", "properties", "get")) == 33


def test_yaml_lines() -> None:
    text = (
        "openapi: 3.1.0\n"
        "paths:\n"
        "  /a:\n"
        "    get:\n"
        "      parameters:\n"
        "      - name: x\n"
        "        in: query\n"
        "      - {name: y, in: query}\n"
        "      responses:\n"
        "        200: {description: ok}\n"
    )
    document = parse_document(text.encode(), "openapi.yaml", Side.HEAD, 10**6)
    assert document.line(("paths", "/a", "get")) == 4
    assert document.line(("paths", "/a", "get", "parameters", "1")) == 8
    assert document.line(("paths", "/a", "get", "parameters", "0", "in")) == 7
    assert document.line(("paths", "/a", "get", "responses", "200")) == 10
    assert document.data["paths"]["/a"]["get"]["responses"] == {"200": {"description": "ok"}}


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_pretty_json_lines_do_not_depend_on_the_order_asked(order: str) -> None:
    """Lines are counted from known neighbours above or below, and keys found from earlier siblings."""
    spec = dict(SPEC, paths={**SPEC["paths"], "/ünïcode/é": {"get": {"responses": {}}}})
    text = json.dumps(spec, indent=2, ensure_ascii=False)
    pointers = [*POINTERS, ("paths", "/ünïcode/é", "get")]
    truth = JsonIndex(text)
    expected = {pointer: truth.line(pointer) for pointer in pointers}
    document = parse_document(text.encode(), "openapi.json", Side.HEAD, 10**6)
    asked = pointers if order == "forward" else pointers[::-1]
    assert {pointer: document.line(pointer) for pointer in asked} == expected
    assert expected[("paths", "/ünïcode/é", "get")] == text.splitlines().index('    "/ünïcode/é": {') + 2
