"""GitLab Code Quality report (a JSON array of issues)."""

from __future__ import annotations

import json
from typing import Any

from classifier.model import Finding, Label, Report, Violation
from classifier.report import RenderOptions


def render(report: Report, options: RenderOptions) -> str:
    items: list[Finding | Violation] = [*report.violations, *report.findings]
    return json.dumps([_issue(item) for item in items], indent=2, ensure_ascii=False) + "\n"


def _issue(item: Finding | Violation) -> dict[str, Any]:
    return {
        "description": f"{item.rule} {item.name}: {item.message}",
        "check_name": item.rule,
        "fingerprint": item.fingerprint,
        "severity": _severity(item),
        "location": {"path": item.path, "lines": {"begin": item.line or 1}},
    }


def _severity(item: Finding | Violation) -> str:
    if isinstance(item, Violation):
        return "blocker"
    if item.blocking:
        return "critical"
    return {Label.BREAKING: "major", Label.ADDITIVE: "minor", Label.NON_BREAKING: "info"}[item.label]
