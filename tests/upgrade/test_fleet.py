"""``fleet check`` against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import time

import jsonschema

from classifier.upgrade.records import schema

from .support import (
    CODE_SHA,
    OTHER_SHA,
    http_server,
    ids,
    json_answer,
    ready_body,
    run_cli,
    silent_server,
)


def fleet(capsys, *argv):
    status, out, err = run_cli(capsys, "fleet", "check", "--timeout", "1", *argv)
    return status, out, err


def test_fleet_mixed_code_sha_is_named_with_every_instance(capsys, tmp_path):
    with contextlib.ExitStack() as stack:
        a, b = (stack.enter_context(http_server(json_answer(200, ready_body()))) for _ in range(2))
        c = stack.enter_context(http_server(json_answer(200, ready_body(code_sha=OTHER_SHA))))
        status, out, _ = fleet(capsys, a, b, c, "--out", str(tmp_path / "fleet.json"))
    record = json.loads((tmp_path / "fleet.json").read_text())
    jsonschema.validate(record, schema("upgrade-fleet.schema.json"))
    assert (status, ids(record)) == (1, ["upgrade.E020"])
    assert record["findings"][0]["message"] == (
        f"Instances disagree on code_sha: {CODE_SHA} on 2 ({a}, {b}); {OTHER_SHA} on 1 ({c})."
    )
    table = out.splitlines()[:4]
    assert table[0].split() == ["INSTANCE", "STATE", "HTTP", "CODE_SHA", "EXPECTED", "HEAD", "DATABASE", "HEADS"]
    assert table[3].split() == [c, "ready", "200", OTHER_SHA[:12], "r2", "r2"]


def test_fleet_not_ready_and_silent_instances_are_reported_per_instance(capsys):
    with contextlib.ExitStack() as stack:
        good = stack.enter_context(http_server(json_answer(200, ready_body())))
        down = stack.enter_context(http_server(json_answer(503, ready_body(ok=False))))
        silent = stack.enter_context(silent_server())
        started = time.monotonic()
        status, out, _ = fleet(capsys, good, down, silent, "--format", "json")
        elapsed = time.monotonic() - started
    record = json.loads(out)
    assert (status, ids(record)) == (1, ["upgrade.E022", "upgrade.E023"])
    assert [(i["url"], i["state"], i["http_status"]) for i in record["instances"]] == [
        (good, "ready", 200),
        (down, "not-ready", 503),
        (silent, "unreachable", None),
    ]
    assert record["instances"][1]["detail"] == "database: failed"
    assert record["instances"][2]["detail"] == "timed out"
    assert elapsed < 2.5  # instances are read concurrently, each within its own timeout


def test_fleet_inconsistent_heads_bad_json_and_refused_connections(capsys, tmp_path):
    with contextlib.ExitStack() as stack:
        a = stack.enter_context(http_server(json_answer(200, ready_body(heads="r2"))))
        b = stack.enter_context(http_server(json_answer(200, ready_body(heads="r3"))))
        garbled = stack.enter_context(http_server(lambda: (200, b"<html>oops</html>")))
        with silent_server() as closed:
            pass  # the port is closed again: connections are refused
        urls = tmp_path / "fleet.txt"
        urls.write_text(f"# production\n{a}\n\n{b}\n{garbled}\n")
        status, out, _ = fleet(capsys, "--file", str(urls), closed, "--format", "json")
    record = json.loads(out)
    assert (status, ids(record)) == (1, ["upgrade.E023", "upgrade.E023", "upgrade.E021", "upgrade.E021"])
    assert [i["url"] for i in record["instances"]] == [closed, a, b, garbled]  # arguments first, then the file
    assert record["instances"][0]["detail"].startswith("ConnectionRefusedError")
    assert record["instances"][3]["state"] == "bad-response"
    assert record["findings"][2]["key"] == "expected_alembic_head"


def test_fleet_agreeing_instances_pass_and_a_wrong_release_is_named(capsys):
    with contextlib.ExitStack() as stack:
        a, b = (stack.enter_context(http_server(json_answer(200, ready_body()))) for _ in range(2))
        assert fleet(capsys, a, b)[0] == 0
        status, out, _ = fleet(capsys, a, b, "--expect-code-sha", OTHER_SHA)
    assert status == 1
    assert out.count("(upgrade.E024)") == 2


def test_fleet_without_urls_is_a_usage_error(capsys):
    status, out, err = fleet(capsys)
    assert (status, out) == (2, "")
    assert err == "classify: error: fleet check: no instance URL given; fix: pass URLs or --file FILE\n"


def test_fleet_error_status_without_json_is_not_ready_not_unreachable(capsys):
    with http_server(lambda: (502, b"<html>Bad Gateway</html>")) as url:
        status, out, _ = fleet(capsys, url, "--format", "json")
    record = json.loads(out)
    assert (status, ids(record)) == (1, ["upgrade.E022"])
    assert record["instances"][0]["detail"] == "HTTP 502 with a body that is not a JSON object"


def test_fleet_unreadable_url_file_is_a_usage_error(capsys, tmp_path):
    status, _, err = fleet(capsys, "--file", str(tmp_path / "missing.txt"))
    assert status == 2
    assert (
        err
        == f"classify: error: --file {tmp_path / 'missing.txt'}: cannot read it: No such file or directory; fix: one URL a line\n"
    )
