"""Rendering of the rule catalogue: ``classify rules`` and ``classify explain``."""

from __future__ import annotations

import json
from importlib import resources

from classifier.errors import UsageError
from classifier.rules.catalogue import RULES, Rule, resolve


def render_rules(format_name: str) -> str:
    if format_name == "json":
        return json.dumps([_row(rule) for rule in RULES], indent=2) + "\n"
    width = max(len(rule.name) for rule in RULES)
    lines = [f"{'ID':<7} {'NAME':<{width}} {'SURFACE':<12} {'LABEL':<12} {'SEVERITY':<8} SUMMARY"]
    lines += [
        f"{r.id:<7} {r.name:<{width}} {r.surface:<12} {_label(r):<12} {r.severity.value:<8} {r.summary}"
        for r in RULES
    ]
    return "\n".join(lines) + "\n"


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


def _row(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "name": rule.name,
        "surface": rule.surface,
        "label": rule.label.value,
        "kind": rule.kind,
        "severity": rule.severity.value,
        "summary": rule.summary,
        "message": rule.message,
        "status": rule.status,
        "aliases": list(rule.aliases),
        "replaced_by": rule.replaced_by,
    }
