"""Generated Alembic histories: N linear revisions of varied, realistic content.

Used by the 200-revision scenario test and by ``benchmarks/migrations.py``.
"""

from __future__ import annotations

from pathlib import Path

VERSIONS = "migrations/versions"

_BODIES = (
    'op.add_column("table_{t}", sa.Column("col_{n}", sa.String(length=64), nullable=True))',
    'op.create_index(op.f("ix_table_{t}_col_{n}"), "table_{t}", ["col_{n}"], unique=False)',
    'op.execute("UPDATE table_{t} SET col_{n} = \'\' WHERE col_{n} IS NULL")',
    'op.alter_column("table_{t}", "col_{n}", existing_type=sa.String(length=64), nullable=True)',
    'op.create_table(\n        "table_{n}",\n        sa.Column("id", sa.Integer(), primary_key=True),\n'
    '        sa.Column("created", sa.DateTime(), server_default=sa.text("now()")),\n    )',
)


def revision_id(number: int) -> str:
    return f"{number:04d}{(number * 2654435761) % 16**8:08x}"


def revision_file(number: int) -> tuple[str, str]:
    """``(path, content)`` of revision ``number`` (0 is the base)."""
    rev = revision_id(number)
    down = repr(revision_id(number - 1)) if number else "None"
    body = _BODIES[number % len(_BODIES)].format(t=max(number - 1, 0) // 5 * 5, n=number)
    text = (
        f'"""step {number}\n\nRevision ID: {rev}\nRevises: {down}\nCreate Date: 2024-01-01 00:00:00\n"""\n'
        "from alembic import op\nimport sqlalchemy as sa\n\n# revision identifiers, used by Alembic.\n"
        f'revision = "{rev}"\ndown_revision = {down}\nbranch_labels = None\ndepends_on = None\n\n\n'
        f"def upgrade():\n    {body}\n\n\ndef downgrade():\n    pass\n"
    )
    return f"{VERSIONS}/{rev}_step_{number}.py", text


def write_history(root: Path, count: int) -> list[str]:
    """Write ``count`` revisions and an env.py below ``root``; return the revision paths."""
    (root / VERSIONS).mkdir(parents=True, exist_ok=True)
    (root / "migrations" / "env.py").write_text("# never run by the classifier\n")
    paths = []
    for number in range(count):
        path, text = revision_file(number)
        (root / path).write_text(text)
        paths.append(path)
    return paths


def edit_nullable(root: Path, number: int) -> str:
    """Make revision ``number``'s column NOT NULL (a real edit); return its path. Needs ``number % 5 == 0``."""
    path, text = revision_file(number)
    assert "nullable=True" in text, number
    (root / path).write_text(text.replace("nullable=True", "nullable=False"))
    return path


def edit_any(root: Path, number: int) -> str:
    """Change what revision ``number`` does, whatever its kind; return its path."""
    path, text = revision_file(number)
    (root / path).write_text(text.replace("    pass\n", '    op.execute("SELECT 1")\n', 1))
    return path


def add_revision(root: Path, count: int) -> str:
    """Append revision ``count`` (attached to the current head); return its path."""
    path, text = revision_file(count)
    (root / path).write_text(text)
    return path
