"""The upgrade commands through ``classify`` itself: same output, same exit statuses, one-line errors."""

from __future__ import annotations

import json

from classifier.cli import main

from .support import OTHER_SHA, http_server, json_answer, ready_body
from .test_outcomes import EXAMPLE, VERIFIER


def test_front_door_fleet_check(capsys):
    with (
        http_server(json_answer(200, ready_body())) as a,
        http_server(json_answer(200, ready_body(code_sha=OTHER_SHA))) as b,
    ):
        status = main(["fleet", "check", a, b, "--timeout", "2", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert (status, [f["id"] for f in out["findings"]]) == (1, ["upgrade.E020"])


def test_front_door_outcomes_record(capsys, tmp_path):
    argv = ["outcomes", "record", "--verifier", VERIFIER, "--path", str(EXAMPLE), "--corpus", str(EXAMPLE / "corpus")]
    assert main([*argv, "--out", str(tmp_path / "o.json")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Verification outcomes identified 0 issues; passed."


def test_front_door_usage_error_is_one_line(capsys, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["migrations", "preflight", "--script-location", "."]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        "classify: error: no database URL; fix: pass --database-url URL or set DATABASE_URL\n",
    )


def test_front_door_rollback_check_outside_a_repository(capsys, tmp_path):
    assert main(["migrations", "rollback-check", "--to", "v1", "--repo", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"classify: error: {tmp_path}: not a git repository; fix: ")
