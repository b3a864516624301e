"""tenants.config_version: per-process caches of a tenant's catalogue and calendar notice changes

Revision ID: 5c1e0f7a9b21
Revises: d730a7131256
Create Date: 2026-11-29 05:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0f7a9b21'
down_revision = 'd730a7131256'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('config_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('config_version')
