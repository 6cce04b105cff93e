"""PDF debrief packets: download and batch builds."""

from flask import Blueprint

bp = Blueprint("packets", __name__)

from . import views  # noqa: E402,F401
