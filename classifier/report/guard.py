"""The ``classify guard check`` report, as text for people or as JSON."""

from __future__ import annotations

import json

from classifier.guard.findings import render_findings
from classifier.guard.startup import StartupReport


def render_guard_report(report: StartupReport, output_format: str) -> str:
    """``report`` as indented JSON (``json``) or as the guard's own text lines."""
    if output_format == "json":
        return json.dumps(
            {
                "version": 1,
                "status": "passed" if report.passed else "refused",
                "findings": [finding.to_dict() for finding in report.findings],
                "suppressed": [finding.to_dict() for finding in report.suppressed],
                "artifact": report.release,
            },
            indent=2,
            sort_keys=True,
        )
    return render_findings(report.findings, (finding.id for finding in report.suppressed))
