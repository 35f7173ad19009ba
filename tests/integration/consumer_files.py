"""Contract files of the consumer repositories the integration tests build."""

OPENAPI = """openapi: 3.0.3
info: {title: Service, version: "1"}
paths:
  /users:
    get:
      responses:
        "200": {description: ok}
  /teams:
    get:
      responses:
        "200": {description: ok}
"""

# An applied migration; editing what its upgrade() does is a violation.
MIGRATION = """from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None


def upgrade():
    op.add_column("users", sa.Column("email", sa.String(), nullable=True))


def downgrade():
    op.drop_column("users", "email")
"""
