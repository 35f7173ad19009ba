"""A change cannot switch off its own check, and nothing set aside disappears from the reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from classifier.cli import main
from classifier.model import fingerprint
from tests.conftest import GitRepo
from tests.run_record import Run
from tests.service_spec import OPENAPI, without_teams, without_users

MIGRATION = '''\
"""Initial."""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None


def upgrade():
    op.add_column("users", sa.Column("email", sa.String(255), nullable=True))
'''
EDITED = MIGRATION.replace("nullable=True", "nullable=False")
MIG_PATH = "migrations/versions/0001_init.py"


@pytest.fixture
def service(repo: GitRepo) -> GitRepo:
    """``main`` with a spec, an applied migration and some code; the test branches off it."""
    repo.commit("initial", **{
        "openapi.yaml": OPENAPI, "app/core.py": "def f():\n    return 1\n",
        "alembic.ini": "[alembic]\nscript_location = migrations\n", "migrations/env.py": "", MIG_PATH: MIGRATION,
    })
    return repo


def on_main(repo: GitRepo, **files: str) -> None:
    """Commit the protected branch's policy (or anything) on main, then branch off it."""
    repo.commit("on main", **files)
    repo.git("checkout", "-q", "-B", "feature")


def classify(capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str) -> Run:
    capsys.readouterr()
    code = main(["--repo", str(repo.path), "--base", "main", *argv])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


# -- whose policy -------------------------------------------------------------------------


@pytest.mark.parametrize("policy_file, text, loosened", [
    (".classifier.toml", 'exclude = ["**"]\n', "exclude '**' added"),
    (".classifier.toml", '[severity]\nOAS101 = "off"\n', "severity of OAS101 error → off"),
    ("pyproject.toml", '[project]\nname = "s"\n\n[tool.classifier]\nfail_on = "none"\n', "fail_on breaking → none"),
])
def test_a_branch_cannot_loosen_the_policy_that_judges_it(
    service: GitRepo, capsys: pytest.CaptureFixture[str], policy_file: str, text: str, loosened: str
) -> None:
    service.git("checkout", "-q", "-b", "feature")
    service.commit("drop teams and relax", **{"openapi.yaml": without_teams(), policy_file: text})

    run = classify(capsys, service, "--format", "json")

    assert run.code == 1
    assert f"policy loosened in {policy_file}: {loosened}" in [v["message"] for v in run.report["violations"]]
    assert ("OAS101", True) in [(f["rule"], f["blocking"]) for f in run.report["findings"]]


