"""``[tool.classifier.migrations]`` read against the repository: a tree that is not there is refused."""

from __future__ import annotations

import pytest

from classifier.cli import main
from tests.conftest import GitRepo
from tests.run_record import Run
from tests.surfaces.migrations.migration_support import ENV, revision_text

APPLIED = revision_text("0001", None, 'op.add_column("users", sa.Column("email", sa.String(255), nullable=True))')
EDITED = APPLIED.replace("nullable=True", "nullable=False")


def _classify(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> Run:
    capsys.readouterr()
    code = main(["--repo", str(repo.path), "--base", "main"])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def _service(repo: GitRepo, paths: str) -> None:
    repo.commit("initial", **{
        ".classifier.toml": f"[migrations]\npaths = {paths}\n",
        "db/env.py": ENV, "db/versions/0001_init.py": APPLIED,
    })
    repo.git("checkout", "-q", "-b", "feature")


def test_a_mistyped_migration_path_is_a_configuration_error_not_a_pass(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _service(repo, '["db/version"]')
    repo.commit("edit the applied revision", **{"db/versions/0001_init.py": EDITED})

    run = _classify(capsys, repo)

    assert run.error_line == ("classify: error: migrations.paths: 'db/version' is a folder with files at neither "
                              "revision; fix: fix the path in [tool.classifier.migrations] paths, or remove the entry")


def test_a_mistyped_migration_path_is_refused_even_when_no_migration_changed(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _service(repo, '["db/versions", "migrations/versions"]')
    repo.commit("code", **{"app/core.py": "def f():\n    return 1\n"})

    run = _classify(capsys, repo)

    assert "migrations.paths: 'migrations/versions' is a folder with files at neither revision" in run.error_line


def test_a_tree_that_exists_only_at_the_head_is_a_configured_tree(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("initial", **{".classifier.toml": '[migrations]\npaths = ["db/versions"]\n', "app/core.py": "x = 1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("first revision", **{"db/env.py": ENV, "db/versions/0001_init.py": APPLIED})

    run = _classify(capsys, repo)

    assert run.code == 0, run.err
    assert "MIG301" in run.out


def test_the_correct_path_compares_the_edit(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    _service(repo, '["db/versions"]')
    repo.commit("edit the applied revision", **{"db/versions/0001_init.py": EDITED})

    run = _classify(capsys, repo)

    assert run.code == 1
    assert "MIG101" in run.out
