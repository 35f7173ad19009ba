"""The command line: sub-commands, output formats, configuration errors, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from classifier.cli import main
from classifier.rules.catalogue import RULES


def write(root: Path, relative: str, text: str) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    base, head = tmp_path / "base", tmp_path / "head"
    write(base, "README.md", "# One\n")
    write(base, "app/core.py", "def f():\n    return 1\n")
    write(head, "README.md", "# Two\n")
    write(head, "app/core.py", "def f():\n    return 2\n")
    return base, head


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[1:]] == [r.id for r in RULES]


def test_rules_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows[0]["id"] == RULES[0].id and set(rows[0]) >= {"id", "name", "label", "summary"}


def test_explain_prints_the_doc_page_by_id_or_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "explain", "GEN003")[1].startswith("# GEN003 internal-change\n")
    assert run(capsys, "explain", "internal-change")[1].startswith("# GEN003 internal-change\n")


def test_explain_unknown_rule_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "explain", "XYZ999")
    assert (code, out) == (2, "")
    assert err == "classify: error: unknown rule 'XYZ999'; fix: `classify rules` lists every id and name\n"


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    for code in ("0 ", "1 ", "2 ", "3 ", "130"):
        assert re.search(rf"^  {code}", out, flags=re.MULTILINE), code


def test_check_is_the_default_command_and_labels_files(capsys: pytest.CaptureFixture[str], trees) -> None:  # type: ignore[no-untyped-def]
    base, head = trees
    code, out, err = run(capsys, "--base-dir", str(base), "--head-dir", str(head), "--format", "json")
    report = json.loads(out)
    assert (code, err) == (0, "")
    assert [(f["rule"], f["path"]) for f in report["findings"]] == [("GEN001", "README.md"), ("GEN003", "app/core.py")]
    assert report["label"] == "non-breaking" and report["status"] == "passed"


def test_fail_on_non_breaking_fails_the_run(capsys: pytest.CaptureFixture[str], trees) -> None:  # type: ignore[no-untyped-def]
    base, head = trees
    code, out, _ = run(capsys, "--base-dir", str(base), "--head-dir", str(head), "--fail-on", "non-breaking")
    assert code == 1
    assert out.rstrip().endswith("failed (fail_on: non-breaking): 2 blocking findings block")


def test_several_formats_in_one_run(capsys: pytest.CaptureFixture[str], trees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, head = trees
    sarif, junit = tmp_path / "out" / "report.sarif", tmp_path / "out" / "junit.xml"
    code, out, _ = run(
        capsys, "--base-dir", str(base), "--head-dir", str(head),
        "--format", "github", "--format", f"sarif:{sarif}", "--format", f"junit:{junit}",
    )
    assert code == 0
    assert "::notice file=app/core.py,line=2,title=GEN003 internal-change (non-breaking)::internal change: code changed\n" in out
    assert json.loads(sarif.read_text("utf-8"))["version"] == "2.1.0"
    assert junit.read_text("utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str], trees) -> None:  # type: ignore[no-untyped-def]
    base, head = trees
    with pytest.raises(SystemExit) as exited:
        main(["--base-dir", str(base), "--head-dir", str(head), "--format", "yaml"])
    assert exited.value.code == 2
    assert "unknown format 'yaml'" in capsys.readouterr().err


def test_base_dir_without_head_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--base-dir", str(tmp_path))
    assert code == 2
    assert err == "classify: error: --base-dir and --head-dir go together; fix: pass both folders\n"


def test_missing_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--base-dir", str(tmp_path / "nope"), "--head-dir", str(tmp_path))
    assert code == 2 and "no such directory" in err and err.count("\n") == 1


def test_unwritable_output_path(capsys: pytest.CaptureFixture[str], trees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, head = trees
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "--base-dir", str(base), "--head-dir", str(head), "--format", f"json:{blocker}/r.json")
    assert code == 2 and err.startswith("classify: error: cannot write the json report to ")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("fail_on = 'breaking'\nfial_on = 'x'\n", "classify: error: .classifier.toml: unknown key 'fial_on'"),
        ("[files]\ndocumentaton = []\n", "classify: error: .classifier.toml: unknown key 'files.documentaton'"),
        ("fail_on = 'sometimes'\n", "classify: error: .classifier.toml: fail_on: 'sometimes' is not one of"),
        ("[[ignore]]\nrule = 'GEN003'\n", "classify: error: .classifier.toml: ignore.0: 'reason' is a required property"),
        ("[severity]\nNOPE001 = 'off'\n", "classify: error: .classifier.toml: severity: unknown rule 'NOPE001'"),
        ("fail_on = [\n", "classify: error: "),
        ("exclude = ['[abc']\n", "classify: error: .classifier.toml: glob '[abc': unclosed '['"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str], trees, config: str, message: str
) -> None:
    base, head = trees
    (head / ".classifier.toml").write_text(config, "utf-8")
    code, out, err = run(capsys, "--base-dir", str(base), "--head-dir", str(head))
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1


def test_configuration_in_pyproject_applies(capsys: pytest.CaptureFixture[str], trees) -> None:  # type: ignore[no-untyped-def]
    base, head = trees
    policy = (
        "[project]\nname = 'x'\n\n[tool.classifier]\nfail_on = 'non-breaking'\nexclude = ['README.md']\n"
        "[[tool.classifier.ignore]]\nrule = 'internal-change'\nreason = 'refactor in progress'\npaths = ['app/**']\n"
    )
    for tree in (base, head):  # committed at the base: the policy that applies
        (tree / "pyproject.toml").write_text(policy, "utf-8")
    (head / "app" / "new.py").write_text("X = 1\n", "utf-8")
    code, out, _ = run(capsys, "--base-dir", str(base), "--head-dir", str(head), "--format", "json")
    report = json.loads(out)
    # README.md is excluded; GEN003 in app/ is ignored but still reported as set aside; the added file blocks.
    assert [f["rule"] + " " + f["path"] for f in report["findings"]] == ["GEN004 app/new.py"]
    assert [(s["rule"], s["how"], s["reason"]) for s in report["suppressed"]] == [
        ("GEN003", "ignored", "refactor in progress")]
    assert code == 1 and report["fail_on"] == "non-breaking"


def test_configuration_added_by_the_change_does_not_judge_it(capsys: pytest.CaptureFixture[str], trees) -> None:  # type: ignore[no-untyped-def]
    base, head = trees
    (head / ".classifier.toml").write_text("exclude = ['app/**']\n[severity]\nGEN001 = 'off'\n", "utf-8")
    code, out, _ = run(capsys, "--base-dir", str(base), "--head-dir", str(head), "--format", "json")
    report = json.loads(out)
    assert [v["message"] for v in report["violations"]] == [
        "policy loosened in .classifier.toml: exclude 'app/**' added",
        "policy loosened in .classifier.toml: severity of GEN001 error \u2192 off",
    ]
    assert {f["rule"] for f in report["findings"]} >= {"GEN001", "GEN003"}  # judged by the base's defaults
    assert code == 1


def test_severity_override_turns_a_rule_off(capsys: pytest.CaptureFixture[str], trees) -> None:  # type: ignore[no-untyped-def]
    base, head = trees
    for tree in (base, head):
        (tree / ".classifier.toml").write_text("[severity]\nGEN001 = 'off'\nGEN004 = 'off'\n", "utf-8")
    code, out, _ = run(capsys, "--base-dir", str(base), "--head-dir", str(head), "--format", "json")
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["GEN003"]


def test_internal_error_is_exit_3_with_a_request_to_report(  # type: ignore[no-untyped-def]
    capsys: pytest.CaptureFixture[str], trees, monkeypatch: pytest.MonkeyPatch
) -> None:
    import classifier.check

    def explode(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(classifier.check, "run_check", explode)
    base, head = trees
    code, _, err = run(capsys, "--base-dir", str(base), "--head-dir", str(head))
    assert code == 3
    assert err.startswith("classify: internal error: RuntimeError: boom (this is a bug: please report it")


def test_ctrl_c_is_exit_130(capsys: pytest.CaptureFixture[str], trees, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import classifier.check

    def interrupt(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(classifier.check, "run_check", interrupt)
    base, head = trees
    assert run(capsys, "--base-dir", str(base), "--head-dir", str(head))[0] == 130


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["guard", "check", "--help"], "usage: classify guard check"),
        (["migrations", "lock", "--help"], "usage: classify migrations lock"),
        (["migrations", "preflight", "--help"], "usage: classify migrations preflight"),
        (["migrations", "postflight", "--help"], "usage: classify migrations postflight"),
        (["migrations", "rollback-check", "--help"], "usage: classify migrations rollback-check"),
        (["fleet", "check", "--help"], "usage: classify fleet check"),
        (["outcomes", "record", "--help"], "usage: classify outcomes record"),
        (["outcomes", "compare", "--help"], "usage: classify outcomes compare"),
        (["snapshot", "--help"], "usage: classify snapshot"),
    ],
)
def test_every_command_group_is_reachable(capsys: pytest.CaptureFixture[str], argv: list[str], usage: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(usage)


def test_migrations_lock_through_classify(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write(tmp_path, "alembic.ini", "[alembic]\nscript_location = migrations\n")
    write(tmp_path, "migrations/env.py", "")
    write(tmp_path, "migrations/versions/0001_init.py", 'revision = "0001"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n')
    code, out, _ = run(capsys, "migrations", "lock", "--repo", str(tmp_path), "--check")
    assert (code, out) == (1, "migrations/migrations.lock: out of date: run `classify migrations lock` (1 revisions)\n")
    assert run(capsys, "migrations", "lock", "--repo", str(tmp_path))[0] == 0
    assert run(capsys, "migrations", "lock", "--repo", str(tmp_path), "--check")[0] == 0


def test_analysis_command_does_not_import_the_command_groups() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from classifier.cli import main; main(['rules']); "
        "print(sorted(m for m in sys.modules if m.startswith(('classifier.guard', 'classifier.upgrade', "
        "'classifier.commands.snapshot', 'sqlalchemy', 'alembic', 'libcst'))), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stderr.strip() == "[]"


def test_two_reports_on_stdout_are_refused(capsys: pytest.CaptureFixture[str], trees) -> None:  # type: ignore[no-untyped-def]
    base, head = trees
    code, out, err = run(capsys, "--base-dir", str(base), "--head-dir", str(head), "--format", "json", "--format", "sarif")
    assert (code, out) == (2, "")
    assert err == ("classify: error: --format json and sarif both write to stdout, one document after the other; "
                   "fix: send all but one to a file, e.g. --format sarif:report.sarif\n")


def test_two_reports_on_one_path_are_refused(capsys: pytest.CaptureFixture[str], trees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, head = trees
    target = tmp_path / "out.txt"
    code, _, err = run(capsys, "--base-dir", str(base), "--head-dir", str(head),
                       "--format", f"json:{target}", "--format", f"markdown:{target}")
    assert code == 2 and not target.exists()
    assert err == (f"classify: error: --format json and --format markdown both write {target}; "
                   "fix: give each report its own path\n")


def test_force_color_colours_output_that_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str], trees, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    base, head = trees
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\033[" in run(capsys, "--base-dir", str(base), "--head-dir", str(head))[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in run(capsys, "--base-dir", str(base), "--head-dir", str(head))[1]


def test_top_level_help_lists_the_comparison_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "what to compare (classify [check]):" in out and "--base REF" in out and "--format NAME[:PATH]" in out


def test_rules_show_the_repositorys_own_severities_and_what_blocks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / ".classifier.toml").write_text('fail_on = "non-breaking"\n[severity]\nGEN001 = "warning"\n', "utf-8")
    rows = {row["id"]: row for row in json.loads(run(capsys, "rules", "--repo", str(tmp_path), "--format", "json")[1])}
    assert (rows["GEN001"]["severity"], rows["GEN001"]["default_severity"], rows["GEN001"]["blocks"]) == (
        "warning", "error", False)
    assert (rows["GEN003"]["severity"], rows["GEN003"]["blocks"]) == ("error", True)
    assert rows["MIG101"]["blocks"] is True
