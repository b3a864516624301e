"""service imports: an uploaded file of service records kept between preview and import;
a service record's source reference is unique per tenant (the import's idempotence)

Revision ID: b3e1f0a9c2d4
Revises: 5932c4802f8c
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e1f0a9c2d4'
down_revision = '5932c4802f8c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('default_kind', sa.String(length=20), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=True),
    sa.Column('saved', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('refused', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_imports_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_service_imports_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_imports'))
    )
    with op.batch_alter_table('service_imports', schema=None) as batch_op:
        batch_op.create_index('ix_service_imports_list', ['tenant_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_imports_tenant_id'), ['tenant_id'], unique=False)

    # No rows have a source reference yet (only service records carry one), so the unique
    # index goes in without a check of existing rows.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_source_ref')
        batch_op.create_index(
            'ux_cases_source_ref',
            ['tenant_id', 'source_ref'],
            unique=True,
            sqlite_where=sa.text("source_ref <> ''"),
            postgresql_where=sa.text("source_ref <> ''"),
        )


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ux_cases_source_ref')
        batch_op.create_index('ix_cases_source_ref', ['tenant_id', 'kind', 'source_ref'], unique=False)

    with op.batch_alter_table('service_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_imports_tenant_id'))
        batch_op.drop_index('ix_service_imports_list')

    op.drop_table('service_imports')
