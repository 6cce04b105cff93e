"""Admin pages: users, the audit log, retention."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import retention_views, views  # noqa: E402,F401
