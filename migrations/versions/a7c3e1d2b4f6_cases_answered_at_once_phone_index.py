"""cases: answered at once (CITY-3, PROP-1); indexes for the caller's history and the count

Revision ID: a7c3e1d2b4f6
Revises: 7ba82d0bfeb6
Create Date: 2026-12-06 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e1d2b4f6'
down_revision = '7ba82d0bfeb6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_at_once', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_cases_phone', ['tenant_id', 'complainant_phone', 'created_at'], unique=False)
        batch_op.create_index('ix_cases_answered', ['tenant_id', 'answered_at_once', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_answered')
        batch_op.drop_index('ix_cases_phone')
        batch_op.drop_column('answered_at_once')
