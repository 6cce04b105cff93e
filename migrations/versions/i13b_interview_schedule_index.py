"""i13b: indexes for pages that must not sort or count all rows: "My interviews" (an
interviewer's interviews by date, their submitted scorecards counted from an index) and
compare by composite (score snapshots by requisition and composite)

Revision ID: i13b_interview_schedule_index
Revises: i13_scale
Create Date: 2026-11-27 17:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'i13b_interview_schedule_index'
down_revision = 'i13_scale'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_interview_interviewer_scheduled', 'interview',
                    ['interviewer_id', 'scheduled_at', 'id'], unique=False)
    op.create_index('ix_scorecard_author_status_interview', 'scorecard',
                    ['author_id', 'status', 'interview_id'], unique=False)
    op.create_index('ix_score_snapshot_req_composite', 'score_snapshot',
                    ['requisition_id', 'composite_100'], unique=False)


def downgrade():
    op.drop_index('ix_score_snapshot_req_composite', table_name='score_snapshot')
    op.drop_index('ix_scorecard_author_status_interview', table_name='scorecard')
    op.drop_index('ix_interview_interviewer_scheduled', table_name='interview')
