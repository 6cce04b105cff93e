from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..models import ROLE_LABELS
from ..validators import email_address, no_nul, normalise_email, password_strength

ROLE_CHOICES = [SelectChoice(value, label) for value, label in ROLE_LABELS.items()]


class UserForm(FlaskForm):
    name = StringField("Display name", validators=[DataRequired(), Length(max=200), no_nul])
    email = EmailField("Email", filters=[normalise_email],
                       validators=[DataRequired(), Length(max=254), email_address])
    # Least privilege: a new account is an interviewer unless the admin chooses more.
    role = SelectField("Role", choices=ROLE_CHOICES, default="interviewer")
    active = BooleanField("Active (may log in)", default=True)


class NewUserForm(UserForm):
    password = PasswordField(
        "Initial password", validators=[Optional(), password_strength, no_nul],
        description="Leave empty to generate one; it is shown once.",
        render_kw={"autocomplete": "new-password"},
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    event = SelectField("Event", choices=[SelectChoice("", "All events")], validate_choice=False)
    actor = StringField("Actor email starts with", validators=[Optional(), Length(max=254)])
