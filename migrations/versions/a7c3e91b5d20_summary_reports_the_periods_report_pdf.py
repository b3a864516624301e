"""summary_reports: a period's summary report PDF, asked for or scheduled (issue 13)

Revision ID: a7c3e91b5d20
Revises: d1e7a3c5b9f2
Create Date: 2026-12-07 15:35:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91b5d20'
down_revision = 'd1e7a3c5b9f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('summary_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('queued', 'building', 'done', 'failed', name='dossierstate', native_enum=False, length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_label', sa.String(length=100), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_summary_reports_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_summary_reports_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_summary_reports_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_reports')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_summary_reports_tenant_id_key'))
    )
    with op.batch_alter_table('summary_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summary_reports_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_summary_reports_tenant_id_id', ['tenant_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('summary_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_summary_reports_tenant_id_id')
        batch_op.drop_index(batch_op.f('ix_summary_reports_tenant_id'))

    op.drop_table('summary_reports')
