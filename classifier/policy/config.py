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
import os
import stat
import sys
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from classifier.errors import ConfigError
from classifier.model import Label, Severity, Side
from classifier.policy.globs import compile_glob
from classifier.policy.toml_bounds import (
    MAX_CONFIG_BYTES,
    MAX_TOML_DEPTH,
    nested_too_deeply,
    too_deep,
)
from classifier.sources import SYMLINK_MODE, TreeReader
from classifier.sources.limits import DEFAULT_LIMITS, Limits, parse_limits

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# Looked for in this order at the top of the tree; the first that holds a table wins.
CONFIG_NAMES = (".classifier.toml", "pyproject.toml")
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
    limits: Limits = DEFAULT_LIMITS
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
        limits=parse_limits(table),
        table=table,
    )


def load_committed_config(tree: TreeReader, side: Side) -> Config:
    """The configuration as committed at ``side`` (the base: the protected branch's policy).

    The same files in the same order as ``load_config``: ``.classifier.toml``,
    then ``[tool.classifier]`` of ``pyproject.toml``; neither: defaults. Read
    from git's objects and modes, so a symlinked file is refused unread.

    Raises:
        ConfigError: a symlink, unreadable TOML, a schema violation, an unknown rule.
    """
    found = find_config_at(tree, side)
    if found is None:
        return Config()
    name, table, prefix = found
    return parse_config(table, origin=f"{name} {prefix}".strip())


def _find(top: Path, explicit: Path | None) -> tuple[Path, Mapping[str, Any], str] | None:
    if explicit is not None:
        # Given on the command line, the file is trusted as given, a link included.
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: configuration file not found", hint="check the --config path")
        data = _read_toml(explicit)
        if explicit.name == "pyproject.toml" or "tool" in data:
            return explicit, _tool_table(data, explicit) or {}, "[tool.classifier]"
        return explicit, data, ""
    for name in CONFIG_NAMES:
        path = top / name
        mode = _disk_mode(path)
        if mode is None:
            continue
        content = None if mode == SYMLINK_MODE else _read_bytes(path)
        found = config_from_file(name, content, mode, str(path))
        if found is not None:
            return path, found[0], found[1]
    return None


def find_config_at(tree: TreeReader, side: Side) -> tuple[str, dict[str, Any], str] | None:
    """The configuration file committed at ``side``: its name, table and prefix, or ``None``.

    Read from git's objects and tree modes (the index in --staged mode), never
    from the disk: a symlink is refused by its mode 120000, whatever the
    working tree holds.

    Raises:
        ConfigError: as ``config_from_file``.
    """
    for name in CONFIG_NAMES:
        mode = tree.file_mode(side, name)
        if mode is None or not (mode == SYMLINK_MODE or mode.startswith("100")):
            continue  # absent, or a folder or submodule of that name: no configuration
        data = None if mode == SYMLINK_MODE else tree.read(side, name)
        found = config_from_file(name, data, mode, f"{name} ({side.value})")
        if found is not None:
            return name, found[0], found[1]
    return None


def config_from_file(name: str, data: bytes | None, mode: str, where: str) -> tuple[dict[str, Any], str] | None:
    """The configuration table a file named ``name`` holds, and its prefix; ``None`` if it holds none.

    For a file found in the working tree or in a commit: ``mode`` is git's
    (``120000`` a symlink). A symlinked configuration is refused unread, so a
    link to a file elsewhere on the machine can neither set the policy nor have
    its content echoed in an error.

    Args:
        name: ``.classifier.toml`` or ``pyproject.toml``.
        data: the file's bytes (ignored for a symlink).
        mode: git's mode for the file.
        where: how error messages name the file.

    Raises:
        ConfigError: a symlink, too large, not UTF-8, not TOML, nested too deeply.
    """
    if mode == SYMLINK_MODE:
        raise ConfigError(
            f"{where}: is a symbolic link; the configuration is read only from a regular file",
            hint="replace the link by the file itself, or pass --config FILE",
        )
    table = read_toml_bytes(data or b"", where)
    if name == "pyproject.toml":
        tool_table = _tool_table(table, where)
        return None if tool_table is None else (tool_table, "[tool.classifier]")
    return table, ""


def _disk_mode(path: Path) -> str | None:
    """Git's mode for a configuration file on disk; ``None`` if absent or not a file."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return SYMLINK_MODE
    return "100644" if stat.S_ISREG(info.st_mode) else None


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            # One byte past the limit is enough to know the file is over it.
            return handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})", hint="make the file readable") from None


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml_bytes(_read_bytes(path), str(path))


def read_toml_bytes(data: bytes, where: str) -> dict[str, Any]:
    """Parse a configuration file's bytes as TOML, within ``MAX_CONFIG_BYTES`` and ``MAX_TOML_DEPTH``.

    Raises:
        ConfigError: too large, not UTF-8, invalid TOML, or nested too deeply; one line naming ``where``.
    """
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{where}: over the {MAX_CONFIG_BYTES // 1_000_000} MB limit for a configuration file",
            hint="keep the configuration small, or pass --config FILE with only the [tool.classifier] table",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: not valid UTF-8 at byte {exc.start}", hint="save it as UTF-8") from None
    deep = ConfigError(f"{where}: nested deeper than {MAX_TOML_DEPTH} levels (tables, arrays or dotted keys)",
                       hint="flatten the TOML: a configuration needs a few levels")
    if nested_too_deeply(text):
        raise deep
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML: {exc}", hint="fix the TOML syntax at that line") from None
    except (RecursionError, MemoryError):
        raise deep from None
    if too_deep(table):
        raise deep
    return table


def _tool_table(data: Mapping[str, Any], path: Path | str) -> dict[str, Any] | None:
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
