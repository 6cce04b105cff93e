"""Forms of the retention pages. The services check everything again (the CLI uses them
too); these give the user the messages next to the fields."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..services.retention import MAX_DAYS, REASON_MAX
from ..validators import no_nul


class PolicyForm(FlaskForm):
    days = IntegerField(
        "Keep records for (days)", validators=[DataRequired(), NumberRange(1, MAX_DAYS)],
        description="Counted from the later of the requisition's close and the candidate's "
                    "final decision. US employers must keep hiring records at least 365 days "
                    "(EEOC, 29 CFR 1602.14).")


class PurgeForm(FlaskForm):
    confirm = StringField("Type the number of candidates to erase to confirm",
                          validators=[DataRequired(), Length(max=20)])


class _OnSharedPage(FlaskForm):
    """Several forms share the candidate page: a prefix keeps their ids unique. CSRFProtect
    checks every POST app-wide; the templates post the one csrf_token field."""

    class Meta:
        csrf = False


class HoldForm(_OnSharedPage):
    action = RadioField("Action", choices=[SelectChoice("place", "Place a legal hold"),
                                           SelectChoice("lift", "Lift the legal hold")],
                        default="place")
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=REASON_MAX), no_nul],
                           description="Required and audited: the charge, claim or request.")


class EraseForm(_OnSharedPage):
    reason = TextAreaField("Reason for the erasure", validators=[
        DataRequired(), Length(max=REASON_MAX), no_nul],
        description="For example: erasure request received 2026-11-20 by email.")
    legal_basis = TextAreaField("Legal basis for an exception", validators=[
        Optional(), Length(max=REASON_MAX), no_nul],
        description="Only needed while the retention period runs: the lawful ground for "
                    "erasing early, e.g. GDPR Art. 17(1)(b), consent withdrawn, no US "
                    "record-keeping duty applies.")
    confirm = StringField("Type the candidate's id or full name to confirm",
                          validators=[DataRequired(), Length(max=200), no_nul])
