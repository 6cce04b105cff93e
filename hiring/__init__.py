"""hiring: structured interview scorecards and explainable hiring debriefs."""

from __future__ import annotations

from flask import Flask, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from .config import INSTANCE_DIR, PROJECT_ROOT, load_config
from .core.vocabulary import UserRole
from .database import configure_engine, mark_read_only_requests, render_item
from .extensions import csrf, db, login_manager, mail, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(config))
    from .routing import install as install_converters

    install_converters(app)

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    mark_read_only_requests(app)
    csrf.init_app(app)
    mail.init_app(app)
    _init_login(app)

    from .security import init_security

    init_security(app)

    from . import models  # noqa: F401  (register the tables with the metadata)
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .cli import register_cli
    from .debriefs import bp as debriefs_bp
    from .errors import register_error_handlers
    from .packets import bp as packets_bp
    from .policy import public, requires
    from .requisitions import bp as requisitions_bp
    from .roles import bp as roles_bp
    from .scorecards import bp as scorecards_bp
    from .templating import register_template_helpers
    from .timezones import register as register_timezones
    from .workflow import bp as workflow_bp

    for blueprint in (auth_bp, roles_bp, admin_bp, requisitions_bp, scorecards_bp, debriefs_bp,
                      packets_bp, workflow_bp):
        app.register_blueprint(blueprint)

    @app.get("/")
    @requires("account.manage_own")  # every signed-in user
    def home():
        """Each role starts where its work is."""
        if current_user.role == UserRole.INTERVIEWER:
            return redirect(url_for("scorecards.my_interviews"))
        if current_user.role == "hiring_manager":
            return redirect(url_for("workflow.manager_dashboard"))
        return redirect(url_for("requisitions.index"))

    @app.get("/healthz")
    @public
    def healthz():
        """For load balancers and the benchmark: the app is up and reaches its database."""
        db.session.execute(text("SELECT 1"))
        return {"status": "ok"}

    register_error_handlers(app)
    register_template_helpers(app)
    register_timezones(app)
    register_cli(app)
    return app


def _init_login(app: Flask) -> None:
    from .auth import sessions  # noqa: F401  (registers the user loader)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are checked server-side instead
