"""Small pieces every reporter words the same way."""

from __future__ import annotations

from classifier.model import Finding, Label, Report, Suppressed, Violation

LABEL_ORDER = (Label.BREAKING, Label.ADDITIVE, Label.NON_BREAKING)


def label_name(report: Report) -> str:
    """The overall label, or ``none`` when nothing was found."""
    return report.label.value if report.label else "none"


def status_name(report: Report) -> str:
    return "passed" if report.passed else "failed"


def fail_on_name(report: Report) -> str:
    return report.fail_on.value if report.fail_on else "none"


def counts(report: Report) -> dict[str, int]:
    """Findings per label plus violations and compared files, in display order."""
    result = {label.value: report.count(label) for label in LABEL_ORDER}
    result["violations"] = len(report.violations)
    result["files"] = report.files_compared
    result["suppressed"] = len(report.suppressed)
    return result


def summary_line(report: Report) -> str:
    c = counts(report)
    parts = [f"{c[label.value]} {label.value}" for label in LABEL_ORDER]
    parts.append(f"{c['violations']} violation{'s' if c['violations'] != 1 else ''}")
    if report.suppressed:
        parts.append(f"{len(report.suppressed)} set aside by the policy")
    return ", ".join(parts)


def suppressed_text(entry: Suppressed) -> str:
    """How the policy set an item aside, in its own words: ``waived until 2027-03-31: reason``."""
    until = f" until {entry.expires.isoformat()}" if entry.expires else ""
    return f"{entry.how}{until}: {entry.reason}"


def location_text(item: Finding | Violation) -> str:
    return f"{item.path}:{item.line}" if item.line else item.path


def annotation_level(item: Finding | Violation) -> str:
    """``error`` for what blocks, ``warning`` for breaking or warned, else ``notice``."""
    if isinstance(item, Violation) or item.blocking:
        return "error"
    if item.label is Label.BREAKING or item.severity.value == "warning":
        return "warning"
    return "notice"


UPGRADE_DIFFERENCE_RULE = "version-upgrade-difference"


def upgrade_sections(report: Report) -> list[tuple[str, str, list[Finding]]]:
    """The version-to-version differences, as ``(old, new, findings)`` per version pair.

    They describe what a client moving from one API version to the next must
    change; text and markdown show them in a section of their own.
    """
    sections: dict[tuple[str, str], list[Finding]] = {}
    for finding in report.findings:
        if finding.name == UPGRADE_DIFFERENCE_RULE:
            pair = finding.subject.split("|", 1)[0]
            old, _, new = pair.partition("->")
            sections.setdefault((old, new), []).append(finding)
    return [(old, new, findings) for (old, new), findings in sections.items()]


def regular_findings(report: Report) -> tuple[Finding, ...]:
    """Every finding except the version-to-version differences."""
    return tuple(f for f in report.findings if f.name != UPGRADE_DIFFERENCE_RULE)


def one_line(text: str) -> str:
    """Text safe for one terminal line: control characters (newlines, escape codes) shown as ``\\xNN``."""
    if text.isprintable():
        return text  # the usual case, without a Python step per character
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)


def revision_text(name: str, sha: str | None) -> str:
    return f"{name} @ {sha[:12]}" if sha else name
