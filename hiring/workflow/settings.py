"""Each user's own preferences: time zone and reminder emails."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from ..core.clock import zone_names
from ..policy import requires
from ..services.workflow import save_preferences
from . import bp


class PreferencesForm(FlaskForm):
    timezone = SelectField("Time zone", validate_choice=True,
                           description="Interview times are shown, and typed, in this zone.")
    reminder_emails = BooleanField(
        "Email me reminders and notifications",
        description="Late-scorecard reminders, “ready for debrief” and decisions. Emails "
                    "assigning you an interview are always sent.")


@bp.route("/account/preferences", methods=["GET", "POST"])
@requires("account.manage_own")
def preferences():
    form = PreferencesForm(obj=current_user)
    form.timezone.choices = [SelectChoice("", "My browser's time zone")] + [
        SelectChoice(name, name.replace("_", " ")) for name in zone_names()]
    if form.validate_on_submit():
        save_preferences(current_user, form.timezone.data or "",
                         bool(form.reminder_emails.data))
        flash("Preferences saved.", "success")
        return redirect(url_for("workflow.preferences"))
    return render_template("workflow/preferences.html", form=form)
