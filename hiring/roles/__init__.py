"""Role catalog and scorecard template pages."""

from flask import Blueprint

bp = Blueprint("roles", __name__, url_prefix="/roles")

from . import views  # noqa: E402,F401
