"""JUnit XML: one test case per catalogued rule, a failure per blocking finding.

Every active rule is a test case so the suite has the same shape on every run
(CI dashboards track cases by name); a rule with nothing blocking passes.
"""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from classifier.model import Finding, Report, Violation
from classifier.report import RenderOptions
from classifier.report.common import location_text


def render(report: Report, options: RenderOptions) -> str:
    blocking: dict[str, list[Finding | Violation]] = defaultdict(list)
    noted: dict[str, list[Finding]] = defaultdict(list)
    for violation in report.violations:
        blocking[violation.rule].append(violation)
    for finding in report.findings:
        (blocking[finding.rule] if finding.blocking else noted[finding.rule]).append(finding)
    active = options.active_rules
    failures = sum(1 for rule in active if blocking[rule.id])
    suite = ET.Element("testsuite", name="classify", tests=str(len(active)), failures=str(failures), errors="0", skipped="0")
    for rule in active:
        case = ET.SubElement(suite, "testcase", classname=f"classify.{rule.surface}", name=f"{rule.id} {rule.name}")
        if blocking[rule.id]:
            failure = ET.SubElement(case, "failure", message=f"{len(blocking[rule.id])} blocking", type=rule.id)
            failure.text = "\n".join(f"{location_text(i)}: {i.message}" for i in blocking[rule.id])
        if noted[rule.id]:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(f"{location_text(f)}: {f.message} ({f.label.value})" for f in noted[rule.id])
    suites = ET.Element("testsuites", name="classify", tests=suite.get("tests", "0"), failures=str(failures))
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
