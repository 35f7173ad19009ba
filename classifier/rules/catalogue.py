"""The rule catalogue: one row per rule, the project's stable public contract.

Ids never change meaning and are never reused: a retired rule stays here with
``status="removed"`` (and ``replaced_by`` where one exists). Names may be
renamed; the old name then goes into ``aliases`` so configuration keeps
working. ``classify rules``, SARIF ``tool.driver.rules``, the docs and the
catalogue tests all read this one table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifier.model import Label, Severity

ID_PATTERN = re.compile(r"^(GEN|CLS|OAS|ERC|MIG|VER)\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
STATUSES = ("preview", "stable", "deprecated", "removed")


@dataclass(frozen=True, slots=True)
class Rule:
    """One catalogue row.

    ``kind`` is ``finding`` for a labelled change or ``violation`` for a policy
    failure that blocks whatever ``fail_on`` says. ``message`` is a
    ``str.format`` template over the fields the surface supplies plus ``path``.
    """

    id: str
    name: str
    surface: str
    label: Label
    severity: Severity
    summary: str
    message: str
    status: str = "stable"
    kind: str = "finding"
    aliases: tuple[str, ...] = ()
    replaced_by: str | None = None


_NB = Label.NON_BREAKING
_ADD = Label.ADDITIVE
_BRK = Label.BREAKING
_ERR = Severity.ERROR
_WARN = Severity.WARNING
_INFO = Severity.INFO

RULES: tuple[Rule, ...] = (
    # -- files: the generic surface, every changed file no contract surface claims
    Rule("GEN001", "documentation-changed", "files", _NB, _ERR,
         "A documentation file, or only comments and docstrings of a Python file, changed.",
         "documentation {status} ({detail})"),
    Rule("GEN002", "observability-changed", "files", _NB, _ERR,
         "Only logging, metrics or tracing calls of a Python file changed.",
         "observability only ({detail})"),
    Rule("GEN003", "internal-change", "files", _NB, _ERR,
         "Code or data outside every API contract changed.",
         "internal change: {detail}"),
    Rule("GEN004", "file-added", "files", _NB, _ERR,
         "A file outside every API contract was added.",
         "file added"),
    Rule("GEN005", "file-deleted", "files", _NB, _ERR,
         "A file outside every API contract was deleted.",
         "file deleted"),
    Rule("GEN006", "file-renamed", "files", _NB, _ERR,
         "A file outside every API contract was renamed or moved without other change.",
         "renamed from {old_path}, content unchanged"),
    Rule("GEN007", "binary-file-changed", "files", _NB, _ERR,
         "A binary file outside every API contract changed.",
         "binary file {status}"),
    # -- openapi: OAS1xx paths and operations, OAS2xx parameters, OAS3xx request bodies,
    #    OAS4xx responses, OAS5xx schemas, OAS6xx security, OAS7xx lifecycle, OAS8xx contract classes
    # -- error_codes: ERC1xx error tables, ERC2xx contract constants
    # -- migrations: MIG1xx applied migrations, MIG2xx graph, MIG3xx new operations,
    #    MIG4xx rerun safety, MIG5xx trust preservation
)


def rules_by_id() -> dict[str, Rule]:
    return {rule.id: rule for rule in RULES}


def resolve(key: str) -> Rule | None:
    """Find a rule by id, name or alias (configuration may use any of them)."""
    wanted = key.strip()
    for rule in RULES:
        if wanted.upper() == rule.id or wanted == rule.name or wanted in rule.aliases:
            return rule
    return None
