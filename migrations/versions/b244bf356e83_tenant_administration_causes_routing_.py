"""tenant administration: causes, routing rules, operators, suspension, number stems

Revision ID: b244bf356e83
Revises: 145ae61bb90f
Create Date: 2026-12-01 23:22:35.456233

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b244bf356e83'
down_revision = '145ae61bb90f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('operators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operators')),
    sa.UniqueConstraint('username', name=op.f('uq_operators_username'))
    )
    op.create_table('causes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_causes_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_causes')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_causes_tenant_id_code'))
    )
    with op.batch_alter_table('causes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_causes_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('routing_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('keyword', sa.String(length=100), nullable=False),
    sa.Column('location', sa.String(length=100), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_routing_rules_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_routing_rules_department_id_departments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_routing_rules_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rules'))
    )
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.create_index('ix_routing_rules_order', ['tenant_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_routing_rules_tenant_id'), ['tenant_id'], unique=False)

    # Counters were kept per day ("20261201"); they are kept per stem now ("CG20261201-"),
    # so each day's counter carries on under the number it was counting.
    with op.batch_alter_table('case_counters', schema=None) as batch_op:
        batch_op.alter_column(
            'day', new_column_name='stem', type_=sa.String(length=40),
            existing_type=sa.String(length=8), existing_nullable=False,
        )
    op.execute(
        "UPDATE case_counters SET stem = (SELECT case_prefix FROM tenants"
        " WHERE tenants.id = case_counters.tenant_id) || stem || '-'"
    )

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_priority', sa.Enum('normal', 'urgent', name='priority', native_enum=False, length=20), server_default='normal', nullable=False))
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_png', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('logo_etag', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('suspended_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('suspended_at')
        batch_op.drop_column('logo_etag')
        batch_op.drop_column('logo_png')

    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_column('active')

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('active')
        batch_op.drop_column('default_priority')

    # Back to per-day counters: the default pattern's stems become days again; counters of
    # any other pattern have no day to return to and go.
    op.execute(
        "DELETE FROM case_counters WHERE length(stem) != length((SELECT case_prefix FROM"
        " tenants WHERE tenants.id = case_counters.tenant_id)) + 9"
    )
    op.execute(
        "UPDATE case_counters SET stem = substr(stem, length((SELECT case_prefix FROM tenants"
        " WHERE tenants.id = case_counters.tenant_id)) + 1, 8)"
    )
    with op.batch_alter_table('case_counters', schema=None) as batch_op:
        batch_op.alter_column(
            'stem', new_column_name='day', type_=sa.String(length=8),
            existing_type=sa.String(length=40), existing_nullable=False,
        )

    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_rules_tenant_id'))
        batch_op.drop_index('ix_routing_rules_order')

    op.drop_table('routing_rules')
    with op.batch_alter_table('causes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_causes_tenant_id'))

    op.drop_table('causes')
    op.drop_table('operators')
