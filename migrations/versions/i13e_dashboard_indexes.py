"""i13e: the dashboards read pages from indexes: interview.scorecard_in (the interviewer's own
scorecard is submitted; filled from the scorecards here, kept in step by the models after)
indexed with the date, interviews by date, candidates by stage, decisions by date, and
emails by (status, date) instead of by status

Revision ID: i13e_dashboard_indexes
Revises: i13d_calibration_reports
Create Date: 2026-11-27 22:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'i13e_dashboard_indexes'
down_revision = 'i13d_calibration_reports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scorecard_in', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.execute("UPDATE interview SET scorecard_in = EXISTS (SELECT 1 FROM scorecard "
               "WHERE scorecard.interview_id = interview.id "
               "AND scorecard.author_id = interview.interviewer_id "
               "AND scorecard.status = 'submitted')")
    op.create_index('ix_interview_scorecard_in_scheduled', 'interview',
                    ['scorecard_in', 'scheduled_at', 'id'], unique=False)
    op.create_index('ix_interview_scheduled_at', 'interview', ['scheduled_at'], unique=False)
    op.create_index('ix_candidate_stage', 'candidate', ['stage'], unique=False)
    op.create_index('ix_decision_decided_at', 'decision', ['decided_at'], unique=False)
    op.create_index('ix_notification_status_created', 'notification',
                    ['status', 'created_at'], unique=False)
    op.drop_index('ix_notification_status', table_name='notification')


def downgrade():
    op.create_index('ix_notification_status', 'notification', ['status'], unique=False)
    op.drop_index('ix_notification_status_created', table_name='notification')
    op.drop_index('ix_decision_decided_at', table_name='decision')
    op.drop_index('ix_candidate_stage', table_name='candidate')
    op.drop_index('ix_interview_scheduled_at', table_name='interview')
    op.drop_index('ix_interview_scorecard_in_scheduled', table_name='interview')
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.drop_column('scorecard_in')
