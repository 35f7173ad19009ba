"""Run every startup guard, report every failure at once, refuse once.

Like Django's system checks and unlike first-failure validators: a deploy
with three mistakes learns about all three in one attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from classifier.guard.artifact import ReleaseArtifact, check_artifact, is_revision_list
from classifier.guard.config import GuardConfig
from classifier.guard.findings import GuardFinding, StartupRefused
from classifier.guard.guards import ENVIRONMENT_GUARDS, GuardContext
from classifier.guard.heads import check_heads
from classifier.guard.redaction import Redactor, url_secrets
from classifier.guard.timeouts import ProbeTimeouts, resolve_timeouts

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

logger = logging.getLogger("classifier.guard")


@dataclass(frozen=True, slots=True)
class StartupReport:
    """The outcome of one guard run.

    Attributes:
        artifact: The release artifact read from the environment.
        findings: Unsuppressed findings, errors and warnings, in guard order.
        suppressed: Findings silenced by ``GuardConfig.suppress``.
        release: The artifact's JSON form for display, scrubbed of secrets
            (a refused artifact may hold one pasted into a release variable).
    """

    artifact: ReleaseArtifact
    findings: tuple[GuardFinding, ...]
    suppressed: tuple[GuardFinding, ...]
    release: dict[str, Any]

    @property
    def errors(self) -> tuple[GuardFinding, ...]:
        """The findings that refuse startup."""
        return tuple(finding for finding in self.findings if finding.blocking)

    @property
    def passed(self) -> bool:
        """Whether startup may proceed."""
        return not self.errors


def redactor_for(config: GuardConfig, environ: Mapping[str, str], engine: Engine | None = None) -> Redactor:
    """The redactor for one environment, also hiding every credential of the database URL."""
    return Redactor.for_environ(
        environ, (*config.secrets, *config.required_secrets), url_secrets(engine.url) if engine is not None else []
    )


def probe_timeouts(config: GuardConfig, environ: Mapping[str, str], redactor: Redactor) -> ProbeTimeouts:
    """The database probe timeouts for ``environ``.

    An unusable override falls back to the configuration here, silently:
    ``evaluate_startup`` reports it (``release.E019``).
    """
    return resolve_timeouts(config.connect_timeout, config.statement_timeout, environ, redactor)[0]


def evaluate_startup(
    config: GuardConfig, environ: Mapping[str, str], engine: Engine | None = None, *, log: bool = True
) -> StartupReport:
    """Run every guard and log what is allowed but notable.

    Warnings (explicit unsigned modes) and every suppression are logged at
    warning level on the ``classifier.guard`` logger; errors are left to the
    caller, which reports or raises them.

    Args:
        config: The application's guard configuration.
        environ: The environment to check, usually ``os.environ``.
        engine: The application's database; ``None`` skips database guards.
        log: Whether to log; off when re-evaluating what was logged already.
    """
    redactor = redactor_for(config, environ, engine)
    artifact = ReleaseArtifact.from_env(environ)
    context = GuardContext(config, artifact, redactor)
    findings = check_artifact(environ, redactor)
    for guard in ENVIRONMENT_GUARDS:
        findings.extend(guard(environ, context))
    timeouts, timeout_findings = resolve_timeouts(config.connect_timeout, config.statement_timeout, environ, redactor)
    findings.extend(timeout_findings)
    head = artifact.expected_alembic_head
    expected = artifact.expected_heads if head is not None and is_revision_list(head) else None
    findings.extend(check_heads(engine, config, expected, redactor, timeouts, environ))
    # Safety net: guards show redacted values, but a secret may also hide in free text.
    findings = [replace(f, value=redactor.scrub(f.value), message=redactor.scrub(f.message)) for f in findings]
    kept = tuple(finding for finding in findings if finding.id not in config.suppress)
    suppressed = tuple(finding for finding in findings if finding.id in config.suppress)
    for finding in suppressed if log else ():
        logger.warning("release guard %s suppressed by configuration: %s: %s", finding.id, finding.key, finding.message)
    for finding in kept if log else ():
        if not finding.blocking:
            logger.warning("release guard %s: %s: %s", finding.id, finding.key, finding.message)
    return StartupReport(artifact, kept, suppressed, redactor.scrub_data(artifact.to_dict()))


def check_startup(config: GuardConfig, environ: Mapping[str, str], engine: Engine | None = None) -> list[GuardFinding]:
    """Run every startup guard and return every finding.

    Args:
        config: The application's guard configuration.
        environ: The environment to check, usually ``os.environ``.
        engine: The application's database; ``None`` skips database guards
            (and refuses with ``release.E017`` if ``EXPECTED_ALEMBIC_HEAD`` is set).

    Returns:
        Every unsuppressed finding in guard order: ``E`` ids refuse startup,
        ``W`` ids are allowed (and were logged).
    """
    return list(evaluate_startup(config, environ, engine).findings)


def enforce_startup(config: GuardConfig, environ: Mapping[str, str], engine: Engine | None = None) -> ReleaseArtifact:
    """Refuse to start unless every guard passes.

    Args:
        config: The application's guard configuration.
        environ: The environment to check, usually ``os.environ``.
        engine: The application's database.

    Returns:
        The valid release artifact, ready for ``record_startup``.

    Raises:
        StartupRefused: One exception listing every blocking finding.
    """
    report = evaluate_startup(config, environ, engine)
    if not report.passed:
        raise StartupRefused(report.errors)
    return report.artifact
