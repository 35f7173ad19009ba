"""``[tool.classifier.api]``: where each API version's snapshot lives and which are frozen.

The JSON Schema has already checked the shapes; this module turns the table
into a record and rejects what the schema cannot express (a snapshot pattern
without ``{version}``, a frozen version that is not a version name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from classifier.errors import ConfigError

VERSION_PATTERN = re.compile(r"^v(\d+)([a-z][a-z0-9]*)?$")
DEFAULT_SNAPSHOTS = "snapshots/{version}/"
DEFAULT_CONTRACT_TESTS = ("tests/**/test_*{version}*.py",)
DEFAULT_REFERENCE_TESTS = ("tests/**/*.py",)
DEFAULT_VARIABLE = "RELEASE_SUPPORTED_API_VERSIONS"
DEFAULT_OPENAPI_URL = "/{version}/openapi.json"
POLICIES = ("strict", "no-breaking")


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """The parsed ``api`` section.

    ``supported_versions`` is the list given in the configuration; when
    ``supported_versions_file`` is set the declaration is read from that file
    at each revision instead.
    """

    snapshots: str = DEFAULT_SNAPSHOTS
    frozen: tuple[str, ...] = ()
    frozen_policy: str = "strict"
    depends_on: tuple[str, ...] = ()
    supported_versions: tuple[str, ...] = ()
    supported_versions_file: str | None = None
    supported_versions_variable: str = DEFAULT_VARIABLE
    contract_tests: tuple[str, ...] = DEFAULT_CONTRACT_TESTS
    reference_tests: tuple[str, ...] = DEFAULT_REFERENCE_TESTS
    app: str | None = None
    openapi_url: str = DEFAULT_OPENAPI_URL

    def folder(self, version: str) -> str:
        """The snapshot folder of ``version``, always ending in ``/``."""
        return self.snapshots.replace("{version}", version).rstrip("/") + "/"

    @property
    def declaration(self) -> str:
        """Where the supported versions are declared, as the user should look for it."""
        if self.supported_versions_file is None:
            return "[tool.classifier.api] supported_versions"
        return f"{self.supported_versions_file} {self.supported_versions_variable}"


def version_key(version: str) -> tuple[int, str]:
    """Order versions by number, a pre-release suffix before the plain number (v2beta < v2)."""
    match = VERSION_PATTERN.match(version)
    if match is None:
        return (0, version)
    suffix = match.group(2) or ""
    return (int(match.group(1)), suffix or "~")


def parse_api_config(table: Mapping[str, Any], origin: str | None) -> ApiConfig:
    """Build the versions configuration from the validated ``[tool.classifier]`` table.

    Raises:
        ConfigError: the snapshot pattern lacks ``{version}`` or a version name is malformed.
    """
    section = table.get("api", {})
    defaults = ApiConfig()
    snapshots = str(section.get("snapshots", defaults.snapshots))
    if "{version}" not in snapshots:
        raise ConfigError(
            f"{origin}: api.snapshots: '{snapshots}' has no {{version}} placeholder",
            hint='write it like "snapshots/{version}/"',
        )
    frozen = tuple(section.get("frozen", ()))
    supported = tuple(section.get("supported_versions", ()))
    for version in (*frozen, *supported):
        _check_version(version, origin)
    return ApiConfig(
        snapshots=snapshots,
        frozen=frozen,
        frozen_policy=section.get("frozen_policy", defaults.frozen_policy),
        depends_on=tuple(section.get("depends_on", ())),
        supported_versions=supported,
        supported_versions_file=section.get("supported_versions_file"),
        supported_versions_variable=section.get("supported_versions_variable", DEFAULT_VARIABLE),
        contract_tests=_as_tuple(section.get("contract_tests", defaults.contract_tests)),
        reference_tests=_as_tuple(section.get("reference_tests", defaults.reference_tests)),
        app=section.get("app"),
        openapi_url=section.get("openapi_url", defaults.openapi_url),
    )


def _as_tuple(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _check_version(version: str, origin: str | None) -> None:
    if VERSION_PATTERN.match(version) is None:
        raise ConfigError(
            f"{origin}: api: '{version}' is not a version name",
            hint="name versions v1, v2, … (a suffix such as v3beta marks a pre-release)",
        )
