"""The decision: apply ignores and severity overrides, then mark what blocks.

A finding blocks when its severity is ``error`` and its label is at or above
``fail_on``. Findings of a ``violation`` rule become ``Violation``s, which
block whatever ``fail_on`` says.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from classifier.model import Finding, Label, Severity, Violation
from classifier.policy.config import Config
from classifier.policy.globs import match_any
from classifier.rules.catalogue import rules_by_id


def decide(findings: Iterable[Finding], config: Config) -> tuple[list[Finding], list[Violation]]:
    """Split judged findings into reported findings and blocking violations."""
    catalogue = rules_by_id()
    kept: list[Finding] = []
    violations: list[Violation] = []
    for finding in findings:
        if _ignored(finding, config):
            continue
        severity = config.severity.get(finding.rule, finding.severity)
        if severity is Severity.OFF:
            continue
        if catalogue[finding.rule].kind == "violation":
            violations.append(_as_violation(finding))
            continue
        kept.append(replace(finding, severity=severity, blocking=_blocks(finding.label, severity, config.fail_on)))
    return kept, violations


def relax_unfrozen(findings: Iterable[Finding], unfrozen_paths: frozenset[str]) -> list[Finding]:
    """Findings inside an API version that is not frozen warn instead of blocking; they keep their label."""
    return [
        replace(finding, severity=Severity.WARNING)
        if finding.path in unfrozen_paths and finding.severity is Severity.ERROR
        else finding
        for finding in findings
    ]


def _ignored(finding: Finding, config: Config) -> bool:
    return any(
        ignore.rule == finding.rule and (not ignore.paths or match_any(finding.path, ignore.paths))
        for ignore in config.ignore
    )


def _blocks(label: Label, severity: Severity, fail_on: Label | None) -> bool:
    return severity is Severity.ERROR and fail_on is not None and label.rank >= fail_on.rank


def _as_violation(finding: Finding) -> Violation:
    return Violation(
        rule=finding.rule,
        name=finding.name,
        surface=finding.surface,
        location=finding.location,
        subject=finding.subject,
        message=finding.message,
    )