def test_a_policy_given_on_the_command_line_is_trusted_as_given(
    service: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    service.git("checkout", "-q", "-b", "feature")
    service.commit("code", **{"app/core.py": "def f():\n    return 2\n"})
    trusted = tmp_path / "policy.toml"
    trusted.write_text('fail_on = "non-breaking"\n', "utf-8")

    run = classify(capsys, service, "--config", str(trusted), "--format", "json")

    assert (run.code, run.report["fail_on"], run.report["violations"]) == (1, "non-breaking", [])


@pytest.mark.parametrize("policy, key", [
    ('[severity]\nMIG101 = "off"\n', "severity.MIG101: MIG101 is a violation and cannot be turned off"),
    ('[[ignore]]\nrule = "MIG101"\nreason = "old"\npaths = ["migrations/**"]\n',
     "ignore: MIG101 is a violation and cannot be ignored by rule or path"),
    ('[[ignore]]\nrule = "applied-migration-edited"\nreason = "old"\n',
     "ignore: MIG101 is a violation and cannot be ignored by rule or path"),
])
def test_a_violation_cannot_be_switched_off_even_on_main(
    service: GitRepo, capsys: pytest.CaptureFixture[str], policy: str, key: str
) -> None:
    on_main(service, **{".classifier.toml": policy})
    service.commit("edit applied", **{MIG_PATH: EDITED})

    run = classify(capsys, service)

    assert run.error_line == (f"classify: error: .classifier.toml: {key}; fix: set aside one occurrence "
                              "with a [[waiver]] (rule, fingerprint, reason)")


# -- waivers --------------------------------------------------------------------------------


def _mig101_fingerprint() -> str:
    return fingerprint("MIG101", MIG_PATH, "0001")


def _waiver(expires: str = "") -> str:
    until = f"expires = {expires}\n" if expires else ""
    return (f'[[waiver]]\nrule = "MIG101"\nfingerprint = "{_mig101_fingerprint()}"\n'
            f'reason = "never deployed: the branch that ran it was reset"\n{until}')


def test_a_waiver_sets_one_violation_aside_and_every_format_still_shows_it(
    service: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    on_main(service, **{".classifier.toml": _waiver("2999-12-31")})
    service.commit("edit applied", **{MIG_PATH: EDITED})
    sarif, markdown = tmp_path / "out.sarif", tmp_path / "out.md"

    run = classify(capsys, service, "--format", "json", "--format", f"sarif:{sarif}", "--format", f"markdown:{markdown}")

    assert (run.code, run.report["violations"], run.report["counts"]["suppressed"]) == (0, [], 1)
    [entry] = run.report["suppressed"]
    assert (entry["rule"], entry["kind"], entry["how"], entry["expires"], entry["fingerprint"]) == (
        "MIG101", "violation", "waived", "2999-12-31", _mig101_fingerprint())
    assert entry["reason"] == "never deployed: the branch that ran it was reset"
    [result] = [r for r in json.loads(sarif.read_text())["runs"][0]["results"] if r["ruleId"] == "MIG101"]
    assert result["suppressions"] == [{"kind": "external", "status": "accepted",
                                       "justification": "waived: never deployed: the branch that ran it was reset"}]
    text = markdown.read_text()
    assert "### Waived" in text and "1 set aside by the policy; they do not block." in text
    assert "waived until 2999-12-31: never deployed: the branch that ran it was reset" in text


def test_the_text_report_counts_and_lists_what_was_set_aside(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    on_main(service, **{".classifier.toml": _waiver()})
    service.commit("edit applied", **{MIG_PATH: EDITED})

    run = classify(capsys, service)

    assert run.code == 0
    assert "Set aside by the policy" in run.out
    assert run.out.splitlines()[-1].endswith("1 set aside by the policy; passed (fail_on: breaking): nothing blocks")


def test_an_expired_waiver_blocks_again(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    on_main(service, **{".classifier.toml": _waiver("2020-01-31")})
    service.commit("edit applied", **{MIG_PATH: EDITED})

    run = classify(capsys, service, "--format", "json")

    assert (run.code, [v["rule"] for v in run.report["violations"]], run.report["suppressed"]) == (1, ["MIG101"], [])


def test_a_waiver_added_by_the_change_itself_does_not_apply(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    service.git("checkout", "-q", "-b", "feature")
    service.commit("edit applied and waive it", **{MIG_PATH: EDITED, ".classifier.toml": _waiver()})

    run = classify(capsys, service, "--format", "json")

    assert run.code == 1
    assert sorted(v["rule"] for v in run.report["violations"]) == ["CLS001", "MIG101"]


def test_a_waiver_must_name_one_occurrence(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    on_main(service, **{".classifier.toml": '[[waiver]]\nrule = "MIG101"\nreason = "all of them"\n'})

    run = classify(capsys, service)

    assert run.error_line.startswith("classify: error: .classifier.toml: waiver.0: name the occurrence by "
                                     "fingerprint, or by path and subject (not both)")


def test_ignored_findings_stay_in_the_report_with_their_reason(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    on_main(service, **{".classifier.toml": '[[ignore]]\nrule = "GEN003"\nreason = "refactor week"\n'})
    service.commit("code", **{"app/core.py": "def f():\n    return 2\n"})

    run = classify(capsys, service, "--format", "json")

    assert [(s["rule"], s["how"], s["reason"]) for s in run.report["suppressed"]] == [
        ("GEN003", "ignored", "refactor week")]


# -- no pass by accident ----------------------------------------------------------------------


def test_a_closed_stdout_is_never_a_pass_and_files_are_still_written(service: GitRepo, tmp_path: Path) -> None:
    service.git("checkout", "-q", "-b", "feature")
    service.commit("docs", **{"README.md": "# Service\n" * 20_000})
    report = tmp_path / "report.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "classifier", "--base", "main", "--format", "text", "--format", f"json:{report}"],
        cwd=service.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `classify … | head -0`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 2
    assert err.startswith("classify: error: the output was closed before the report was written in full")
    assert json.loads(report.read_text())["status"] == "passed"


def test_fail_on_given_on_the_command_line_is_not_a_policy_change(
    service: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    service.git("checkout", "-q", "-b", "feature")
    service.commit("code", **{"app/core.py": "def f():\n    return 2\n"})

    run = classify(capsys, service, "--fail-on", "non-breaking", "--format", "json")

    assert (run.code, run.report["violations"], run.report["fail_on"]) == (1, [], "non-breaking")


def test_waiver_expiry_is_judged_as_of_the_day_asked(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    on_main(service, **{".classifier.toml": _waiver("2030-06-30")})
    service.commit("edit applied", **{MIG_PATH: EDITED})

    assert classify(capsys, service, "--today", "2030-06-30").code == 0
    assert classify(capsys, service, "--today", "2030-07-01").code == 1


def test_a_parse_cache_inside_the_repository_is_refused(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    inside = service.path / ".classify-cache"
    on_main(service, **{".classifier.toml": f'[openapi]\ncache_dir = "{inside}"\n'})

    run = classify(capsys, service)

    assert run.error_line == (f"classify: error: openapi.cache_dir: {inside} is inside the repository; fix: use a "
                              "relative name (kept under $XDG_CACHE_HOME/classify) or a folder outside the work tree")


def test_a_relative_parse_cache_lives_in_the_users_cache_folder(
    service: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    on_main(service, **{".classifier.toml": '[openapi]\ncache_dir = ".classify-cache"\n'})
    service.commit("drop users", **{"openapi.yaml": without_users()})

    run = classify(capsys, service, "--format", "json")

    assert [f["rule"] for f in run.report["findings"]] == ["OAS101"]
    assert len(list((tmp_path / "xdg" / "classify" / ".classify-cache").iterdir())) == 2
    assert not (service.path / ".classify-cache").exists()


# -- find what is there --------------------------------------------------------------------------

ERRORS = '''\
from enum import Enum


class ErrorCode(str, Enum):
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"


HTTP_STATUS = {ErrorCode.NOT_FOUND: 404, ErrorCode.CONFLICT: 409}
'''


def test_an_error_table_is_compared_without_configuration(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    on_main(service, **{"app/errors.py": ERRORS})
    service.commit("re-status", **{"app/errors.py": ERRORS.replace("409", "422")})

    run = classify(capsys, service, "--format", "json")

    assert run.code == 1
    assert [(f["rule"], f["message"]) for f in run.report["findings"]] == [
        ("ERC111", "error tables compared: ErrorCode (enum, 2 codes, line 4); HTTP_STATUS (dict, 2 codes, line 9)"),
        ("ERC103", "error code CONFLICT HTTP status changed: 409 → 422"),
    ]


def test_a_mistyped_error_table_path_is_a_configuration_error(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    on_main(service, **{"app/errors.py": ERRORS, ".classifier.toml": '[error_codes]\ntables = ["app/error.py"]\n'})
    service.commit("re-status", **{"app/errors.py": ERRORS.replace("409", "422")})

    run = classify(capsys, service)

    assert run.error_line == ("classify: error: error_codes.tables: app/error.py exists at neither revision; "
                              "fix: fix the path in the configuration, or remove the entry")


def test_a_mistyped_spec_path_is_a_configuration_error(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    on_main(service, **{".classifier.toml": '[openapi]\npaths = ["api/openapi.yaml"]\n'})

    run = classify(capsys, service)

    assert run.error_line == ("classify: error: openapi.paths: 'api/openapi.yaml' matches no file at either revision; "
                              "fix: fix the path in [tool.classifier.openapi] paths, or remove the entry")


@pytest.mark.parametrize("where", ["api/openapi.yaml", "docs/public-api.yaml"])
def test_an_openapi_document_is_compared_wherever_it_lives(
    service: GitRepo, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    on_main(service, **{where: OPENAPI})
    service.commit("drop teams", **{where: without_teams()})

    run = classify(capsys, service, "--format", "json")

    assert run.code == 1
    assert [(f["rule"], f["path"]) for f in run.report["findings"]] == [("OAS101", where)]


def test_a_swagger_document_anywhere_is_refused_not_passed(service: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    swagger = 'swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths: {}\n'
    on_main(service, **{"legacy/api.yaml": swagger})
    service.commit("edit", **{"legacy/api.yaml": swagger.replace("t,", "legacy,")})

    run = classify(capsys, service)

    assert run.error_line.startswith("classify: error: legacy/api.yaml:1 (base): Swagger 2.0 is not supported")


def test_data_files_that_are_not_openapi_are_no_openapi_findings(
    service: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    service.git("checkout", "-q", "-b", "feature")
    service.commit("data", **{"config/settings.yaml": "debug: false\n", "package.json": '{"name": "a"}\n'})

    run = classify(capsys, service, "--format", "json")

    assert sorted((f["rule"], f["path"]) for f in run.report["findings"]) == [
        ("GEN004", "config/settings.yaml"), ("GEN004", "package.json")]


def test_the_committed_base_key_names_the_default_branch(make_repo, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo("develop-first")
    repo.git("checkout", "-q", "-b", "develop")
    repo.commit("initial", **{".classifier.toml": 'base = "develop"\n', "openapi.yaml": OPENAPI})
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("openapi.yaml", without_users())

    capsys.readouterr()
    code = main(["--repo", str(repo.path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)

    assert (code, report["base"]["name"], [f["rule"] for f in report["findings"]]) == (1, "develop", ["OAS101"])


def test_a_linked_policy_in_the_working_tree_is_refused_unread(
    service: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.toml"
    outside.write_text("exclude = ['SECRET-VALUE']\n", "utf-8")
    service.git("checkout", "-q", "-b", "feature")
    (service.path / ".classifier.toml").symlink_to(outside)

    run = classify(capsys, service)

    assert run.error_line == ("classify: error: .classifier.toml (head): is a symbolic link; the configuration is "
                              "read only from a regular file; fix: replace the link by the file itself, or pass "
                              "--config FILE")
    assert "SECRET" not in run.out + run.err


def test_a_single_branch_clone_of_the_feature_is_no_silent_pass(
    service: GitRepo, make_repo, capsys: pytest.CaptureFixture[str], tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    service.git("checkout", "-q", "-b", "feature")
    service.commit("drop users", **{"openapi.yaml": without_users()})
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--single-branch", "-b", "feature", str(service.path), str(clone)],
                   check=True, capture_output=True)

    capsys.readouterr()
    code = main(["--repo", str(clone)])
    err = capsys.readouterr().err

    assert code == 2
    assert err.startswith("classify: error: the default base origin/feature is the head being compared, so nothing "
                          "could ever differ (a single-branch clone); fix: pass --base")


def test_on_the_default_branch_the_working_tree_is_still_compared(
    service: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    service.write("openapi.yaml", without_users())

    capsys.readouterr()
    code = main(["--repo", str(service.path), "--format", "json"])

    assert code == 1 and [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["OAS101"]
