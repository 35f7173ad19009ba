"""Guard findings, the refusal that carries them, and their text form."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from classifier.guard.catalogue import RULES


@dataclass(frozen=True, slots=True)
class GuardFinding:
    """One failed (``E``) or reported (``W``) guard.

    Attributes:
        id: Stable catalogue id, e.g. ``release.E006``.
        key: The variable or object at fault, e.g. ``LOG_LEVEL``.
        value: The observed value, already redacted for secrets
            (``"<missing>"``, ``"<redacted>"`` …).
        message: What is wrong, one line.
        hint: How to fix it.
    """

    id: str
    key: str
    value: str
    message: str
    hint: str

    @property
    def blocking(self) -> bool:
        """Whether this finding refuses startup (an ``E`` id)."""
        return ".E" in self.id

    @property
    def level(self) -> str:
        """``"error"`` or ``"warning"``."""
        return "error" if self.blocking else "warning"

    def to_dict(self) -> dict[str, str]:
        """The JSON form used by the CLI and ``StartupRefused``."""
        return {
            "id": self.id,
            "level": self.level,
            "key": self.key,
            "value": self.value,
            "message": self.message,
            "hint": self.hint,
        }


def make_finding(rule_id: str, key: str, value: str, message: str, hint: str | None = None) -> GuardFinding:
    """Build a finding, defaulting the hint to the catalogue's.

    Raises:
        KeyError: ``rule_id`` is not in the catalogue (a bug, caught by tests).
    """
    return GuardFinding(rule_id, key, value, message, hint or RULES[rule_id].hint)


def render_findings(findings: Sequence[GuardFinding], suppressed: Iterable[str] = ()) -> str:
    """Render findings the way ``manage.py check --deploy`` does.

    Errors come first, then warnings, each as ``KEY: (id) message`` with an
    indented ``HINT:`` line, then one summary line.
    """
    lines: list[str] = []
    for title, blocking in (("ERRORS:", True), ("WARNINGS:", False)):
        group = [f for f in findings if f.blocking is blocking]
        if group:
            lines.append(title)
            for finding in group:
                lines.append(f"{finding.key}: ({finding.id}) {finding.message} [value: {finding.value}]")
                lines.append(f"\tHINT: {finding.hint}")
    silenced = len(set(suppressed))
    errors = sum(f.blocking for f in findings)
    verdict = "startup refused" if errors else "startup allowed"
    lines.append(
        f"Release guard identified {len(findings)} issue{'s' if len(findings) != 1 else ''} "
        f"({silenced} silenced); {verdict}."
    )
    return "\n".join(lines)


class StartupRefused(Exception):
    """Raised once by ``enforce_startup`` with every blocking finding.

    Attributes:
        findings: The blocking findings, in guard order.
    """

    def __init__(self, findings: Sequence[GuardFinding]) -> None:
        self.findings = tuple(findings)
        super().__init__(render_findings(self.findings))
