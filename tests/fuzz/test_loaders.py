"""Any bytes, in any file a loader reads, give a result or one clear error, within bounds.

Exit 0 or 1 is a result; exit 2 must be a single ``classify: error:`` line.
Exit 3 (an internal error), a traceback or a crash fails the test.
"""

from __future__ import annotations

import resource

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.properties.generators import ERROR_CONFIG, MIGRATION_ENV
from tests.properties.run import Outcome, compare

MEMORY_LIMIT_BYTES = 1 << 30
SPEC = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
SPEC_JSON = '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}'
REVISION = 'revision = "0001"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n'

# Bytes that look enough like each format for the fuzzer to reach past the first check.
SEEDS = {
    "yaml": [b"openapi: 3.1.0\n", b"paths:\n", b"  /a:\n", b"&a ", b"*a ", b"[", b"]", b"{", b"}", b"$ref: ",
             b"'#/x'", b"\t", b": ", b"- ", b"!!python/object:os.system ", b"\xff", b"\0", b"\n"],
    "json": [b'{"openapi": "3.1.0"', b'"paths": {', b"}", b"[", b"]", b", ", b'"$ref": "#/a"', b"1e999",
             b"NaN", b"\\ud800", b"\xff", b"\n"],
    "python": [b"class ErrorCode:\n", b"    A = 'a'\n", b"STATUS = {", b"'A': 404", b"}", b"(", b")",
               b"def upgrade():\n", b"    op.add_column('t', sa.Column('c'))\n", b"revision = '0002'\n",
               b"down_revision = '0001'\n", b"\t", b"\\", b"\xff", b"\0", b"# -*- coding: latin-1 -*-\n"],
    "toml": [b"[tool.classifier]\n", b"fail_on = ", b"'breaking'", b"exclude = [", b"'**/{a,b}*'", b"]",
             b"[files]\n", b"documentation = ", b"\xff", b"\n", b"= =", b"[[x]]\n"],
}


def fuzzed(kind: str) -> st.SearchStrategy[bytes]:
    pieces = st.one_of(st.sampled_from(SEEDS[kind]), st.binary(max_size=8))
    return st.lists(pieces, max_size=40).map(b"".join)


def assert_bounded_outcome(outcome: Outcome) -> None:
    assert outcome.code in (0, 1, 2), (outcome.code, outcome.stderr)
    assert "Traceback" not in outcome.stderr
    if outcome.code == 2:
        assert outcome.stderr.startswith("classify: error: ") and outcome.stderr.count("\n") == 1, outcome.stderr
        assert outcome.stdout == ""
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < MEMORY_LIMIT_BYTES


@pytest.mark.parametrize("name, base", [("openapi.yaml", SPEC), ("openapi.json", SPEC_JSON)])
@given(data=st.data())
def test_openapi_loader(name: str, base: str, data: st.DataObject) -> None:
    head = data.draw(fuzzed("yaml" if name.endswith("yaml") else "json"))
    assert_bounded_outcome(compare({name: base}, {name: head}))


@given(fuzzed("yaml"))
def test_openapi_referenced_part(part: bytes) -> None:
    spec = SPEC.replace("paths: {}", "paths:\n  /a:\n    $ref: 'part.yaml#/A'")
    assert_bounded_outcome(compare({"openapi.yaml": spec, "part.yaml": "A: {}\n"},
                                   {"openapi.yaml": spec, "part.yaml": part}))


@pytest.mark.parametrize("name, kind", [("app/errors.py", "python"), ("app/errors.yaml", "yaml")])
@given(data=st.data())
def test_error_table_loader(name: str, kind: str, data: st.DataObject) -> None:
    config = ERROR_CONFIG.replace("app/errors.py", name)
    base = {"pyproject.toml": config, name: "class ErrorCode:\n    A = 'a'\n" if kind == "python" else "A: 404\n"}
    assert_bounded_outcome(compare(base, {**base, name: data.draw(fuzzed(kind))}))


@given(fuzzed("python"))
def test_migration_loader(revision: bytes) -> None:
    base = {"migrations/env.py": MIGRATION_ENV, "migrations/versions/0001_a.py": REVISION}
    assert_bounded_outcome(compare(base, {**base, "migrations/versions/0002_b.py": revision}))


@given(fuzzed("toml"))
def test_config_loader(config: bytes) -> None:
    assert_bounded_outcome(compare({"a.txt": "1"}, {"a.txt": "2", ".classifier.toml": config}))


@given(fuzzed("python"))
def test_generic_python_classifier(module: bytes) -> None:
    assert_bounded_outcome(compare({"app.py": "A = 1\n"}, {"app.py": module}))
