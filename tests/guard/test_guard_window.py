"""An older release runs on a database ahead of it only through an explicit additive window."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from classifier.guard import GuardConfig, check_startup
from classifier.guard.window import WINDOW_ENV, window_document

from .guard_support import release_env


def _window(tmp_path: Path, base: str = "r3", revisions: tuple[str, ...] = ("r4",)) -> Path:
    parents = {"r4": ["r3"], "r5": ["r4"]}
    document = window_document(
        {"ref": "v1.5.0", "commit": "a" * 40}, [base], [revisions[-1]],
        [{"revision": r, "down_revisions": parents[r], "operations": ["op.add_column proofs"]} for r in revisions],
        "2026-12-01T12:00:00+00:00",
    )
    path = tmp_path / "additive-window.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


def _findings(engine: sa.engine.Engine, release_root: Path, **env: str) -> list[tuple[str, str]]:
    findings = check_startup(GuardConfig(script_location=str(release_root)),
                             release_env(EXPECTED_ALEMBIC_HEAD="r3", **env), engine)
    return [(f.id, f.message) for f in findings]


def test_a_database_ahead_by_declared_additive_revisions_is_accepted_with_a_warning(
    db, alembic_project, tmp_path: Path
) -> None:
    newer = alembic_project("newer", linear=4)
    newer.upgrade(db.engine, "r4")
    release = alembic_project()

    found = _findings(db.engine, release.root, **{WINDOW_ENV: str(_window(tmp_path))})

    assert found == [("release.W003", "The database is ahead by r4, declared additive by v1.5.0 (aaaaaaaaaaaa); "
                                      "this release runs on it.")]


def test_without_the_variable_the_window_is_never_read(db, alembic_project, tmp_path: Path) -> None:
    newer = alembic_project("newer", linear=4)
    newer.upgrade(db.engine, "r4")
    _window(tmp_path)

    assert [i for i, _ in _findings(db.engine, alembic_project().root)] == ["release.E013"]


def test_a_window_that_does_not_lead_to_the_expected_heads_keeps_the_refusal(
    db, alembic_project, tmp_path: Path
) -> None:
    newer = alembic_project("newer", linear=5)
    newer.upgrade(db.engine, "r5")

    found = _findings(db.engine, alembic_project().root, **{WINDOW_ENV: str(_window(tmp_path))})

    assert [i for i, _ in found] == ["release.E013"]
    assert found[0][1].endswith(f"(additive window {tmp_path / 'additive-window.json'}: the database reaches r5, "
                                "which is neither an expected head nor in the window)")


def test_an_unusable_window_file_refuses(db, alembic_project, tmp_path: Path) -> None:
    newer = alembic_project("newer", linear=4)
    newer.upgrade(db.engine, "r4")
    broken = tmp_path / "window.json"
    broken.write_text("{not json", "utf-8")

    found = _findings(db.engine, alembic_project().root, **{WINDOW_ENV: str(broken)})

    assert [i for i, _ in found] == ["release.E013", "release.E020"]
