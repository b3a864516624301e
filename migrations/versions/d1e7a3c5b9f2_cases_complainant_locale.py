"""cases.complainant_locale: the language the complainant used, for what goes back to them

Revision ID: d1e7a3c5b9f2
Revises: c4d2e8f1a7b3
Create Date: 2026-12-07 15:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d1e7a3c5b9f2"
down_revision = "c4d2e8f1a7b3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("complainant_locale", sa.String(length=10), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("complainant_locale")
