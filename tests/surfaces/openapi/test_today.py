"""Sunset dates are judged as of one day: the head commit's by default, or --today; never the wall clock."""

from __future__ import annotations

import json
import os

import pytest

from classifier.cli import main
from tests.conftest import GitRepo

SPEC = """\
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /old:
    get:
      deprecated: true
      x-sunset: "2025-01-01"
      responses: {"200": {description: ok}}
  /new:
    get:
      responses: {"200": {description: ok}}
"""


def _rules(capsys: pytest.CaptureFixture[str], repo: GitRepo, *argv: str) -> list[str]:
    capsys.readouterr()
    main(["--repo", str(repo.path), "--base", "HEAD~1", "--head", "HEAD", "--format", "json", *argv])
    return [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]]


@pytest.fixture
def removed_in_2024(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    monkeypatch.setitem(os.environ, "GIT_COMMITTER_DATE", "2024-06-01T12:00:00+00:00")
    repo.commit("spec", **{"openapi.yaml": SPEC})
    repo.commit("drop the deprecated operation", **{"openapi.yaml": SPEC.replace(SPEC[SPEC.index("  /old:"):SPEC.index("  /new:")], "")})
    return repo


def test_the_head_commits_date_judges_the_sunset(removed_in_2024: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    # Committed in 2024, before the sunset: removing the operation then was breaking, and stays so on any later day.
    assert _rules(capsys, removed_in_2024) == ["OAS103"]


def test_today_can_be_given(removed_in_2024: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert _rules(capsys, removed_in_2024, "--today", "2025-02-01") == ["OAS102"]


def test_today_must_be_a_date(removed_in_2024: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--repo", str(removed_in_2024.path), "--today", "soon"])
    assert exit_info.value.code == 2
    assert "--today: 'soon' is not a date (YYYY-MM-DD)" in capsys.readouterr().err
