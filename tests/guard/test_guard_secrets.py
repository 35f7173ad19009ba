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
from classifier.guard.endpoints import render_json, render_verbose
from classifier.guard.redaction import Redactor, is_secret_name

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


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("postgresql://app:pw@db:5432/app", "postgresql://app:***@db:5432/app"),
        # An unencoded @ in the password: the whole password goes, not just the part before the first @.
        ("postgresql://app:p@ss@db/app", "postgresql://app:***@db/app"),
        ("postgresql://app:p@ss@w@rd@db/app", "postgresql://app:***@db/app"),
        ("'postgresql://app:pa'ss@db/app' failed", "'postgresql://app:***@db/app' failed"),
        ("postgresql://app@db/app?password=pw&sslmode=require", "postgresql://app@db/app?password=***&sslmode=require"),
        (
            "postgresql://app@db/app?sslmode=require&PassWord=p%40ss#x",
            "postgresql://app@db/app?sslmode=require&PassWord=***#x",
        ),
        ("mysql://db/app?user=a&passwd=pw&pwd=pw2", "mysql://db/app?user=a&passwd=***&pwd=***"),
        ("https://api/x?api_key=k1&access_token=t1&sig=s1", "https://api/x?api_key=***&access_token=***&sig=***"),
        (
            "postgresql://db/app?sslpassword=pw&client_secret=cs",
            "postgresql://db/app?sslpassword=***&client_secret=***",
        ),
        # libpq key=value connection strings, as some drivers quote them in errors.
        ("host=db password=pw user=app", "host=db password=*** user=app"),
        ("dbname=app password='p w\\'d' host=db", "dbname=app password=*** host=db"),
        # Nothing to mask: user-only userinfo, names that merely contain a credential word, paths.
        ("postgresql://app@db/app?sslmode=require", "postgresql://app@db/app?sslmode=require"),
        ("compass=north bypass=1 tokens=3", "compass=north bypass=1 tokens=3"),
        ("sqlite:///var/lib/app.db", "sqlite:///var/lib/app.db"),
    ],
)
def test_every_url_credential_form_is_masked(text: str, masked: str) -> None:
    assert Redactor.for_environ({}).scrub(text) == masked


# Real engines on real URLs: port 1 refuses at once; a host left holding part of the password cannot resolve.
MASKED = "postgresql+psycopg://app:***@127.0.0.1:1/app"
URL_FORMS = {
    # form: (URL given, URL as findings show it)
    "userinfo": ("postgresql+psycopg://app:{m1}@127.0.0.1:1/app", MASKED),
    "query": (
        "postgresql+psycopg://app@127.0.0.1:1/app?application_name=shop&password={m1}",
        "postgresql+psycopg://app@127.0.0.1:1/app?application_name=shop&password=***",
    ),
    "unencoded-at": ("postgresql+psycopg://app:{m1}@{m2}@127.0.0.1:1/app", MASKED),
    "unencoded-at-short-tail": ("postgresql+psycopg://app:{m1}@x9@127.0.0.1:1/app", MASKED),
    "percent-encoded-at": ("postgresql+psycopg://app:{m1}%40{m2}@127.0.0.1:1/app", MASKED),
}


def _url(form: str) -> str:
    return URL_FORMS[form][0].format(m1=MARK.format("one"), m2=MARK.format("two"))


def _assert_url_clean(text: str, form: str) -> None:
    _assert_clean(text)
    if form == "unencoded-at-short-tail":
        assert "x9" not in text  # the tail of the password, taken for part of the host


@pytest.mark.parametrize("form", sorted(URL_FORMS))
def test_database_url_credentials_never_appear_in_findings_or_probes(
    form: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = sa.create_engine(_url(form), connect_args={"connect_timeout": 2})
    env = release_env(EXPECTED_ALEMBIC_HEAD="r3")
    with caplog.at_level(logging.DEBUG):
        findings = check_startup(GuardConfig(), env, engine)
        with pytest.raises(StartupRefused) as refused:
            enforce_startup(GuardConfig(), env, engine)
        ready = Readiness(GuardConfig(), env, engine).ready()
    assert [(f.id, f.key, f.value) for f in findings] == [("release.E010", "database", URL_FORMS[form][1])]
    assert findings[0].message.startswith("The database does not answer: OperationalError: ")
    assert ready.checks[1].name == "database" and not ready.checks[1].ok
    every_output = [
        json.dumps([finding.to_dict() for finding in findings]),
        str(refused.value),
        render_json(ready).decode(),
        render_verbose(ready).decode(),
        *(record.getMessage() for record in caplog.records),
    ]
    _assert_url_clean("\n".join(every_output), form)


@pytest.mark.parametrize("form", ["query", "unencoded-at", "unencoded-at-short-tail"])
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_database_url_credentials_never_appear_in_cli_output(form: str, output_format: str) -> None:
    env = {**os.environ, **release_env(EXPECTED_ALEMBIC_HEAD="r3")}
    proc = subprocess.run(
        [sys.executable, "-m", "classifier", "guard", "check", "--database-url", _url(form)]
        + ["--format", output_format],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert URL_FORMS[form][1] in proc.stdout
    _assert_url_clean(proc.stdout + proc.stderr, form)
