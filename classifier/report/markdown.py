"""Markdown for job summaries and pull-request comments."""

from __future__ import annotations

from classifier.model import Finding, Report, Violation
from classifier.report import RenderOptions
from classifier.report.common import (
    counts,
    fail_on_name,
    label_name,
    regular_findings,
    revision_text,
    status_name,
    suppressed_text,
    upgrade_sections,
)

MAX_ROWS = 200
_COUNT_COLUMNS = ("breaking", "additive", "non-breaking", "violations", "files")


def render(report: Report, options: RenderOptions) -> str:
    icon = "✅" if report.passed else "❌"
    lines = [
        f"## {icon} classify: **{label_name(report)}** — {status_name(report)}",
        "",
        f"Base `{revision_text(report.base.name, report.base.sha)}` ({_cell(report.base.how)}) · "
        f"head `{revision_text(report.head.name, report.head.sha)}` · fail on `{fail_on_name(report)}`",
        "",
        "| breaking | additive | non-breaking | violations | files compared |",
        "|---:|---:|---:|---:|---:|",
        "| " + " | ".join(str(counts(report)[key]) for key in _COUNT_COLUMNS) + " |",
        "",
    ]
    if report.violations:
        lines += ["### Violations", "", "| rule | location | message |", "|---|---|---|"]
        lines += [_violation_row(v) for v in report.violations[:MAX_ROWS]]
        lines += _more(len(report.violations)) + [""]
    findings = regular_findings(report)
    if findings:
        lines += ["### Findings", "", "| label | rule | location | message |", "|---|---|---|---|"]
        lines += [_finding_row(f) for f in findings[:MAX_ROWS]]
        lines += _more(len(findings)) + [""]
    if report.suppressed:
        lines += ["### Waived", "", f"{len(report.suppressed)} set aside by the policy; they do not block.", "",
                  "| rule | location | message | why |", "|---|---|---|---|"]
        lines += [f"| `{s.item.rule}` {s.item.name} | {_where(s.item)} | {_cell(s.item.message)} | "
                  f"{_cell(suppressed_text(s))} |" for s in report.suppressed[:MAX_ROWS]]
        lines += _more(len(report.suppressed)) + [""]
    for old, new, differences in upgrade_sections(report):
        lines += [f"### What changes for clients moving from {old} to {new}", "", "| location | change |", "|---|---|"]
        lines += [f"| {_where(f)} | {_cell(f.message)} |" for f in differences[:MAX_ROWS]]
        lines += _more(len(differences)) + [""]
    return "\n".join(lines)


def _finding_row(finding: Finding) -> str:
    label = f"**{finding.label.value}**" if finding.blocking else finding.label.value
    return f"| {label} | `{finding.rule}` {finding.name} | {_where(finding)} | {_cell(finding.message)} |"


def _violation_row(violation: Violation) -> str:
    return f"| `{violation.rule}` {violation.name} | {_where(violation)} | {_cell(violation.message)} |"


def _where(item: Finding | Violation) -> str:
    text = f"{item.path}:{item.line}" if item.line else item.path
    return f"`{_cell(text)}`"


def _more(total: int) -> list[str]:
    return ["", f"… and {total - MAX_ROWS} more in the JSON report."] if total > MAX_ROWS else []


def _cell(text: str) -> str:
    """Keep a table cell on one line and its pipes literal."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
