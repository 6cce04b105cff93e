"""user_account.must_change_password: bootstrap and admin-reset passwords are changed at
the next login

Revision ID: i11b_must_change_password
Revises: i15_demo_and_decision_stage
"""
from alembic import op
import sqlalchemy as sa

revision = "i11b_must_change_password"
down_revision = "i15_demo_and_decision_stage"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
