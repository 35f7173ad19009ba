"""Required checks: each one runs, or is waived on the command line with a reason.

The seed makes the pre- and post-migration checks mandatory. A check that
was not given (no ``--ready-url``, no restore point…) is never a silent pass:
it fails as *not verified* under its own id, unless the operator waived it
with ``--waive NAME="reason"``. Waivers are kept in the record and printed,
so a skipped check stays visible to whoever reads the evidence later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from classifier.errors import UsageError
from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import finding

PASSED, FAILED, WAIVED, NOT_VERIFIED, NOT_REQUIRED = "passed", "failed", "waived", "not-verified", "not-required"
NOT_RUN = "not-run"  # given, but an earlier failure (an unreachable database) left nothing to check
STAGES = ("staging", "production")


@dataclass(frozen=True, slots=True)
class Waiver:
    """One required check set aside on purpose, and why."""

    check: str
    reason: str
    origin: str = "command line"

    def to_dict(self) -> dict[str, str]:
        return {"check": self.check, "reason": self.reason, "origin": self.origin}


@dataclass(frozen=True, slots=True)
class Requirement:
    """A check the runbook requires at a stage.

    Attributes:
        name: The name ``--waive`` uses (``readiness``).
        option: What gives the check (``--ready-url URL``), for messages.
        missing_id: The id of the *not verified* finding.
        stages: The stages at which the check is required.
    """

    name: str
    option: str
    missing_id: str
    stages: tuple[str, ...] = STAGES


def parse_waivers(values: Sequence[str], requirements: Sequence[Requirement], stage: str) -> tuple[Waiver, ...]:
    """``--waive NAME=REASON`` values as waivers of checks required at ``stage``.

    Raises:
        UsageError: Not ``NAME=REASON``, an empty reason, a name that is not a
            required check here, or the same check waived twice.
    """
    known = {requirement.name: requirement for requirement in requirements}
    waivers: dict[str, Waiver] = {}
    for value in values:
        name, separator, reason = value.partition("=")
        name, reason = name.strip(), reason.strip().strip("\"'").strip()
        if not separator or not reason:
            raise UsageError(f"--waive {value!r}: give the check and a reason", hint='e.g. --waive readiness="no HTTP in this job"')
        if name not in known:
            raise UsageError(f"--waive {name}: not a check of this command", hint=f"one of: {', '.join(known)}")
        if stage not in known[name].stages:
            raise UsageError(f"--waive {name}: not required at stage {stage}, so there is nothing to waive")
        if name in waivers:
            raise UsageError(f"--waive {name}: given twice", hint="give one reason per check")
        waivers[name] = Waiver(name, reason)
    return tuple(waivers.values())


def settle(
    requirements: Sequence[Requirement],
    stage: str,
    given: Mapping[str, bool],
    waivers: Sequence[Waiver],
    results: Mapping[str, Sequence[GuardFinding]],
) -> tuple[dict[str, str], list[GuardFinding]]:
    """Each check's state, and a *not verified* finding for every required check neither given nor waived.

    Args:
        requirements: The command's waivable checks.
        stage: ``staging`` or ``production``.
        given: Check name -> whether it was given (and so ran).
        waivers: The waivers in force.
        results: Check name -> the findings it produced, for every check that ran
            (the non-waivable ones included).

    Raises:
        UsageError: A check was both given and waived.
    """
    waived = {waiver.check for waiver in waivers}
    states = {name: FAILED if found else PASSED for name, found in results.items()}
    findings: list[GuardFinding] = []
    for requirement in requirements:
        if given.get(requirement.name):
            if requirement.name in waived:
                raise UsageError(
                    f"--waive {requirement.name}: the check is also given ({requirement.option})",
                    hint="either run the check or waive it",
                )
            states.setdefault(requirement.name, NOT_RUN)
            continue
        if requirement.name in waived:
            states[requirement.name] = WAIVED
        elif stage in requirement.stages:
            states[requirement.name] = NOT_VERIFIED
            message = f"Required check {requirement.name} was not run: no {requirement.option} was given."
            findings.append(finding(requirement.missing_id, requirement.name, "<not given>", message))
        else:
            states[requirement.name] = NOT_REQUIRED
    return states, findings


def waivers_block(waivers: Sequence[Waiver]) -> list[dict[str, Any]]:
    """The record's ``waived`` list."""
    return [waiver.to_dict() for waiver in waivers]
