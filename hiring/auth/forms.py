from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..validators import no_nul, normalise_email, password_strength


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[normalise_email],
                       validators=[DataRequired(), Length(max=254), no_nul],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)],
                             render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("New password", validators=[password_strength, no_nul],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Repeat the new password",
                            validators=[EqualTo("new_password", "The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})

