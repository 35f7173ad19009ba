"""No silent pass: whatever stops a comparison ends in exit 2, or in a finding that blocks.

One test per error path. A run that could not compare something must never
print a report whose label is ``none`` or ``non-breaking``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import GitRepo
from tests.hostile.support import Run, classify

SPEC = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
TABLE = 'class ErrorCode:\n    A = "a"\n\n\nSTATUS = {"A": 404}\n'
TABLES = '[tool.classifier.error_codes]\ntables = ["app/errors.py", "app/errors.yaml"]\n'
REVISION = 'revision = "{0}"\ndown_revision = {1!r}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n'
MIGRATIONS = {"migrations__env.py": "from alembic import context\n",
              "migrations__versions__0001_a.py": REVISION.format("0001", None)}


def assert_not_passed(run: Run, path: str | None = None) -> None:
    """Exit 2 with no report at all, or exit 1 with a blocking finding on ``path``."""
    if run.code == 2:
        assert run.error_line.startswith("classify: error: ") and "fix:" in run.stderr
        assert run.stdout == ""
        return
    assert run.code == 1, (run.code, run.stderr)
    report = run.report
    assert report["label"] not in ("none", "non-breaking") or report["violations"]
    blocking = [f for f in report["findings"] + report["violations"] if f["path"] == path]
    assert blocking and all(f.get("label") not in ("none", "non-breaking") for f in blocking), report


def two_commits(repo: GitRepo, base: dict[str, str | bytes], head: dict[str, str | bytes]) -> None:
    repo.commit("base", **base)
    repo.commit("head", **head)


# -- source and configuration errors ------------------------------------------


def test_unknown_base_revision(repo: GitRepo) -> None:
    repo.commit("base", **{"a.txt": "1"})
    run = classify(repo.path, "--base", "no-such-branch")
    assert_not_passed(run)
    assert "unknown revision 'no-such-branch'" in run.stderr


def test_unrelated_histories(repo: GitRepo) -> None:
    repo.commit("base", **{"a.txt": "1"})
    repo.git("checkout", "-q", "--orphan", "other")
    repo.commit("other", **{"b.txt": "1"})
    run = classify(repo.path, "--base", "main")
    assert_not_passed(run)
    assert "share no history" in run.stderr


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    run = classify(tmp_path / "plain")
    assert_not_passed(run)
    assert "not a git repository" in run.stderr


def test_invalid_configuration(repo: GitRepo) -> None:
    two_commits(repo, {"a.txt": "1"}, {".classifier.toml": "fail_on = 'sometimes'\n", "a.txt": "2"})
    assert_not_passed(classify(repo.path))


def test_configuration_that_is_not_toml(repo: GitRepo) -> None:
    two_commits(repo, {"a.txt": "1"}, {".classifier.toml": "fail_on = [\n", "a.txt": "2"})
    assert_not_passed(classify(repo.path))


def test_python_file_that_cannot_be_decoded(repo: GitRepo) -> None:
    two_commits(repo, {"a.py": "A = 1\n"}, {"a.py": b"# -*- coding: no-such-codec -*-\nA = 2\n"})
    assert_not_passed(classify(repo.path))


# -- OpenAPI ------------------------------------------------------------------


@pytest.mark.parametrize("head", [
    "openapi: 3.1.0\npaths: [unclosed\n",
    "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
    "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
    SPEC.replace("paths: {}", "paths:\n  /a:\n    $ref: 'missing.yaml#/A'"),
    SPEC.replace("paths: {}", "paths:\n  /a:\n    $ref: '#/components/nowhere'"),
    SPEC + "openapi: 3.0.0\n",
    "- a list\n- not a document\n",
], ids=["invalid-yaml", "swagger-2", "unsupported-version", "missing-file", "missing-pointer", "duplicate-key",
        "not-a-mapping"])
def test_openapi_document_that_cannot_be_compared(repo: GitRepo, head: str) -> None:
    two_commits(repo, {"openapi.yaml": SPEC}, {"openapi.yaml": head})
    assert_not_passed(classify(repo.path, "--format", "json"), "openapi.yaml")


def test_openapi_base_side_that_cannot_be_read(repo: GitRepo) -> None:
    two_commits(repo, {"openapi.yaml": "openapi: 3.1.0\npaths: [\n"}, {"openapi.yaml": SPEC})
    assert_not_passed(classify(repo.path, "--format", "json"), "openapi.yaml")


# -- error tables ---------------------------------------------------------------


@pytest.mark.parametrize("path, head", [
    ("app/errors.py", "class ErrorCode(:\n"),
    ("app/errors.yaml", "A: [unclosed\n"),
    ("app/errors.yaml", b"\xff\xfe not text"),
], ids=["python-syntax", "yaml-syntax", "yaml-bytes"])
def test_error_table_that_cannot_be_read(repo: GitRepo, path: str, head: str | bytes) -> None:
    files = {"pyproject.toml": TABLES, "app__errors.py": TABLE, "app__errors.yaml": "A: {status: 404}\n"}
    two_commits(repo, files, {path.replace("/", "__"): head})
    assert_not_passed(classify(repo.path, "--format", "json"), path)


def test_constant_named_in_config_that_exists_nowhere(repo: GitRepo) -> None:
    config = '[tool.classifier.constants]\nnames = ["app/limits.py:MISSING"]\n'
    two_commits(repo, {"pyproject.toml": config, "app__limits.py": "MAX = 1\n"}, {"app__limits.py": "MAX = 2\n"})
    assert_not_passed(classify(repo.path, "--format", "json"), "app/limits.py")


# Each of these used to kill the interpreter (SIGSEGV) inside libcst's native parser: no message, no report.
DEEP_PYTHON = {
    "parentheses": "X = " + "(" * 5000 + ")" * 5000 + "\n",
    "and-chain": "X = " + " and ".join(["a"] * 50_000) + "\n",
    "not-chain": "X = " + "not " * 50_000 + "a\n",
    "syntax-error-then-parentheses": "def (:\nX = " + "(" * 5000 + ")" * 5000 + "\n",
}


@pytest.mark.parametrize("text", DEEP_PYTHON.values(), ids=DEEP_PYTHON.keys())
def test_regression_libcst_deep_nesting_segfault_error_table(repo: GitRepo, text: str) -> None:
    files = {"pyproject.toml": TABLES, "app__errors.py": TABLE, "app__errors.yaml": "A: {status: 404}\n"}
    two_commits(repo, files, {"app__errors.py": TABLE + text})
    assert_not_passed(classify(repo.path, "--format", "json"), "app/errors.py")


@pytest.mark.parametrize("text", DEEP_PYTHON.values(), ids=DEEP_PYTHON.keys())
def test_regression_libcst_deep_nesting_segfault_migration(repo: GitRepo, text: str) -> None:
    two_commits(repo, MIGRATIONS, {"migrations__versions__0002_b.py": REVISION.format("0002", "0001") + text})
    assert_not_passed(classify(repo.path, "--format", "json"), "migrations/versions/0002_b.py")


# -- migrations -------------------------------------------------------------------


@pytest.mark.parametrize("head", [
    'revision = "0002"\ndown_revision = "0001"\ndef upgrade(:\n',
    b'revision = "0002"\ndown_revision = "0001"\nX = "\xff"\n',
    'down_revision = "0001"\n\n\ndef upgrade():\n    pass\n',
], ids=["syntax", "not-utf8", "no-revision-id"])
def test_migration_that_cannot_be_read(repo: GitRepo, head: str | bytes) -> None:
    two_commits(repo, MIGRATIONS, {"migrations__versions__0002_b.py": head})
    assert_not_passed(classify(repo.path, "--format", "json"), "migrations/versions/0002_b.py")


def test_expected_head_file_missing(repo: GitRepo) -> None:
    config = '[tool.classifier.migrations]\nexpected_head_file = "deploy/head.env"\n'
    two_commits(repo, {"pyproject.toml": config, **MIGRATIONS},
                {"migrations__versions__0002_b.py": REVISION.format("0002", "0001")})
    assert_not_passed(classify(repo.path, "--format", "json"))
