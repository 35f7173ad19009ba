"""The machine-readable report, schema v1 (``schemas/report.schema.json``).

This format is a frozen contract of its own: fields may be added in v1, never
removed or changed in meaning; anything else needs ``schema_version: 2``.
"""

from __future__ import annotations

import json
from typing import Any

from classifier import __version__
from classifier.model import Finding, Report, Revision, Suppressed, Violation
from classifier.report import RenderOptions
from classifier.report.common import counts, fail_on_name, label_name, status_name

SCHEMA_VERSION = 1


def render(report: Report, options: RenderOptions) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "classify", "version": __version__},
        "base": _revision(report.base),
        "head": _revision(report.head),
        "label": label_name(report),
        "status": status_name(report),
        "fail_on": fail_on_name(report),
        "counts": counts(report),
        "findings": [_finding(f) for f in report.findings],
        "violations": [_violation(v) for v in report.violations],
        "suppressed": [_suppressed(s) for s in report.suppressed],
    }


def _revision(revision: Revision) -> dict[str, Any]:
    return {"name": revision.name, "sha": revision.sha, "how": revision.how}


def _common(item: Finding | Violation) -> dict[str, Any]:
    return {
        "rule": item.rule,
        "name": item.name,
        "surface": item.surface,
        "path": item.path,
        "line": item.line,
        "side": item.location.side.value,
        "subject": item.subject,
        "message": item.message,
        "fingerprint": item.fingerprint,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        **_common(finding),
        "label": finding.label.value,
        "severity": finding.severity.value,
        "blocking": finding.blocking,
    }


def _violation(violation: Violation) -> dict[str, Any]:
    return {**_common(violation), "related": list(violation.related)}


def _suppressed(entry: Suppressed) -> dict[str, Any]:
    item = entry.item
    kind = {"kind": "violation"} if isinstance(item, Violation) else {"kind": "finding", "label": item.label.value}
    return {
        **_common(item),
        **kind,
        "how": entry.how,
        "reason": entry.reason,
        "expires": entry.expires.isoformat() if entry.expires else None,
    }
