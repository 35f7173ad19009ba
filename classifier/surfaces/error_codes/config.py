"""``[tool.classifier.error_codes]`` and ``[tool.classifier.constants]``, parsed.

Table entries are ``"path"`` or ``"path:Name"`` (an Enum class, a dict, an
exception class with its subclasses, or ``Class.ATTR``); constant entries are
``"path:NAME"`` or an inline table ``{ name = "path:NAME", class = "idempotency" }``.
The JSON Schema has already checked the shapes; this module turns them into
records and rejects what the schema cannot express.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from classifier.errors import ConfigError

CONTRACT_CLASSES = ("idempotency", "auth", "pagination", "envelope", "other")
DATA_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One configured table: a file, narrowed to one name or not."""

    path: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ConstantSpec:
    """One configured contract constant and the contract class it belongs to."""

    path: str
    name: str
    contract: str = "other"


@dataclass(frozen=True, slots=True)
class ErrorCodesConfig:
    tables: tuple[TableSpec, ...] = ()
    registry_functions: tuple[str, ...] = ()
    constants: tuple[ConstantSpec, ...] = ()

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(spec.path for spec in self.tables) | frozenset(spec.path for spec in self.constants)

    def table_names(self, path: str) -> tuple[str, ...] | None:
        """Configured names in ``path`` (empty: every table), or ``None`` if it is no table file."""
        specs = [spec for spec in self.tables if spec.path == path]
        if not specs:
            return None
        return () if any(spec.name is None for spec in specs) else tuple(str(spec.name) for spec in specs)

    def constants_in(self, path: str) -> tuple[ConstantSpec, ...]:
        return tuple(spec for spec in self.constants if spec.path == path)


def parse_error_codes_config(table: Mapping[str, Any], origin: str | None) -> ErrorCodesConfig:
    """Build the surface's configuration from the validated ``[tool.classifier]`` table.

    Raises:
        ConfigError: a YAML/JSON table narrowed to a name.
    """
    section = table.get("error_codes", {})
    constants = table.get("constants", {})
    return ErrorCodesConfig(
        tables=tuple(_table(entry, origin) for entry in section.get("tables", ())),
        registry_functions=tuple(section.get("registry_functions", ())),
        constants=tuple(_constant(entry) for entry in constants.get("names", ())),
    )


def _split(entry: str) -> tuple[str, str | None]:
    path, colon, name = entry.rpartition(":")
    return (path, name) if colon and path else (entry, None)


def _table(entry: str, origin: str | None) -> TableSpec:
    path, name = _split(entry)
    if name is not None and path.endswith(DATA_SUFFIXES):
        raise ConfigError(
            f"{origin}: error_codes.tables: '{entry}' names a table inside a YAML/JSON file",
            hint=f"list the file alone: '{path}'",
        )
    return TableSpec(path, name)


def _constant(entry: str | Mapping[str, str]) -> ConstantSpec:
    # The schema's pattern guarantees the ':NAME' part.
    path, name = _split(entry if isinstance(entry, str) else entry["name"])
    contract = "other" if isinstance(entry, str) else entry.get("class", "other")
    return ConstantSpec(path, str(name), contract)
