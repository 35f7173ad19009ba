"""Every environment guard, every combination the release policy names, all at once."""

from __future__ import annotations

import logging

import pytest

from classifier.guard import (
    RULES,
    GuardConfig,
    GuardConfigError,
    StartupRefused,
    check_startup,
    enforce_startup,
)

from .guard_support import release_env

CONFIG = GuardConfig(
    served_api_versions=("v1", "v2"), required_secrets=("SIGNING_KEY",), required_config=("DATABASE_URL",)
)
PROD = {"SIGNING_KEY": "k" * 32, "DATABASE_URL": "sqlite://"}


def _ids(env: dict[str, str], config: GuardConfig = CONFIG) -> list[str]:
    return [finding.id for finding in check_startup(config, env)]


SIGNING = [
    # (ENV, SIGNING_MODE, SIGNING_REQUIRED, expected ids); None means unset.
    ("prod", "required", "true", []),
    ("prod", "required", "false", ["release.E004"]),
    ("prod", "optional", "false", ["release.E009"]),
    ("prod", "optional", "true", ["release.E004", "release.E009"]),
    ("prod", "disabled", "false", ["release.W001"]),
    ("prod", "disabled", "true", ["release.E004", "release.W001"]),
    ("prod", None, "false", ["release.E001", "release.E009"]),
    ("prod", "sometimes", "true", ["release.E003"]),
    ("prod", "required", "maybe", ["release.E002"]),
    ("staging", "required", "true", []),
    ("staging", "required", "false", ["release.E004"]),
    ("staging", "optional", "false", ["release.W002"]),
    ("staging", "optional", "true", ["release.E004", "release.W002"]),
    ("staging", "disabled", "false", ["release.W001"]),
    ("staging", None, "false", ["release.E001"]),
    ("staging", "required", None, ["release.E001"]),
]


@pytest.mark.parametrize(("env_name", "mode", "required", "expected"), SIGNING, ids=lambda v: str(v))
def test_guard_signing_combinations(env_name: str, mode: str | None, required: str | None, expected: list[str]) -> None:
    drop = [key for key, value in (("SIGNING_MODE", mode), ("SIGNING_REQUIRED", required)) if value is None]
    env = release_env(
        *drop, **PROD, ENV=env_name, **{k: v for k, v in (("SIGNING_MODE", mode), ("SIGNING_REQUIRED", required)) if v}
    )
    assert _ids(env) == expected


TABLE = [
    # (case, environment changes, config, expected ids)
    ("prod-clean", {}, CONFIG, []),
    ("prod-debug", {"LOG_LEVEL": "DEBUG"}, CONFIG, ["release.E006"]),
    ("prod-debug-lowercase", {"LOG_LEVEL": "debug"}, CONFIG, ["release.E006"]),
    ("prod-debug-numeric", {"LOG_LEVEL": "10"}, CONFIG, ["release.E006"]),
    ("production-debug", {"ENV": "production", "LOG_LEVEL": "DEBUG"}, CONFIG, ["release.E006"]),
    ("staging-debug", {"ENV": "staging", "LOG_LEVEL": "DEBUG"}, CONFIG, []),
    ("prod-info", {"LOG_LEVEL": "INFO"}, CONFIG, []),
    ("prod-auto-create", {"AUTO_CREATE_SCHEMA": "true"}, CONFIG, ["release.E007"]),
    ("prod-auto-create-1", {"AUTO_CREATE_SCHEMA": "1"}, CONFIG, ["release.E007"]),
    ("prod-auto-create-garbage", {"AUTO_CREATE_SCHEMA": "perhaps"}, CONFIG, ["release.E007"]),
    ("prod-auto-create-false", {"AUTO_CREATE_SCHEMA": "false"}, CONFIG, []),
    ("staging-auto-create", {"ENV": "staging", "AUTO_CREATE_SCHEMA": "true"}, CONFIG, []),
    ("prod-secret-missing", {"SIGNING_KEY": None}, CONFIG, ["release.E008"]),
    ("prod-secret-empty", {"SIGNING_KEY": " "}, CONFIG, ["release.E008"]),
    ("prod-config-missing", {"DATABASE_URL": None}, CONFIG, ["release.E008"]),
    ("staging-secret-missing", {"ENV": "staging", "SIGNING_KEY": None}, CONFIG, []),
    ("version-not-served", {"RELEASE_SUPPORTED_API_VERSIONS": "v1,v3"}, CONFIG, ["release.E005"]),
    ("versions-subset-served", {"RELEASE_SUPPORTED_API_VERSIONS": "v2"}, CONFIG, []),
    ("served-not-declared", {"RELEASE_SUPPORTED_API_VERSIONS": "v9"}, GuardConfig(), []),
    ("head-without-database", {"EXPECTED_ALEMBIC_HEAD": "r3"}, CONFIG, ["release.E017"]),
    ("suppressed-debug", {"LOG_LEVEL": "DEBUG"}, GuardConfig(suppress=("release.E006",)), []),
    ("probe-timeouts-set", {"GUARD_CONNECT_TIMEOUT": "2.5", "GUARD_STATEMENT_TIMEOUT": " 10 "}, CONFIG, []),
    ("connect-timeout-garbage", {"GUARD_CONNECT_TIMEOUT": "soon"}, CONFIG, ["release.E019"]),
    ("statement-timeout-zero", {"GUARD_STATEMENT_TIMEOUT": "0"}, CONFIG, ["release.E019"]),
    ("timeouts-infinite-and-huge", {"GUARD_CONNECT_TIMEOUT": "inf", "GUARD_STATEMENT_TIMEOUT": "86400"}, CONFIG,
     ["release.E019", "release.E019"]),
]


