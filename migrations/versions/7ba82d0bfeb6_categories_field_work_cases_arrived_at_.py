"""categories field_work, cases arrived_at: arrival on site (CITY-8)

A category marked as needing field work has its handler record reaching the scene; the case
keeps when. No new table: the on-site limit is a Stage, stored like every deadline; the
dispatch board lists the running ones through a new index on open deadlines by stage.

Revision ID: 7ba82d0bfeb6
Revises: f904f33667cb
Create Date: 2026-12-06 18:55:27.023245

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7ba82d0bfeb6'
down_revision = 'f904f33667cb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrived_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('field_work', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_deadlines_open_stage', ['tenant_id', 'stage', 'done_at', 'due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_open_stage')

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('field_work')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('arrived_at')
