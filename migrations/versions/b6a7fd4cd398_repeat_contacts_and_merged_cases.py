"""repeat contacts (CITY-6) recorded on the case they repeat; cases merged into another;
the indexes intake matches a caller by (phone; place and category)

Revision ID: b6a7fd4cd398
Revises: a7c3e5d91b20
Create Date: 2026-12-06 18:56:30.905800

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6a7fd4cd398'
down_revision = 'a7c3e5d91b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('repeat_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.Enum('web', 'phone', 'hotline', 'walk_in', 'letter', 'email', 'complaint_box', name='channel', native_enum=False, length=20), nullable=False),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('taken_by_label', sa.String(length=100), nullable=False),
    sa.Column('caller_name', sa.String(length=100), nullable=False),
    sa.Column('caller_phone', sa.String(length=40), nullable=False),
    sa.Column('said', sa.Text(), nullable=False),
    sa.Column('defect', sa.Boolean(), nullable=False),
    sa.Column('from_case_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_repeat_contacts_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_case_id'], ['cases.id'], name=op.f('fk_repeat_contacts_from_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'], name=op.f('fk_repeat_contacts_taken_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_repeat_contacts_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repeat_contacts'))
    )
    with op.batch_alter_table('repeat_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_repeat_contacts_at', ['tenant_id', 'at'], unique=False)
        batch_op.create_index('ix_repeat_contacts_case', ['tenant_id', 'case_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repeat_contacts_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_merged_into_id'), ['merged_into_id'], unique=False)
        # ix_cases_phone (the same columns) comes with a7c3e1d2b4f6, for the phone intake.
        batch_op.create_index('ix_cases_place', ['tenant_id', 'category_id', 'location', 'created_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_merged_into_id_cases'), 'cases', ['merged_into_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_merged_into_id_cases'), type_='foreignkey')
        batch_op.drop_index('ix_cases_place')
        batch_op.drop_index(batch_op.f('ix_cases_merged_into_id'))
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('repeat_count')

    with op.batch_alter_table('repeat_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repeat_contacts_tenant_id'))
        batch_op.drop_index('ix_repeat_contacts_case')
        batch_op.drop_index('ix_repeat_contacts_at')

    op.drop_table('repeat_contacts')
