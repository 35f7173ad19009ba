"""``classify guard check``: exit codes, formats, config file, and the hooks ``classify`` mounts."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from classifier.commands.guard import configure, main, run

from .guard_support import VALID_ENV, release_env

GUARD_VARIABLES = (*VALID_ENV, "GIT_SHA", "EXPECTED_ALEMBIC_HEAD", "AUTO_CREATE_SCHEMA", "SIGNING_KEY", "DATABASE_URL")


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch):
    """Set the process environment the CLI reads, starting from a clean slate."""

    def apply(env: dict[str, str]) -> dict[str, str]:
        for name in GUARD_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return env

    return apply


def _cli(*args: str, env: dict[str, str], module: str = "classifier.commands.guard") -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in GUARD_VARIABLES}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
    )


def test_cli_module_passes_a_valid_release(tmp_path: Path, alembic_project, db) -> None:
    release = alembic_project()
    release.upgrade(db.engine, "r3")
    url = db.engine.url.render_as_string(hide_password=False)
    env = release_env(EXPECTED_ALEMBIC_HEAD="r3")
    if db.kind == "postgres":
        env["PGOPTIONS"] = f"-csearch_path={db.schema}"  # libpq reads it: the test's private schema
    proc = _cli("check", "--database-url", url, "--script-location", str(release.root), env=env)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.strip() == "Release guard identified 0 issues (0 silenced); startup allowed."


def test_cli_module_refuses_with_every_reason() -> None:
    proc = _cli("check", env=release_env("VERSION_HASH", LOG_LEVEL="DEBUG", AUTO_CREATE_SCHEMA="true"))
    assert proc.returncode == 1
    assert proc.stdout.startswith("ERRORS:\n")
    for rule_id in ("release.E001", "release.E006", "release.E007"):
        assert f"({rule_id})" in proc.stdout
    assert proc.stdout.count("\tHINT: ") == 3
    assert proc.stdout.rstrip().endswith("identified 3 issues (0 silenced); startup refused.")


def test_cli_json_format(environ, capsys: pytest.CaptureFixture[str]) -> None:
    environ(release_env(ENV="staging", SIGNING_MODE="optional", SIGNING_REQUIRED="false"))
    assert main(["check", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "passed" and report["version"] == 1
    assert [finding["id"] for finding in report["findings"]] == ["release.W002"]
    assert set(report["findings"][0]) == {"id", "level", "key", "value", "message", "hint"}
    assert report["artifact"]["signing_mode"] == "optional"


@pytest.mark.parametrize("suffix", [".toml", ".json", "pyproject.toml"])
def test_cli_config_file_formats(suffix: str, tmp_path: Path, environ, capsys: pytest.CaptureFixture[str]) -> None:
    data = {"served_api_versions": ["v1"], "suppress": ["release.E006"]}
    if suffix == ".json":
        path, text = tmp_path / "guard.json", json.dumps(data)
    else:
        toml = 'served_api_versions = ["v1"]\nsuppress = ["release.E006"]\n'
        path = tmp_path / ("pyproject.toml" if suffix == "pyproject.toml" else "guard.toml")
        text = f"[tool.classifier.guard]\n{toml}" if suffix == "pyproject.toml" else toml
    path.write_text(text)
    environ(release_env(LOG_LEVEL="DEBUG"))
    assert main(["check", "--config", str(path)]) == 1
    out = capsys.readouterr().out
    assert "(release.E005)" in out and "release.E006" not in out and "(1 silenced)" in out


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--config", "{tmp}/missing.toml"], None, "cannot read guard config"),
        (["--config", "{tmp}/guard.toml"], 'served_versions = ["v1"]\n', "unknown key 'served_versions'"),
        (["--config", "{tmp}/guard.toml"], "suppress = [1]\n", "suppress must be a list of strings"),
        (["--config", "{tmp}/guard.toml"], 'suppress = ["release.E999"]\n', "unknown guard ids: release.E999"),
        (["--config", "{tmp}/guard.toml"], "not toml at all", "is not valid toml"),
        (["--script-location", "{tmp}/nowhere"], None, "no such file or directory"),
        (["--database-url", "not a url"], None, "cannot use the database URL"),
        (["--database-url", "nosuchdialect://x"], None, "cannot use the database URL"),
    ],
)
def test_cli_usage_errors_exit_2(args, config, message, tmp_path: Path, environ, capsys) -> None:
    environ(release_env())
    if config is not None:
        (tmp_path / "guard.toml").write_text(config)
    assert main(["check", *(arg.format(tmp=tmp_path) for arg in args)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("classify guard: error: ") and message in captured.err
    assert "Traceback" not in captured.err


def test_cli_bad_format_and_missing_command_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["check", "--format", "xml"], []):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2
    assert run(argparse.Namespace(format="xml", config=None, script_location=None, database_url=None)) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_cli_database_url_from_config_variable(tmp_path: Path, environ, capsys) -> None:
    (tmp_path / "guard.toml").write_text('database_url_env = "DATABASE_URL"\n')
    environ(release_env(EXPECTED_ALEMBIC_HEAD="r3", DATABASE_URL=f"sqlite:///{tmp_path / 'gone' / 'app.db'}"))
    assert main(["check", "--config", str(tmp_path / "guard.toml")]) == 1
    assert "(release.E010)" in capsys.readouterr().out


def test_cli_mounts_under_the_classify_guard_parser(environ, capsys: pytest.CaptureFixture[str]) -> None:
    """What ``classifier.cli`` does: configure on its ``guard`` sub-parser, then run(args)."""
    top = argparse.ArgumentParser(prog="classify")
    commands = top.add_subparsers(dest="command")
    configure(commands.add_parser("guard"))
    args = top.parse_args(["guard", "check", "--format", "json"])
    environ(release_env())
    assert (args.command, run(args)) == ("guard", 0)
    assert json.loads(capsys.readouterr().out)["status"] == "passed"


def test_classify_guard_check_runs_through_the_main_command() -> None:
    proc = _cli("guard", "check", "--format", "json", env=release_env(LOG_LEVEL="DEBUG"), module="classifier")
    assert proc.returncode == 1, proc.stderr
    assert [finding["id"] for finding in json.loads(proc.stdout)["findings"]] == ["release.E006"]


@pytest.mark.parametrize("file_name, text", [
    ("pyproject.toml", '[project]\nname = "app"\n\n[tool.classifier.guard]\nrequired_secrets = ["SIGNING_KEY"]\n'),
    (".classifier.toml", 'fail_on = "breaking"\n\n[guard]\nrequired_secrets = ["SIGNING_KEY"]\n'),
])
def test_the_projects_own_guard_section_applies_without_config(
    environ, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    file_name: str, text: str,
) -> None:
    environ(release_env(ENV="prod"))
    (tmp_path / file_name).write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)

    assert main(["check", "--format", "json"]) == 1

    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["id"], f["key"]) for f in findings] == [("release.E008", "SIGNING_KEY")]


def test_a_project_without_a_guard_section_uses_the_defaults(
    environ, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ(release_env())
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n', "utf-8")
    monkeypatch.chdir(tmp_path)

    assert main(["check"]) == 0


@pytest.mark.parametrize("flag, value, message", [
    ("--connect-timeout", "0", "classify guard: error: --connect-timeout must be a number of seconds greater than 0\n"),
    ("--statement-timeout", "nan", "classify guard: error: --statement-timeout must be a number of seconds greater than 0\n"),
])
def test_timeout_flags_are_checked(environ, capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str) -> None:
    environ(release_env())
    assert main(["check", flag, value]) == 2
    assert capsys.readouterr().err == message


def test_a_database_url_with_a_bad_port_is_a_usage_error(environ, capsys: pytest.CaptureFixture[str]) -> None:
    environ(release_env())
    assert main(["check", "--database-url", "postgresql://u:secret@h:notaport/db"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("classify guard: error: cannot use the database URL: ValueError") and "secret" not in err
