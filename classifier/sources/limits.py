"""The resource budgets every input is read within, and the one place that says which are in force.

Each budget is checked before the expensive step it guards (reading a blob,
parsing Python with libcst, composing YAML), so that past it a run ends with
one line naming the file and the limit, or a blocking finding, and never with
a hang, an exhausted machine or a silent pass. ``docs/robustness.md`` lists
them with measured worst cases.

The budgets of a run come from ``[tool.classifier.limits]``. Readers deep in
the surfaces ask ``limits_in_force()`` rather than receive them through every
signature: a ``ContextVar`` set by ``applied_limits`` around one run (defaults
outside it, so a stand-alone reader is bounded too).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from classifier.errors import SourceError

MB = 1_000_000
HINT = "raise [tool.classifier.limits] {key}, or exclude the file"


@dataclass(frozen=True, slots=True)
class Limits:
    """Budgets per input kind; see ``docs/robustness.md`` for what each costs at its limit."""

    max_file_bytes: int = 20 * MB  # any file read from either side, before it is read or decoded
    max_python_bytes: int = MB // 2  # Python source parsed with libcst or ast (characters)
    max_yaml_nodes: int = 50_000  # nodes of a YAML/JSON error table, every alias expanded


DEFAULT_LIMITS = Limits()
_IN_FORCE: ContextVar[Limits] = ContextVar("classifier_limits")


def limits_in_force() -> Limits:
    """The budgets of the current run (the defaults outside ``applied_limits``)."""
    return _IN_FORCE.get(DEFAULT_LIMITS)


@contextmanager
def applied_limits(limits: Limits) -> Iterator[None]:
    """Make ``limits`` the budgets of everything run inside the ``with`` block."""
    token = _IN_FORCE.set(limits)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


def parse_limits(table: Mapping[str, Any]) -> Limits:
    """``[tool.classifier.limits]`` (already schema-validated) as ``Limits``."""
    section = table.get("limits", {})
    defaults = Limits()
    return Limits(
        max_file_bytes=_bytes(section, "max_file_mb", defaults.max_file_bytes),
        max_python_bytes=_bytes(section, "max_python_mb", defaults.max_python_bytes),
        max_yaml_nodes=int(section.get("max_yaml_nodes", defaults.max_yaml_nodes)),
    )


def _bytes(section: Mapping[str, Any], key: str, default: int) -> int:
    return int(float(section[key]) * MB) if key in section else default


def megabytes(size: int) -> str:
    """``12.3 MB``: a size as a reader compares it with a limit (the OpenAPI loader words it alike)."""
    return f"{size / MB:.1f} MB"


class FileTooLarge(SourceError):
    """A file is larger than ``max_file_mb``: it was not read."""

    def __init__(self, where: str, size: int, limit: int) -> None:
        super().__init__(
            f"{where}: {megabytes(size)} is over the {limit / MB:g} MB limit for one file",
            hint=HINT.format(key="max_file_mb"),
        )
        self.size = size
        self.limit = limit


class PythonTooLarge(SourceError):
    """Python source larger than ``max_python_mb``: it was not parsed."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            f"{megabytes(size)} of Python is over the {limit / MB:g} MB limit for parsing (max_python_mb)",
            hint=HINT.format(key="max_python_mb"),
        )
        self.size = size
        self.limit = limit


def refuse_large_python(text: str) -> None:
    """Raise ``PythonTooLarge`` when ``text`` is over the ``max_python_mb`` in force."""
    limit = limits_in_force().max_python_bytes
    if len(text) > limit:
        raise PythonTooLarge(len(text), limit)


@dataclass(frozen=True, slots=True)
class Oversized:
    """What a low-level reader returns instead of content past ``max_file_bytes``: only its size."""

    size: int
