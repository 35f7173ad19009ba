"""Bad input is one line on stderr naming what and where, with the fix, and exit 2."""

from __future__ import annotations

from migration_support import ENV, VERSIONS, classify, revision_text


def base(repo, **extra: str) -> None:
    repo.commit("base", **{"migrations/env.py": ENV, f"{VERSIONS}/0001_a.py": revision_text("0001", None), **extra})


def error_line(run) -> str:
    lines = run.err.splitlines()
    assert run.code == 2 and len(lines) == 1 and not run.out, (run.code, run.out, run.err)
    return lines[0]


def test_a_revision_file_that_is_not_utf8(repo, capsys) -> None:
    base(repo)
    repo.write(f"{VERSIONS}/0002_b.py", b"revision = '0002'\n# caf\xe9\n")
    assert error_line(classify(capsys, repo.path)) == (
        f"classify: error: {VERSIONS}/0002_b.py (head): not valid UTF-8 at byte 23; "
        "fix: save the file as UTF-8, or exclude it in [tool.classifier] exclude"
    )


def test_a_garbled_lock_file(repo, capsys) -> None:
    base(repo)
    repo.write("migrations/migrations.lock", "sum abc\n<<<<<<< HEAD\n")
    assert error_line(classify(capsys, repo.path)) == (
        "classify: error: migrations/migrations.lock:2: not a lock line: '<<<<<<< HEAD'; fix: regenerate it with "
        "`classify migrations lock` (a git conflict there means both branches added revisions)"
    )


def test_a_missing_expected_head_file(repo, capsys) -> None:
    base(repo, **{".classifier.toml": '[migrations]\nexpected_head_file = "deploy/release.env"\n'})
    repo.write(f"{VERSIONS}/0002_b.py", revision_text("0002", "0001"))
    assert error_line(classify(capsys, repo.path)) == (
        "classify: error: expected_head_file deploy/release.env: no such file at the head; "
        "fix: create it or fix [tool.classifier.migrations] expected_head_file"
    )


def test_an_expected_head_file_without_the_variable(repo, capsys) -> None:
    base(repo, **{
        ".classifier.toml": '[migrations]\nexpected_head_file = "release.env"\n',
        "release.env": "APP_ENV=prod\n",
    })
    repo.write(f"{VERSIONS}/0002_b.py", revision_text("0002", "0001"))
    assert error_line(classify(capsys, repo.path)) == (
        "classify: error: release.env: no EXPECTED_ALEMBIC_HEAD= line and no revision list; "
        "fix: add `EXPECTED_ALEMBIC_HEAD=<head revision>` or set expected_head_variable"
    )


def test_an_unknown_migrations_setting(repo, capsys) -> None:
    base(repo, **{".classifier.toml": '[migrations]\npath = ["migrations/versions"]\n'})
    repo.write(f"{VERSIONS}/0002_b.py", revision_text("0002", "0001"))
    assert error_line(classify(capsys, repo.path)) == (
        "classify: error: .classifier.toml: unknown key 'migrations.path'; fix: see the Configuration section of the README"
    )


def test_a_versions_folder_outside_an_alembic_tree_is_reported_not_guessed(repo, capsys) -> None:
    repo.commit("base", **{"api/versions/v1.py": "X = 1\n"})
    repo.write("api/versions/v1.py", "X = 2\n")
    run = classify(capsys, repo.path)
    assert run.rules() == [("MIG107", "v1.py", "modified in a versions/ folder with no env.py or alembic.ini "
                                                "script_location: not compared as a migration")]
    assert run.code == 0


def test_script_location_in_alembic_ini_makes_a_tree(repo, capsys) -> None:
    repo.commit("base", **{
        "alembic.ini": "[alembic]\nscript_location = %(here)s/db\n",
        "db/versions/0001_a.py": revision_text("0001", None),
    })
    repo.write("db/versions/0002_b.py", revision_text("0002", "0001", 'op.drop_table("users")'))
    assert ("MIG302", "0002_b.py", "drops table users (op.drop_table)") in classify(capsys, repo.path).rules()


def test_a_new_revision_that_does_not_parse_is_reported_not_guessed(repo, capsys) -> None:
    base(repo)
    repo.write(f"{VERSIONS}/0002_b.py", "revision = '0002'\ndef upgrade(:\n")
    run = classify(capsys, repo.path)
    assert run.code == 1
    ((rule, name, message),) = run.rules()
    assert (rule, name) == ("MIG314", "0002_b.py")
    assert message.startswith("not understood, review by hand: revision file not understood: does not parse (line 2)")


def test_an_applied_revision_that_no_longer_parses_is_an_edit(repo, capsys) -> None:
    base(repo)
    repo.write(f"{VERSIONS}/0001_a.py", revision_text("0001", None) + "def broken(:\n")
    rules = [r for r in classify(capsys, repo.path).rules() if r[0] == "MIG101"]
    assert len(rules) == 1 and rules[0][2].startswith("applied revision 0001 edited: does not parse")


def test_a_pin_change_alone_is_checked_against_the_discovered_tree(repo, capsys) -> None:
    base(repo, **{".classifier.toml": '[migrations]\nexpected_head_file = "release.env"\n',
                  "release.env": "EXPECTED_ALEMBIC_HEAD=0001\n"})
    repo.write("release.env", "EXPECTED_ALEMBIC_HEAD=0002\n")
    run = classify(capsys, repo.path)
    assert run.rules() == [("MIG504", "release.env", "release.env pins 0002, but the migration head is 0001")]
    repo.write("release.env", "# pinned at deploy\nEXPECTED_ALEMBIC_HEAD=0001\n")
    assert classify(capsys, repo.path).rules() == []
