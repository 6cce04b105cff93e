"""The scorecard form, built per interview from the role's template version."""

from __future__ import annotations

import re

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..core.vocabulary import Vote, one_of
from ..models import Interview, TemplateVersion
from ..services.scorecards import ScorecardInput, problems, scale_message, stored_version
from ..validators import no_nul, show_errors

NOT_ASSESSED = ""
FIELD_PATTERN = re.compile(r"^(rating|evidence|signal|flag|flag_note)_(\d+)$")


def _version(_form, field) -> None:
    # ASCII digits only ("²".isdigit() is true) and within the column's range
    raw = field.data or ""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) < 2**31):
        raise ValidationError("The form was altered (bad version). Reload the page.")


class ScorecardBase(FlaskForm):
    lock_version = HiddenField(validators=[_version])
    overall = RadioField(
        "Overall recommendation",
        choices=[SelectChoice(str(v.value), v.label) for v in Vote],
        validate_choice=False,
    )

    def validate_overall(self, field) -> None:
        if field.data not in (None, "", "None") and field.data not in {str(v.value) for v in Vote}:
            raise ValidationError(f"Choose {one_of(Vote)}.")


class AmendForm(FlaskForm):
    reason = TextAreaField("Reason for the amendment",
                           validators=[DataRequired("Say why you are changing a submitted "
                                                    "scorecard."), Length(max=2000), no_nul])


def build_form(interview: Interview, template: TemplateVersion, **kwargs):
    """A form class with one rating and one evidence field per dimension, a box per signal
    and a box plus note per red flag."""
    max_len = current_app.config["NOTE_MAX_LENGTH"]
    text = [Length(max=max_len, message=f"Keep this under {max_len:,} characters."), no_nul]
    scale = [SelectChoice(NOT_ASSESSED, "Not assessed")] + [
        SelectChoice(str(lv["value"]), f'{lv["value"]} {lv["label"]}')
        for lv in template.rating_scale
    ]

    class ScorecardForm(ScorecardBase):
        pass

    ScorecardForm.other_concern = TextAreaField("Other concern", validators=text)
    ScorecardForm.case_notes = TextAreaField("Case study notes", validators=text)
    for dim in template.dimensions:
        setattr(ScorecardForm, f"rating_{dim.id}", RadioField(
            f"Rating for {dim.name}", choices=scale, default=NOT_ASSESSED,
            validate_choice=False))
        setattr(ScorecardForm, f"evidence_{dim.id}", TextAreaField(
            f"Evidence for {dim.name}", validators=text))
    for signal in template.signals:
        if signal.kind == "red_flag":
            setattr(ScorecardForm, f"flag_{signal.id}", BooleanField(signal.text))
            setattr(ScorecardForm, f"flag_note_{signal.id}", TextAreaField(
                "What happened", validators=text))
        else:
            setattr(ScorecardForm, f"signal_{signal.id}", BooleanField(signal.text))
    form = ScorecardForm(**kwargs)  # formdata defaults to the submitted request.form
    form.interview, form.template = interview, template
    return form


def unknown_fields(form, posted_keys) -> list[str]:
    """Posted fields that name a dimension or signal this template does not have."""
    return sorted(k for k in posted_keys if FIELD_PATTERN.match(k) and k not in form._fields)


def check(form, final: bool) -> bool:
    """Field validation here; the rules of saving and submitting come from the service, so
    a script or another entry point meets the same ones."""
    ok = form.validate()
    data, errors = _read(form)
    for name, messages in problems(form.interview, form.template, data, final).items():
        errors.setdefault(name, messages)
    show_errors(form, errors)
    return ok and not errors


def _number(text: str | None) -> int | None:
    """A rating or vote as typed: ASCII digits only. str.isdigit() also accepts "²" (which
    int() refuses) and "３" (which int() reads as 3): neither is a choice the form offers."""
    text = text or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _read(form) -> tuple[ScorecardInput, dict[str, list[str]]]:
    """The form's values as the service's input; a rating that is not a number is an
    error here (the service only sees numbers)."""
    data = ScorecardInput(
        overall=_number(form.overall.data),
        case_notes=form.case_notes.data or "",
        other_concern=form.other_concern.data or "",
    )
    errors: dict[str, list[str]] = {}
    for dim in form.template.dimensions:
        value = form[f"rating_{dim.id}"].data or NOT_ASSESSED
        evidence = form[f"evidence_{dim.id}"].data or ""
        if value != NOT_ASSESSED and _number(value) is None:
            errors[f"rating_{dim.id}"] = [scale_message(form.template)]
            value = NOT_ASSESSED
        if value != NOT_ASSESSED or evidence.strip():
            data.ratings[dim.id] = (_number(value), evidence)
    for signal in form.template.signals:
        if signal.kind == "red_flag":
            if form[f"flag_{signal.id}"].data:
                data.red_flags[signal.id] = form[f"flag_note_{signal.id}"].data or ""
        elif form[f"signal_{signal.id}"].data:
            data.signals.add(signal.id)
    return data, errors


def to_input(form) -> ScorecardInput:
    return _read(form)[0]


def form_data_from(scorecard) -> dict:
    """Initial form values from a stored scorecard."""
    values = {"lock_version": str(stored_version(scorecard)),
              "overall": str(scorecard.overall) if scorecard.overall else "",
              "case_notes": scorecard.case_notes, "other_concern": scorecard.other_concern}
    for rating in scorecard.ratings:
        values[f"rating_{rating.dimension_id}"] = (
            str(rating.rating) if rating.rating is not None else NOT_ASSESSED)
        values[f"evidence_{rating.dimension_id}"] = rating.evidence
    for signal in scorecard.signals:
        values[f"signal_{signal.signal_id}"] = True
    for flag in scorecard.red_flags:
        values[f"flag_{flag.signal_id}"] = True
        values[f"flag_note_{flag.signal_id}"] = flag.note
    return values
