"""Bad input: each case is one clear line on stderr and exit 2, fast, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from classifier.cli import main

SPEC = "snapshots/v1/openapi.yaml"
GOOD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"


def compare(tmp_path: Path, capsys: pytest.CaptureFixture[str], head: dict[str, str | bytes],
            base: dict[str, str | bytes] | None = None) -> tuple[int, str, str]:
    for side, files in (("base", base or {SPEC: GOOD}), ("head", head)):
        for relative, content in files.items():
            target = tmp_path / side / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, "utf-8")
    started = time.monotonic()
    code = main(["--base-dir", str(tmp_path / "base"), "--head-dir", str(tmp_path / "head"), "--color", "never"])
    assert time.monotonic() - started < 10
    out, err = capsys.readouterr()
    return code, out, err


def error_of(tmp_path: Path, capsys: pytest.CaptureFixture[str], head: dict[str, str | bytes]) -> str:
    code, _, err = compare(tmp_path, capsys, head)
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_malformed_yaml_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(tmp_path, capsys, {SPEC: "openapi: 3.1.0\npaths:\n  /a: [unclosed\n"})
    assert err.startswith(f"classify: error: {SPEC}:4 (head): invalid YAML: ")


def test_malformed_json_names_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(tmp_path, capsys, {"openapi.json": '{\n  "openapi": "3.1.0",\n  "paths": {,}\n}\n'})
    assert err == ("classify: error: openapi.json:3 (head): invalid JSON: Expecting property name enclosed in "
                   "double quotes (column 13); fix: fix the file at that line; `python -m json.tool` or `yamllint` "
                   "show the problem\n")


def test_duplicate_yaml_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(tmp_path, capsys, {SPEC: GOOD + "info: {title: again, version: '2'}\n"})
    assert err.startswith(f"classify: error: {SPEC}:4 (head): duplicate key 'info' (first at line 2)")


def test_duplicate_json_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '{\n  "openapi": "3.1.0",\n  "paths": {\n    "/a": {},\n    "/a": {}\n  }\n}\n'
    err = error_of(tmp_path, capsys, {"openapi.json": text})
    assert err.startswith("classify: error: openapi.json:5 (head): duplicate key '/a'")


def test_billion_laughs_is_refused_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["openapi: 3.1.0", "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"x{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 10)]
    err = error_of(tmp_path, capsys, {SPEC: "\n".join(lines) + "\npaths: {}\n"})
    assert "YAML aliases expand to more than" in err and "alias bomb" in err


def test_recursive_alias(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(tmp_path, capsys, {SPEC: "openapi: 3.1.0\nloop: &a\n  again: *a\npaths: {}\n"})
    assert err.startswith(f"classify: error: {SPEC}:2 (head): recursive YAML alias")


def test_deep_yaml_nesting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(tmp_path, capsys, {SPEC: "openapi: 3.1.0\ndeep: " + "[" * 300 + "]" * 300 + "\npaths: {}\n"})
    assert "nested deeper than 200 levels" in err


def test_deep_json_nesting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = '{"openapi": "3.1.0", "deep": ' + "[" * 100_000 + "]" * 100_000 + ', "paths": {}}'
    err = error_of(tmp_path, capsys, {"openapi.json": text})
    assert "nested too deeply" in err


def test_binary_content(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(tmp_path, capsys, {SPEC: b"\x89PNG\r\n\x1a\n\x00\x00"})
    assert err.startswith(f"classify: error: {SPEC} (head): binary content where an OpenAPI document was expected")


def test_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(tmp_path, capsys, {SPEC: b"openapi: 3.1.0\ntitle: caf\xe9\n"})
    assert err.startswith(f"classify: error: {SPEC} (head): not valid UTF-8 at byte 25")


def test_fifty_megabytes_is_refused_before_parsing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = GOOD + "x-padding: '" + "a" * 50_000_000 + "'\n"
    err = error_of(tmp_path, capsys, {SPEC: big})
    assert "50.0 MB is over the 20 MB limit" in err and "max_file_mb" in err


def test_swagger_2_is_not_supported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(tmp_path, capsys, {SPEC: "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"})
    assert err == (f"classify: error: {SPEC}:1 (head): Swagger 2.0 is not supported; fix: convert the spec to "
                   "OpenAPI 3 (e.g. with swagger2openapi) or exclude it\n")


def _ref_spec(ref: str) -> str:
    return (GOOD.replace("paths: {}\n", "") + "paths:\n  /a:\n    get:\n      responses:\n        '200':\n"
            f"          description: ok\n          content:\n            application/json:\n"
            f"              schema: {{$ref: '{ref}'}}\n")


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("../../../etc/passwd", "$ref '../../../etc/passwd' points outside the repository"),
        # From snapshots/v1/ this stays inside the repository: read there, never from the host.
        ("../../etc/passwd", "$ref target file etc/passwd does not exist at this revision"),
        ("/etc/passwd", "$ref '/etc/passwd' points outside the repository"),
        ("https://example.com/schemas.yaml#/Pet", "remote $ref 'https://example.com/schemas.yaml#/Pet' refused"),
        ("file:///etc/passwd", "remote $ref 'file:///etc/passwd' refused"),
        ("missing.yaml#/Pet", "$ref target file snapshots/v1/missing.yaml does not exist at this revision"),
        ("#/components/schemas/Nope", "$ref '#/components/schemas/Nope' does not resolve in snapshots/v1/openapi.yaml"),
    ],
)
def test_bad_refs(tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str, message: str) -> None:
    base = _ref_spec("#/components/schemas/Pet") + "components:\n  schemas:\n    Pet: {type: object}\n"
    code, _, err = compare(tmp_path, capsys, {SPEC: _ref_spec(ref)}, base={SPEC: base})
    assert code == 2
    assert err.startswith(f"classify: error: {SPEC}:11 (head): {message}")  # the line of the $ref


def test_ref_chain_that_loops_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = _ref_spec("#/components/schemas/A") + (
        "components:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n")
    base = _ref_spec("#/components/schemas/A") + "components:\n  schemas:\n    A: {type: object}\n"
    code, _, err = compare(tmp_path, capsys, {SPEC: head}, base={SPEC: base})
    assert code == 2 and "circular $ref chain that never reaches a value" in err


def test_recursive_schema_is_compared_not_looped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def spec(extra: str) -> str:
        return _ref_spec("#/components/schemas/Node") + (
            "components:\n  schemas:\n    Node:\n      type: object\n      properties:\n"
            f"        child: {{$ref: '#/components/schemas/Node'}}\n{extra}")
    code, out, _ = compare(tmp_path, capsys, {SPEC: spec("        name: {type: string}\n")}, base={SPEC: spec("")})
    assert code == 0
    assert "OAS508 response-property-added  line 18: GET /a response 200 application/json: property 'Node.name' added" in out


def test_a_bool_tag_on_a_word_yaml_cannot_read_stays_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = compare(tmp_path, capsys, {SPEC: GOOD + "x-flag: !!bool maybe\n"})
    assert code == 0 and "Traceback" not in err
    assert "OAS107 spec-edited-without-contract-change" in out


def test_keys_of_the_mapping_override_merged_keys_wherever_the_merge_stands(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def spec(schema: str) -> str:
        return _ref_spec("#/components/schemas/Pet") + (
            "components:\n  schemas:\n    Base: &base {type: object, required: [id]}\n"
            f"    Pet:\n{schema}")
    explicit = "      type: object\n      required: [id, name]\n"
    merged_first = "      <<: *base\n      required: [id, name]\n"
    code, out, err = compare(tmp_path, capsys, {SPEC: spec(merged_first)}, base={SPEC: spec(explicit)})
    assert code == 0, err
    assert "OAS107 spec-edited-without-contract-change" in out


def test_a_collection_tag_on_a_scalar_stays_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def spec(type_value: str) -> str:
        return _ref_spec("#/components/schemas/Pet") + f"components:\n  schemas:\n    Pet: {{type: {type_value}}}\n"

    code, out, err = compare(tmp_path, capsys, {SPEC: spec("!!map string")}, base={SPEC: spec("string")})
    assert code == 0, err
    assert "OAS107 spec-edited-without-contract-change" in out and "generator" not in out
