"""Modules whose import or ``upgrade()`` would leave a trace: classified, never run."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.conftest import GitRepo
from tests.hostile.support import classify

# Every way the file could run leaves a marker and calls the listening socket.
TRAP = '''import pathlib, socket
pathlib.Path({marker!r}).write_text("imported")
socket.create_connection(("127.0.0.1", {port})).close()
'''
ENV = "from alembic import context\n"
REVISION = '''"""Add a column."""
{trap}
from alembic import op
import sqlalchemy as sa

revision = "{revision}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
    pathlib.Path({marker!r} + ".upgrade").write_text("upgraded")
    socket.create_connection(("127.0.0.1", {port})).close()
    {operation}


def downgrade():
    pass
'''
ERRORS = '''{trap}
class ErrorCode:
    NOT_FOUND = "not_found"


STATUS = {{"NOT_FOUND": {status}, "RAN": __import__("os").system("touch {marker}.status")}}
'''


def test_migration_and_error_table_are_never_run(repo: GitRepo, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        trap = TRAP.format(marker=str(marker), port=port)

        def revision(number: str, down: str | None, operation: str) -> str:
            return REVISION.format(trap=trap, revision=number, down=down, marker=str(marker), port=port,
                                   operation=operation)

        repo.commit("base", **{
            "pyproject.toml": '[tool.classifier.error_codes]\ntables = ["app/errors.py"]\n',
            "app__errors.py": ERRORS.format(trap=trap, status=404, marker=marker),
            "migrations__env.py": ENV,
            "migrations__versions__0001_init.py": revision("0001", None, 'op.create_table("users")'),
        })
        repo.commit("head", **{
            "app__errors.py": ERRORS.format(trap=trap, status=410, marker=marker),
            "migrations__versions__0002_bio.py": revision(
                "0002", "0001", 'op.add_column("users", sa.Column("bio", sa.Text(), nullable=True))'),
        })

        run = classify(repo.path, "--format", "json")

        try:
            listener.accept()
            called = True
        except BlockingIOError:
            called = False
    assert not called, "a compared file opened a connection"
    assert not list(tmp_path.glob("ran*")), "a compared file wrote a marker"
    assert run.code == 1, run.stderr
    rules = {finding["rule"] for finding in run.report["findings"]}
    assert {"ERC103", "MIG301"} <= rules
