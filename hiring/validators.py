"""WTForms validators shared by every form."""

from __future__ import annotations

import re

from wtforms.validators import ValidationError

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_MIN, PASSWORD_MAX = 12, 128


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


def password_strength(_form, field) -> None:
    length = len(field.data or "")
    if length < PASSWORD_MIN or length > PASSWORD_MAX:
        raise ValidationError(
            f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters ({length} given). "
            "A passphrase of several words works well."
        )
