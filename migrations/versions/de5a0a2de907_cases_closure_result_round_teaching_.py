"""cases: closure, result round, teaching case; letters per round

Revision ID: de5a0a2de907
Revises: 52008bab7dc2
Create Date: 2026-12-06 00:34:13.440202

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'de5a0a2de907'
down_revision = '52008bab7dc2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closure', sa.Enum('revisited', 'explained', name='closure', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('result_round', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('teaching', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('lesson', sa.Text(), server_default='', nullable=False))
        batch_op.create_index('ix_cases_teaching', ['tenant_id', 'teaching', 'id'], unique=False)

    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_letters_tenant_id_case_id_kind'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_letters_tenant_id_case_id_kind_round'), ['tenant_id', 'case_id', 'kind', 'round'])

    # Every case closed so far was closed by its revisit.
    op.execute("UPDATE cases SET closure = 'revisited' WHERE status = 'closed'")


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_letters_tenant_id_case_id_kind_round'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_letters_tenant_id_case_id_kind'), ['tenant_id', 'case_id', 'kind'])
        batch_op.drop_column('round')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_teaching')
        batch_op.drop_column('lesson')
        batch_op.drop_column('teaching')
        batch_op.drop_column('result_round')
        batch_op.drop_column('closure')
