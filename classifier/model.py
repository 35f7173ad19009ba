"""The data that flows between the rooms: facts, judgements, verdicts.

Surfaces produce ``Change`` facts, rules judge them into ``Finding``s, policy
adds ``Violation``s and decides pass or fail, and everything is gathered in a
``Report`` that reporters render. These are plain frozen records: no rendering,
no I/O.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping


class Label(enum.Enum):
    """How a change affects clients, ordered: non-breaking < additive < breaking."""

    NON_BREAKING = "non-breaking"
    ADDITIVE = "additive"
    BREAKING = "breaking"

    @property
    def rank(self) -> int:
        return _LABEL_RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Label):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Label):
            return NotImplemented
        return self.rank <= other.rank


_LABEL_RANK = {Label.NON_BREAKING: 0, Label.ADDITIVE: 1, Label.BREAKING: 2}


class Severity(enum.Enum):
    """How loudly a finding is reported; only ``error`` findings can fail a run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"


class Side(enum.Enum):
    """Which of the two compared revisions a path or line belongs to."""

    BASE = "base"
    HEAD = "head"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file at one side of the comparison (line is 1-based)."""

    path: str
    line: int | None = None
    side: Side = Side.HEAD


@dataclass(frozen=True, slots=True)
class Change:
    """A fact a surface observed, before any judgement.

    ``kind`` names what happened in the surface's own vocabulary (for the
    generic surface: ``documentation``, ``observability`` …). ``subject`` is a
    key that identifies the changed element independently of line numbers, so
    the same change keeps the same fingerprint across commits. ``fields`` are
    the values a rule's message template may use.
    """

    surface: str
    kind: str
    subject: str
    location: Location
    fields: Mapping[str, Any] = field(default_factory=dict)


class _Reported:
    """What findings and violations share: a rule, a place and a stable fingerprint."""

    __slots__ = ()
    rule: str
    location: Location
    subject: str

    @property
    def path(self) -> str:
        return self.location.path

    @property
    def line(self) -> int | None:
        return self.location.line

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.rule, self.location.path, self.subject)


@dataclass(frozen=True, slots=True)
class Finding(_Reported):
    """A judged change: which catalogue rule it falls under and what it means."""

    rule: str
    name: str
    label: Label
    severity: Severity
    surface: str
    location: Location
    subject: str
    message: str
    blocking: bool = False


@dataclass(frozen=True, slots=True)
class Violation(_Reported):
    """A policy failure that blocks the change whatever ``fail_on`` says."""

    rule: str
    name: str
    surface: str
    location: Location
    subject: str
    message: str
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Suppressed:
    """A finding or violation the policy set aside on purpose; it stays in every report.

    ``how`` is ``waived`` (a ``[[waiver]]`` naming this occurrence), ``ignored``
    (an ``[[ignore]]`` of the rule) or ``off`` (the rule's severity is off);
    ``reason`` is the policy's own words, ``expires`` a waiver's last day.
    """

    item: Finding | Violation
    how: str
    reason: str
    expires: date | None = None


@dataclass(frozen=True, slots=True)
class Revision:
    """One side of the comparison as the user should see it in the report."""

    name: str
    sha: str | None
    how: str


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one run found, ready for a reporter."""

    base: Revision
    head: Revision
    findings: tuple[Finding, ...]
    violations: tuple[Violation, ...]
    fail_on: Label | None
    files_compared: int
    suppressed: tuple[Suppressed, ...] = ()

    @property
    def label(self) -> Label | None:
        """The highest label among the findings, ``None`` when nothing changed."""
        return max((f.label for f in self.findings), key=lambda lab: lab.rank, default=None)

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @property
    def passed(self) -> bool:
        return not self.violations and not self.blocking

    def count(self, label: Label) -> int:
        return sum(1 for f in self.findings if f.label is label)


def fingerprint(rule: str, path: str, subject: str) -> str:
    """A digest that survives unrelated edits: no line numbers, no message text."""
    digest = hashlib.sha256(f"{rule}\0{path}\0{subject}".encode("utf-8"))
    return digest.hexdigest()[:16]
