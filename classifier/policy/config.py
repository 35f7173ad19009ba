"""Read ``[tool.classifier]`` (pyproject.toml) or ``.classifier.toml``, validated.

When two revisions are compared, the policy is the one committed at the
**base** (``load_committed_config``): the change under review cannot switch
off its own check, the way CODEOWNERS and branch protection work. The file is
validated against ``schemas/config.schema.json`` before anything
reads it, so a misspelt key is an error that names its path instead of a
setting silently ignored. ``jsonschema`` is imported only when a configuration
file exists: a repository without one pays nothing for it.
"""

from __future__ import annotations

import datetime
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping

from classifier.errors import ConfigError
from classifier.model import Label, Severity
from classifier.policy.globs import compile_glob

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_DOCUMENTATION = (
    "**/*.md",
    "**/*.markdown",
    "**/*.rst",
    "**/*.adoc",
    "docs/**",
    "**/LICENSE*",
    "**/CHANGELOG*",
    "**/AUTHORS*",
    "**/NOTICE*",
)
DEFAULT_OBSERVABILITY = (
    "log",
    "logger",
    "logging",
    "_log",
    "_logger",
    "LOG",
    "LOGGER",
    "structlog",
    "metrics",
    "statsd",
    "prometheus_client",
    "tracer",
    "tracing",
    "span",
    "opentelemetry",
    "sentry_sdk",
    "warnings",
)


@dataclass(frozen=True, slots=True)
class Ignore:
    """A rule turned off on purpose, optionally only below some paths."""

    rule: str
    reason: str
    paths: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Waiver:
    """One occurrence of a rule set aside: by fingerprint, or by path and subject, with a reason."""

    rule: str
    reason: str
    fingerprint: str | None = None
    path: str | None = None
    subject: str | None = None
    expires: date | None = None


@dataclass(frozen=True, slots=True)
class FilesConfig:
    documentation: tuple[str, ...] = DEFAULT_DOCUMENTATION
    observability: tuple[str, ...] = DEFAULT_OBSERVABILITY


@dataclass(frozen=True, slots=True)
class Config:
    """The validated configuration; ``table`` keeps the raw table for surfaces."""

    origin: str | None = None
    fail_on: Label | None = Label.BREAKING
    exclude: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    ignore: tuple[Ignore, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    files: FilesConfig = FilesConfig()
    table: Mapping[str, Any] = field(default_factory=dict)
    # The day date-dependent rules (x-sunset) are judged against; None means the wall clock.
    today: datetime.date | None = None


def load_config(top: Path, explicit: Path | None = None) -> Config:
    """Find and read the configuration for the repository rooted at ``top``.

    ``explicit`` (``--config``) wins; then ``.classifier.toml``; then the
    ``[tool.classifier]`` table of ``pyproject.toml``. No file: defaults.

    Raises:
        ConfigError: unreadable TOML, a schema violation, an unknown rule.
    """
    found = _find(top, explicit)
    if found is None:
        return Config()
    path, table, prefix = found
    return parse_config(table, origin=f"{path.name} {prefix}".strip())


def parse_config(table: Mapping[str, Any], origin: str) -> Config:
    """Validate a configuration table and turn it into a ``Config``."""
    _validate(table, origin)
    return Config(
        origin=origin,
        fail_on=_fail_on(table.get("fail_on", "breaking")),
        exclude=_globs(table.get("exclude", ()), origin),
        severity=_severities(table.get("severity", {}), origin),
        ignore=tuple(_ignore(entry, origin) for entry in table.get("ignore", ())),
        waivers=tuple(_waiver(entry, origin) for entry in table.get("waiver", ())),
        files=_files(table.get("files", {}), origin),
        table=table,
    )


CONFIG_FILES = (".classifier.toml", "pyproject.toml")


def load_committed_config(read: Callable[[str], bytes | None]) -> Config:
    """The configuration as committed at one revision; ``read(path)`` gives a file's bytes there, or None.

    The same files in the same order as ``load_config``: ``.classifier.toml``,
    then ``[tool.classifier]`` of ``pyproject.toml``; neither: defaults.

    Raises:
        ConfigError: unreadable TOML, a schema violation, an unknown rule.
    """
    for name in CONFIG_FILES:
        data = read(name)
        if data is None:
            continue
        parsed = _parse_toml(data, Path(name))
        if name == ".classifier.toml":
            return parse_config(parsed, origin=name)
        table = _tool_table(parsed, Path(name))
        if table is not None:
            return parse_config(table, origin=f"{name} [tool.classifier]")
    return Config()


def _find(top: Path, explicit: Path | None) -> tuple[Path, Mapping[str, Any], str] | None:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found", hint="check the --config path")
        data = _read_toml(explicit)
        if explicit.name == "pyproject.toml" or "tool" in data:
            return explicit, _tool_table(data, explicit) or {}, "[tool.classifier]"
        return explicit, data, ""
    dedicated = top / ".classifier.toml"
    if dedicated.is_file():
        return dedicated, _read_toml(dedicated), ""
    pyproject = top / "pyproject.toml"
    if pyproject.is_file():
        table = _tool_table(_read_toml(pyproject), pyproject)
        if table is not None:
            return pyproject, table, "[tool.classifier]"
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    return _parse_toml(path.read_bytes(), path)


def _parse_toml(data: bytes, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 at byte {exc.start}", hint="save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}", hint="fix the TOML syntax at that line") from None


def _tool_table(data: Mapping[str, Any], path: Path) -> dict[str, Any] | None:
    tool = data.get("tool", {})
    table = tool.get("classifier") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.classifier] must be a table", hint="write it as [tool.classifier]")
    return table


