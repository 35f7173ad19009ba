"""Disagreements inside one reading of a file: two shapes giving one code different statuses.

A status dict and the exception class raised for the same code are both read
(``status`` and ``status@class`` of one ``Record``). When both are literals and
differ, the service answers that code with one status or the other depending
on which path raises it: the table contradicts itself, whatever changed.
"""

from __future__ import annotations

from typing import Iterable, Iterator, Mapping

from classifier.surfaces.error_codes.literals import Unknown
from classifier.surfaces.error_codes.model import Field, Problem, Record


def status_disagreements(records: Mapping[str, Record]) -> Iterator[Problem]:
    """One ``inconsistent`` problem per code whose known statuses differ, at the disagreeing line."""
    for record in records.values():
        statuses = _known_statuses(record.fields.items())
        if not statuses:
            continue
        first = statuses[0]
        other = next((field for field in statuses[1:] if field.value != first.value), None)
        if other is None:
            continue
        detail = (
            f"{record.code} has HTTP status {first.value} in {first.table} (line {first.line}) "
            f"but {other.value} in {other.table} (line {other.line})"
        )
        yield Problem("inconsistent", f"{record.code}.status", other.line, detail)


def _known_statuses(fields: Iterable[tuple[str, Field]]) -> list[Field]:
    # ``status`` first: it is the field of the table read first (an enum, a dict, a call).
    keyed = sorted((key, field) for key, field in fields if key.split("@", 1)[0] == "status")
    return [field for _, field in keyed if not isinstance(field.value, Unknown)]
