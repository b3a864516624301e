"""deadlines: an index on the moment each was done, for the dashboard's timeliness per stage

Revision ID: c4d8e2f1a7b3
Revises: b3e1f0a9c2d4
Create Date: 2026-12-07 14:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d8e2f1a7b3'
down_revision = 'b3e1f0a9c2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_deadlines_done', ['tenant_id', 'done_at', 'stage'], unique=False)


def downgrade():
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_done')
