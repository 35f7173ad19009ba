"""The hook's pre-commit stage judges the commit being made, with applied migrations and policy from the default branch."""

from __future__ import annotations

import json

import pytest

from classifier.cli import main
from tests.conftest import GitRepo
from tests.service_spec import OPENAPI, without_teams, without_users

REVISION = '''\
"""{doc}"""
from alembic import op
import sqlalchemy as sa

revision = "{revision}"
down_revision = {parent}


def upgrade():
    op.add_column("users", sa.Column("{column}", sa.String(255), nullable={nullable}))
'''


def revision(number: str, parent: str | None, column: str, nullable: bool = True) -> str:
    return REVISION.format(doc=f"Revision {number}.", revision=number, parent=repr(parent), column=column,
                           nullable=nullable)


@pytest.fixture
def branch(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """``main`` with a spec and one applied revision; a feature branch off it."""
    monkeypatch.delenv("PRE_COMMIT_TO_REF", raising=False)
    monkeypatch.delenv("PRE_COMMIT_FROM_REF", raising=False)
    repo.commit("initial", **{
        "openapi.yaml": OPENAPI, "README.md": "# Service\n",
        "alembic.ini": "[alembic]\nscript_location = migrations\n", "migrations/env.py": "",
        "migrations/versions/0001_init.py": revision("0001", None, "email"),
    })
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def hook(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main(["--repo", str(repo.path), "--hook", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def rules(report: dict[str, object]) -> list[str]:
    items = [*report["findings"], *report["violations"]]  # type: ignore[misc]
    return sorted(item["rule"] for item in items)


def test_a_commit_made_without_the_hook_does_not_block_every_later_one(
    branch: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    branch.commit("drop teams, hook skipped", **{"openapi.yaml": without_teams()})
    branch.write("README.md", "# Service\n\nHow to run it.\n")
    branch.git("add", "README.md")

    code, report = hook(capsys, branch)

    assert (code, rules(report)) == (0, ["GEN001"])
    assert report["base"]["name"] == "HEAD"  # type: ignore[index]


def test_the_change_being_committed_is_still_judged(branch: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    branch.write("openapi.yaml", without_users())
    branch.git("add", "openapi.yaml")

    code, report = hook(capsys, branch)

    assert (code, rules(report)) == (1, ["OAS101"])


def test_a_revision_added_earlier_on_the_branch_is_not_applied_yet(
    branch: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    branch.commit("add 0002", **{"migrations/versions/0002_phone.py": revision("0002", "0001", "phone")})
    branch.write("migrations/versions/0002_phone.py", revision("0002", "0001", "phone", nullable=False))
    branch.git("add", "-A")

    code, report = hook(capsys, branch)

    # Applied nowhere (the default branch never had it): judged as the new revision it is, not as an edit.
    assert (code, rules(report)) == (1, ["MIG309"])


def test_an_applied_revision_edited_in_this_commit_is_a_violation(
    branch: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    branch.write("migrations/versions/0001_init.py", revision("0001", None, "email", nullable=False))
    branch.git("add", "-A")

    code, report = hook(capsys, branch)

    assert (code, rules(report)) == (1, ["MIG101"])


def test_the_default_branchs_policy_judges_the_commit(branch: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    branch.commit("relax the policy, hook skipped", **{".classifier.toml": 'exclude = ["openapi.yaml"]\n'})
    branch.write("openapi.yaml", without_users())
    branch.git("add", "openapi.yaml")

    code, report = hook(capsys, branch)

    assert (code, rules(report)) == (1, ["OAS101"])
