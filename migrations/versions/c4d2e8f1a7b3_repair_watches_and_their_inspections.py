"""repair watches and their inspections: important repairs (roof leak, wall crack) watched
with periodic inspections by a named person (PROP-11)

Revision ID: c4d2e8f1a7b3
Revises: c4d8e2f1a7b3
Create Date: 2026-12-07 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d2e8f1a7b3'
down_revision = 'c4d8e2f1a7b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('repair_watches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=True),
    sa.Column('interval_days', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('next_due_on', sa.Date(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('inspections', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_repair_watches_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_repair_watches_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['inspector_id'], ['users.id'], name=op.f('fk_repair_watches_inspector_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_repair_watches_started_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_repair_watches_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_watches'))
    )
    with op.batch_alter_table('repair_watches', schema=None) as batch_op:
        batch_op.create_index('ix_repair_watches_case', ['tenant_id', 'case_id'], unique=False)
        batch_op.create_index('ix_repair_watches_due', ['tenant_id', 'is_open', 'next_due_on', 'id'], unique=False)
        batch_op.create_index('ix_repair_watches_inspector', ['tenant_id', 'inspector_id', 'is_open', 'next_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_repair_watches_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('watch_inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('watch_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('finding', sa.Enum('holding', 'signs', 'recurred', name='watchfinding', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_watch_inspections_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_watch_inspections_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_watch_inspections_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['watch_id'], ['repair_watches.id'], name=op.f('fk_watch_inspections_watch_id_repair_watches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_inspections'))
    )
    with op.batch_alter_table('watch_inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watch_inspections_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_watch_inspections_watch', ['tenant_id', 'watch_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('watch_inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_watch_inspections_watch')
        batch_op.drop_index(batch_op.f('ix_watch_inspections_tenant_id'))
    op.drop_table('watch_inspections')

    with op.batch_alter_table('repair_watches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repair_watches_tenant_id'))
        batch_op.drop_index('ix_repair_watches_inspector')
        batch_op.drop_index('ix_repair_watches_due')
        batch_op.drop_index('ix_repair_watches_case')
    op.drop_table('repair_watches')
