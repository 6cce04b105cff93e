"""The hiring manager's debrief, the comparison of candidates, and final decisions."""

from flask import Blueprint

bp = Blueprint("debriefs", __name__)

from . import calibration, views  # noqa: E402,F401
