from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from ..models import DECISIONS
from ..validators import no_nul


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", choices=[SelectChoice(k, v) for k, v in DECISIONS.items()],
                          validators=[InputRequired("Choose hire, no hire or hold.")])
    rationale = TextAreaField("Rationale", validators=[
        DataRequired("Write the reasons for the decision; it is kept with the debrief."),
        Length(max=5000), no_nul])


def _pct(label):
    return FloatField(label, validators=[InputRequired(), NumberRange(0, 100)])


class SettingsForm(FlaskForm):
    strong_hire_at = _pct("Strong hire from (0-100)")
    hire_at = _pct("Hire from (0-100)")
    lean_no_at = _pct("Lean no from (0-100); below is No hire")
    quorum = IntegerField("Quorum: interviewers with at least one rating",
                          validators=[InputRequired(), NumberRange(1, 50)])
    min_coverage = FloatField("Coverage needed (share of weight, 0-1)",
                              validators=[InputRequired(), NumberRange(0, 1)])
    rationale = TextAreaField("Why change these?", validators=[
        DataRequired("Say why; the change is audited."), Length(max=2000), no_nul])

    def validate_hire_at(self, field):
        if not (self.lean_no_at.data or 0) <= (field.data or 0) <= (
                self.strong_hire_at.data or 0):
            raise ValidationError("Bands must rise: Lean no ≤ Hire ≤ Strong hire.")
