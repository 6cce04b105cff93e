"""audit log: database guard against update/delete/replace/truncate, and a hash chain

Revision ID: i11a_audit_chain
Revises: i14_workflow
Create Date: 2026-11-27 14:10:00

The guard's SQL lives in hiring/audit_integrity.py (plain strings, no app imports), shared
with db.create_all(), so tests and migrated databases hold the same triggers.
"""
from alembic import op
import sqlalchemy as sa

from hiring.audit_integrity import ddl_for, drop_for, row_digest

revision = 'i11a_audit_chain'
down_revision = 'i14_workflow'
branch_labels = None
depends_on = None

OLD_SQLITE = ("DROP TRIGGER IF EXISTS audit_event_no_update",
              "DROP TRIGGER IF EXISTS audit_event_no_delete")


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in drop_for(dialect) + (OLD_SQLITE if dialect == "sqlite" else ()):
        op.execute(statement)
    op.create_table('audit_purge_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_purge_flag'))
    )
    op.add_column('audit_event', sa.Column('prev_hash', sa.String(length=64), nullable=False,
                                           server_default=''))
    op.add_column('audit_event', sa.Column('row_hash', sa.String(length=64), nullable=False,
                                           server_default=''))
    _chain_existing_rows()
    for statement in ddl_for(dialect):
        op.execute(statement)


def _chain_existing_rows():
    """Rows written before this migration join the chain in id order."""
    events = sa.table(
        'audit_event', sa.column('id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
        sa.column('event', sa.String), sa.column('actor_id', sa.Integer),
        sa.column('actor_email', sa.String), sa.column('target', sa.String),
        sa.column('client_address', sa.String), sa.column('details', sa.JSON),
        sa.column('summary', sa.Text), sa.column('prev_hash', sa.String),
        sa.column('row_hash', sa.String))
    bind = op.get_bind()
    prev = ""
    for row in bind.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        digest = row_digest(prev, at=row["at"], event=row["event"], actor_id=row["actor_id"],
                            actor_email=row["actor_email"], target=row["target"],
                            client_address=row["client_address"],
                            details=row["details"] or {}, summary=row["summary"])
        bind.execute(events.update().where(events.c.id == row["id"])
                     .values(prev_hash=prev, row_hash=digest))
        prev = digest


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in drop_for(dialect):
        op.execute(statement)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
    op.drop_table('audit_purge_flag')
    # back to 0002_users' guard
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql")
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{action.lower()} BEFORE {action} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
