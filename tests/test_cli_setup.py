"""`flask setup` (what `make run` runs): from an empty database to one that serves, in one
process, and a second run changes nothing."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from hiring import create_app
from hiring.extensions import db
from tests.conftest import ROOT, SEED, app_config
from tests.test_migrations import _fresh_url


def _head() -> str:
    """The newest migration, as Alembic reads the scripts (not as the app does)."""
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def test_setup_makes_an_empty_database_ready_and_a_second_run_changes_nothing(
        backend, tmp_path, request):
    url = _fresh_url(backend, tmp_path, request)
    app = create_app(app_config(url))
    bundled = len(list(SEED.glob("*.json")))
    runner = app.test_cli_runner()

    with app.app_context():  # as `flask` runs a command
        first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert f"Blueprints: {bundled} checked, {bundled} new template version(s)." in first.output
    assert "First run: an admin account was created." in first.output
    assert "Email:    admin@hiring.local" in first.output
    # migrating in this process left the app's own loggers on
    assert not logging.getLogger("hiring.database").disabled

    with app.app_context(), db.engine.connect() as conn:
        version = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
        roles = conn.scalar(sa.text("SELECT count(*) FROM role"))
        users = conn.execute(sa.text("SELECT email, role FROM user_account")).all()
    assert version == _head()
    assert roles == bundled
    assert [tuple(u) for u in users] == [("admin@hiring.local", "admin")]

    with app.app_context():
        again = runner.invoke(args=["setup"])
    assert again.exit_code == 0, again.output
    assert f"Blueprints: {bundled} checked, 0 new template version(s)." in again.output
    assert "admin account was created" not in again.output
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM user_account")) == 1
            assert conn.scalar(sa.text("SELECT count(*) FROM template_version")) == bundled
        db.engine.dispose()
