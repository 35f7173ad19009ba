"""A realistic error module in a real repository, judged end to end through the CLI."""

from __future__ import annotations

import json

import pytest
from erc_scenario_module import CODES, render

from classifier.cli import main

CONFIG = '[tool.classifier.error_codes]\ntables = ["app/errors.py"]\n'


def tables_found(codes: int) -> str:
    """ERC111's message for ``render`` of ``codes`` codes: each table follows the previous one."""
    status, messages, classes = codes + 9, 2 * codes + 12, 3 * codes + 16
    return (
        f"error tables compared: ErrorCode (enum, {codes} codes, line 6); HTTP_STATUS (dict, {codes} codes, "
        f"line {status}); MESSAGES (dict, {codes} codes, line {messages}); exception classes (13 codes, "
        f"lines {classes}-{classes + 50})"
    )


def _edited() -> list[tuple[str, int, str]]:
    codes = list(CODES)
    codes[2] = ("PROOF_REVOKED", 404, "Proof was revoked")  # status 410 -> 404 (no exception class raises it)
    codes[17] = ("RATE_LIMITED", 429, "Too many requests, slow down")  # reworded
    codes.append(("EXPORT_EXPIRED", 410, "Export link expired"))  # new code
    return codes


def test_scenario_three_changes_give_exactly_three_findings(repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(CODES) >= 40
    repo.commit("base", **{"pyproject.toml": CONFIG, "app__errors.py": render(CODES)})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("edit", **{"app__errors.py": render(_edited())})

    code = main(["check", "--repo", str(repo.path), "--base", "main", "--head", "feature", "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    # ERC111 only says which tables were compared (non-breaking, info); the contract
    # findings are every other rule, and there are exactly three of them.
    found = [(f["rule"], f["label"], f["line"], f["message"]) for f in report["findings"] if f["rule"] != "ERC111"]
    assert [f["message"] for f in report["findings"] if f["rule"] == "ERC111"] == [tables_found(len(_edited()))]
    assert found == [
        ("ERC106", "additive", 49, "error code EXPORT_EXPIRED added to ErrorCode"),
        ("ERC103", "breaking", 55, "error code PROOF_REVOKED HTTP status changed: 410 → 404"),
        ("ERC107", "non-breaking", 116, 'error code RATE_LIMITED message reworded: "Too many requests" → "Too many requests, slow down"'),
    ]
    head_lines = render(_edited()).splitlines()
    assert [head_lines[line - 1].strip()[:30] for _, _, line, _ in found] == [
        'EXPORT_EXPIRED = "export_expir',
        "ErrorCode.PROOF_REVOKED: 404,",
        'ErrorCode.RATE_LIMITED: "Too m',
    ]
    assert code == 1  # the status change is breaking


def test_scenario_unchanged_table_reformatted_only_says_what_was_compared(repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("base", **{"pyproject.toml": CONFIG, "app__errors.py": render(CODES)})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("edit", **{"app__errors.py": "# Keep in sync with docs/errors.md\n" + render(CODES)})

    code = main(["check", "--repo", str(repo.path), "--base", "main", "--head", "feature", "--format", "json"])

    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["label"], f["severity"], f["line"]) for f in findings] == [("ERC111", "non-breaking", "info", None)]
    assert code == 0


def test_scenario_status_changed_only_on_a_base_exception_class(repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The status dict still says 404, but the classes raised for two codes now answer 400."""
    base = render(CODES)
    repo.commit("base", **{"pyproject.toml": CONFIG, "app__errors.py": base})
    repo.git("checkout", "-q", "-b", "feature")
    head = base.replace("class NotFoundError(AppError):\n    status_code = 404", "class NotFoundError(AppError):\n    status_code = 400")
    repo.commit("edit", **{"app__errors.py": head})

    code = main(["check", "--repo", str(repo.path), "--base", "main", "--head", "feature", "--format", "json"])

    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["line"], f["message"]) for f in findings] == [
        ("ERC111", None, tables_found(len(CODES))),
        ("ERC103", 149, "error code NotFoundError HTTP status changed: 404 → 400"),
        ("ERC103", 149, "error code PROOF_NOT_FOUND HTTP status changed: 404 → 400"),
        ("ERC103", 149, "error code TENANT_NOT_FOUND HTTP status changed: 404 → 400"),
        # The classes now disagree with the status dict; RATE_LIMITED's class already
        # disagreed at base (it inherits AppError's 500), so it is not reported again.
        ("ERC112", 149, "error table inconsistent: PROOF_NOT_FOUND has HTTP status 404 in HTTP_STATUS (line 52) "
                        "but 400 in ProofNotFound (line 149)"),
        ("ERC112", 149, "error table inconsistent: TENANT_NOT_FOUND has HTTP status 404 in HTTP_STATUS (line 66) "
                        "but 400 in TenantNotFound (line 149)"),
    ]
    assert head.splitlines()[148] == "    status_code = 400"
    assert code == 1


def test_scenario_status_changed_in_the_dict_only_disagrees_with_the_class(repo, capsys: pytest.CaptureFixture[str]) -> None:
    """PROOF_EXPIRED now answers 404 in the dict, but ProofExpired still inherits GoneError's 410."""
    codes = list(CODES)
    codes[1] = ("PROOF_EXPIRED", 404, "Proof has expired")
    repo.commit("base", **{"pyproject.toml": CONFIG, "app__errors.py": render(CODES)})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("edit", **{"app__errors.py": render(codes)})

    code = main(["check", "--repo", str(repo.path), "--base", "main", "--head", "feature", "--format", "json"])

    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["label"], f["line"], f["message"]) for f in findings if f["rule"] != "ERC111"] == [
        ("ERC103", "breaking", 53, "error code PROOF_EXPIRED HTTP status changed: 410 → 404"),
        ("ERC112", "breaking", 153, "error table inconsistent: PROOF_EXPIRED has HTTP status 404 in HTTP_STATUS "
                                    "(line 53) but 410 in ProofExpired (line 153)"),
    ]
    assert render(codes).splitlines()[152] == "    status_code = 410"
    assert code == 1
