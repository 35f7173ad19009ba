"""Judgement: turn a surface's ``Change`` facts into ``Finding``s.

Each surface has one check module in this package exposing ``EMITS`` (the ids
it may produce) and ``check(changes)``, a generator of ``(rule id, change)``.
The message is rendered from the catalogue row's template here, once, so every
surface words its findings the same way.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from typing import Iterable, Iterator, Protocol

from classifier.model import Change, Finding
from classifier.rules.catalogue import RULES, Rule, rules_by_id


class CheckModule(Protocol):
    EMITS: frozenset[str]

    def check(self, changes: Iterable[Change]) -> Iterator[tuple[str, Change]]: ...


# Explicit and greppable: surface name -> the module that judges its changes.
CHECK_MODULES: dict[str, str] = {
    "error_codes": "classifier.rules.error_codes",
    "migrations": "classifier.rules.migrations",
    "openapi": "classifier.rules.openapi",
    "versions": "classifier.rules.versions",
    "policy": "classifier.rules.policy",
    "files": "classifier.rules.files",
}


def all_rules() -> tuple[Rule, ...]:
    return RULES


def load_checks(surface: str) -> CheckModule:
    module: CheckModule = importlib.import_module(CHECK_MODULES[surface])
    return module


def judge(surface: str, changes: Iterable[Change]) -> Iterator[Finding]:
    """Classify one surface's changes with its check module."""
    catalogue = rules_by_id()
    checks = load_checks(surface)
    for rule_id, change in checks.check(changes):
        if rule_id not in checks.EMITS:
            raise AssertionError(f"{surface} check emitted {rule_id}, which it does not declare")
        yield make_finding(catalogue[rule_id], change)


def make_finding(rule: Rule, change: Change) -> Finding:
    """A finding with the rule's default label and severity and its rendered message."""
    location = change.location
    if printable_path(location.path) != location.path:
        location = replace(location, path=printable_path(location.path))
    return Finding(
        rule=rule.id,
        name=rule.name,
        label=rule.label,
        severity=rule.severity,
        surface=change.surface,
        location=location,
        subject=change.subject,
        message=render_message(rule, change),
    )


def printable_path(path: str) -> str:
    """A path that every report format can carry as UTF-8 text.

    Sources keep undecodable bytes as surrogates so files can still be read;
    reports show them as ``\\xNN`` escapes instead (as git does when it quotes).
    """
    raw = path.encode("utf-8", "surrogateescape")
    return raw.decode("utf-8", "backslashreplace")


def render_message(rule: Rule, change: Change) -> str:
    fields = {"path": change.location.path, **change.fields}
    try:
        return rule.message.format(**fields)
    except (KeyError, IndexError) as exc:
        raise AssertionError(f"{rule.id} message needs field {exc} that {change.surface} did not supply") from None