@pytest.mark.parametrize(("changes", "config", "expected"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
def test_guard_table(changes: dict[str, str | None], config: GuardConfig, expected: list[str]) -> None:
    env = release_env(**PROD)
    env.update({key: value for key, value in changes.items() if value is not None})
    for key in [key for key, value in changes.items() if value is None]:
        del env[key]
    assert _ids(env, config) == expected


def test_guard_table_covers_every_id_but_the_database_ones() -> None:
    seen = {i for _, _, _, ids in SIGNING for i in ids} | {i for *_, ids in TABLE for i in ids}
    database_ids = {f"release.E0{n}" for n in range(10, 19)}  # test_guard_heads.py, test_guard_version_table.py
    database_ids |= {"release.E020", "release.W003"}  # test_guard_window.py
    assert seen | database_ids == set(RULES)


def test_enforce_startup_reports_every_failure_in_one_refusal() -> None:
    env = release_env(
        "VERSION_HASH",
        "SIGNING_KEY",
        ENV="prod",
        LOG_LEVEL="DEBUG",
        AUTO_CREATE_SCHEMA="true",
        SIGNING_MODE="optional",
        SIGNING_REQUIRED="false",
        RELEASE_SUPPORTED_API_VERSIONS="v1,v7",
        DATABASE_URL="sqlite://",
    )
    with pytest.raises(StartupRefused) as refused:
        enforce_startup(CONFIG, env)
    ids = [finding.id for finding in refused.value.findings]
    assert ids == ["release.E001", "release.E005", "release.E006", "release.E007", "release.E008", "release.E009"]
    text = str(refused.value)
    for finding in refused.value.findings:
        assert f"{finding.key}: ({finding.id})" in text
        assert f"HINT: {finding.hint}" in text
    assert "identified 6 issues" in text


def test_enforce_startup_returns_the_artifact_when_only_warnings() -> None:
    artifact = enforce_startup(CONFIG, release_env(**PROD, SIGNING_MODE="disabled", SIGNING_REQUIRED="false"))
    assert artifact.signing_mode == "disabled"


@pytest.mark.parametrize(("mode", "warning"), [("disabled", "release.W001"), ("optional", "release.W002")])
def test_unsigned_modes_are_always_logged_at_warning(mode: str, warning: str, caplog: pytest.LogCaptureFixture) -> None:
    env = release_env(**PROD, ENV="staging", SIGNING_MODE=mode, SIGNING_REQUIRED="false")
    with caplog.at_level(logging.WARNING, logger="classifier.guard"):
        enforce_startup(CONFIG, env)
    assert [(r.levelno, warning in r.getMessage()) for r in caplog.records] == [(logging.WARNING, True)]


def test_suppression_is_by_explicit_id_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    config = GuardConfig(suppress=("release.E006",))
    with caplog.at_level(logging.WARNING, logger="classifier.guard"):
        findings = check_startup(config, release_env(LOG_LEVEL="DEBUG", AUTO_CREATE_SCHEMA="true"))
    assert [f.id for f in findings] == ["release.E007"]
    assert any("release.E006 suppressed" in r.getMessage() for r in caplog.records)


def test_suppressing_an_unknown_id_is_an_error() -> None:
    with pytest.raises(GuardConfigError, match=r"release\.E999"):
        GuardConfig(suppress=("release.E999",))


def test_findings_carry_key_value_message_and_hint() -> None:
    (finding,) = check_startup(CONFIG, release_env(**PROD, LOG_LEVEL="DEBUG"))
    assert (finding.id, finding.key, finding.value, finding.level) == ("release.E006", "LOG_LEVEL", "DEBUG", "error")
    assert finding.message and finding.hint == RULES["release.E006"].hint