def config_schema() -> dict[str, Any]:
    text = resources.files("classifier").joinpath("schemas/config.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _validate(table: Mapping[str, Any], origin: str) -> None:
    import jsonschema  # only a repository with a configuration file pays for this import

    validator = jsonschema.Draft202012Validator(config_schema())
    errors = sorted(validator.iter_errors(table), key=lambda e: (list(e.absolute_path), e.message))
    if errors:
        raise ConfigError(_describe(errors[0], origin), hint="see the Configuration section of the README")


def _describe(error: Any, origin: str) -> str:
    where = ".".join(str(part) for part in error.absolute_path)
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        key = ".".join(filter(None, [where, unknown[0] if unknown else ""]))
        return f"{origin}: unknown key '{key}'"
    if error.validator == "oneOf" and where.startswith("waiver."):
        return f"{origin}: {where}: name the occurrence by fingerprint, or by path and subject (not both)"
    return f"{origin}: {where or 'table'}: {error.message}"


def _fail_on(value: str) -> Label | None:
    return None if value == "none" else Label(value)


def _globs(values: Any, origin: str) -> tuple[str, ...]:
    globs = tuple(values)
    for glob in globs:
        try:
            compile_glob(glob)
        except ConfigError as exc:
            raise ConfigError(f"{origin}: {exc.message}", hint=exc.hint) from None
    return globs


def _rule_id(key: str, origin: str, where: str) -> str:
    from classifier.rules.catalogue import resolve

    rule = resolve(key)
    if rule is None:
        raise ConfigError(f"{origin}: {where}: unknown rule '{key}'", hint="`classify rules` lists every id and name")
    return rule.id


def _is_violation(rule_id: str) -> bool:
    from classifier.rules.catalogue import rules_by_id

    return rules_by_id()[rule_id].kind == "violation"


def _severities(table: Mapping[str, str], origin: str) -> dict[str, Severity]:
    severities = {}
    for key, value in table.items():
        rule_id = _rule_id(key, origin, "severity")
        if value == "off" and _is_violation(rule_id):
            raise ConfigError(f"{origin}: severity.{key}: {rule_id} is a violation and cannot be turned off",
                              hint="set aside one occurrence with a [[waiver]] (rule, fingerprint, reason)")
        severities[rule_id] = Severity(value)
    return severities


def _ignore(entry: Mapping[str, Any], origin: str) -> Ignore:
    rule_id = _rule_id(entry["rule"], origin, "ignore")
    if _is_violation(rule_id):
        raise ConfigError(f"{origin}: ignore: {rule_id} is a violation and cannot be ignored by rule or path",
                          hint="set aside one occurrence with a [[waiver]] (rule, fingerprint, reason)")
    return Ignore(
        rule=rule_id,
        reason=entry["reason"],
        paths=_globs(entry.get("paths", ()), origin),
    )


def _waiver(entry: Mapping[str, Any], origin: str) -> Waiver:
    return Waiver(
        rule=_rule_id(entry["rule"], origin, "waiver"),
        reason=entry["reason"],
        fingerprint=entry.get("fingerprint"),
        path=entry.get("path"),
        subject=entry.get("subject"),
        expires=_expiry(entry.get("expires"), origin),
    )


def _expiry(value: Any, origin: str) -> date | None:
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"{origin}: waiver.expires: {value!r} is not a date",
                      hint="write the last day the waiver applies, e.g. expires = 2027-03-31")


def _files(table: Mapping[str, Any], origin: str) -> FilesConfig:
    defaults = FilesConfig()
    return FilesConfig(
        documentation=_globs(table.get("documentation", defaults.documentation), origin),
        observability=tuple(table.get("observability", defaults.observability)),
    )
