"""Secrets never reach findings, refusals, events, logs, probe bodies or the CLI output."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from classifier.guard import (
    GuardConfig,
    Readiness,
    StartupRefused,
    check_startup,
    enforce_startup,
    record_startup,
    system_events_table,
)
from classifier.guard.probes import render_json, render_verbose
from classifier.guard.redaction import is_secret_name

from .guard_support import release_env

MARK = "s3cr3t-Marker-{}"
SECRETS = {
    "SIGNING_KEY": MARK.format("signing"),  # a required secret and *KEY
    "DB_PASSWORD": MARK.format("password"),  # *PASSWORD*
    "GITHUB_TOKEN": MARK.format("token"),  # *TOKEN*
    "CLIENT_SECRET_VALUE": MARK.format("secret"),  # *SECRET*
    "PAYMENT_DSN": MARK.format("listed"),  # named in the secrets list
}
CONFIG = GuardConfig(required_secrets=("SIGNING_KEY", "WEBHOOK_KEY"), secrets=("PAYMENT_DSN",))


def _leaky_env() -> dict[str, str]:
    """A refused production environment in which secret values also sit where values are shown."""
    return release_env(
        **SECRETS,
        LOG_LEVEL="DEBUG",
        # A secret pasted into a shown variable must still be hidden.
        AUTO_CREATE_SCHEMA=SECRETS["DB_PASSWORD"],
        SIGNING_MODE=SECRETS["GITHUB_TOKEN"],
        WEBHOOK_KEY="",
    )


def _engine() -> sa.engine.Engine:
    # Unreachable, with the password in the URL: driver errors must not echo it.
    return sa.create_engine(
        f"postgresql+psycopg://app:{MARK.format('url')}@127.0.0.1:1/app", connect_args={"connect_timeout": 2}
    )


def _assert_clean(text: str) -> None:
    assert "s3cr3t-marker" not in text.lower()


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("SIGNING_KEY", True),
        ("db_password", True),
        ("X_TOKEN_FILE", True),
        ("MY_SECRET", True),
        ("API_KEY", True),
        ("KEYCLOAK_URL", False),
        ("LOG_LEVEL", False),
        ("MONKEY", True),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_secrets_never_appear_in_findings_refusals_events_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    env, engine = _leaky_env(), _engine()
    with caplog.at_level(logging.DEBUG):
        findings = check_startup(CONFIG, env, engine)
        with pytest.raises(StartupRefused) as refused:
            enforce_startup(CONFIG, env, engine)
        ready = Readiness(CONFIG, env, engine).ready()
    ids = {finding.id for finding in findings}
    assert {"release.E003", "release.E006", "release.E007", "release.E008", "release.E010"} <= ids
    assert {f.value for f in findings if f.key in ("AUTO_CREATE_SCHEMA", "SIGNING_MODE")} == {"<redacted>"}
    _assert_clean(json.dumps([finding.to_dict() for finding in findings]))
    _assert_clean(str(refused.value))
    _assert_clean(render_json(ready).decode() + render_verbose(ready).decode())
    _assert_clean("\n".join(record.getMessage() for record in caplog.records))


def test_secrets_never_appear_in_startup_events(caplog: pytest.LogCaptureFixture, tmp_path) -> None:
    env = release_env(**SECRETS, WEBHOOK_KEY=MARK.format("webhook"))
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'events.db'}")
    system_events_table(metadata := sa.MetaData())
    metadata.create_all(engine)
    with caplog.at_level(logging.DEBUG):
        artifact = enforce_startup(CONFIG, env, engine)
        record_startup(logging.getLogger("app.events"), artifact)
        record_startup(engine, artifact)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT * FROM system_events")).fetchall()
    assert len(stored) == 1 and any("app.startup" in record.getMessage() for record in caplog.records)
    _assert_clean(repr(stored) + "\n".join(record.getMessage() for record in caplog.records))


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_secrets_never_appear_in_cli_output(output_format: str, tmp_path) -> None:
    config = tmp_path / "guard.toml"
    config.write_text('required_secrets = ["SIGNING_KEY", "WEBHOOK_KEY"]\nsecrets = ["PAYMENT_DSN"]\n')
    env = {**os.environ, **_leaky_env()}
    url = _engine().url.render_as_string(hide_password=False)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "classifier.commands.guard",
            "check",
            "--config",
            str(config),
            "--database-url",
            url,
            "--format",
            output_format,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "release.E010" in proc.stdout
    _assert_clean(proc.stdout + proc.stderr)
