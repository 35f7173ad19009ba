"""Comparing commits whose files are not on disk: every file is still read, from git's objects.

A sparse checkout, a clone made with ``--no-checkout`` and a checkout where
the compared folders have moved since all leave the disk disagreeing with the
commits. The verdict must be the one a full checkout gives: a breaking change
in a spec file reached by ``$ref`` is breaking, an edited applied migration is
a violation, a new revision file is read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import GitRepo
from tests.hostile.support import Run, classify
from tests.sources.git_support import clone

SPEC = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    $ref: 'paths/pets.yaml'\n"
PETS = "get:\n  responses:\n    '200': {description: ok}\n"
PETS_WITH_POST = PETS + "post:\n  responses:\n    '200': {description: ok}\n"
REVISION = 'from alembic import op\n\nrevision = "{0}"\ndown_revision = {1!r}\n\n\ndef upgrade():\n    {2}\n'
EXPECTED = [
    ("MIG101", "migrations/versions/0001_a.py"),
    ("MIG319", "migrations/versions/0002_b.py"),
    ("OAS101", "snapshots/v1/paths/pets.yaml"),
]


def history(repo: GitRepo) -> tuple[str, str]:
    """A base and a head commit: an operation removed by $ref, an applied revision edited, one added."""
    base = repo.commit("base", **{
        "snapshots__v1__openapi.yaml": SPEC,
        "snapshots__v1__paths__pets.yaml": PETS_WITH_POST,
        "migrations__env.py": "from alembic import context\n",
        "migrations__versions__0001_a.py": REVISION.format("0001", None, "pass"),
        "other__readme.txt": "x\n",
    })
    head = repo.commit("head", **{
        "snapshots__v1__paths__pets.yaml": PETS,
        "migrations__versions__0001_a.py": REVISION.format("0001", None, "op.drop_table('pets')"),
        "migrations__versions__0002_b.py": REVISION.format("0002", "0001", "op.execute('UPDATE pets SET a = 1')"),
    })
    return base, head


def verdict(run: Run) -> list[tuple[str, str]]:
    assert run.code == 1, run.stderr
    items = run.report["findings"] + run.report["violations"]
    return sorted((item["rule"], item["path"]) for item in items)


def test_full_checkout_is_the_reference(repo: GitRepo) -> None:
    history(repo)
    assert verdict(classify(repo.path, "--format", "json")) == EXPECTED


def test_sparse_checkout(repo: GitRepo) -> None:
    history(repo)
    repo.git("sparse-checkout", "set", "other")
    assert not (repo.path / "snapshots").exists()

    assert verdict(classify(repo.path, "--format", "json")) == EXPECTED


def test_clone_without_checkout(repo: GitRepo, tmp_path: Path) -> None:
    history(repo)
    bare = clone(repo.path, tmp_path / "no-checkout", "--no-checkout")

    assert verdict(classify(bare, "--format", "json")) == EXPECTED


@pytest.mark.parametrize("later", ["moved", "replaced-by-files"])
def test_folders_moved_later_in_history(repo: GitRepo, later: str) -> None:
    base, head = history(repo)
    if later == "moved":
        repo.git("mv", "snapshots", "contracts")
        repo.git("mv", "migrations", "alembic")
        repo.commit("move both folders")
    else:
        repo.git("rm", "-q", "-r", "snapshots", "migrations")
        repo.commit("replace the folders by files", snapshots="gone\n", migrations="gone\n")

    run = classify(repo.path, "--format", "json", "--base", base, "--head", head)

    assert verdict(run) == EXPECTED
