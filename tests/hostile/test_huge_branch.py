"""A branch that changes 20,000 Python files is compared within the time and memory bounds."""

from __future__ import annotations

import re
from collections import Counter

from tests.conftest import GitRepo
from tests.hostile.bulk import write_python_branch
from tests.hostile.support import classify

FILES = 20_000


def test_regression_twenty_thousand_changed_files_too_slow(repo: GitRepo) -> None:
    # Used to take about 27 s: one cat-file round trip per side, each side parsed several times.
    write_python_branch(repo.path, FILES)

    # The text report, as a CI log shows it; the JSON encoder alone would add seconds.
    run = classify(repo.path, "--format", "text")

    assert run.code == 0, run.stderr
    assert Counter(re.findall(r" (GEN00\d) ", run.stdout)) == Counter({"GEN001": 6667, "GEN003": 6667, "GEN002": 6666})
    assert run.stdout.rstrip().endswith("label: non-breaking — 0 breaking, 0 additive, 20000 non-breaking, 0 violations; passed (fail_on: breaking): nothing blocks")
