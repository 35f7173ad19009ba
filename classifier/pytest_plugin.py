"""Frozen contract tests for pytest: the live app's OpenAPI equals its committed snapshot.

Enabled with ``pytest -p classifier.pytest_plugin`` or, once classify is
installed, automatically through its ``pytest11`` entry point. A frozen
contract test is one line::

    def test_v1_is_frozen(frozen_contract):
        frozen_contract("v1")

The project (its ``[tool.classifier.api]`` section) is found by walking up
from the test file. The app comes from ``api.app``, or from a
``classify_app`` fixture the suite overrides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest


def find_project(start: Path) -> Path:
    """The nearest folder at or above ``start`` with a classify configuration."""
    for folder in (start, *start.parents):
        if (folder / ".classifier.toml").is_file():
            return folder
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.classifier" in pyproject.read_text("utf-8"):
            return folder
    raise pytest.UsageError(f"no .classifier.toml or [tool.classifier] above {start}")


@pytest.fixture
def classify_project(request: pytest.FixtureRequest) -> Path:
    """The folder of the project under test (override to point elsewhere)."""
    return find_project(Path(str(request.path)).parent)


@pytest.fixture
def classify_app(classify_project: Path) -> Any:
    """The ASGI app named by ``[tool.classifier.api] app`` (override to build it yourself)."""
    from classifier.surfaces.versions.app import load_app

    api = _api(classify_project)
    if api.app is None:
        raise pytest.UsageError("set [tool.classifier.api] app = 'module:app' or override the classify_app fixture")
    return load_app(api.app, classify_project)


@pytest.fixture
def frozen_contract(classify_project: Path, classify_app: Any) -> Callable[[str], None]:
    """A function asserting that the app serves exactly the committed snapshot of a version."""

    def check(version: str) -> None:
        assert_matches_snapshot(classify_app, version, classify_project)

    return check


def assert_matches_snapshot(app: Any, version: str, project: Path) -> None:
    """Fail the test when ``app``'s document for ``version`` differs from its snapshot.

    The message lists the differences as the OpenAPI rules name them (what
    ``classify snapshot --check`` reports), then the text diff of the two documents.
    """
    from classifier.surfaces.versions.app import read_document, readable_diff, served_document
    from classifier.surfaces.versions.snapshot import snapshot_file

    config = _config(project)
    api = _api(project)
    target = snapshot_file(project, api, version)
    shown = target.relative_to(project).as_posix()
    if not target.is_file():
        pytest.fail(f"{shown} does not exist: write it with `classify snapshot --version {version}`", pytrace=False)
    served = served_document(app, api.openapi_url.replace("{version}", version))
    committed = read_document(target)
    if committed != served:
        differences = "".join(f"  {line}\n" for line in structural_differences(project, config, version, served))
        diff = readable_diff(committed, served, shown, f"app {version}")
        pytest.fail(f"the app no longer serves the frozen {version} contract of {shown}:\n{differences}{diff}",
                    pytrace=False)


def structural_differences(project: Path, config: Any, version: str, served: Any) -> list[str]:
    """Each OpenAPI finding between the snapshot of ``version`` and ``served``, as ``RULE message``."""
    from classifier.surfaces.versions.drift import served_differences

    return [f"{finding.rule} {finding.message}" for finding in served_differences(project, config, version, served)]


def _config(project: Path) -> Any:
    from classifier.policy.config import load_config

    return load_config(project)


def _api(project: Path) -> Any:
    from classifier.surfaces.versions.config import parse_api_config

    config = _config(project)
    return parse_api_config(config.table, config.origin)
