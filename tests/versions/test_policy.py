"""The versions policy on real git repositories: every branch of the frozen and new-version rules."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from tests.versions.conftest import (
    CONFIG,
    CONTRACT_TEST,
    V1,
    Run,
    declaration,
    spec,
    with_list_endpoint,
    without_signature,
)

Classify = Callable[..., Run]
TODO_V2 = ("keep snapshots/v1/ unchanged and deliver the change as v2: add snapshots/v2/, add contract tests for v2 "
           "(tests/**/test_*v2*.py), list v2 in deploy/release.env RELEASE_SUPPORTED_API_VERSIONS")


def test_strict_field_removed_from_v1_is_a_violation_with_the_steps_to_take(versioned: Any, classify: Classify) -> None:
    versioned.commit("edit v1", **{"snapshots/v1/openapi.json": spec(without_signature(V1))})
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert run.code == 1
    assert run.rules() == ["VER001"]
    assert run.messages("VER001") == [
        "frozen v1 altered (strict): OAS506 GET /proofs/{id} response 200 application/json: property 'signature' "
        f"removed; {TODO_V2}"
    ]


def test_strict_counts_an_additive_change_of_v1(versioned: Any, classify: Classify) -> None:
    versioned.commit("add to v1", **{"snapshots/v1/openapi.json": spec(with_list_endpoint(V1))})
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.rules()) == (1, ["VER001"])
    assert run.messages("VER001")[0].startswith("frozen v1 altered (strict): OAS104 GET /proofs: operation added;")


def test_strict_ignores_reindenting_and_key_order(versioned: Any, classify: Classify) -> None:
    versioned.commit("reformat v1", **{"snapshots/v1/openapi.json": spec(V1, indent=4, sort_keys=True)})
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.rules(), run.report["label"]) == (0, [], "non-breaking")


@pytest.mark.parametrize(("table", "rules"), [
    ("# the codes of v1\nproof_not_found: 404\n", []),
    ("proof_not_found: 410\n", ["VER001"]),
], ids=["comment-only", "status-changed"])
def test_strict_compares_other_data_files_of_the_folder_by_value(
    versioned: Any, classify: Classify, table: str, rules: list[str]
) -> None:
    versioned.commit("table", **{"snapshots/v1/errors.yaml": "proof_not_found: 404\n"})
    versioned.commit("edit table", **{"snapshots/v1/errors.yaml": table})
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert run.rules() == rules


@pytest.mark.parametrize(
    ("document", "code", "rules"),
    [(with_list_endpoint(V1), 0, []), (without_signature(V1), 1, ["VER001"])],
    ids=["additive-passes", "breaking-fails"],
)
def test_no_breaking_mode(versioned: Any, classify: Classify, document: dict[str, Any], code: int,
                          rules: list[str]) -> None:
    versioned.commit("policy", **{"pyproject.toml": CONFIG + 'frozen_policy = "no-breaking"\n'})
    versioned.commit("edit v1", **{"snapshots/v1/openapi.json": spec(document)})
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.rules()) == (code, rules)


def test_uncommitted_edit_of_v1_in_the_working_tree(versioned: Any, classify: Classify) -> None:
    versioned.write("snapshots/v1/openapi.json", spec(without_signature(V1)))
    run = classify(versioned.path, "--base", "HEAD")
    assert (run.code, run.rules()) == (1, ["VER001"])


@pytest.mark.parametrize(("errors_head", "code", "rules"), [
    ('import enum\n\n\nclass ErrorCode(enum.Enum):\n    PROOF_NOT_FOUND = "proof_not_found"\n', 1, ["VER001"]),
    ('import enum\n\n\nclass ErrorCode(enum.Enum):\n    PROOF_NOT_FOUND = "proof_not_found"\n'
     '    SIGNATURE_INVALID = "signature_invalid"\n    PROOF_EXPIRED = "proof_expired"\n', 0, []),
], ids=["code-removed", "code-added"])
def test_breaking_change_of_an_error_table_v1_depends_on(
    versioned: Any, classify: Classify, errors_head: str, code: int, rules: list[str]
) -> None:
    base = ('import enum\n\n\nclass ErrorCode(enum.Enum):\n    PROOF_NOT_FOUND = "proof_not_found"\n'
            '    SIGNATURE_INVALID = "signature_invalid"\n')
    config = CONFIG + 'depends_on = ["app/errors.py"]\n\n[tool.classifier.error_codes]\ntables = ["app/errors.py"]\n'
    versioned.commit("errors", **{"pyproject.toml": config, "app/errors.py": base})
    versioned.commit("edit errors", **{"app/errors.py": errors_head})
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.rules()) == (code, rules)
    if rules:
        assert run.messages("VER001")[0].startswith("frozen v1 altered (strict): ERC101 error code SIGNATURE_INVALID")


def _v2(repo: Any, **overrides: str | None) -> None:
    files: dict[str, str | None] = {
        "snapshots/v2/openapi.json": spec(without_signature(V1)),
        "tests/test_contract_v2.py": CONTRACT_TEST.format(version="v2"),
        "deploy/release.env": declaration("v1,v2"),
        **overrides,
    }
    repo.commit("v2", **{path: text for path, text in files.items() if text is not None})


def test_breaking_change_delivered_as_v2_passes_additive_with_upgrade_notes(versioned: Any, classify: Classify) -> None:
    _v2(versioned)
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.report["label"], run.report["status"]) == (0, "additive", "passed")
    assert run.rules() == ["VER101", "VER103"]
    assert run.messages("VER101") == [
        "clients moving from v1 to v2: GET /proofs/{id} response 200 application/json: property 'signature' removed "
        "(OAS506 required-response-property-removed)"
    ]
    assert run.messages("VER103") == [
        "API version v2 added: snapshots/v2/, listed in deploy/release.env RELEASE_SUPPORTED_API_VERSIONS, "
        "contract tests tests/test_contract_v2.py; frozen versions unchanged"
    ]


@pytest.mark.parametrize(("overrides", "missing"), [
    ({"snapshots/v2/openapi.json": None}, "snapshots/v2/ does not exist; write it with `classify snapshot --version v2`"),
    ({"deploy/release.env": declaration("v1")},
     "not listed in deploy/release.env RELEASE_SUPPORTED_API_VERSIONS; add v2 to it"),
    ({"tests/test_contract_v2.py": None},
     "no contract test (tests/**/test_*v2*.py, or a test naming snapshots/v2); add one that asserts the app's v2 "
     "OpenAPI equals snapshots/v2/"),
    ({"snapshots/v1/openapi.json": spec(without_signature(V1))},
     "frozen v1 changed in the same change; keep every frozen snapshot unchanged"),
], ids=["no-snapshot", "not-declared", "no-contract-test", "v1-changed"])
def test_new_version_with_one_piece_missing(
    versioned: Any, classify: Classify, overrides: dict[str, str | None], missing: str
) -> None:
    _v2(versioned, **overrides)
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert run.code == 1
    assert run.messages("VER003") == [f"new API version v2 incomplete: {missing}"]
    assert "VER103" not in run.rules()


def test_a_test_naming_the_snapshot_counts_as_the_contract_test(versioned: Any, classify: Classify) -> None:
    _v2(versioned, **{"tests/test_contract_v2.py": None,
                      "tests/test_contracts.py": 'SNAPSHOT = "snapshots/v2/openapi.json"\n'})
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.rules()) == (0, ["VER101", "VER103"])


def test_unfrozen_beta_changes_freely_labelled_not_blocked(versioned: Any, classify: Classify) -> None:
    versioned.commit("beta", **{"snapshots/v2beta/openapi.json": spec(V1),
                                "deploy/release.env": declaration("v1,v2beta"),
                                "tests/test_contract_v2beta.py": CONTRACT_TEST.format(version="v2beta")})
    versioned.commit("edit beta", **{"snapshots/v2beta/openapi.json": spec(without_signature(V1))})
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.report["label"], run.rules()) == (0, "breaking", ["VER102"])
    removal = next(f for f in run.report["findings"] if f["rule"] == "OAS506")
    assert (removal["label"], removal["severity"], removal["blocking"]) == ("breaking", "warning", False)


def test_frozen_version_deleted(versioned: Any, classify: Classify) -> None:
    versioned.git("rm", "-q", "-r", "snapshots/v1")
    versioned.commit("drop v1")
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.rules()) == (1, ["VER002"])
    assert run.messages("VER002") == [
        "frozen v1 deleted: snapshots/v1/ is gone; restore it, or unfreeze it in [tool.classifier.api] frozen first"
    ]


def test_changes_outside_every_version_leave_the_policy_silent(versioned: Any, classify: Classify) -> None:
    versioned.commit("docs", **{"README.md": "# Proofs\n"})
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.rules()) == (0, [])


def test_supported_versions_from_the_configuration(versioned: Any, classify: Classify) -> None:
    config = '[tool.classifier.api]\nfrozen = ["v1"]\nsupported_versions = ["v1", "v2"]\n'
    versioned.commit("config list", **{"pyproject.toml": config})
    _v2(versioned)
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD")
    assert (run.code, run.rules()) == (0, ["VER101", "VER103"])


def test_markdown_report_lists_what_changes_for_clients(versioned: Any, classify: Classify) -> None:
    _v2(versioned)
    run = classify(versioned.path, "--base", "HEAD~1", "--head", "HEAD", "--format", "markdown")
    assert run.code == 0
    assert "clients moving from v1 to v2: GET /proofs/{id} response 200 application/json: property" in run.out
