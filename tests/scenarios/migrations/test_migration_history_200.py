"""A history of 200 generated revisions with one applied revision edited in the middle."""

from __future__ import annotations

from pathlib import Path

from history_factory import add_revision, edit_nullable, revision_id, write_history

from classifier.cli import main
from classifier.surfaces.migrations import analysis


def test_the_edited_revision_is_named_with_its_change_and_only_changed_files_are_parsed(
    repo, capsys, monkeypatch
) -> None:
    write_history(repo.path, 200)
    repo.commit("200 revisions")
    edited = edit_nullable(repo.path, 100)
    added = add_revision(repo.path, 200)
    parsed: list[str] = []
    real = analysis.read_migration

    def counting(path: str, text: str, dialect: str, lines: bool = True, **options):  # a spy: the real parser runs
        parsed.append(path)
        return real(path, text, dialect, lines=lines, **options)

    monkeypatch.setattr(analysis, "read_migration", counting)
    capsys.readouterr()
    code = main(["--repo", str(repo.path), "--base", "main", "--format", "text", "--color", "never"])
    out = capsys.readouterr().out

    assert code == 1
    violation = f"applied revision {revision_id(100)} edited: upgrade(): op.add_column nullable=True → nullable=False"
    assert violation in out and edited in out
    assert sorted(parsed) == sorted([edited, edited, added])
    assert "MIG2" not in out  # the new revision is attached to the base head: no graph violation
    assert Path(repo.path, added).is_file()
