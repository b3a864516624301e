"""cases: forwarded by a higher office (CITY-5); day_reviews: the daily review's sign-offs (CITY-7)

Revision ID: a7d3c91e5b20
Revises: b6a7fd4cd398
Create Date: 2026-12-06 19:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7d3c91e5b20'
down_revision = 'b6a7fd4cd398'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('day_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('by_label', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_day_reviews_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_day_reviews_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_day_reviews')),
    sa.UniqueConstraint('tenant_id', 'day', name=op.f('uq_day_reviews_tenant_id_day'))
    )
    with op.batch_alter_table('day_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_day_reviews_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forwarded_by', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('forwarded_ref', sa.String(length=60), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('forwarded_ref')
        batch_op.drop_column('forwarded_by')

    with op.batch_alter_table('day_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_day_reviews_tenant_id'))

    op.drop_table('day_reviews')
