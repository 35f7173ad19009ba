"""Runtime release guard for applications.

Call it at startup::

    artifact = enforce_startup(config, os.environ, engine)   # raises StartupRefused
    record_startup(engine, artifact)                         # app.startup event
    readiness = Readiness(config, os.environ, engine)        # /health and /ready

It imports nothing from the analysis side and no heavy dependency:
SQLAlchemy and Alembic are imported only when a database is checked.
"""

from __future__ import annotations

from classifier.guard.artifact import ReleaseArtifact, check_artifact
from classifier.guard.asgi import ProbesASGI
from classifier.guard.catalogue import RULES, GuardRule
from classifier.guard.config import GuardConfig, GuardConfigError, load_config
from classifier.guard.events import STARTUP_EVENT, record_startup, system_events_table
from classifier.guard.findings import GuardFinding, StartupRefused, render_findings
from classifier.guard.probes import ProbeCheck, ProbeResult, Readiness
from classifier.guard.startup import StartupReport, check_startup, enforce_startup, evaluate_startup
from classifier.guard.wsgi import ProbesWSGI

__all__ = [
    "RULES",
    "STARTUP_EVENT",
    "GuardConfig",
    "GuardConfigError",
    "GuardFinding",
    "GuardRule",
    "ProbeCheck",
    "ProbeResult",
    "ProbesASGI",
    "ProbesWSGI",
    "Readiness",
    "ReleaseArtifact",
    "StartupRefused",
    "StartupReport",
    "check_artifact",
    "check_startup",
    "enforce_startup",
    "evaluate_startup",
    "load_config",
    "record_startup",
    "render_findings",
    "system_events_table",
]
