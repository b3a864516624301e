"""cases: restricted (PROP-3) with its reason and the staff member it is about; the manager
a complaint was made to directly (PROP-4)

Revision ID: 7c41d2e9a3b5
Revises: 23d583147070
Create Date: 2026-12-06 00:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c41d2e9a3b5'
down_revision = '23d583147070'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('restricted', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('restricted_reason', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('subject_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('direct_manager_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_cases_restricted', ['tenant_id', 'restricted'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_subject_user_id_users'), 'users', ['subject_user_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_cases_direct_manager_id_users'), 'users', ['direct_manager_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_direct_manager_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_cases_subject_user_id_users'), type_='foreignkey')
        batch_op.drop_index('ix_cases_restricted')
        batch_op.drop_column('direct_manager_id')
        batch_op.drop_column('subject_user_id')
        batch_op.drop_column('restricted_reason')
        batch_op.drop_column('restricted')
