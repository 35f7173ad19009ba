"""GitHub Actions workflow commands: one annotation per finding, on its line.

GitHub shows at most 10 annotations of each level per step, so at most
``max_annotations_per_level`` are written per level and a plain line says how
many more the job summary holds.
"""

from __future__ import annotations

from collections import Counter

from classifier.model import Finding, Report, Violation
from classifier.report import RenderOptions
from classifier.report.common import (
    annotation_level,
    blocks,
    fix_line,
    head_line,
    is_removal,
    label_name,
    ordered,
    status_explanation,
    status_name,
    summary_line,
)


def render(report: Report, options: RenderOptions) -> str:
    shown: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    lines: list[str] = []
    # What blocks first: when the per-level cap hides annotations, it hides the least important ones.
    items: list[Finding | Violation] = ordered([*report.violations, *report.findings])
    for item in items:
        level = annotation_level(item)
        if shown[level] >= options.max_annotations_per_level:
            hidden[level] += 1
            continue
        shown[level] += 1
        lines.append(_annotation(level, item))
    for level in ("error", "warning", "notice"):
        if hidden[level]:
            lines.append(f"classify: {hidden[level]} more {level} annotation(s) not shown; see the job summary "
                         "(ordered by what blocks, then label) or the JSON report")
    lines.append(f"classify: label {label_name(report)}, {status_name(report)}: {status_explanation(report)} "
                 f"({summary_line(report)})")
    return "\n".join(lines) + "\n"


def _annotation(level: str, item: Finding | Violation) -> str:
    props = {"file": item.path}
    line = head_line(item)  # a removal is annotated on the file: its old line means nothing in the head
    if line:
        props["line"] = str(line)
    label = "violation" if isinstance(item, Violation) else item.label.value
    props["title"] = f"{item.rule} {item.name} ({label})"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    message = item.message
    if is_removal(item) and item.line:
        message += f" (was line {item.line} at the base)"
    if blocks(item):
        message += f"\n{fix_line(item.rule)}"
    return f"::{level} {rendered}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Escape a workflow command's message the way the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
