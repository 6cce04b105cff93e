"""demo flags; the stage a decision moved a candidate from

Revision ID: i15_demo_and_decision_stage
Revises: i16_retention
"""
import sqlalchemy as sa
from alembic import op

revision = "i15_demo_and_decision_stage"
down_revision = "i16_retention"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("requisition") as batch_op:
        batch_op.add_column(sa.Column("is_demo", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.add_column(sa.Column("is_demo", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table("decision") as batch_op:
        batch_op.add_column(sa.Column("previous_stage", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("decision") as batch_op:
        batch_op.drop_column("previous_stage")
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("is_demo")
    with op.batch_alter_table("requisition") as batch_op:
        batch_op.drop_column("is_demo")
