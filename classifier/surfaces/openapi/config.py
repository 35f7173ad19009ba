"""``[tool.classifier.openapi]``: which files are specs, and the contract classes."""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PATHS = ("snapshots/**/openapi.{json,yaml,yml}", "openapi.{json,yaml,yml}")
DEFAULT_ENVELOPE_PROPERTIES = ("data", "error", "errors", "meta")
DEFAULT_PAGINATION_PARAMETERS = (
    "cursor", "limit", "page", "page_size", "per_page", "offset", "page_token", "starting_after", "ending_before",
)
DEFAULT_PAGINATION_FIELDS = (
    "next_cursor", "prev_cursor", "previous_cursor", "has_more", "next_page_token", "next_page", "total_count",
)
DEFAULT_SIGNATURE_HEADERS = ("X-Signature", "X-Signature-Timestamp")


@dataclass(frozen=True, slots=True)
class OpenAPIConfig:
    """The parsed section; every contract class can be switched off with an empty list."""

    paths: tuple[str, ...] = DEFAULT_PATHS
    max_file_mb: float = 20.0
    envelope_schemas: tuple[str, ...] = ()
    envelope_properties: tuple[str, ...] = DEFAULT_ENVELOPE_PROPERTIES
    pagination_parameters: tuple[str, ...] = DEFAULT_PAGINATION_PARAMETERS
    pagination_fields: tuple[str, ...] = DEFAULT_PAGINATION_FIELDS
    idempotency_header: str | None = "Idempotency-Key"
    idempotency_statuses: tuple[str, ...] = ("409", "422")
    auth_security: bool = True
    signature_headers: tuple[str, ...] = DEFAULT_SIGNATURE_HEADERS
    cache_dir: str | None = None
    # The day x-sunset dates are judged against (the run's reference date); None: the wall clock.
    today: datetime.date | None = None

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)


def parse_openapi_config(table: Mapping[str, Any], today: datetime.date | None = None) -> OpenAPIConfig:
    """Build the config from the (already schema-validated) ``openapi`` table and the run's reference date."""
    section = table.get("openapi", {})
    envelope = section.get("envelope", {})
    pagination = section.get("pagination", {})
    idempotency = section.get("idempotency", {})
    auth = section.get("auth", {})
    defaults = OpenAPIConfig()
    header = idempotency.get("header", defaults.idempotency_header)
    return OpenAPIConfig(
        paths=tuple(section.get("paths", defaults.paths)),
        max_file_mb=float(section.get("max_file_mb", defaults.max_file_mb)),
        envelope_schemas=tuple(envelope.get("schemas", defaults.envelope_schemas)),
        envelope_properties=tuple(envelope.get("properties", defaults.envelope_properties)),
        pagination_parameters=tuple(pagination.get("parameters", defaults.pagination_parameters)),
        pagination_fields=tuple(pagination.get("fields", defaults.pagination_fields)),
        idempotency_header=header or None,
        idempotency_statuses=tuple(str(s) for s in idempotency.get("conflict_statuses", defaults.idempotency_statuses)),
        auth_security=bool(auth.get("security", defaults.auth_security)),
        signature_headers=tuple(auth.get("signature_headers", defaults.signature_headers)),
        cache_dir=resolve_cache_dir(section.get("cache_dir")),
        today=today,
    )


def resolve_cache_dir(value: str | None) -> str | None:
    """Where the YAML parse cache lives: a relative ``cache_dir`` is a folder of the user's cache
    (``$XDG_CACHE_HOME``, else ``~/.cache``), never of the repository being judged."""
    if value is None:
        return None
    path = Path(value).expanduser()
    if not path.is_absolute():
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        path = root / "classify" / path
    return str(path)
