"""lookup_failures: status-lookup misses per case number; users.session_version ends sessions

Revision ID: 145ae61bb90f
Revises: 3938a94f7154
Create Date: 2026-12-01 20:49:45.805927

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '145ae61bb90f'
down_revision = '3938a94f7154'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lookup_failures',
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lookup_failures_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'number', name=op.f('pk_lookup_failures'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    op.drop_table('lookup_failures')
