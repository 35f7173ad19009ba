"""Human output for a terminal: grouped by surface and file, like ``git diff --stat``.

Colour only when asked (the CLI turns it on for a TTY unless ``NO_COLOR`` is set).
"""

from __future__ import annotations

from itertools import groupby

from classifier.model import Finding, Report, Violation
from classifier.report import RenderOptions
from classifier.report.common import (
    fail_on_name,
    fix_line,
    is_removal,
    label_name,
    location_text,
    one_line,
    regular_findings,
    revision_text,
    severity_marker,
    status_explanation,
    summary_line,
    suppressed_text,
    upgrade_sections,
    where_text,
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
        for violation in report.violations:
            lines += [_violation_line(violation, paint), f"    {fix_line(violation.rule)}"]
        lines.append("")
    listed = _listed(regular_findings(report), options)
    lines.extend(_grouped_findings(listed, paint))
    hidden = len(regular_findings(report)) - len(listed)
    if hidden:
        lines += [f"({hidden} more finding{'s' if hidden != 1 else ''} not listed: {_why_hidden(options)})", ""]
    if not options.quiet:
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


def _listed(findings: tuple[Finding, ...], options: RenderOptions) -> tuple[Finding, ...]:
    if options.quiet:
        return tuple(f for f in findings if f.blocking)
    if options.min_label is not None:
        floor = options.min_label.rank
        return tuple(f for f in findings if f.label.rank >= floor or f.blocking)
    return findings


def _why_hidden(options: RenderOptions) -> str:
    if options.quiet:
        return "--quiet lists only what blocks"
    return f"below --min-label {options.min_label.value if options.min_label else ''}"


def _grouped_findings(findings: tuple[Finding, ...], paint: Painter) -> list[str]:
    lines: list[str] = []
    for surface, in_surface in groupby(findings, key=lambda f: f.surface):
        lines.append(paint("bold", surface))
        for path, in_file in groupby(in_surface, key=lambda f: f.path):
            lines.append(f"  {one_line(path)}")
            for finding in in_file:
                lines.append(_finding_line(finding, paint))
                if finding.blocking:
                    lines.append(f"        {fix_line(finding.rule)}")
        lines.append("")
    return lines


def _finding_line(finding: Finding, paint: Painter) -> str:
    label = paint(finding.label.value, f"{finding.label.value:<13}")
    return (f"    {label} {finding.rule} {finding.name}  {where_text(finding)}{one_line(finding.message)}"
            f"{severity_marker(finding)}")


def _violation_line(violation: Violation, paint: Painter) -> str:
    where = location_text(violation)
    if is_removal(violation):  # the place is the base's: the head file has no such line
        where = f"{violation.path} (at the base" + (f", line {violation.line})" if violation.line else ")")
    return f"  {paint('violation', violation.rule)} {violation.name}  {one_line(where)}: {one_line(violation.message)}"


def _result_line(report: Report, paint: Painter) -> str:
    if not report.findings and not report.violations and not report.suppressed:
        return f"label: none — nothing changed ({report.files_compared} files compared); passed"
    verdict = "passed" if report.passed else paint("violation", "failed")
    label = label_name(report)
    coloured = paint(label, label) if report.label else label
    return (f"label: {coloured} — {summary_line(report)}; {verdict} (fail_on: {fail_on_name(report)}): "
            f"{status_explanation(report)}")
