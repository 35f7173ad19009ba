"""Bad versions configuration or declaration: one line on stderr, exit 2, never a silent pass."""

from __future__ import annotations

import subprocess
import sys
from typing import Any, Callable

import pytest

from tests.versions.conftest import V1, Run, spec, without_signature

Classify = Callable[..., Run]


@pytest.mark.parametrize(("api", "line"), [
    ('snapshots = "snapshots/"\n',
     "classify: error: pyproject.toml [tool.classifier]: api.snapshots: 'snapshots/' has no {version} placeholder; "
     'fix: write it like "snapshots/{version}/"'),
    ('frozen = ["version-one"]\n',
     "classify: error: pyproject.toml [tool.classifier]: api: 'version-one' is not a version name; "
     "fix: name versions v1, v2, … (a suffix such as v3beta marks a pre-release)"),
    ('frozen_policy = "lenient"\n',
     "classify: error: pyproject.toml [tool.classifier]: api.frozen_policy: 'lenient' is not one of "
     "['strict', 'no-breaking']; fix: see the Configuration section of the README"),
    ('freeze = ["v1"]\n',
     "classify: error: pyproject.toml [tool.classifier]: unknown key 'api.freeze'; "
     "fix: see the Configuration section of the README"),
], ids=["no-placeholder", "bad-version", "bad-policy", "unknown-key"])
def test_bad_configuration(repo: Any, classify: Classify, api: str, line: str) -> None:
    repo.commit("base", **{"pyproject.toml": f"[tool.classifier.api]\n{api}", "snapshots/v1/openapi.json": spec(V1)})
    repo.commit("head", **{"snapshots/v1/openapi.json": spec(without_signature(V1))})
    run = classify(repo.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.out, run.err.splitlines()) == (2, "", [line])


def test_declaration_file_without_the_variable(versioned: Any, classify: Classify) -> None:
    versioned.commit("v2", **{"snapshots/v2/openapi.json": spec(V1), "deploy/release.env": "VERSIONS=v1,v2\n"})
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.out) == (2, "")
    assert run.err.splitlines() == [
        "classify: error: deploy/release.env (head): no RELEASE_SUPPORTED_API_VERSIONS= line declares the supported "
        "API versions; fix: add a line such as RELEASE_SUPPORTED_API_VERSIONS=v1, or set [tool.classifier.api] "
        "supported_versions_variable"
    ]


def test_repositories_without_api_section_never_import_the_policy(repo: Any) -> None:
    repo.commit("base", **{"snapshots/v1/openapi.json": spec(V1)})
    repo.commit("head", **{"snapshots/v1/openapi.json": spec(without_signature(V1))})
    code = (
        "import sys; from classifier.cli import main; "
        f"main(['--repo', {str(repo.path)!r}, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json']); "
        "print('classifier.surfaces.versions' in sys.modules, file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stderr.strip() == "False"
