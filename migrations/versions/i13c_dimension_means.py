"""i13c: each snapshot's per-dimension means in rows of their own (score_dimension_mean),
indexed by (requisition, dimension, mean) so compare sorted by a dimension reads a page from
the index; filled from the stored snapshots

Revision ID: i13c_dimension_means
Revises: i13b_interview_schedule_index
Create Date: 2026-11-27 18:20:00

"""
import json

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'i13c_dimension_means'
down_revision = 'i13b_interview_schedule_index'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('score_dimension_mean',
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('dimension_id', sa.Integer(), nullable=False),
    sa.Column('requisition_id', sa.Integer(), nullable=False),
    sa.Column('mean', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_score_dimension_mean_candidate_id_candidate'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requisition_id'], ['requisition.id'], name=op.f('fk_score_dimension_mean_requisition_id_requisition')),
    sa.PrimaryKeyConstraint('candidate_id', 'dimension_id', name=op.f('pk_score_dimension_mean'))
    )
    op.create_index('ix_score_dimension_mean_sort', 'score_dimension_mean',
                    ['requisition_id', 'dimension_id', 'mean'], unique=False)
    rows = []
    for candidate_id, requisition_id, means in op.get_bind().execute(sa.text(
            "SELECT candidate_id, requisition_id, dimension_means FROM score_snapshot")):
        means = json.loads(means) if isinstance(means, str) else (means or {})
        rows += [{"candidate_id": candidate_id, "dimension_id": int(key),
                  "requisition_id": requisition_id, "mean": float(mean)}
                 for key, mean in means.items() if mean is not None]
    if rows:
        op.bulk_insert(table, rows)


def downgrade():
    op.drop_index('ix_score_dimension_mean_sort', table_name='score_dimension_mean')
    op.drop_table('score_dimension_mean')
