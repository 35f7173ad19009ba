"""Markdown for job summaries and pull-request comments."""

from __future__ import annotations

from classifier.model import Finding, Report, Violation
from classifier.report import RenderOptions
from classifier.report.common import (
    LABEL_ORDER,
    counts,
    fail_on_name,
    fix_line,
    is_removal,
    label_name,
    ordered,
    regular_findings,
    revision_text,
    status_explanation,
    status_name,
    suppressed_text,
    surface_counts,
    upgrade_sections,
)

MAX_ROWS = 200
_COUNT_COLUMNS = ("breaking", "additive", "non-breaking", "violations", "files")


def render(report: Report, options: RenderOptions) -> str:
    icon = "✅" if report.passed else "❌"
    lines = [
        f"## {icon} classify: **{label_name(report)}** — {status_name(report)}: {status_explanation(report)}",
        "",
        f"Base `{revision_text(report.base.name, report.base.sha)}` ({_cell(report.base.how)}) · "
        f"head `{revision_text(report.head.name, report.head.sha)}` · fail on `{fail_on_name(report)}`",
        "",
        "| breaking | additive | non-breaking | violations | files compared |",
        "|---:|---:|---:|---:|---:|",
        "| " + " | ".join(str(counts(report)[key]) for key in _COUNT_COLUMNS) + " |",
        "",
        *_surface_table(report),
    ]
    if report.violations:
        lines += ["### Violations", "", "| rule | location | message |", "|---|---|---|"]
        lines += [_violation_row(v) for v in ordered(report.violations)[:MAX_ROWS]]
        lines += _more(len(report.violations)) + [""]
    findings = regular_findings(report)
    if findings:
        lines += ["### Findings", "", "| label | rule | location | message |", "|---|---|---|---|"]
        # What blocks first, then breaking, additive, non-breaking: a capped table still shows what matters.
        lines += [_finding_row(f) for f in ordered(findings)[:MAX_ROWS]]
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


def _surface_table(report: Report) -> list[str]:
    rows = surface_counts(report)
    if len(rows) < 2:
        return []
    header = ["| surface | " + " | ".join(label.value for label in LABEL_ORDER) + " | violations |",
              "|---|---:|---:|---:|---:|"]
    body = [f"| {surface} | " + " | ".join(str(row[key]) for key in (*[l.value for l in LABEL_ORDER], "violations"))
            + " |" for surface, row in rows]
    return [*header, *body, ""]


def _finding_row(finding: Finding) -> str:
    if finding.blocking:
        label = f"**{finding.label.value}** (blocks)"
        message = f"{_cell(finding.message)}<br>{_cell(fix_line(finding.rule))}"
    else:
        quiet = "" if finding.severity.value == "error" else f" ({finding.severity.value})"
        label, message = f"{finding.label.value}{quiet}", _cell(finding.message)
    return f"| {label} | `{finding.rule}` {finding.name} | {_where(finding)} | {message} |"


def _violation_row(violation: Violation) -> str:
    message = f"{_cell(violation.message)}<br>{_cell(fix_line(violation.rule))}"
    return f"| `{violation.rule}` {violation.name} | {_where(violation)} | {message} |"


def _where(item: Finding | Violation) -> str:
    if is_removal(item):  # the line is the base's; the head file has no such line
        return f"`{_cell(item.path)}` (removed" + (f", was line {item.line})" if item.line else ")")
    text = f"{item.path}:{item.line}" if item.line else item.path
    return f"`{_cell(text)}`"


def _more(total: int) -> list[str]:
    return ["", f"… and {total - MAX_ROWS} more in the JSON report."] if total > MAX_ROWS else []


def _cell(text: str) -> str:
    """Keep a table cell on one line and its pipes literal."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
