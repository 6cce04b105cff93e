"""hiring: structured interview scorecards and explainable hiring debriefs."""

from __future__ import annotations

from flask import Flask

from .config import INSTANCE_DIR, PROJECT_ROOT, load_config
from .database import configure_engine, render_item
from .extensions import csrf, db, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(config))

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
        configure_engine(db.engine)
    csrf.init_app(app)

    from . import models  # noqa: F401  (register the tables with the metadata)
    from .cli import register_cli
    from .errors import register_error_handlers
    from .roles import bp as roles_bp
    from .templating import register_template_helpers

    app.register_blueprint(roles_bp)
    register_error_handlers(app)
    register_template_helpers(app)
    register_cli(app)
    return app
