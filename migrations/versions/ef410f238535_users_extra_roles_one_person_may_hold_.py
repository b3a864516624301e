"""users.extra_roles: one person may hold several roles

Revision ID: ef410f238535
Revises: 280c00755748
Create Date: 2026-12-02 00:21:58.392553

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ef410f238535'
down_revision = '280c00755748'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_roles', sa.String(length=100), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('extra_roles')

