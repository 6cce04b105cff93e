"""Shared set-up for the benchmarks: a throw-away SQLite database with demo data."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_app(db_path: Path | None = None, **config):
    from hiring import create_app
    from hiring.extensions import db

    db_path = db_path or Path(tempfile.mkdtemp()) / "bench.db"
    settings = {"HIRING_ENV": "testing", "SECRET_KEY": "bench-only-secret",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
                "PACKET_CACHE_DIR": str(db_path.parent / "packets")}
    settings.update(config)
    app = create_app(settings)
    with app.app_context():
        db.create_all()
    return app, db_path


def seed_demo(app, **kwargs):
    from hiring.services.demo import build_demo

    with app.app_context():
        requisition, passwords = build_demo(app.config["SEED_DIR"], **kwargs)
        return requisition.id, passwords


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_count() -> int:
    return os.cpu_count() or 1
