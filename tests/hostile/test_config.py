"""Hostile configuration: unknown keys, wrong types, globs built to backtrack."""

from __future__ import annotations

from tests.conftest import GitRepo
from tests.hostile.support import classify, labels

NAME = "a" * 200  # one long path segment of the letter the glob below keeps asking for


def test_unknown_key_is_refused(repo: GitRepo) -> None:
    repo.commit("base", **{"pyproject.toml": "[tool.classifier]\nfail_on = 'breaking'\n", "a.txt": "1"})
    repo.commit("head", **{"pyproject.toml": "[tool.classifier]\nfail_onn = 'breaking'\n", "a.txt": "2"})

    line = classify(repo.path).error_line

    assert line.startswith("classify: error: pyproject.toml")
    assert "fail_onn" in line and "fix:" in line


def test_wrong_type_is_refused(repo: GitRepo) -> None:
    repo.commit("base", **{"a.txt": "1"})
    repo.commit("head", **{".classifier.toml": "exclude = 'docs/**'\n", "a.txt": "2"})

    line = classify(repo.path).error_line

    assert line.startswith("classify: error: .classifier.toml") and "exclude" in line and "fix:" in line


def test_unclosed_glob_is_refused(repo: GitRepo) -> None:
    repo.commit("base", **{"a.txt": "1"})
    repo.commit("head", **{".classifier.toml": "exclude = ['docs/[abc']\n", "a.txt": "2"})

    assert "unclosed '['" in classify(repo.path).error_line


def test_regression_glob_catastrophic_backtracking(repo: GitRepo) -> None:
    # As a regex, this glob took minutes on a 200-letter name; the run must stay bounded.
    glob = "*a" * 12 + "*b"
    config = f"[files]\ndocumentation = ['{glob}', '**/{glob}']\n"
    repo.commit("base", **{".classifier.toml": config, f"deep/{NAME}": "1", NAME: "1"})
    repo.commit("head", **{f"deep/{NAME}": "2", NAME: "2"})

    run = classify(repo.path, "--format", "json")

    assert run.code == 0, run.stderr
    assert [finding["rule"] for finding in run.report["findings"]] == ["GEN003", "GEN003"]
    assert set(labels(run)) == {f"deep/{NAME}", NAME}


def test_too_many_glob_alternatives_is_refused(repo: GitRepo) -> None:
    glob = "{a,b,c,d}" * 6  # 4,096 alternatives
    repo.commit("base", **{"a.txt": "1"})
    repo.commit("head", **{".classifier.toml": f"exclude = ['{glob}']\n", "a.txt": "2"})

    assert "more than 1024 alternatives" in classify(repo.path).error_line
