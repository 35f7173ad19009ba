"""Hypothesis generators: OpenAPI documents with components and refs, error tables, migration histories."""

from __future__ import annotations

import json
import random
from typing import Any

import yaml
from hypothesis import strategies as st

SCALARS = ("string", "integer", "boolean", "number")
METHODS = ("get", "post", "put", "delete")


@st.composite
def schemas(draw: st.DrawFn, count: int) -> dict[str, Any]:
    """``count`` component schemas; each may point at an earlier one by ``$ref``."""
    out: dict[str, Any] = {}
    for index in range(count):
        properties = {f"f{n}": {"type": draw(st.sampled_from(SCALARS))}
                      for n in range(draw(st.integers(1, 3)))}
        if index and draw(st.booleans()):
            properties["link"] = {"$ref": f"#/components/schemas/S{draw(st.integers(0, index - 1))}"}
        out[f"S{index}"] = {"type": "object", "properties": properties}
    return out


@st.composite
def operation(draw: st.DrawFn, name: str, schema_count: int) -> dict[str, Any]:
    parameters = [
        {"name": f"q{n}", "in": "query", "required": False, "schema": {"type": draw(st.sampled_from(SCALARS))}}
        for n in range(draw(st.integers(0, 2)))
    ]
    target = f"#/components/schemas/S{draw(st.integers(0, schema_count - 1))}"
    response = {"description": "ok", "content": {"application/json": {"schema": {"$ref": target}}}}
    body: dict[str, Any] = {"operationId": name, "responses": {"200": response}}
    if parameters:
        body["parameters"] = parameters
    return body


@st.composite
def openapi_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid OpenAPI 3.0 or 3.1 document with paths, operations, components and refs."""
    schema_count = draw(st.integers(1, 4))
    paths: dict[str, Any] = {}
    for p in range(draw(st.integers(1, 4))):
        methods = draw(st.lists(st.sampled_from(METHODS), min_size=1, max_size=3, unique=True))
        paths[f"/r{p}"] = {m: draw(operation(f"{m}R{p}", schema_count)) for m in methods}
    document: dict[str, Any] = {
        "openapi": draw(st.sampled_from(["3.0.3", "3.1.0"])),
        "info": {"title": "generated", "version": "1"},
        "servers": [{"url": f"https://s{n}.example.invalid"} for n in range(draw(st.integers(1, 2)))],
        "paths": paths,
        "components": {"schemas": draw(schemas(schema_count))},
    }
    return document


def removable(document: dict[str, Any]) -> list[tuple[str, ...]]:
    """What a pure removal may take away: whole operations, optional parameters, servers."""
    places: list[tuple[str, ...]] = [("servers", str(n)) for n in range(len(document["servers"]))]
    for path, item in document["paths"].items():
        for method, body in item.items():
            if len(item) > 1:
                places.append(("operation", path, method))
            places += [("parameter", path, method, str(n)) for n in range(len(body.get("parameters", [])))]
    return places


def without(document: dict[str, Any], place: tuple[str, ...]) -> dict[str, Any]:
    """A copy of ``document`` with the thing at ``place`` removed."""
    copy = json.loads(json.dumps(document))
    if place[0] == "servers" and len(copy["servers"]) > 1:
        del copy["servers"][int(place[1])]
    elif place[0] == "servers":
        del copy["servers"]
    elif place[0] == "operation":
        del copy["paths"][place[1]][place[2]]
    else:
        body = copy["paths"][place[1]][place[2]]
        del body["parameters"][int(place[3])]
        if not body["parameters"]:
            del body["parameters"]
    return copy


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same document with every mapping's keys in another order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [shuffled(item, rng) for item in value]
    return value


def as_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False)


def as_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2)


def split(document: dict[str, Any]) -> dict[str, str]:
    """The document as two files: component schemas moved to ``schemas.yaml``."""
    text = json.dumps(document).replace('"#/components/schemas/', '"schemas.yaml#/')
    moved = json.loads(text)
    parts = moved.pop("components")["schemas"]
    return {"openapi.yaml": as_yaml(moved), "schemas.yaml": as_yaml(parts)}


@st.composite
def error_tables(draw: st.DrawFn) -> dict[str, int]:
    """Error code names and their HTTP statuses."""
    names = draw(st.lists(st.from_regex(r"[A-Z][A-Z_]{0,8}[A-Z]", fullmatch=True), min_size=1, max_size=6,
                          unique=True))
    return {name: draw(st.sampled_from([400, 401, 403, 404, 409, 410, 422, 500])) for name in names}


def error_module(table: dict[str, int]) -> str:
    members = "".join(f'    {name} = "{name.lower()}"\n' for name in table)
    statuses = "".join(f'    "{name}": {status},\n' for name, status in table.items())
    return f"class ErrorCode:\n{members}\n\nSTATUS = {{\n{statuses}}}\n"


ERROR_CONFIG = '[tool.classifier.error_codes]\ntables = ["app/errors.py"]\n'
MIGRATION_ENV = "from alembic import context\n"
OPERATIONS = (
    'op.create_table("t{n}", sa.Column("id", sa.Integer(), primary_key=True))',
    'op.add_column("t0", sa.Column("c{n}", sa.Text(), nullable=True))',
    'op.create_index("ix{n}", "t0", ["id"])',
)


@st.composite
def migration_histories(draw: st.DrawFn) -> dict[str, str]:
    """A linear Alembic history of 1 to 5 revisions, as files."""
    files = {"migrations/env.py": MIGRATION_ENV}
    count = draw(st.integers(1, 5))
    for n in range(count):
        down = f'"{n - 1:04d}"' if n else "None"
        operation_text = draw(st.sampled_from(OPERATIONS)).format(n=n) if n else OPERATIONS[0].format(n=0)
        files[f"migrations/versions/{n:04d}_r.py"] = (
            f'from alembic import op\nimport sqlalchemy as sa\n\nrevision = "{n:04d}"\ndown_revision = {down}\n'
            f"branch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    {operation_text}\n\n\n"
            "def downgrade():\n    pass\n"
        )
    return files
