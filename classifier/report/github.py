"""GitHub Actions workflow commands: one annotation per finding, on its line.

GitHub shows at most 10 annotations of each level per step, so at most
``max_annotations_per_level`` are written per level and a plain line says how
many more the job summary holds.
"""

from __future__ import annotations

from collections import Counter

from classifier.model import Finding, Report, Violation
from classifier.report import RenderOptions
from classifier.report.common import annotation_level, label_name, status_name, summary_line


def render(report: Report, options: RenderOptions) -> str:
    shown: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    lines: list[str] = []
    items: list[Finding | Violation] = [*report.violations, *report.findings]
    for item in items:
        level = annotation_level(item)
        if shown[level] >= options.max_annotations_per_level:
            hidden[level] += 1
            continue
        shown[level] += 1
        lines.append(_annotation(level, item))
    for level in ("error", "warning", "notice"):
        if hidden[level]:
            lines.append(f"classify: {hidden[level]} more {level} annotation(s) not shown; see the job summary")
    lines.append(f"classify: label {label_name(report)}, {status_name(report)} ({summary_line(report)})")
    return "\n".join(lines) + "\n"


def _annotation(level: str, item: Finding | Violation) -> str:
    props = {"file": item.path}
    if item.line:
        props["line"] = str(item.line)
    label = "violation" if isinstance(item, Violation) else item.label.value
    props["title"] = f"{item.rule} {item.name} ({label})"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::{level} {rendered}::{escape_data(item.message)}"


def escape_data(text: str) -> str:
    """Escape a workflow command's message the way the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
