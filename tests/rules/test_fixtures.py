"""One runner for every rule fixture: ``fixtures/<ID>/<fires_*|quiet_*>/``.

Each case holds ``base/`` and ``head/`` trees (either may be absent: empty),
an optional ``config.toml`` (a ``[tool.classifier]``-style table, applied as
``--config`` would be; without it the policy committed in ``base/`` applies and
the one in ``head/`` is its proposed change) and
``expected.json``: ``{"select": [...], "findings": [...]}``. A case with a
``served/`` tree is a snapshot check instead (``classify snapshot --check``):
``served/<version>/openapi.json`` stands in for what the app serves, and the
snapshots of ``head/`` are checked against it. The exact list of
findings of the selected rules is compared, messages included. Run pytest with
``--update-expected`` to rewrite the files after a deliberate change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from classifier.check import run_check
from classifier.model import Side
from classifier.model import Report
from classifier.policy.config import Config, load_committed_config, parse_config
from classifier.sources.directory import DirectorySource

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in FIXTURES.glob("*/*") if p.is_dir())


def run_case(case: Path, tmp_path: Path, select: list[str]) -> list[dict[str, object]]:
    base = case / "base" if (case / "base").is_dir() else tmp_path / "empty-base"
    head = case / "head" if (case / "head").is_dir() else tmp_path / "empty-head"
    base.mkdir(exist_ok=True)
    head.mkdir(exist_ok=True)
    source = DirectorySource(base, head)
    config, proposed = _config(case, source)
    if (case / "served").is_dir():
        report = _snapshot_check(case, head, config)
    else:
        report = run_check(source, config, proposed)
    items = [*report.findings, *report.violations]
    return [
        {
            "rule": item.rule,
            "path": item.path,
            "line": item.line,
            "label": getattr(item, "label").value if hasattr(item, "label") else "violation",
            "message": item.message,
        }
        for item in items
        if any(item.rule.startswith(prefix) for prefix in select)
    ]


def _snapshot_check(case: Path, head: Path, config: Config) -> Report:
    from classifier.surfaces.versions.drift import snapshot_drift
    from classifier.surfaces.versions.snapshot import ServedDocuments, api_of, versions_to_check

    api = api_of(config)
    served = ServedDocuments(head, api, from_file=case / "served" / "{version}" / "openapi.json")
    return snapshot_drift(head, config, served, versions_to_check(None, head, api))


def _config(case: Path, source: DirectorySource) -> tuple[Config, Config | None]:
    path = case / "config.toml"
    if not path.is_file():
        return load_committed_config(source, Side.BASE), load_committed_config(source, Side.HEAD)
    return parse_config(tomllib.loads(path.read_text("utf-8")), origin=str(path)), None


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_rule_fixture(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    expected_file = case / "expected.json"
    expected = json.loads(expected_file.read_text("utf-8")) if expected_file.is_file() else {}
    select = expected.get("select", [case.parent.name])
    actual = run_case(case, tmp_path, select)
    if request.config.getoption("--update-expected"):
        expected_file.write_text(json.dumps({"select": select, "findings": actual}, indent=2) + "\n", "utf-8")
        return
    assert expected_file.is_file(), f"{case} has no expected.json; run pytest --update-expected and review it"
    assert actual == expected["findings"]
    if case.name.startswith("fires_"):
        assert actual, f"{case.name} must fire"
    else:
        assert case.name.startswith("quiet_"), f"{case.name}: case folders are named fires_* or quiet_*"
        assert not actual, f"{case.name} must stay quiet"
