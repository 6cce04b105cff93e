from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.vocabulary import UserRole
from ..models import CANDIDATE_STAGES, INTERVIEW_KINDS, REQUISITION_STATUSES
from ..validators import email_address, no_nul, normalise_email, plausible_datetime


def web_url(_form, field) -> None:
    value = (field.data or "").strip()
    if value and not re.match(r"^https?://[^\s/]+", value, re.IGNORECASE):
        raise ValidationError("Give a link starting with http:// or https://.")


def choices(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(str(k), v) for k, v in mapping.items()]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequisitionForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200), no_nul])
    team = StringField("Team", validators=[Optional(), Length(max=200), no_nul])
    template_id = SelectField("Role scorecard", coerce=int,
                              description="Pinned when the requisition is created.")
    hiring_manager_id = SelectField(UserRole.HIRING_MANAGER.label, coerce=int)
    status = SelectField("Status", choices=choices(REQUISITION_STATUSES))


class CandidateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200), no_nul])
    email = StringField("Email", filters=[normalise_email],
                        validators=[Optional(), Length(max=254), email_address])
    stage = SelectField("Stage", choices=choices(CANDIDATE_STAGES))
    materials_url = StringField("Materials link", validators=[Optional(), Length(max=1000),
                                                              no_nul, web_url],
                                description="CV or portfolio (an http or https link); shown "
                                            "in the interview kit.")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=20000), no_nul],
                          description="Logistics only. No demographic or personal data.")


class InterviewForm(FlaskForm):
    interviewer_id = SelectField(UserRole.INTERVIEWER.label, coerce=int)
    kind = SelectField("Type", choices=choices(INTERVIEW_KINDS))
    title = StringField("Title", validators=[Optional(), Length(max=200), no_nul],
                        description="Optional, e.g. “System design”. The type is used if empty.")
    scheduled_at = DateTimeLocalField("Starts (your time zone)", format="%Y-%m-%dT%H:%M",
                                      validators=[InputRequired("Give a date and time."),
                                                  plausible_datetime])
    duration_minutes = IntegerField("Duration (minutes)", default=60, validators=[
        Optional(), NumberRange(5, 600, "Give a length from 5 to 600 minutes.")])
    location = StringField("Location or video link",
                           validators=[Optional(), Length(max=500), no_nul])
    focus = MultiCheckboxField("Focus dimensions", coerce=int)
    case_study_id = SelectField("Case study", coerce=int, validators=[Optional()])


class WeightsForm(FlaskForm):
    rationale = TextAreaField("Why these weights?",
                              validators=[Length(max=2000), no_nul],
                              description="Required when any weight changes. Recorded with "
                                          "your name.")


def add_weight_fields(form_class, dimensions):
    class Form(form_class):
        pass

    for dim in dimensions:
        setattr(Form, f"weight_{dim.id}", FloatField(dim.name, validators=[
            InputRequired("Give a weight (0 is allowed)."),
            NumberRange(0, 100, "Give a number from 0 to 100.")]))
    return Form
