"""Reporters: one module per output format, each ``render(report, options) -> str``.

Only this package and the CLI print or format. Modules are imported on demand,
so a run that writes text never loads the SARIF or XML code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from classifier.model import Label, Report
from classifier.rules.catalogue import RULES, Rule

# Explicit and greppable: format name -> module.
REPORTERS: dict[str, str] = {
    "text": "classifier.report.text",
    "json": "classifier.report.json",
    "markdown": "classifier.report.markdown",
    "github": "classifier.report.github",
    "sarif": "classifier.report.sarif",
    "junit": "classifier.report.junit",
    "gitlab": "classifier.report.gitlab",
}


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render: colour and what to list (text), the annotation cap (github), the rule table (sarif, junit)."""

    color: bool = False
    max_annotations_per_level: int = 10
    rules: tuple[Rule, ...] = RULES
    min_label: Label | None = None  # text: findings below this label are counted, not listed
    quiet: bool = False  # text: only what blocks, and the result line

    @property
    def active_rules(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.status != "removed"]


class Reporter(Protocol):
    def render(self, report: Report, options: RenderOptions) -> str: ...


def render(format_name: str, report: Report, options: RenderOptions) -> str:
    module: Reporter = importlib.import_module(REPORTERS[format_name])
    return module.render(report, options)
