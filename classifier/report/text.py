"""Human output for a terminal: grouped by surface and file, like ``git diff --stat``.

Colour only when asked (the CLI turns it on for a TTY unless ``NO_COLOR`` is set).
"""

from __future__ import annotations

from itertools import groupby

from classifier.model import Finding, Report, Violation
from classifier.report import RenderOptions
from classifier.report.common import (
    fail_on_name,
    label_name,
    location_text,
    one_line,
    regular_findings,
    revision_text,
    summary_line,
    suppressed_text,
    upgrade_sections,
)

_COLOURS = {
    "breaking": "\033[31m",
    "additive": "\033[33m",
    "non-breaking": "\033[32m",
    "violation": "\033[1;31m",
    "bold": "\033[1m",
    "dim": "\033[2m",
}
_RESET = "\033[0m"


class Painter:
    """Wraps text in ANSI colour codes, or leaves it alone when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, style: str, text: str) -> str:
        return f"{_COLOURS[style]}{text}{_RESET}" if self.enabled else text


def render(report: Report, options: RenderOptions) -> str:
    paint = Painter(options.color)
    lines = [
        f"base: {revision_text(report.base.name, report.base.sha)} ({report.base.how})",
        f"head: {revision_text(report.head.name, report.head.sha)} ({report.head.how})",
        "",
    ]
    if report.violations:
        lines.append(paint("violation", "Violations"))
        lines.extend(_violation_line(v, paint) for v in report.violations)
        lines.append("")
    lines.extend(_grouped_findings(regular_findings(report), paint))
    for old, new, differences in upgrade_sections(report):
        lines.append(paint("bold", f"What changes for clients moving from {old} to {new}"))
        lines.extend(f"  {one_line(location_text(f))}  {one_line(f.message)}" for f in differences)
        lines.append("")
    if report.suppressed:
        lines.append(paint("bold", "Set aside by the policy"))
        lines.extend(
            f"  {s.item.rule} {s.item.name}  {one_line(location_text(s.item))}: {one_line(s.item.message)} "
            f"({one_line(suppressed_text(s))})"
            for s in report.suppressed
        )
        lines.append("")
    lines.append(_result_line(report, paint))
    return "\n".join(lines) + "\n"


def _grouped_findings(findings: tuple[Finding, ...], paint: Painter) -> list[str]:
    lines: list[str] = []
    for surface, in_surface in groupby(findings, key=lambda f: f.surface):
        lines.append(paint("bold", surface))
        for path, in_file in groupby(in_surface, key=lambda f: f.path):
            lines.append(f"  {one_line(path)}")
            lines.extend(_finding_line(f, paint) for f in in_file)
        lines.append("")
    return lines


def _finding_line(finding: Finding, paint: Painter) -> str:
    where = f"line {finding.line}: " if finding.line else ""
    marker = " [blocks]" if finding.blocking else ""
    label = paint(finding.label.value, f"{finding.label.value:<13}")
    return f"    {label} {finding.rule} {finding.name}  {where}{one_line(finding.message)}{marker}"


def _violation_line(violation: Violation, paint: Painter) -> str:
    where = one_line(f"{violation.path}:{violation.line}" if violation.line else violation.path)
    return f"  {paint('violation', violation.rule)} {violation.name}  {where}: {one_line(violation.message)}"


def _result_line(report: Report, paint: Painter) -> str:
    if not report.findings and not report.violations and not report.suppressed:
        return f"label: none — nothing changed ({report.files_compared} files compared); passed"
    verdict = "passed" if report.passed else paint("violation", "failed")
    label = label_name(report)
    coloured = paint(label, label) if report.label else label
    return f"label: {coloured} — {summary_line(report)}; {verdict} (fail_on: {fail_on_name(report)})"
