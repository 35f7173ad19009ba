"""``classify migrations lock``: writing, verifying, and what the check does with the lock."""

from __future__ import annotations

import argparse

from migration_support import ENV, VERSIONS, classify, revision_text

from classifier import cli
from classifier.commands import migrations as migrations_command


def lock_main(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["migrations", "lock", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def two_revisions(repo) -> None:
    repo.write("migrations/env.py", ENV)
    repo.write(f"{VERSIONS}/0001_a.py", revision_text("0001", None, 'op.create_table("t", sa.Column("id", sa.Integer()))'))
    repo.write(f"{VERSIONS}/0002_b.py", revision_text("0002", "0001", 'op.add_column("t", sa.Column("x", sa.Text()))'))


def test_lock_writes_one_line_per_revision_base_first_and_check_agrees(repo, capsys) -> None:
    two_revisions(repo)
    assert lock_main(capsys, "--repo", str(repo.path), "--check") == (
        1, "migrations/migrations.lock: out of date: run `classify migrations lock` (2 revisions)\n", "")
    assert lock_main(capsys, "--repo", str(repo.path))[:2] == (0, "migrations/migrations.lock: written (2 revisions)\n")
    lines = (repo.path / "migrations/migrations.lock").read_text().splitlines()
    assert lines[0].startswith("# classify migrations lock") and lines[1].startswith("sum ")
    assert [line.split()[0] + " " + line.split()[2] for line in lines[2:]] == ["0001 0001_a.py", "0002 0002_b.py"]
    assert lock_main(capsys, "--repo", str(repo.path), "--check")[0] == 0


def test_the_lock_mounts_on_a_parser_like_the_guard() -> None:
    parser = argparse.ArgumentParser()
    migrations_command.configure(parser)
    args = parser.parse_args(["lock", "--check", "--repo", "x"])
    assert (args.migrations_command, args.check, args.repo) == ("lock", True, "x")


def test_no_tree_is_a_usage_error(tmp_path, capsys) -> None:
    code, out, err = lock_main(capsys, "--repo", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == (f"classify: error: {tmp_path}: no Alembic migration tree found; "
                   'fix: set [tool.classifier.migrations] paths = ["migrations/versions"]\n')


def test_an_edit_of_a_locked_revision_is_caught_even_when_the_base_has_it_already(repo, capsys) -> None:
    two_revisions(repo)
    lock_main(capsys, "--repo", str(repo.path))
    edited = revision_text("0002", "0001", 'op.add_column("t", sa.Column("x", sa.Text(), nullable=False))')
    # The edit is already in the base: only the lock still remembers the applied version.
    repo.write(f"{VERSIONS}/0002_b.py", edited)
    repo.commit("base with an unnoticed edit")
    repo.write(f"{VERSIONS}/0002_b.py", edited + "\n# touched\n")
    rules = [r for r in classify(capsys, repo.path).rules() if r[0] == "MIG105"]
    assert len(rules) == 1 and rules[0][2].startswith("revision 0002 does not match migrations/migrations.lock")


def test_a_new_revision_with_a_refreshed_lock_is_clean(repo, capsys) -> None:
    two_revisions(repo)
    lock_main(capsys, "--repo", str(repo.path))
    repo.commit("base")
    repo.write(f"{VERSIONS}/0003_c.py", revision_text("0003", "0002", 'op.add_column("t", sa.Column("y", sa.Text()))'))
    lock_main(capsys, "--repo", str(repo.path))
    run = classify(capsys, repo.path)
    assert run.code == 0
    assert [r[0] for r in run.rules()] == ["MIG301"]
