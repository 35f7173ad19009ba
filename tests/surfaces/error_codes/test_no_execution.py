"""Nothing from the compared revisions is imported or run, and parsers load only when needed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from classifier.cli import main

SIDE_EFFECT = '''import pathlib

pathlib.Path({marker!r}).write_text("imported")


class ErrorCode:
    PROOF_NOT_FOUND = "proof_not_found"


STATUS = {{
    "PROOF_NOT_FOUND": {status},
    "SIDE_EFFECT": open({marker!r}, "w").write("evaluated"),
}}
IDEMPOTENCY_CONFLICT_STATUS = __import__("os").system("touch " + {marker!r})
'''
CONFIG = """
[tool.classifier.error_codes]
tables = ["app/errors.py"]
[tool.classifier.constants]
names = [{ name = "app/errors.py:IDEMPOTENCY_CONFLICT_STATUS", class = "idempotency" }]
"""


def test_table_module_with_side_effects_is_never_executed(repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "executed.txt"
    repo.commit("base", **{"pyproject.toml": CONFIG, "app__errors.py": SIDE_EFFECT.format(marker=str(marker), status=404)})
    repo.commit("head", **{"app__errors.py": SIDE_EFFECT.format(marker=str(marker), status=410)})

    code = main(["check", "--repo", str(repo.path), "--base", "HEAD~1", "--head", "HEAD", "--format", "json"])

    findings = json.loads(capsys.readouterr().out)["findings"]
    assert not marker.exists()
    assert [(f["rule"], f["line"], f["message"]) for f in findings] == [
        ("ERC111", None, "error tables compared: STATUS (dict, 2 codes, line 10)"),
        ("ERC103", 11, "error code PROOF_NOT_FOUND HTTP status changed: 404 → 410"),
    ]
    assert code == 1


def test_surface_package_imports_no_parser() -> None:
    script = (
        "import sys\n"
        "from classifier.policy.config import Config\n"
        "from classifier.surfaces.error_codes import ErrorCodesSurface\n"
        "from classifier.sources import FilePair\n"
        "from classifier.sources.directory import DirectorySource\n"
        "from pathlib import Path\n"
        "surface = ErrorCodesSurface(Config())\n"
        "source = DirectorySource(Path('.'), Path('.'))\n"
        "assert surface.claim([FilePair('modified', 'a.py', 'a.py')], source) == []\n"
        "print(sorted(m for m in ('libcst', 'yaml', 'jsonschema', 'deepdiff') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
