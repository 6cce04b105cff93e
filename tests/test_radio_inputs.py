"""radio_inputs prints a RadioField's options without WTForms' per-option Field objects: the
oracle is WTForms itself, rendering each option the usual way (`option(**attrs)`)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from hiring.debriefs.forms import DecisionForm
from hiring.scorecards.forms import build_form
from hiring.templating import radio_inputs


@pytest.fixture(scope="module")
def flask_app():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, NOTE_MAX_LENGTH=100)
    return app


def wtforms_printed(field, **attrs) -> list[tuple[str, str, str]]:
    return [(str(option(**attrs)), option.label.text, option._value()) for option in field]


def ours(field, **attrs) -> list[tuple[str, str, str]]:
    return [(str(o.input(**attrs)), o.label, o.value) for o in radio_inputs(field)]


class Odd(Form):
    # a required field with render_kw, a choice carrying its own render_kw (WTForms ignores
    # it for radios), a label with markup, a value needing escaping, an integer value, an
    # empty label (WTForms labels it with the value)
    pick = RadioField("Pick", validators=[InputRequired()], render_kw={"data-x": "1"},
                      choices=[SelectChoice("a\"<b>", "<i>A</i>", render_kw={"class": "c"}),
                               SelectChoice(2, "Two"), SelectChoice("", "None"),
                               SelectChoice("z", "")])


@pytest.mark.parametrize("posted", [None, {"decision": "hire"}, {"decision": "bogus"},
                                    {"decision": ""}])
def test_the_decision_radios_print_as_wtforms_prints_them(flask_app, posted):
    with flask_app.test_request_context(method="POST", data=posted or {}):
        form = DecisionForm(formdata=MultiDict(posted) if posted else None)
        form.validate()
        for attrs in ({}, {"aria-describedby": "decision-err"}, {"aria-describedby": False}):
            assert ours(form.decision, **attrs) == wtforms_printed(form.decision, **attrs)
        if posted == {"decision": "hire"}:
            assert "checked" in ours(form.decision)[0][0]


def test_the_scorecard_radios_print_as_wtforms_prints_them(flask_app):
    template = SimpleNamespace(
        rating_scale=[{"value": v, "label": label} for v, label in
                      ((1, "Weak"), (2, "Mixed"), (3, "Meets"), (4, "Exceeds <b>"))],
        dimensions=[SimpleNamespace(id=7, name="Craft")], signals=[])
    with flask_app.test_request_context():
        for posted in (None, MultiDict({"rating_7": "3", "overall": "4"}),
                       MultiDict({"rating_7": "9", "overall": "x"})):
            form = build_form(None, template, formdata=posted)
            for field in (form.rating_7, form.overall):
                assert ours(field) == wtforms_printed(field)
                assert ours(field, **{"aria-describedby": "anchor-7-meets"}) == (
                    wtforms_printed(field, **{"aria-describedby": "anchor-7-meets"}))
            if posted and posted["rating_7"] == "3":
                assert [o.value for o in radio_inputs(form.rating_7) if
                        "checked" in o.input()] == ["3"]


def test_required_flags_render_kw_and_escaping_as_wtforms(flask_app):
    for posted in (None, MultiDict({"pick": "2"}), MultiDict({"pick": 'a"<b>'})):
        form = Odd(formdata=posted)
        form.validate()
        assert ours(form.pick) == wtforms_printed(form.pick)
        assert ours(form.pick, disabled=True) == wtforms_printed(form.pick, disabled=True)
        # a Markup value with a quote in it (escape() keeps Markup as it is) and odd names
        odd = {"aria_describedby": Markup('x" onclick="y'), "data_z_": "<q>", "checked": False}
        assert ours(form.pick, **odd) == wtforms_printed(form.pick, **odd)
    assert "&lt;b&gt;" in ours(Odd().pick)[0][0] and "required" in ours(Odd().pick)[0][0]
