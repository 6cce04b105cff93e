"""WTForms validators shared by every form."""

from __future__ import annotations

import re

from wtforms.validators import ValidationError

from .core.password_policy import PASSWORD_MAX, PASSWORD_MIN  # noqa: F401 (re-exported)

# One plain address: no white space, control characters or the characters that make an
# address list or a display name ("sam<sam@evil.example>", "iv,x@example.com"), which mail
# libraries would read as another address than the one stored and shown.
_ADDRESS_PART = r'[^@\s<>()\[\]\\,;:"\x00-\x1f\x7f]+'
EMAIL = re.compile(rf"^{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}$")

def no_nul(_form, field) -> None:
    """Text is stored as typed, but a NUL byte cannot be stored by PostgreSQL at all."""
    if isinstance(field.data, str) and "\x00" in field.data:
        raise ValidationError("Contains a NUL character, which cannot be stored. Remove it.")


EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def plausible_datetime(_form, field) -> None:
    """Dates far from now are typos or probes, and 9999-12-31 + a day overflows Python."""
    if field.data is not None and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise ValidationError(f"Give a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def email_address(_form, field) -> None:
    if not EMAIL.match(field.data or ""):
        raise ValidationError("Enter an email address such as name@example.com.")


def normalise_email(value: str | None) -> str:
    return (value or "").strip().lower()


def password_strength(form, field) -> None:
    """NIST SP 800-63B rules (hiring/core/password_policy.py); the form's own email and
    name, or the logged-in user's, count as easy guesses."""
    from flask_login import current_user

    from .core.password_policy import password_problem

    inputs = [getattr(getattr(form, name, None), "data", None) or "" for name in ("email", "name")]
    if getattr(current_user, "is_authenticated", False):
        inputs += [current_user.email, current_user.name]
    problem = password_problem(field.data or "", tuple(inputs))
    if problem:
        raise ValidationError(problem)


def show_errors(form, errors: dict[str, list[str]]) -> list[str]:
    """Put a service's errors (input name -> messages) on the form's fields; returns the
    messages that name no field of this form, for the view to show another way."""
    rest = []
    for name, messages in errors.items():
        if name in form._fields:
            field = form[name]
            field.errors = list(field.errors) + [m for m in messages if m not in field.errors]
        else:
            rest.extend(messages)
    return rest


def refused(form, error) -> list[str]:
    """A service's DomainError onto the form; returns what to flash (messages that fit no
    field, or the error's message when it names none)."""
    rest = show_errors(form, error.errors)
    return rest if error.errors else [error.message]
