"""improvement actions (PROP-8, MALL-8, HOSP-10), their append-only events, and notices
about them in the bell

Revision ID: e5b2c8d4f1a6
Revises: a7c3e91b5d20
Create Date: 2026-12-07 15:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5b2c8d4f1a6"
down_revision = "a7c3e91b5d20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "improvement_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("alert_level", sa.Integer(), nullable=False),
        sa.Column("next_alert_at", sa.DateTime(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_improvement_actions_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_improvement_actions_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_improvement_actions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_improvement_actions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_actions")),
    )
    with op.batch_alter_table("improvement_actions") as batch:
        batch.create_index(
            "ix_improvement_actions_list", ["tenant_id", "status", "due_on", "id"], unique=False
        )
        batch.create_index("ix_improvement_actions_alert", ["next_alert_at"], unique=False)
        batch.create_index(batch.f("ix_improvement_actions_tenant_id"), ["tenant_id"], unique=False)
    op.create_table(
        "improvement_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["improvement_actions.id"],
            name=op.f("fk_improvement_events_action_id_improvement_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_improvement_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_improvement_events_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_events")),
    )
    with op.batch_alter_table("improvement_events") as batch:
        batch.create_index(
            "ix_improvement_events_action", ["tenant_id", "action_id", "id"], unique=False
        )
        batch.create_index(batch.f("ix_improvement_events_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("improvement_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_notifications_improvement_id_improvement_actions"),
            "improvement_actions",
            ["improvement_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(
            batch.f("fk_notifications_improvement_id_improvement_actions"), type_="foreignkey"
        )
        batch.drop_column("improvement_id")
    with op.batch_alter_table("improvement_events") as batch:
        batch.drop_index(batch.f("ix_improvement_events_tenant_id"))
        batch.drop_index("ix_improvement_events_action")
    op.drop_table("improvement_events")
    with op.batch_alter_table("improvement_actions") as batch:
        batch.drop_index(batch.f("ix_improvement_actions_tenant_id"))
        batch.drop_index("ix_improvement_actions_alert")
        batch.drop_index("ix_improvement_actions_list")
    op.drop_table("improvement_actions")
