"""``classify snapshot --check`` on the example service: code that drifts from its snapshots, in every format."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from classifier.commands.snapshot import main
from tests.run_record import Run
from tests.versions.conftest import V1_DRIFT, V1_FIX, add_field_in_code, regenerate_equivalent

NOTE_ADDED = ("GET /proofs/{proof_id} response 200 application/json: property 'note' added "
              "(shared by 2 operations: GET /proofs/{proof_id}, POST /proofs)")


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    capsys.readouterr()
    code = main(["--check", *argv])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def test_a_frozen_model_changed_in_code_is_a_violation_with_the_structural_difference(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_field_in_code(service, "v1")
    run = _check(capsys)
    assert (run.code, run.err) == (1, "")
    assert run.out.splitlines() == [
        "base: snapshots (the snapshot files of v1, v2)",
        "head: proofs_service.app:app (what the app serves, asked in process)",
        "",
        "Violations",
        f"  VER201 frozen-snapshot-drift  snapshots/v1/openapi.json: {V1_DRIFT}",
        f"    {V1_FIX}",
        "",
        "openapi",
        "  snapshots/v1/openapi.json",
        f"    additive      OAS508 response-property-added  {NOTE_ADDED}",
        "",
        "label: additive — 0 breaking, 1 additive, 0 non-breaking, 1 violation; failed (fail_on: breaking): "
        "1 violation blocks",
    ]


def test_the_json_report_names_the_version_the_operation_and_the_fix(
    service: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_field_in_code(service, "v1")
    report = _check(capsys, "--format", "json").report
    assert (report["status"], report["label"], report["counts"]["violations"], report["counts"]["files"]) == (
        "failed", "additive", 1, 2)
    assert report["base"] == {"name": "snapshots", "sha": None, "how": "the snapshot files of v1, v2"}
    assert [(v["rule"], v["path"], v["subject"], v["message"]) for v in report["violations"]] == [
        ("VER201", "snapshots/v1/openapi.json", "v1", V1_DRIFT)]
    assert [(f["rule"], f["path"], f["line"], f["side"], f["label"], f["blocking"]) for f in report["findings"]] == [
        ("OAS508", "snapshots/v1/openapi.json", None, "head", "additive", False)]


def test_every_other_format_carries_the_drift(service: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    add_field_in_code(service, "v1")
    sarif, markdown, junit = tmp_path / "drift.sarif", tmp_path / "drift.md", tmp_path / "drift.xml"
    run = _check(capsys, "--format", "github", "--format", f"sarif:{sarif}", "--format", f"markdown:{markdown}",
                 "--format", f"junit:{junit}")
    assert run.code == 1
    assert run.out.splitlines()[:2] == [
        "::error file=snapshots/v1/openapi.json,title=VER201 frozen-snapshot-drift (violation)::" + V1_DRIFT
        + "%0A" + V1_FIX,
        "::notice file=snapshots/v1/openapi.json,title=OAS508 response-property-added (additive)::" + NOTE_ADDED,
    ]
    results = json.loads(sarif.read_text("utf-8"))["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r["message"]["text"]) for r in results] == [
        ("VER201", "error", V1_DRIFT), ("OAS508", "note", NOTE_ADDED)]
    summary = markdown.read_text("utf-8")
    assert summary.startswith("## ❌ classify: **additive** — failed: 1 violation blocks\n\n"
                              "Base `snapshots` (the snapshot files of v1, v2)")
    assert f"| `VER201` frozen-snapshot-drift | `snapshots/v1/openapi.json` | {V1_DRIFT}<br>{V1_FIX} |" in summary
    assert "VER201" in junit.read_text("utf-8")


def test_an_unfrozen_version_changed_in_code_has_a_stale_snapshot(service: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    add_field_in_code(service, "v2")
    report = _check(capsys, "--format", "json").report
    assert report["status"] == "failed"
    assert [(f["rule"], f["label"], f["severity"], f["blocking"], f["message"]) for f in report["findings"]] == [
        ("OAS508", "additive", "warning", False, NOTE_ADDED),
        ("VER202", "breaking", "error", True,
         (f"v2: snapshots/v2/openapi.json is out of date: OAS508 {NOTE_ADDED}; "
          "write it with classify snapshot --version v2 and commit it")),
    ]
    assert report["violations"] == []


def test_writing_the_stale_snapshot_clears_the_drift(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_field_in_code(service, "v2")
    assert main(["--version", "v2"]) == 0
    assert _check(capsys, "--format", "json").report["status"] == "passed"


def test_a_stale_snapshot_follows_fail_on_and_severity(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_field_in_code(service, "v2")
    assert _check(capsys, "--fail-on", "none", "--format", "json").code == 0
    pyproject = service / "pyproject.toml"
    pyproject.write_text(pyproject.read_text("utf-8").replace(
        "[tool.classifier.api]", "[tool.classifier.severity]\nVER202 = \"warning\"\n\n[tool.classifier.api]"), "utf-8")
    run = _check(capsys, "--format", "json")
    assert run.code == 0
    assert [(f["rule"], f["severity"]) for f in run.report["findings"]] == [("OAS508", "warning"), ("VER202", "warning")]


def test_a_regenerated_equivalent_snapshot_is_no_drift(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for version in ("v1", "v2"):
        regenerate_equivalent(service / "snapshots" / version / "openapi.json")
    run = _check(capsys, "--format", "json")
    assert (run.code, run.report["findings"], run.report["violations"]) == (0, [], [])


def test_documents_from_files_one_per_version(service: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    for version in ("v1", "v2"):
        exported = json.loads((service / "snapshots" / version / "openapi.json").read_text("utf-8"))
        if version == "v2":
            del exported["paths"]["/proofs/{proof_id}/events"]
        (tmp_path / f"openapi-{version}.json").write_text(json.dumps(exported), "utf-8")
    run = _check(capsys, "--from-file", str(tmp_path / "openapi-{version}.json"), "--format", "json")
    assert run.code == 1
    assert run.report["head"] == {"name": str(tmp_path / "openapi-{version}.json"), "sha": None,
                                  "how": "the document given with --from-file"}
    assert next((f["rule"], f["message"]) for f in run.report["findings"]) == (
        "OAS101", "GET /proofs/{proof_id}/events: operation removed")
    assert not [name for name in sys.modules if name.startswith("proofs_service")]  # nothing was imported


def test_an_app_that_fails_to_import_is_one_error_line(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (service / "proofs_service" / "app.py").write_text("import os\n\nDATABASE = os.environ['PROOFS_DATABASE_URL']\n",
                                                      "utf-8")
    assert _check(capsys).error_line == (
        "classify: error: --app proofs_service.app:app: importing proofs_service.app failed (KeyError: "
        "'PROOFS_DATABASE_URL'); fix: the app must import without its server: set the environment it reads at "
        "import and install its dependencies")


def test_report_options_need_check(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--version", "v2", "--format", "json"]) == 2
    assert capsys.readouterr().err == (
        "classify: error: --format and --fail-on go with --check; fix: add --check, or drop them to write\n")
