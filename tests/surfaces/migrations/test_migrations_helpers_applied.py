"""Repository modules imported by applied revisions, compared where the revisions use them (real git repos)."""

from __future__ import annotations

import json

import pytest

from classifier.cli import main
from tests.conftest import GitRepo
from tests.run_record import Run
from tests.surfaces.migrations.migration_support import ENV, revision_text

HELPERS = '''\
"""Shared migration helpers."""
import sqlalchemy as sa
from alembic import op

NOTE_LENGTH = 255


def note_column(table):
    op.add_column(table, sa.Column("note", sa.String(_length()), nullable=True))


def _length():
    return NOTE_LENGTH


def drop_legacy(table):
    op.drop_column(table, "legacy")
'''
IMPORTER = revision_text("0001", None, 'note_column("users")').replace(
    "import sqlalchemy as sa\n", "import sqlalchemy as sa\n\nfrom migrations.helpers import note_column\n")
LAYOUT = {"alembic.ini": "[alembic]\nscript_location = migrations\n", "migrations/env.py": ENV}


def _classify(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> Run:
    capsys.readouterr()
    code = main(["--repo", str(repo.path), "--base", "main", "--format", "json"])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def _rules(run: Run) -> list[tuple[str, str]]:
    report = json.loads(run.out)
    return sorted((item["rule"], item["message"]) for item in [*report["findings"], *report["violations"]])


@pytest.fixture
def applied(repo: GitRepo) -> GitRepo:
    """``main`` with a helper module that applied revision 0001 imports; the test branches off it."""
    repo.commit("initial", **LAYOUT, **{"migrations/helpers.py": HELPERS, "migrations/versions/0001_notes.py": IMPORTER})
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def test_a_helper_edit_under_an_applied_revision_is_a_violation_and_still_code(
    applied: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    applied.commit("stricter", **{"migrations/helpers.py": HELPERS.replace("nullable=True", "nullable=False")})

    run = _classify(capsys, applied)

    assert run.code == 1
    assert _rules(run) == [
        ("GEN003", "internal change: code changed"),
        ("MIG109", "helper migrations/helpers.py, used by applied revision(s) 0001, edited: "
                   "note_column: …), nullable=True)) → …), nullable=False))"),
    ]


def test_a_constant_a_used_helper_reads_is_part_of_what_the_revision_does(
    applied: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    applied.commit("shorter", **{"migrations/helpers.py": HELPERS.replace("NOTE_LENGTH = 255", "NOTE_LENGTH = 100")})

    run = _classify(capsys, applied)

    assert run.code == 1
    assert ("MIG109", "helper migrations/helpers.py, used by applied revision(s) 0001, edited: "
                      "NOTE_LENGTH: NOTE_LENGTH = 255 → NOTE_LENGTH = 100") in _rules(run)


def test_a_reformat_of_the_helper_is_the_reformat_finding(applied: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    tidied = HELPERS.replace("def _length():\n", "def _length() -> int:\n    # the width every note column gets\n")
    tidied = tidied.replace('sa.Column("note"', "sa.Column('note'")
    applied.commit("tidy", **{"migrations/helpers.py": tidied})

    run = _classify(capsys, applied)

    assert run.code == 0
    assert ("MIG110", "helper migrations/helpers.py, used by applied revision(s) 0001, reformatted "
                      "(same operations, identifiers and literals in what they use)") in _rules(run)
    assert not [rule for rule, _ in _rules(run) if rule == "MIG109"]


def test_a_changed_function_the_revisions_do_not_call_is_not_a_violation(
    applied: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    applied.commit("rename legacy", **{"migrations/helpers.py": HELPERS.replace('"legacy"', '"legacy_id"')})

    run = _classify(capsys, applied)

    assert run.code == 0
    assert _rules(run) == [("GEN003", "internal change: code changed")]


def test_a_helper_used_only_by_new_revisions_is_not_a_violation(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("initial", **LAYOUT, **{"migrations/helpers.py": HELPERS})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("first revision", **{"migrations/helpers.py": HELPERS.replace("nullable=True", "nullable=False"),
                                     "migrations/versions/0001_notes.py": IMPORTER})

    run = _classify(capsys, repo)

    assert not [rule for rule, _ in _rules(run) if rule in ("MIG109", "MIG110")]


def test_a_removed_helper_module_breaks_the_applied_revision(applied: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    applied.git("rm", "-q", "migrations/helpers.py")
    applied.commit("remove helpers")

    run = _classify(capsys, applied)

    assert run.code == 1
    assert ("MIG109", "helper migrations/helpers.py, used by applied revision(s) 0001, edited: "
                      "module removed: the applied revisions that import it can no longer run") in _rules(run)
