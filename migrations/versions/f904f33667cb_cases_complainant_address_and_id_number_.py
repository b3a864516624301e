"""cases: complainant address and ID number; the personal-data access log

Revision ID: f904f33667cb
Revises: 69ca337038f8
Create Date: 2026-12-06 01:02:29.150866

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f904f33667cb'
down_revision = '69ca337038f8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('personal_data_accesses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('case_number', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_label', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('fields', sa.String(length=100), nullable=False),
    sa.Column('page', sa.String(length=40), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_personal_data_accesses_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_personal_data_accesses_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_personal_data_accesses_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_accesses'))
    )
    with op.batch_alter_table('personal_data_accesses', schema=None) as batch_op:
        batch_op.create_index('ix_personal_data_accesses_log', ['tenant_id', 'at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_data_accesses_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_personal_data_accesses_user', ['tenant_id', 'user_id', 'at'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complainant_address', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('complainant_id_number', sa.String(length=18), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('complainant_id_number')
        batch_op.drop_column('complainant_address')

    with op.batch_alter_table('personal_data_accesses', schema=None) as batch_op:
        batch_op.drop_index('ix_personal_data_accesses_user')
        batch_op.drop_index(batch_op.f('ix_personal_data_accesses_tenant_id'))
        batch_op.drop_index('ix_personal_data_accesses_log')

    op.drop_table('personal_data_accesses')
