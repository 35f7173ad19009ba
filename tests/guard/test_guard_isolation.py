"""The guard is a cheap runtime library: it loads nothing from the analysis side or its heavy dependencies."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from classifier.guard import RULES

FORBIDDEN = (
    "libcst",
    "yaml",
    "git",
    "deepdiff",
    "jsonschema",
    "classifier.cli",
    "classifier.sources",
    "classifier.surfaces",
    "classifier.rules",
    "classifier.report",
    "classifier.policy",
    "classifier.model",
)
PROBE = """
import json, sys
import classifier.guard
from classifier.guard import ReleaseArtifact, GuardConfig, check_startup, ProbesASGI, ProbesWSGI
check_startup(GuardConfig(), {})
print(json.dumps(sorted(sys.modules)))
"""


def test_import_guard_loads_no_analysis_module_or_heavy_dependency() -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    loaded = json.loads(proc.stdout)
    offending = [m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert offending == []
    # Without a database nothing needs SQLAlchemy or Alembic either.
    assert not [m for m in loaded if m.split(".")[0] in ("sqlalchemy", "alembic")]


def test_guard_source_imports_only_the_guard_and_the_standard_library() -> None:
    allowed = re.compile(r"^(from|import) (classifier\.guard\b|__future__|sqlalchemy|alembic|tomli|tomllib)")
    for path in (Path(__file__).parents[2] / "classifier" / "guard").glob("*.py"):
        for line in path.read_text().splitlines():
            if re.match(r"^\s*(from|import) (classifier|yaml|libcst|git|deepdiff|jsonschema)\b", line):
                assert allowed.match(line.strip()), f"{path.name}: {line.strip()}"


def test_docs_list_every_guard_id() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "guard.md").read_text()
    for rule in RULES.values():
        effect = "refuses" if rule.id[len("release.")] == "E" else "logged"
        assert f"| `{rule.id}` | {rule.name} | {effect} | {rule.summary} |" in docs, rule.id
    assert set(re.findall(r"release\.[EW]\d{3}", docs)) <= set(RULES)
