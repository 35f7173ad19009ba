"""Create proof_events, the append-only history of every proof.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proof_events",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("proof_id", sa.String(36), sa.ForeignKey("proofs.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        if_not_exists=True,
    )
    op.create_index("ix_proof_events_proof_id", "proof_events", ["proof_id"], if_not_exists=True)


def downgrade() -> None:
    # proof_events is append-only history: it is never dropped, so this revision has no way back.
    raise RuntimeError("0002 cannot be downgraded: proof_events is append-only history")
