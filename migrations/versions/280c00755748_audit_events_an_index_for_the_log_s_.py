"""audit_events: an index for the log's newest-first pages

Revision ID: 280c00755748
Revises: b244bf356e83
Create Date: 2026-12-01 23:50:12.195041

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '280c00755748'
down_revision = 'b244bf356e83'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_log', ['tenant_id', 'at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_log')

