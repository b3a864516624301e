"""dossiers: the case dossier requests, progress and PDF

Revision ID: d1394746f2de
Revises: de5a0a2de907
Create Date: 2026-12-06 00:51:51.392932

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1394746f2de'
down_revision = 'de5a0a2de907'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('masked', sa.Boolean(), nullable=False),
    sa.Column('basis', sa.String(length=80), nullable=False),
    sa.Column('state', sa.Enum('queued', 'building', 'done', 'failed', name='dossierstate', native_enum=False, length=20), nullable=False),
    sa.Column('sections_done', sa.Integer(), nullable=False),
    sa.Column('sections_total', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_label', sa.String(length=100), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_dossiers_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_dossiers_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_dossiers_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossiers')),
    sa.UniqueConstraint('tenant_id', 'case_id', 'masked', 'basis', name=op.f('uq_dossiers_tenant_id_case_id_masked_basis'))
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiers_tenant_id'), ['tenant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_tenant_id'))

    op.drop_table('dossiers')
