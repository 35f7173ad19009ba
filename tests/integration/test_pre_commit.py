"""The real pre-commit runs the hook from this repository against a consumer repository.

`pre-commit try-repo` installs the hook into a fresh environment from the package
index, exactly as a user's `pre-commit install` would, so these tests are slow
on first run; the environment is shared by the tests of this module.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GIT_ENV, GitRepo
from consumer_files import OPENAPI

PROJECT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def consumer(repo: GitRepo) -> GitRepo:
    repo.commit("initial", **{"README.md": "# Service\n", "app/core.py": "def f():\n    return 1\n", "openapi.yaml": OPENAPI})
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def try_repo(consumer: GitRepo, home: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(PROJECT), "classify", "--verbose", *extra],
        cwd=consumer.path,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", **(env or {})},
    )


def tree_fingerprint(repo: GitRepo) -> str:
    """Every file of the work tree, the staged diff and the porcelain status, hashed."""
    digest = hashlib.sha256()
    for path in sorted(repo.path.rglob("*")):
        relative = path.relative_to(repo.path).as_posix()
        if path.is_file() and not relative.startswith(".git/"):
            digest.update(relative.encode() + b"\0" + path.read_bytes())
    digest.update(repo.git("status", "--porcelain").encode())
    digest.update(repo.git("diff", "--cached").encode())
    return digest.hexdigest()


def test_hook_rejects_a_breaking_change_with_the_report(consumer: GitRepo, pre_commit_home: Path) -> None:
    consumer.write("openapi.yaml", OPENAPI.split("  /teams:")[0])
    consumer.git("add", "-A")
    result = try_repo(consumer, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "OAS101 operation-removed  removed (was line 9): GET /teams: operation removed [blocks]" in result.stdout
    assert "label: breaking" in result.stdout and "failed (fail_on: breaking)" in result.stdout


def _policy_on_main(consumer: GitRepo, text: str) -> None:
    """The policy as the protected branch commits it; the feature branch starts after it."""
    consumer.git("checkout", "-q", "main")
    consumer.commit("policy", **{".classifier.toml": text})
    consumer.git("checkout", "-q", "-B", "feature")


def test_hook_rejects_what_the_configuration_blocks(consumer: GitRepo, pre_commit_home: Path) -> None:
    _policy_on_main(consumer, 'fail_on = "non-breaking"\n')
    consumer.write("app/core.py", "def f():\n    return 2\n")
    consumer.git("add", "-A")
    result = try_repo(consumer, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "GEN003 internal-change  line 2: internal change: code changed [blocks]" in result.stdout
    assert "failed (fail_on: non-breaking)" in result.stdout


def test_hook_passes_a_documentation_change_and_writes_nothing(consumer: GitRepo, pre_commit_home: Path) -> None:
    consumer.write("README.md", "# Service\n\nHow to run it.\n")
    consumer.git("add", "README.md")
    before = tree_fingerprint(consumer)
    result = try_repo(consumer, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "GEN001 documentation-changed" in result.stdout
    assert "label: non-breaking" in result.stdout
    assert tree_fingerprint(consumer) == before


def test_hook_passes_on_the_default_branch(consumer: GitRepo, pre_commit_home: Path) -> None:
    consumer.git("checkout", "-q", "main")
    consumer.write("docs/guide.md", "# Guide\n")
    consumer.git("add", "-A")
    result = try_repo(consumer, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "base: HEAD @ " in result.stdout  # the commit being made: HEAD to the index


def test_pre_push_stage_compares_the_pushed_commits(consumer: GitRepo, pre_commit_home: Path) -> None:
    _policy_on_main(consumer, 'fail_on = "non-breaking"\n')
    base = consumer.git("rev-parse", "HEAD")
    head = consumer.commit("code", **{"app/core.py": "def f():\n    return 3\n"})
    result = try_repo(
        consumer, pre_commit_home, "--hook-stage", "pre-push", "--from-ref", base, "--to-ref", head,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"head: {head}"[:18] in result.stdout
    assert "GEN003 internal-change" in result.stdout
