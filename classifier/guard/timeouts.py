"""How long a database probe may take before the guard gives up on it.

A database that accepts connections and never answers must cost a probe a
few seconds, not a hung deploy or a starved web server. Two limits apply to
every read of the database: ``connect`` (getting a connection, including the
pool's wait and the driver's handshake) and ``statement`` (the probe's
queries together). The application sets them in ``GuardConfig``; the deploy
environment may override them without a code change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from classifier.guard.findings import GuardFinding, make_finding
from classifier.guard.redaction import Redactor

DEFAULT_CONNECT_TIMEOUT = 3.0
DEFAULT_STATEMENT_TIMEOUT = 3.0
MAX_TIMEOUT = 3600.0
"""Beyond an hour a "timeout" no longer bounds anything a probe is for."""

CONNECT_TIMEOUT_ENV = "GUARD_CONNECT_TIMEOUT"
STATEMENT_TIMEOUT_ENV = "GUARD_STATEMENT_TIMEOUT"


@dataclass(frozen=True, slots=True)
class ProbeTimeouts:
    """The two limits of one database probe, in seconds.

    Attributes:
        connect: Longest wait for a connection.
        statement: Longest wait for the probe's queries, once connected.
    """

    connect: float = DEFAULT_CONNECT_TIMEOUT
    statement: float = DEFAULT_STATEMENT_TIMEOUT


def seconds(value: float) -> str:
    """``3 s``, ``0.5 s``: a duration as people read it in a message."""
    return f"{value:g} s"


def timeout_problem(value: object) -> str | None:
    """Why ``value`` is not a usable timeout in seconds, or ``None`` when it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "must be a number of seconds"
    if not math.isfinite(value) or value <= 0:
        return "must be a number of seconds greater than 0"
    if value > MAX_TIMEOUT:
        return f"must be at most {MAX_TIMEOUT:g} seconds"
    return None


def _from_environment(
    environ: Mapping[str, str], name: str, fallback: float, redactor: Redactor
) -> tuple[float, list[GuardFinding]]:
    raw = environ.get(name)
    if raw is None:
        return fallback, []
    try:
        value: float | None = float(raw.strip())
    except ValueError:
        value = None
    problem = timeout_problem(value) if value is not None else "must be a number of seconds"
    if problem is None and value is not None:
        return value, []
    finding = make_finding(
        "release.E019",
        name,
        redactor.value(environ, name),
        f"{name} {problem}; the probes use {seconds(fallback)} from the guard configuration meanwhile.",
    )
    return fallback, [finding]


def resolve_timeouts(
    connect: float, statement: float, environ: Mapping[str, str], redactor: Redactor
) -> tuple[ProbeTimeouts, list[GuardFinding]]:
    """The probe timeouts for one process: the environment's when set, else the configuration's.

    The deploy environment wins because it is where an operator tunes one
    installation; the configuration is the code's default for all of them.

    Args:
        connect: The configured connect timeout (``GuardConfig.connect_timeout``).
        statement: The configured statement timeout (``GuardConfig.statement_timeout``).
        environ: The process environment (``GUARD_CONNECT_TIMEOUT``, ``GUARD_STATEMENT_TIMEOUT``).
        redactor: Shows the offending value safely.

    Returns:
        The timeouts to use, and an ``E019`` finding per unusable variable
        (whose configured value is used instead, so probes stay bounded).
    """
    connect_value, connect_findings = _from_environment(environ, CONNECT_TIMEOUT_ENV, connect, redactor)
    statement_value, statement_findings = _from_environment(environ, STATEMENT_TIMEOUT_ENV, statement, redactor)
    return ProbeTimeouts(connect_value, statement_value), connect_findings + statement_findings
