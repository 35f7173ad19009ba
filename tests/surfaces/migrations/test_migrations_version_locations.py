"""Revision files are found where Alembic finds them: ``version_locations``, ``%(here)s``, recursion."""

from __future__ import annotations

from migration_support import classify, revision_text

DROP = 'op.drop_table("users")'


def test_a_version_location_not_named_versions_is_compared(repo, capsys) -> None:
    repo.commit("base", **{
        "alembic.ini": "[alembic]\nscript_location = %(here)s/db\nversion_locations = %(here)s/db/revisions\n",
        "db/env.py": "# environment\n",
        "db/revisions/0001_a.py": revision_text("0001", None),
    })
    repo.write("db/revisions/0002_b.py", revision_text("0002", "0001", DROP))
    run = classify(capsys, repo.path)
    assert run.code == 1
    assert ("MIG302", "0002_b.py", "drops table users (op.drop_table)") in run.rules()


def test_recursive_version_locations_reach_subfolders(repo, capsys) -> None:
    ini = "[alembic]\nscript_location = db\nversion_locations = db/revisions\nrecursive_version_locations = true\n"
    repo.commit("base", **{"alembic.ini": ini, "db/revisions/2023/0001_a.py": revision_text("0001", None)})
    repo.write("db/revisions/2024/0002_b.py", revision_text("0002", "0001", DROP))
    run = classify(capsys, repo.path)
    assert ("MIG302", "0002_b.py", "drops table users (op.drop_table)") in run.rules()
    assert not [rule for rule, _, _ in run.rules() if rule.startswith("MIG2")]  # one graph across subfolders


def test_without_recursion_a_subfolder_is_not_a_version_location(repo, capsys) -> None:
    ini = "[alembic]\nscript_location = db\nversion_locations = db/revisions\n"
    repo.commit("base", **{"alembic.ini": ini, "db/revisions/0001_a.py": revision_text("0001", None)})
    repo.write("db/revisions/archive/0002_b.py", revision_text("0002", "0001", DROP))
    run = classify(capsys, repo.path)
    assert [rule for rule, _, _ in run.rules()] == ["GEN004"]


def test_an_ini_file_in_a_subproject_names_its_own_locations(repo, capsys) -> None:
    ini = "[alembic]\nscript_location = %(here)s/alembic\nversion_locations = %(here)s/schema_changes, %(here)s/data_fixes\n"
    repo.commit("base", **{
        "services/billing/alembic.ini": ini,
        "services/billing/schema_changes/0001_a.py": revision_text("0001", None),
    })
    repo.write("services/billing/data_fixes/0002_b.py", revision_text("0002", "0001", DROP))
    run = classify(capsys, repo.path)
    assert ("MIG302", "0002_b.py", "drops table users (op.drop_table)") in run.rules()
    assert not [rule for rule, _, _ in run.rules() if rule.startswith("MIG2")]  # both folders are one graph
