"""Small pieces every reporter words the same way."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar
from importlib import resources

from classifier.model import Finding, Label, Report, Side, Suppressed, Violation

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


Item = TypeVar("Item", Finding, Violation, "Finding | Violation")


def ordered(items: Sequence[Item]) -> list[Item]:
    """What blocks first, then by label (breaking first), then by path and line: the order of a capped list."""
    return sorted(items, key=_importance)


def _importance(item: Finding | Violation) -> tuple[int, int, str, int]:
    if isinstance(item, Violation):
        return (0, 0, item.path, item.line or 0)
    return (0 if item.blocking else 1, -item.label.rank, item.path, item.line or 0)


def blocks(item: Finding | Violation) -> bool:
    return isinstance(item, Violation) or item.blocking


def is_removal(item: Finding | Violation) -> bool:
    """The element is gone at the head: its line is the base's, which means nothing in the head file."""
    return item.location.side is Side.BASE


def where_text(item: Finding | Violation) -> str:
    """``line 12: `` for the head, ``removed (was line 12): `` for what the head no longer has."""
    if not item.line:
        return "removed: " if is_removal(item) else ""
    return f"removed (was line {item.line}): " if is_removal(item) else f"line {item.line}: "


def head_line(item: Finding | Violation) -> int | None:
    """The line to annotate in the head file: none for a removal (a file-level annotation)."""
    return None if is_removal(item) else item.line


def severity_marker(finding: Finding) -> str:
    """``[blocks]``, or the severity that keeps a finding from blocking (``[warning]``, ``[info]``)."""
    if finding.blocking:
        return " [blocks]"
    if finding.severity.value in ("warning", "info"):
        return f" [{finding.severity.value}]"
    return ""


def fix_line(rule_id: str) -> str:
    """One line a reviewer can act on: the first sentence of the rule's "How to fix", and where to read more."""
    fix = _first_fix_sentence(rule_id)
    more = f"classify explain {rule_id}"
    return f"fix: {fix} ({more})" if fix else f"fix: see `{more}`"


@lru_cache(maxsize=None)
def _first_fix_sentence(rule_id: str) -> str | None:
    page = resources.files("classifier").joinpath(f"docs/rules/{rule_id}.md")
    if not page.is_file():
        return None
    section = page.read_text("utf-8").split("## How to fix", 1)
    if len(section) < 2:
        return None
    paragraph = " ".join(section[1].split("\n## ", 1)[0].split())
    match = re.match(r"(.+?[.!?])(\s|$)", paragraph)
    return match.group(1) if match else (paragraph or None)


def status_explanation(report: Report) -> str:
    """Why the run passed or failed, in a few words."""
    blocking = len(report.blocking)
    if not report.passed:
        parts = []
        if report.violations:
            parts.append(f"{len(report.violations)} violation{'s' if len(report.violations) != 1 else ''}")
        if blocking:
            parts.append(f"{blocking} blocking finding{'s' if blocking != 1 else ''}")
        total = len(report.violations) + blocking
        return " and ".join(parts) + (" blocks" if total == 1 else " block")
    quiet_breaking = [f for f in report.findings if f.label is Label.BREAKING and not f.blocking]
    if quiet_breaking:
        count = len(quiet_breaking)
        return f"nothing blocks; {count} breaking finding{'s' if count != 1 else ''} below error severity or fail_on"
    return "nothing blocks"


def surface_counts(report: Report) -> list[tuple[str, dict[str, int]]]:
    """Per surface: findings per label and violations, surfaces in the report's order."""
    table: dict[str, dict[str, int]] = {}
    for item in [*report.violations, *report.findings]:
        row = table.setdefault(item.surface, {**{label.value: 0 for label in LABEL_ORDER}, "violations": 0})
        row["violations" if isinstance(item, Violation) else item.label.value] += 1
    return list(table.items())
