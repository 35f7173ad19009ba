"""Invariants over generated error tables and migration histories."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.properties.generators import ERROR_CONFIG, error_module, error_tables, migration_histories
from tests.properties.run import compare
from tests.properties.test_openapi_invariants import assert_label_is_highest

STATUSES = st.sampled_from([400, 404, 409, 410, 422, 500])


def error_files(table: dict[str, int]) -> dict[str, str]:
    return {"pyproject.toml": ERROR_CONFIG, "app/errors.py": error_module(table)}


@given(error_tables())
def test_an_error_table_compared_with_itself_has_no_findings(table: dict[str, int]) -> None:
    outcome = compare(error_files(table), error_files(table))
    assert (outcome.code, outcome.stderr, outcome.report["findings"]) == (0, "", [])


@given(error_tables(), error_tables())
def test_error_table_comparison_is_deterministic_and_labelled_by_its_worst_finding(
    base: dict[str, int], head: dict[str, int]
) -> None:
    first, second = (compare(error_files(base), error_files(head)) for _ in range(2))
    assert first == second
    assert first.code in (0, 1), first.stderr
    assert_label_is_highest(first.report)


@given(error_tables(), st.data())
def test_error_code_removed_and_added_back_mirror_each_other(table: dict[str, int], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(table)))
    reduced = {key: value for key, value in table.items() if key != name}
    if not reduced:
        return
    removed = compare(error_files(table), error_files(reduced)).findings("label")
    added = compare(error_files(reduced), error_files(table)).findings("label")
    assert ("breaking",) in removed
    assert added and ("breaking",) not in added


@given(migration_histories())
def test_a_migration_history_compared_with_itself_has_no_findings(history: dict[str, str]) -> None:
    outcome = compare(history, history)
    assert (outcome.code, outcome.stderr, outcome.report["findings"]) == (0, "", [])


@given(migration_histories())
def test_a_new_revision_is_deterministic_and_labelled_by_its_worst_finding(history: dict[str, str]) -> None:
    latest = max(path for path in history if path.startswith("migrations/versions/"))
    base = {path: text for path, text in history.items() if path != latest}
    first, second = (compare(base, history) for _ in range(2))
    assert first == second
    assert first.code in (0, 1), first.stderr
    assert first.report["findings"], "a new revision must be reported"
    assert_label_is_highest(first.report)
