"""The release artifact: reading, judging, and its JSON schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.guard import ReleaseArtifact, check_artifact
from classifier.guard.artifact import MUTABLE_REFS
from classifier.guard.redaction import Redactor

from .guard_support import VALID_ENV, release_env

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "release-artifact.schema.json").read_text())


def _ids(env: dict[str, str]) -> list[str]:
    return [finding.id for finding in check_artifact(env, Redactor.for_environ(env))]


def _schema_valid(artifact: ReleaseArtifact) -> bool:
    return jsonschema.Draft202012Validator(SCHEMA).is_valid(json.loads(artifact.to_json()))


def test_artifact_from_env_reads_every_field() -> None:
    env = release_env(EXPECTED_ALEMBIC_HEAD=" b2 , a1 ", SIGNING_MODE="Required", RELEASE_FEATURE_FLAGS="x, y")
    artifact = ReleaseArtifact.from_env(env)
    assert artifact == ReleaseArtifact(
        code_sha=VALID_ENV["VERSION_HASH"],
        expected_alembic_head="a1,b2",
        supported_api_versions=("v1", "v2"),
        enabled_feature_flags=("x", "y"),
        signing_mode="required",
        signing_required=True,
    )
    assert artifact.expected_heads == {"a1", "b2"}
    assert _ids(env) == []
    assert _schema_valid(artifact)


def test_artifact_code_sha_falls_back_to_git_sha() -> None:
    env = release_env("VERSION_HASH", GIT_SHA="abc1234")
    assert ReleaseArtifact.from_env(env).code_sha == "abc1234"
    assert _ids(env) == []


def test_artifact_feature_flags_may_be_empty_but_must_be_set() -> None:
    assert ReleaseArtifact.from_env(release_env(RELEASE_FEATURE_FLAGS="")).enabled_feature_flags == ()
    assert _ids(release_env(RELEASE_FEATURE_FLAGS="")) == []
    assert _ids(release_env("RELEASE_FEATURE_FLAGS")) == ["release.E001"]


def test_artifact_json_form_is_compact_and_stable() -> None:
    artifact = ReleaseArtifact.from_env(release_env())
    assert json.loads(artifact.to_json()) == artifact.to_dict()
    assert artifact.to_json() == ReleaseArtifact.from_env(dict(reversed(list(release_env().items())))).to_json()


def test_schema_lists_the_same_moving_refs_as_the_code() -> None:
    assert set(SCHEMA["properties"]["code_sha"]["not"]["enum"]) == MUTABLE_REFS


_VALUES = {
    "VERSION_HASH": [None, "", "3f2a9c1d", "latest", "has space", "x" * 130],
    "GIT_SHA": [None, "3f2a9c1d", "0badc0de"],
    "EXPECTED_ALEMBIC_HEAD": [None, "", "a1", "a1,b2", "a1,,b2", "bad rev"],
    "RELEASE_SUPPORTED_API_VERSIONS": [None, "", ",", "v1", "v1,v2", "v1,v1", "v 1"],
    "RELEASE_FEATURE_FLAGS": [None, "", "a", "a,b", "a,a", "-bad"],
    "SIGNING_MODE": [None, "", "required", "optional", "disabled", "sometimes", "REQUIRED"],
    "SIGNING_REQUIRED": [None, "", "true", "false", "1", "no", "maybe"],
}


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.fixed_dictionaries({key: st.sampled_from(values) for key, values in _VALUES.items()}))
def test_artifact_findings_agree_with_the_schema(choice: dict[str, str | None]) -> None:
    """The guard and the schema say the same: valid exactly when no E001 to E004 finding."""
    env = {key: value for key, value in choice.items() if value is not None}
    artifact = ReleaseArtifact.from_env(env)
    assert (_ids(env) == []) == _schema_valid(artifact), (_ids(env), artifact)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param(release_env("VERSION_HASH"), ["release.E001"], id="code-sha-missing"),
        pytest.param(release_env(VERSION_HASH=""), ["release.E001"], id="code-sha-empty"),
        pytest.param(release_env(GIT_SHA="0badc0de"), ["release.E002"], id="code-sha-ambiguous"),
        pytest.param(release_env(VERSION_HASH="latest"), ["release.E002"], id="code-sha-moving-ref"),
        pytest.param(release_env(EXPECTED_ALEMBIC_HEAD=""), ["release.E002"], id="head-empty"),
        pytest.param(release_env(EXPECTED_ALEMBIC_HEAD="a b"), ["release.E002"], id="head-malformed"),
        pytest.param(release_env("RELEASE_SUPPORTED_API_VERSIONS"), ["release.E001"], id="versions-missing"),
        pytest.param(release_env(RELEASE_SUPPORTED_API_VERSIONS=","), ["release.E002"], id="versions-none-named"),
        pytest.param(release_env(RELEASE_SUPPORTED_API_VERSIONS="v1,v1"), ["release.E002"], id="versions-duplicate"),
        pytest.param(release_env(RELEASE_FEATURE_FLAGS="a b"), ["release.E002"], id="flags-malformed"),
        pytest.param(release_env("SIGNING_MODE"), ["release.E001"], id="signing-mode-missing"),
        pytest.param(release_env(SIGNING_MODE="sometimes"), ["release.E003"], id="signing-mode-invalid"),
        pytest.param(release_env("SIGNING_REQUIRED"), ["release.E001"], id="signing-required-missing"),
        pytest.param(release_env(SIGNING_REQUIRED="maybe"), ["release.E002"], id="signing-required-not-bool"),
    ],
)
def test_artifact_check_names_each_defect(env: dict[str, str], expected: list[str]) -> None:
    assert _ids(env) == expected
    assert not _schema_valid(ReleaseArtifact.from_env(env))
