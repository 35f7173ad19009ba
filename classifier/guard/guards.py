"""Guards on the environment: API versions, production safety, signing.

Each guard is a small function ``(environ, context) -> list[GuardFinding]``;
``ENV`` only selects which guards are mandatory and never changes behaviour
(twelve-factor: the knobs stay orthogonal).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from classifier.guard.artifact import ReleaseArtifact, parse_bool
from classifier.guard.config import GuardConfig
from classifier.guard.findings import GuardFinding, make_finding
from classifier.guard.redaction import Redactor

# Levels at which request bodies and credentials typically end up in logs.
_DEBUG_LEVELS = frozenset({"DEBUG", "TRACE", "NOTSET", "ALL"})


@dataclass(frozen=True, slots=True)
class GuardContext:
    """What every environment guard may consult.

    Attributes:
        config: The application's guard configuration.
        artifact: The release artifact read from the environment.
        redactor: Hides secret values.
    """

    config: GuardConfig
    artifact: ReleaseArtifact
    redactor: Redactor


def is_production(environ: Mapping[str, str], config: GuardConfig) -> bool:
    """Whether ``ENV`` names a production environment."""
    return environ.get("ENV", "").strip().lower() in config.production_envs


def _is_debug(level: str) -> bool:
    level = level.strip().upper()
    return level in _DEBUG_LEVELS or (level.isdigit() and int(level) <= 10)


def check_api_versions(environ: Mapping[str, str], ctx: GuardContext) -> list[GuardFinding]:
    """E005: every supported version must be one the application serves."""
    served, claimed = ctx.config.served_api_versions, ctx.artifact.supported_api_versions
    if served is None or not claimed:
        return []
    unserved = [version for version in claimed if version not in served]
    if not unserved:
        return []
    return [
        make_finding(
            "release.E005",
            "RELEASE_SUPPORTED_API_VERSIONS",
            ctx.redactor.value(environ, "RELEASE_SUPPORTED_API_VERSIONS"),
            f"RELEASE_SUPPORTED_API_VERSIONS names {', '.join(unserved)}, which this code does not serve "
            f"(it serves {', '.join(served) or 'none'}).",
        )
    ]


def check_prod_log_level(environ: Mapping[str, str], ctx: GuardContext) -> list[GuardFinding]:
    """E006: no debug logging in production."""
    if not is_production(environ, ctx.config) or not _is_debug(environ.get("LOG_LEVEL", "")):
        return []
    return [
        make_finding(
            "release.E006",
            "LOG_LEVEL",
            ctx.redactor.value(environ, "LOG_LEVEL"),
            "ENV=prod with LOG_LEVEL=DEBUG: debug logs leak request bodies and secrets.",
        )
    ]


def check_prod_auto_create_schema(environ: Mapping[str, str], ctx: GuardContext) -> list[GuardFinding]:
    """E007: production schemas come from migrations only."""
    raw = environ.get("AUTO_CREATE_SCHEMA")
    if not is_production(environ, ctx.config) or raw is None or parse_bool(raw) is False:
        return []
    why = "creating tables at startup bypasses migrations" if parse_bool(raw) else "not a boolean, so it may be on"
    return [
        make_finding(
            "release.E007",
            "AUTO_CREATE_SCHEMA",
            ctx.redactor.value(environ, "AUTO_CREATE_SCHEMA"),
            f"ENV=prod with AUTO_CREATE_SCHEMA set: {why}.",
        )
    ]


def check_prod_required(environ: Mapping[str, str], ctx: GuardContext) -> list[GuardFinding]:
    """E008: every required production secret and setting is present and non-empty."""
    if not is_production(environ, ctx.config):
        return []
    kinds = [(name, "secret") for name in ctx.config.required_secrets]
    kinds += [(name, "setting") for name in ctx.config.required_config]
    return [
        make_finding(
            "release.E008",
            name,
            ctx.redactor.value(environ, name),
            f"Required production {kind} {name} is {'empty' if name in environ else 'missing'}.",
        )
        for name, kind in kinds
        if not environ.get(name, "").strip()
    ]


def check_signing_posture(environ: Mapping[str, str], ctx: GuardContext) -> list[GuardFinding]:
    """E009, W001, W002: unsigned operation is allowed only when explicit, and always reported."""
    mode = ctx.artifact.signing_mode
    value = ctx.redactor.value(environ, "SIGNING_MODE")
    if mode == "disabled":
        return [
            make_finding(
                "release.W001",
                "SIGNING_MODE",
                value,
                "SIGNING_MODE=disabled: signatures are neither produced nor checked.",
            )
        ]
    if is_production(environ, ctx.config) and mode in (None, "optional"):
        how = "is unset" if mode is None else "=optional accepts unsigned requests"
        return [
            make_finding(
                "release.E009",
                "SIGNING_MODE",
                value,
                f"ENV=prod and SIGNING_MODE {how}: unsigned operation must be explicit.",
            )
        ]
    if mode == "optional":
        return [
            make_finding(
                "release.W002", "SIGNING_MODE", value, "SIGNING_MODE=optional: unsigned requests are accepted."
            )
        ]
    return []


EnvironmentGuard = Callable[[Mapping[str, str], GuardContext], list[GuardFinding]]

ENVIRONMENT_GUARDS: tuple[EnvironmentGuard, ...] = (
    check_api_versions,
    check_prod_log_level,
    check_prod_auto_create_schema,
    check_prod_required,
    check_signing_posture,
)
"""The environment guards, in report order (after the artifact's own checks)."""
