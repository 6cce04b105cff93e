"""interview kit, loop templates, time zones and the email log (issue 14)

Revision ID: i14_workflow
Revises: i11b_must_change_password
"""
from alembic import op
import sqlalchemy as sa

revision = 'i14_workflow'
down_revision = 'i11b_must_change_password'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reminder_emails', sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('materials_url', sa.String(length=1000), server_default='', nullable=False))
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('duration_minutes', sa.Integer(), server_default='60', nullable=False))
        batch_op.add_column(sa.Column('location', sa.String(length=500), server_default='', nullable=False))
    with op.batch_alter_table('template_assessment_area', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dimension_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_template_assessment_area_dimension_id_template_dimension'), 'template_dimension', ['dimension_id'], ['id'])

    op.create_table('loop_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requisition_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('focus', sa.JSON(), nullable=False),
    sa.Column('case_study_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('duration_minutes BETWEEN 5 AND 600', name=op.f('ck_loop_step_duration_sane')),
    sa.ForeignKeyConstraint(['case_study_id'], ['template_case_study.id'], name=op.f('fk_loop_step_case_study_id_template_case_study')),
    sa.ForeignKeyConstraint(['requisition_id'], ['requisition.id'], name=op.f('fk_loop_step_requisition_id_requisition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loop_step'))
    )
    with op.batch_alter_table('loop_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loop_step_requisition_id'), ['requisition_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('claimed', 'sent', 'failed')", name=op.f('ck_notification_status_known')),
    sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id'], name=op.f('fk_notification_recipient_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('kind', 'subject', 'slot', 'recipient_id', name=op.f('uq_notification_kind_subject_slot_recipient_id'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('notification')
    op.drop_table('loop_step')
    with op.batch_alter_table('template_assessment_area', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_template_assessment_area_dimension_id_template_dimension'), type_='foreignkey')
        batch_op.drop_column('dimension_id')
    with op.batch_alter_table('interview', schema=None) as batch_op:
        batch_op.drop_column('location')
        batch_op.drop_column('duration_minutes')
        batch_op.drop_column('title')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_column('materials_url')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('reminder_emails')
        batch_op.drop_column('timezone')
