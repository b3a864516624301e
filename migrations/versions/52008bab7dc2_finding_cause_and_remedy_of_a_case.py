"""cases: finding, cause and cause analysis, remedy type, amount and approval

Revision ID: 52008bab7dc2
Revises: ef410f238535
Create Date: 2026-12-02 00:40:40.375116

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '52008bab7dc2'
down_revision = 'ef410f238535'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finding', sa.Enum('valid', 'partly_valid', 'not_valid', name='finding', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('cause_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cause_analysis', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('remedy_type', sa.Enum('apology', 'repair', 'replacement', 'refund', 'compensation', 'other', name='remedytype', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('remedy_amount', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('remedy_approved_by_label', sa.String(length=100), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_cases_cause_id_causes'), 'causes', ['cause_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_cause_id_causes'), type_='foreignkey')
        batch_op.drop_column('remedy_approved_by_label')
        batch_op.drop_column('remedy_amount')
        batch_op.drop_column('remedy_type')
        batch_op.drop_column('cause_analysis')
        batch_op.drop_column('cause_id')
        batch_op.drop_column('finding')

