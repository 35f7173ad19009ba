"""Rendering of the rule catalogue: ``classify rules`` and ``classify explain``."""

from __future__ import annotations

import json
from importlib import resources

from typing import TYPE_CHECKING

from classifier.errors import UsageError
from classifier.model import Severity
from classifier.rules.catalogue import RULES, Rule, resolve

if TYPE_CHECKING:
    from classifier.policy.config import Config


def render_rules(format_name: str, config: Config | None = None) -> str:
    """The catalogue with each rule's severity and whether it blocks under ``config`` (the repository's policy)."""
    if format_name == "json":
        return json.dumps([_row(rule, config) for rule in RULES], indent=2) + "\n"
    width = max(len(rule.name) for rule in RULES)
    lines = [f"{'ID':<7} {'NAME':<{width}} {'SURFACE':<12} {'LABEL':<12} {'SEVERITY':<8} {'BLOCKS':<6} SUMMARY"]
    lines += [
        f"{r.id:<7} {r.name:<{width}} {r.surface:<12} {_label(r):<12} {_severity(r, config).value:<8} "
        f"{_blocks(r, config):<6} {r.summary}"
        for r in RULES
    ]
    return "\n".join(lines) + "\n"


def _severity(rule: Rule, config: Config | None) -> Severity:
    return config.severity.get(rule.id, rule.severity) if config is not None else rule.severity


def _blocks(rule: Rule, config: Config | None) -> str:
    """``yes`` when a finding of this rule fails the run under the policy, ``no`` when it only reports."""
    if rule.kind == "violation":
        return "yes"
    from classifier.model import Label

    fail_on = config.fail_on if config is not None else Label.BREAKING
    blocks = _severity(rule, config) is Severity.ERROR and fail_on is not None and rule.label.rank >= fail_on.rank
    return "yes" if blocks else "no"


def render_explain(key: str) -> str:
    rule = resolve(key)
    if rule is None:
        raise UsageError(f"unknown rule '{key}'", hint="`classify rules` lists every id and name")
    page = resources.files("classifier").joinpath(f"docs/rules/{rule.id}.md")
    if not page.is_file():
        raise UsageError(f"{rule.id} has no documentation page in this installation", hint="reinstall classify")
    return page.read_text("utf-8")


def _label(rule: Rule) -> str:
    return "violation" if rule.kind == "violation" else rule.label.value


def _row(rule: Rule, config: Config | None) -> dict[str, object]:
    return {
        "id": rule.id,
        "name": rule.name,
        "surface": rule.surface,
        "label": rule.label.value,
        "kind": rule.kind,
        "severity": _severity(rule, config).value,
        "default_severity": rule.severity.value,
        "blocks": _blocks(rule, config) == "yes",
        "summary": rule.summary,
        "message": rule.message,
        "status": rule.status,
        "aliases": list(rule.aliases),
        "replaced_by": rule.replaced_by,
    }
