"""Revision files past the migrations budget: refused before the expensive step, in bounded time and memory."""

from __future__ import annotations

from tests.conftest import GitRepo
from tests.hostile.support import classify

ENV = "from alembic import context\n"
HEADER = '''"""A revision."""
from alembic import op
import sqlalchemy as sa

revision = "{revision}"
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
'''


def _revision(revision: str, down: str | None, body: str) -> str:
    return HEADER.format(revision=revision, down=down) + body + "\n\ndef downgrade():\n    pass\n"


def _base(repo: GitRepo) -> None:
    repo.commit("base", **{"migrations/env.py": ENV,
                           "migrations/versions/0001_a.py": _revision("0001", None, "    pass\n")})


def test_a_migration_of_twenty_thousand_operations_is_too_large_to_compare(repo: GitRepo) -> None:
    _base(repo)
    body = "".join(f'    op.execute("UPDATE users SET n = {i} WHERE id = {i}")\n' for i in range(20_000))
    repo.commit("bulk", **{"migrations/versions/0002_bulk.py": _revision("0002", "0001", body)})

    run = classify(repo.path, "--format", "json")

    assert run.code == 1
    (violation,) = [v for v in run.report["violations"] if v["rule"] == "MIG108"]
    assert violation["path"] == "migrations/versions/0002_bulk.py"
    assert violation["message"] == (
        "too large to compare: migrations/versions/0002_bulk.py has 20,000 call statements; "
        "the limit is 5,000 (max_operations in [tool.classifier.migrations])"
    )
    assert not [f for f in run.report["findings"] if f["rule"] in ("MIG301", "MIG319", "MIG404")]


def test_a_ten_megabyte_revision_is_refused_before_it_is_parsed(repo: GitRepo) -> None:
    _base(repo)
    body = '    op.execute("""' + "-- padding\n" * 1_000_000 + '""")\n'
    repo.commit("huge", **{"migrations/versions/0002_huge.py": _revision("0002", "0001", body)})

    run = classify(repo.path, "--format", "json")

    assert run.code == 1
    (violation,) = [v for v in run.report["violations"] if v["rule"] == "MIG108"]
    assert violation["message"].startswith("too large to compare: migrations/versions/0002_huge.py has 11,000,")
    assert violation["message"].endswith("the limit is 2,097,152 (max_revision_kb in [tool.classifier.migrations])")


def test_an_applied_revision_grown_past_the_budget_is_not_passed_unread(repo: GitRepo) -> None:
    _base(repo)
    body = "".join(f'    op.add_column("t", sa.Column("c{i}", sa.Text()))\n' for i in range(6_000))
    repo.commit("edit", **{"migrations/versions/0001_a.py": _revision("0001", None, body)})

    run = classify(repo.path, "--format", "json")

    assert run.code == 1
    assert [v["rule"] for v in run.report["violations"]] == ["MIG108"]
