"""``classify snapshot`` against the example app: write, check, refuse."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from classifier import cli
from classifier.commands.snapshot import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], list[str]]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


def test_check_passes_when_every_snapshot_matches_the_app(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "--check") == (0, [
        "base: snapshots (the snapshot files of v1, v2)",
        "head: proofs_service.app:app (what the app serves, asked in process)",
        "",
        "label: none — nothing changed (2 files compared); passed",
    ], [])


def test_check_reports_a_frozen_snapshot_edited_away_from_the_app(service: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = service / "snapshots/v1/openapi.json"
    document = json.loads(path.read_text("utf-8"))
    document["info"]["title"] = "Renamed"
    path.write_text(json.dumps(document), "utf-8")
    code, out, err = _run(capsys, "--check", "--version", "v1")
    assert (code, err) == (1, [])
    assert out[3:5] == ["Violations", "  VER201 frozen-snapshot-drift  snapshots/v1/openapi.json: frozen v1: the app no "
                        "longer serves snapshots/v1/openapi.json: the documents differ only in values no OpenAPI rule "
                        "compares (descriptions, titles, examples …); v1 never changes: change its code back until "
                        "the app serves snapshots/v1/openapi.json again, and make the change in v2 (then classify "
                        "snapshot --version v2)"]


def test_check_reports_a_missing_snapshot(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(service / "snapshots/v2")
    code, out, err = _run(capsys, "--check", "--version", "v2")
    assert (code, err) == (1, [])
    assert "    breaking      VER202 snapshot-drift  v2: snapshots/v2/openapi.json is out of date: the file does not " \
           "exist, the app serves the version; write it with classify snapshot --version v2 and commit it [blocks]" in out


def test_write_is_canonical_and_idempotent(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = service / "snapshots/v2/openapi.json"
    path.write_text(json.dumps(json.loads(path.read_text("utf-8"))), "utf-8")  # one line, as another tool might
    assert _run(capsys, "--version", "v2") == (0, ["snapshots/v2/openapi.json: written (3 paths)"], [])
    text = path.read_text("utf-8")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert _run(capsys, "--version", "v2") == (0, ["snapshots/v2/openapi.json: unchanged"], [])


def test_write_from_file(service: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "v3.yaml"
    source.write_text("openapi: 3.1.0\ninfo: {title: Proofs, version: '3'}\npaths: {}\n", "utf-8")
    assert _run(capsys, "--from-file", str(source), "--version", "v3") == (
        0, ["snapshots/v3/openapi.json: written (0 paths)"], [])
    assert json.loads((service / "snapshots/v3/openapi.json").read_text("utf-8"))["info"]["version"] == "3"


def test_a_frozen_snapshot_is_never_overwritten(service: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "other.json"
    source.write_text('{"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}}', "utf-8")
    before = (service / "snapshots/v1/openapi.json").read_bytes()
    assert _run(capsys, "--from-file", str(source), "--version", "v1") == (2, [], [
        "classify: error: v1 is frozen and the app now serves something else than snapshots/v1/openapi.json; "
        "not overwritten; fix: deliver the change as a new version (--version with the next number)"])
    assert (service / "snapshots/v1/openapi.json").read_bytes() == before


@pytest.mark.parametrize(("argv", "line"), [
    ([], "classify: error: which version to write?; fix: add --version, e.g. --version v2"),
    (["--version", "two"], "classify: error: --version 'two' is not a version name; fix: name versions v1, v2, …"),
    (["--app", "nowhere.module:app", "--version", "v2"],
     "classify: error: --app nowhere.module:app: cannot import nowhere.module (No module named 'nowhere'); "
     "fix: run from the project folder or install the project"),
    (["--app", "proofs_service.app:missing", "--version", "v2"],
     "classify: error: --app proofs_service.app:missing: proofs_service.app has no attribute missing; "
     "fix: name the ASGI application object, e.g. module:app"),
    (["--app", "proofs_service.app:app", "--version", "v9", "--check"],
     "classify: error: the app answered 404 at /v9/openapi.json; fix: set [tool.classifier.api] openapi_url to "
     "where the app serves the version's document"),
], ids=["no-version", "bad-version", "no-module", "no-attribute", "not-served"])
def test_usage_errors(service: Path, capsys: pytest.CaptureFixture[str], argv: list[str], line: str) -> None:
    assert _run(capsys, *argv) == (2, [], [line])


def test_through_the_classify_command(service: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli.main(["snapshot", "--check", "--version", "v1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "passed"
    assert cli.main(["snapshot"]) == 2
    assert capsys.readouterr().err == "classify: error: which version to write?; fix: add --version, e.g. --version v2\n"
