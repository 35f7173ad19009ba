"""What an error table is once read: codes, each with the fields the file gave it.

A file may hold several table objects (an ``Enum`` of codes, a dict of their
statuses, exception classes, registry calls). They are merged by code, so one
``Record`` says everything the file knows about one code, and each field keeps
the line and table it came from: a finding points at the line that says it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

# The fields a code may carry, in the order findings about them are reported.
FIELDS = ("value", "status", "exception", "message", "docstring")


@dataclass(frozen=True, slots=True)
class Field:
    """One value of one code (a literal, or ``literals.Unknown``) and where it is written."""

    value: Any
    line: int
    table: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One observation of a code in one table object, before merging."""

    table: str
    code: str
    line: int
    fields: Mapping[str, Field] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Record:
    """Everything the file says about one code."""

    code: str
    line: int
    table: str
    fields: Mapping[str, Field]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the table itself: ``duplicated``, ``not-static`` or ``unreadable``."""

    kind: str
    subject: str
    line: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class ErrorTable:
    """One side of one configured file: its codes, the tables read, its problems.

    ``missing`` lists configured table names that the file does not define, and
    then ``available`` lists every table the file does hold.
    """

    records: Mapping[str, Record]
    tables: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    missing: tuple[str, ...] = ()
    available: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Constant:
    """A contract constant's value (literal or ``Unknown``) and its line."""

    name: str
    value: Any
    line: int


def count_codes(count: int) -> str:
    return f"{count} code" if count == 1 else f"{count} codes"
