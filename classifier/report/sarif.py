"""SARIF 2.1.0 for code scanning: rules from the catalogue, repo-relative paths."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from classifier import __version__
from classifier.model import Finding, Report, Suppressed, Violation
from classifier.report import RenderOptions
from classifier.report.common import annotation_level, head_line, is_removal
from classifier.rules.catalogue import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "notice": "note"}


def render(report: Report, options: RenderOptions) -> str:
    active = options.active_rules
    index = {rule.id: position for position, rule in enumerate(active)}
    items: list[Finding | Violation] = [*report.violations, *report.findings]
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": _driver(active)},
                "automationDetails": {"id": "classify/"},
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root."}}},
                "results": [_result(item, index) for item in items]
                + [_suppressed_result(entry, index) for entry in report.suppressed],
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _driver(rules: list[Rule]) -> dict[str, Any]:
    return {
        "name": "classify",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": "https://pypi.org/project/classify-contract/",
        "rules": [_rule(rule) for rule in rules],
    }


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.summary, "markdown": _doc_page(rule.id) or rule.summary},
        "defaultConfiguration": {"level": _default_level(rule)},
        "properties": {"tags": [rule.surface, rule.label.value, rule.kind], "precision": "high"},
    }


def _default_level(rule: Rule) -> str:
    if rule.kind == "violation":
        return "error"
    return "warning" if rule.label.value == "breaking" else "note"


def _result(item: Finding | Violation, index: dict[str, int]) -> dict[str, Any]:
    return {
        "ruleId": item.rule,
        **({"ruleIndex": index[item.rule]} if item.rule in index else {}),
        "level": _LEVELS[annotation_level(item)],
        "message": {"text": item.message + (f" (was line {item.line} at the base)" if is_removal(item) and item.line else "")},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(item.path), "uriBaseId": "%SRCROOT%"},
                    # Code scanning needs a region; a whole-file finding, or a removal (whose line is the
                    # base's), points at line 1 of the head file.
                    "region": {"startLine": head_line(item) or 1},
                }
            }
        ],
        "partialFingerprints": {"classify/v1": item.fingerprint},
        "properties": {"label": "violation" if isinstance(item, Violation) else item.label.value},
    }


def _suppressed_result(entry: Suppressed, index: dict[str, int]) -> dict[str, Any]:
    """A result the policy set aside: still listed, with the policy's reason as the justification."""
    # The policy lives in the configuration, not beside the code it sets aside: an external suppression.
    suppression = {"kind": "external", "status": "accepted", "justification": f"{entry.how}: {entry.reason}"}
    return {**_result(entry.item, index), "suppressions": [suppression]}


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def _doc_page(rule_id: str) -> str | None:
    page = resources.files("classifier").joinpath(f"docs/rules/{rule_id}.md")
    return page.read_text("utf-8") if page.is_file() else None
