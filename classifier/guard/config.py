"""What the application tells the guard about itself.

Applications build a ``GuardConfig`` in code; the ``classify guard check``
pre-flight reads the same fields from a TOML or JSON file (``load_config``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from classifier.guard.catalogue import RULES
from classifier.guard.timeouts import DEFAULT_CONNECT_TIMEOUT, DEFAULT_STATEMENT_TIMEOUT, timeout_problem


class GuardConfigError(ValueError):
    """The guard configuration is unreadable or names an unknown key or id."""


@dataclass(frozen=True, slots=True)
class GuardConfig:
    """Facts only the application knows, and the suppressions it chose.

    Attributes:
        served_api_versions: API versions this code serves; when given,
            ``RELEASE_SUPPORTED_API_VERSIONS`` may name only these.
        required_secrets: Secrets that must be set in production (never shown).
        required_config: Settings that must be set in production.
        secrets: Further variable names whose values are never shown.
        suppress: Guard ids to silence, e.g. ``("release.E006",)``; each use is logged.
        version_table: Alembic's version table name.
        version_table_schema: Schema of the version table (``None``: the default).
        script_location: Alembic script directory; when given, the code's
            heads are checked too and head mismatches say behind or ahead.
        production_envs: Values of ``ENV`` that mean production.
        database_url_env: Variable holding the database URL (the CLI's
            fallback for ``--database-url``).
        connect_timeout: Seconds a database probe may wait for a connection
            (``GUARD_CONNECT_TIMEOUT`` overrides it).
        statement_timeout: Seconds a database probe's queries may take once
            connected (``GUARD_STATEMENT_TIMEOUT`` overrides it).
    """

    served_api_versions: tuple[str, ...] | None = None
    required_secrets: tuple[str, ...] = ()
    required_config: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    suppress: tuple[str, ...] = ()
    version_table: str = "alembic_version"
    version_table_schema: str | None = None
    script_location: str | None = None
    production_envs: tuple[str, ...] = ("prod", "production")
    database_url_env: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT

    def __post_init__(self) -> None:
        unknown = [rule_id for rule_id in self.suppress if rule_id not in RULES]
        if unknown:
            # A typo here would silently keep a guard on; say so instead of guessing.
            raise GuardConfigError(f"suppress names unknown guard ids: {', '.join(unknown)}")
        for name in _TIMEOUT_KEYS:
            problem = timeout_problem(getattr(self, name))
            if problem:
                raise GuardConfigError(f"{name} {problem}, got {getattr(self, name)!r}")


_LIST_KEYS = frozenset(
    {"served_api_versions", "required_secrets", "required_config", "secrets", "suppress", "production_envs"}
)
_TIMEOUT_KEYS = ("connect_timeout", "statement_timeout")
_KEYS = tuple(field.name for field in fields(GuardConfig))


def load_config(path: str | Path) -> GuardConfig:
    """Read a ``GuardConfig`` from a TOML or JSON file.

    A ``pyproject.toml`` is read from its ``[tool.classifier.guard]`` table;
    any other file from its top level.

    Raises:
        GuardConfigError: The file is missing or unreadable, a key is unknown,
            or a value has the wrong type.
    """
    if sys.version_info >= (3, 11):  # imported here: only the CLI reads files
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data: Any = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except OSError as error:
        raise GuardConfigError(f"cannot read guard config {path}: {error.strerror or error}") from None
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise GuardConfigError(
            f"guard config {path} is not valid {path.suffix.lstrip('.') or 'TOML'}: {error}"
        ) from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("classifier", {}).get("guard", {})
    if not isinstance(data, dict):
        raise GuardConfigError(f"guard config {path} must hold a table/object at the top level")
    return config_from_mapping(data, source=str(path))


def config_from_mapping(data: dict[str, Any], source: str = "guard config") -> GuardConfig:
    """Build a ``GuardConfig`` from plain data, checking every key and type.

    Raises:
        GuardConfigError: A key is unknown or a value has the wrong type.
    """
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise GuardConfigError(f"{source}: unknown key {unknown[0]!r} (known keys: {', '.join(_KEYS)})")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise GuardConfigError(f"{source}: {key} must be a list of strings")
            values[key] = tuple(value)
        elif key in _TIMEOUT_KEYS:
            problem = timeout_problem(value)
            if problem:
                raise GuardConfigError(f"{source}: {key} {problem}, got {value!r}")
            values[key] = float(value)
        elif not isinstance(value, str):
            raise GuardConfigError(f"{source}: {key} must be a string")
        else:
            values[key] = value
    return GuardConfig(**values)
