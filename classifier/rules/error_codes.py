"""Judgement for error-code tables and contract constants: one rule per kind of change.

Contract constants are judged by the contract class they were configured with,
so a changed idempotency status and a changed page size read as different
rules in the report.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from classifier.model import Change

RULE_FOR_KIND: dict[str, str] = {
    "removed": "ERC101",
    "renamed": "ERC102",
    "status-changed": "ERC103",
    "exception-changed": "ERC104",
    "value-changed": "ERC105",
    "added": "ERC106",
    "message-changed": "ERC107",
    "duplicated": "ERC108",
    "not-static": "ERC109",
    "unreadable": "ERC110",
    "tables-found": "ERC111",
    "inconsistent": "ERC112",
}

RULE_FOR_CONTRACT: dict[str, str] = {
    "idempotency": "ERC201",
    "auth": "ERC202",
    "pagination": "ERC203",
    "envelope": "ERC204",
    "other": "ERC205",
}

EMITS = frozenset(RULE_FOR_KIND.values()) | frozenset(RULE_FOR_CONTRACT.values())


def check(changes: Iterable[Change]) -> Iterator[tuple[str, Change]]:
    for change in changes:
        if change.kind == "constant-changed":
            yield RULE_FOR_CONTRACT[change.fields["contract"]], change
        else:
            yield RULE_FOR_KIND[change.kind], change
