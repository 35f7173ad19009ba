"""The decision: apply waivers, ignores and severity overrides, then mark what blocks.

A finding blocks when its severity is ``error`` and its label is at or above
``fail_on``. Findings of a ``violation`` rule become ``Violation``s, which
block whatever ``fail_on`` says and can be set aside only by a waiver naming
the occurrence. Nothing set aside disappears: it is returned as ``Suppressed``
with the policy's reason, for every report to show. An expired waiver no
longer applies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable

from classifier.model import Finding, Label, Severity, Suppressed, Violation
from classifier.policy.config import Config, Waiver
from classifier.policy.globs import match_any
from classifier.rules.catalogue import rules_by_id


@dataclass(frozen=True, slots=True)
class Decision:
    """What the policy made of the judged findings."""

    findings: list[Finding]
    violations: list[Violation]
    suppressed: list[Suppressed]


def decide(findings: Iterable[Finding], config: Config, today: date | None = None) -> Decision:
    """Split judged findings into reported findings, blocking violations and what the policy set aside."""
    catalogue = rules_by_id()
    today = today or config.today or date.today()
    decision = Decision([], [], [])
    for finding in findings:
        if catalogue[finding.rule].kind == "violation":
            _decide_violation(_as_violation(finding), config, today, decision)
        else:
            _decide_finding(finding, config, today, decision)
    return decision


def _decide_violation(violation: Violation, config: Config, today: date, decision: Decision) -> None:
    waiver = _waiver_for(violation, config.waivers, today)
    if waiver is None:
        decision.violations.append(violation)
    else:
        decision.suppressed.append(Suppressed(violation, "waived", waiver.reason, waiver.expires))


def _decide_finding(finding: Finding, config: Config, today: date, decision: Decision) -> None:
    waiver = _waiver_for(finding, config.waivers, today)
    if waiver is not None:
        decision.suppressed.append(Suppressed(finding, "waived", waiver.reason, waiver.expires))
        return
    ignore_reason = _ignore_reason(finding, config)
    if ignore_reason is not None:
        decision.suppressed.append(Suppressed(finding, "ignored", ignore_reason))
        return
    severity = config.severity.get(finding.rule, finding.severity)
    if severity is Severity.OFF:
        decision.suppressed.append(Suppressed(finding, "off", f"severity off in {config.origin}"))
        return
    decision.findings.append(replace(finding, severity=severity, blocking=_blocks(finding.label, severity, config.fail_on)))


def _waiver_for(item: Finding | Violation, waivers: Iterable[Waiver], today: date) -> Waiver | None:
    for waiver in waivers:
        if waiver.rule != item.rule or (waiver.expires is not None and waiver.expires < today):
            continue
        if waiver.fingerprint == item.fingerprint or (waiver.path, waiver.subject) == (item.path, item.subject):
            return waiver
    return None


def relax_unfrozen(findings: Iterable[Finding], unfrozen_paths: frozenset[str]) -> list[Finding]:
    """Findings inside an API version that is not frozen warn instead of blocking; they keep their label."""
    return [
        replace(finding, severity=Severity.WARNING)
        if finding.path in unfrozen_paths and finding.severity is Severity.ERROR
        else finding
        for finding in findings
    ]


def _ignore_reason(finding: Finding, config: Config) -> str | None:
    for ignore in config.ignore:
        if ignore.rule == finding.rule and (not ignore.paths or match_any(finding.path, ignore.paths)):
            return ignore.reason
    return None


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
