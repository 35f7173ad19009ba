"""No revision file is ever imported or run, and the surface's parsers load only when needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from migration_support import ENV, VERSIONS, classify, revision_text

TRAP = '''"""A revision whose import and whose upgrade() would write a marker file."""
import pathlib

from alembic import op
import sqlalchemy as sa

pathlib.Path({module_marker!r}).write_text("module level ran")

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    pathlib.Path({upgrade_marker!r}).write_text("upgrade ran")
    op.add_column("users", sa.Column("bio", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("users", "bio")
'''


def test_a_revision_that_writes_files_when_run_is_classified_and_never_run(repo, tmp_path, capsys) -> None:
    module_marker, upgrade_marker = tmp_path / "module-ran", tmp_path / "upgrade-ran"
    init = revision_text("0001", None, 'op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))')
    repo.commit("base", **{"migrations/env.py": ENV, f"{VERSIONS}/0001_init.py": init})
    repo.write(f"{VERSIONS}/0002_trap.py", TRAP.format(module_marker=str(module_marker), upgrade_marker=str(upgrade_marker)))
    # The edited applied revision is read too; its body would also leave a marker.
    repo.write(f"{VERSIONS}/0001_init.py", init.replace("primary_key=True", "primary_key=True), sa.Column('x', sa.Text()"))

    run = classify(capsys, repo.path)

    assert run.code == 1
    assert ("MIG301", "0002_trap.py", "additive: op.add_column on users (column bio)") in run.rules()
    # Writing a file cannot reach the database: reported once, as not understood, without blocking.
    (unanalysed,) = [message for rule, _, message in run.rules() if rule == "MIG316"]
    assert "module-level code runs on import" in unanalysed
    assert "write_text" in unanalysed and "call to pathlib.Path" in unanalysed
    assert any(rule == "MIG101" for rule, _, _ in run.rules())
    assert not module_marker.exists()
    assert not upgrade_marker.exists()


def test_importing_the_surface_package_loads_no_parser() -> None:
    code = (
        "import sys; import classifier.surfaces.migrations, classifier.rules.migrations; "
        "print(sorted(m for m in ('libcst', 'sqlglot', 'alembic', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", ["0002_trap.py"])
def test_no_bytecode_is_written_for_compared_revisions(repo, tmp_path, capsys, name: str) -> None:
    init = revision_text("0001", None)
    repo.commit("base", **{"migrations/env.py": ENV, f"{VERSIONS}/0001_init.py": init})
    repo.write(f"{VERSIONS}/{name}", revision_text("0002", "0001"))
    classify(capsys, repo.path)
    assert not list(Path(repo.path).rglob("__pycache__"))
