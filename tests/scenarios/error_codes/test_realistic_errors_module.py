"""A realistic error module in a real repository, judged end to end through the CLI."""

from __future__ import annotations

import json

import pytest
from erc_scenario_module import CODES, render

from classifier.cli import main

CONFIG = '[tool.classifier.error_codes]\ntables = ["app/errors.py"]\n'


def _edited() -> list[tuple[str, int, str]]:
    codes = list(CODES)
    codes[1] = ("PROOF_EXPIRED", 404, "Proof has expired")  # status 410 -> 404
    codes[17] = ("RATE_LIMITED", 429, "Too many requests, slow down")  # reworded
    codes.append(("EXPORT_EXPIRED", 410, "Export link expired"))  # new code
    return codes


def test_scenario_three_changes_give_exactly_three_findings(repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(CODES) >= 40
    repo.commit("base", **{"pyproject.toml": CONFIG, "app__errors.py": render(CODES)})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("edit", **{"app__errors.py": render(_edited())})

    code = main(["check", "--repo", str(repo.path), "--base", "main", "--head", "feature", "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    found = [(f["rule"], f["label"], f["line"], f["message"]) for f in report["findings"]]
    assert found == [
        ("ERC106", "additive", 49, "error code EXPORT_EXPIRED added to ErrorCode"),
        ("ERC103", "breaking", 54, "error code PROOF_EXPIRED HTTP status changed: 410 → 404"),
        ("ERC107", "non-breaking", 116, 'error code RATE_LIMITED message reworded: "Too many requests" → "Too many requests, slow down"'),
    ]
    head_lines = render(_edited()).splitlines()
    assert [head_lines[line - 1].strip()[:30] for _, _, line, _ in found] == [
        'EXPORT_EXPIRED = "export_expir',
        "ErrorCode.PROOF_EXPIRED: 404,",
        'ErrorCode.RATE_LIMITED: "Too m',
    ]
    assert code == 1  # the status change is breaking


def test_scenario_unchanged_table_reformatted_is_quiet(repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("base", **{"pyproject.toml": CONFIG, "app__errors.py": render(CODES)})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("edit", **{"app__errors.py": "# Keep in sync with docs/errors.md\n" + render(CODES)})

    code = main(["check", "--repo", str(repo.path), "--base", "main", "--head", "feature", "--format", "json"])

    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert code == 0


def test_scenario_status_changed_only_on_a_base_exception_class(repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The status dict still says 404, but the classes raised for two codes now answer 400."""
    base = render(CODES)
    repo.commit("base", **{"pyproject.toml": CONFIG, "app__errors.py": base})
    repo.git("checkout", "-q", "-b", "feature")
    head = base.replace("class NotFoundError(AppError):\n    status_code = 404", "class NotFoundError(AppError):\n    status_code = 400")
    repo.commit("edit", **{"app__errors.py": head})

    code = main(["check", "--repo", str(repo.path), "--base", "main", "--head", "feature", "--format", "json"])

    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["line"], f["message"]) for f in findings] == [
        ("ERC103", 149, "error code NotFoundError HTTP status changed: 404 → 400"),
        ("ERC103", 149, "error code PROOF_NOT_FOUND HTTP status changed: 404 → 400"),
        ("ERC103", 149, "error code TENANT_NOT_FOUND HTTP status changed: 404 → 400"),
    ]
    assert head.splitlines()[148] == "    status_code = 400"
    assert code == 1
