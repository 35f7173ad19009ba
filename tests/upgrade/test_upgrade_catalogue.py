"""The upgrade ids: documented exactly as catalogued, distinct statuses for the abort conditions."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from classifier.upgrade.catalogue import CHECKS

DOC = Path(__file__).resolve().parents[2] / "docs" / "upgrade.md"


def test_catalogue_ids_are_well_formed_and_unique_by_name():
    assert all(re.fullmatch(r"upgrade\.E\d{3}", check_id) for check_id in CHECKS)
    assert len({check.name for check in CHECKS.values()}) == len(CHECKS)


def test_catalogue_postflight_abort_conditions_have_distinct_exit_statuses():
    aborts = ["upgrade.E010", "upgrade.E011", "upgrade.E012", "upgrade.E013", "upgrade.E014"]
    assert [CHECKS[check_id].exit_status for check_id in aborts] == [10, 11, 12, 13, 14]


def test_catalogue_documented_row_by_row():
    rows = [
        line for line in DOC.read_text().splitlines() if re.match(r"\| `upgrade\.E\d{3}` \| [a-z-]+ \| \d+ \|", line)
    ]
    assert rows == [f"| `{c.id}` | {c.name} | {c.exit_status} | {c.summary} |" for c in CHECKS.values()]


def test_upgrade_cli_import_stays_light():
    code = "import sys, classifier.commands.migrations, classifier.commands.fleet, classifier.commands.outcomes; print(sorted(m for m in ('sqlalchemy', 'alembic', 'libcst', 'jsonschema') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    assert out.strip() == "[]"
