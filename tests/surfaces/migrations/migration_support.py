"""Helpers for the migrations surface tests: revision files and ``classify`` runs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from classifier.cli import main
from tests.run_record import Run as BaseRun

VERSIONS = "migrations/versions"
ENV = "# Alembic environment; the classifier never runs it\n"


def revision_text(revision: str, down: str | tuple[str, ...] | None, upgrade: str = "pass",
                  downgrade: str = "pass", doc: str = "a revision") -> str:
    """A revision file in Alembic's template layout."""
    body_up = textwrap.indent(textwrap.dedent(upgrade).strip(), "    ")
    body_down = textwrap.indent(textwrap.dedent(downgrade).strip(), "    ")
    return (
        f'"""{doc}\n\nRevision ID: {revision}\nRevises: {down}\n"""\n'
        "from alembic import op\nimport sqlalchemy as sa\n\n"
        f"revision = {revision!r}\ndown_revision = {down!r}\nbranch_labels = None\ndepends_on = None\n\n\n"
        f"def upgrade():\n{body_up}\n\n\ndef downgrade():\n{body_down}\n"
    )


class Run(BaseRun):
    def rules(self) -> list[tuple[str, str, str]]:
        """``(rule, file name, message)`` of every finding and violation."""
        return sorted((i["rule"], Path(i["path"]).name, i["message"]) for i in self.items)


def classify(capsys: pytest.CaptureFixture[str], repo: Path, *argv: str) -> Run:
    capsys.readouterr()
    code = main(["--repo", str(repo), "--base", "main", "--format", "json", *argv])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)
