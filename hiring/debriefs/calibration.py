"""The interviewer calibration report."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..policy import requires
from ..services.calibration import calibration_report
from . import bp


@bp.get("/calibration")
@requires("calibration.view")
def calibration():
    return render_template("debriefs/calibration.html", report=calibration_report(current_user))
