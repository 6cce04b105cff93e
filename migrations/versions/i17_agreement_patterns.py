"""i17: the stored agreement figure keeps the rating patterns it was computed from, so a
viewer who may not see some candidates gets the figure without reading every candidate.
Rows stored before have none: their viewers get the figure computed over the candidates
they may see, as before, until the next refit stores the patterns.

Revision ID: i17_agreement_patterns
Revises: i13e_dashboard_indexes
Create Date: 2026-11-28 02:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'i17_agreement_patterns'
down_revision = 'i13e_dashboard_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreement_snapshot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('patterns', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('agreement_snapshot', schema=None) as batch_op:
        batch_op.drop_column('patterns')
