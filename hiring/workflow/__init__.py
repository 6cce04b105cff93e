"""The hiring team's workflow: interview kits, calendars, loop templates, reminders and
dashboards."""

from flask import Blueprint

bp = Blueprint("workflow", __name__)

from . import dashboards, kit, loops, settings  # noqa: E402,F401
