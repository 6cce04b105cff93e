"""Jinja filters and globals shared by every page (and the PDF packets)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import NamedTuple

from flask import Flask
from markupsafe import Markup, escape
from wtforms.widgets import RadioInput
from wtforms.widgets.core import clean_key

from .chart_svg import chart_svg, chart_title
from .clock import utcnow
from .core.text import one_line, web_link
from .core.vocabulary import Band, Stage, UserRole, Vote, label_of
from .core.wording import agreement_words


def fmt_weight(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def fmt_minutes(low: int | None, high: int | None) -> str:
    if low is None:
        return ""
    return f"{low} min" if low == high or high is None else f"{low}\u2013{high} min"


def json_text(value: object) -> str:
    """Stored JSON (audit details) for a person to read: the text as typed, not \\uXXXX
    escapes (Jinja's `tojson` is for JSON inside a <script>). Autoescaping then escapes it
    once for the page."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def fmt_datetime(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def vote_label(value: int | None, default: str = "Not given") -> str:
    return label_of(Vote, value, default)


def clip_for_print(text: str | None, limit=None) -> str:
    """The PDF packet prints at most `limit` characters of one free-text field, then says
    how much more there is and where it is (no limit, as on the web pages: all of it).
    Why: a packet is read in a meeting, and the worst input allowed (every field of every
    scorecard at NOTE_MAX_LENGTH) would otherwise be 160 pages that take longer to lay out
    than the render limit. The text stored is never cut; the debrief page and the subject
    export show all of it."""
    text = text or ""
    if not isinstance(limit, int) or limit <= 0 or len(text) <= limit:
        return text
    return (f"{text[:limit]} … [{len(text) - limit:,} more characters: the full text is on "
            f"the debrief page]")


# a quote inside a Markup value, which escape() leaves as it is, would end the attribute
QUOTE, ESCAPED_QUOTE = Markup('"'), Markup("&quot;")


class RadioOption(NamedTuple):
    params: dict  # the input's attributes, as WTForms would print them
    label: str
    value: str

    def input(self, **attrs) -> Markup:
        """The <input type="radio">; `attrs` add to or replace its attributes, as keyword
        arguments to a WTForms option do (False leaves one out)."""
        return Markup(f"<input {_html_params({**self.params, **attrs})}>")  # noqa: S704


def _html_params(params: dict) -> str:
    """What wtforms.widgets.html_params prints (sorted, True as a bare name, False left out,
    names and values escaped), in plain string formatting: its Markup.format per attribute
    was most of the time it took to print a radio."""
    printed = []
    for key, value in sorted(params.items()):
        name = clean_key(key)
        if value is True:
            printed.append(name)
        elif value is not False:
            printed.append(f'{escape(name)}="{escape(value).replace(QUOTE, ESCAPED_QUOTE)}"')
    return " ".join(printed)


def radio_inputs(field) -> list[RadioOption]:
    """The options of a WTForms RadioField, each input printed as WTForms prints it (its
    html_params, the checked state from its iter_choices, the flags its RadioInput prints)
    but without the Field object WTForms builds per option to print it: those were most of
    the debrief's decision form time and of a scorecard page's 35 radios.
    tests/test_radio_inputs.py compares the two."""
    common = {"name": field.name, "type": "radio", **(field.render_kw or {})}
    flags = vars(field.flags)  # the flags its validators set (a missing one reads as None)
    for flag in RadioInput.validation_attrs:
        if flag in flags and flag not in common:
            common[flag] = flags[flag]() if callable(flags[flag]) else flags[flag]
    options = []
    for index, choice in enumerate(field.iter_choices()):
        value = str(choice.value)
        params = {"id": f"{field.id}-{index}", "value": value, **common}
        if choice.selected:
            params.setdefault("checked", True)
        options.append(RadioOption(params, choice.label or value, value))
    return options


def svg_data_uri(svg: str) -> str:
    """An SVG drawn by a template as a data: URL (base64: nothing in it can end the
    attribute it is put in). The PDF renderer's fetcher allows data: URLs only."""
    return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode()).decode("ascii")


def register_template_helpers(app: Flask) -> None:
    app.add_template_global(agreement_words, "agreement_words")
    app.add_template_global(chart_svg, "chart_svg")
    app.add_template_global(chart_title, "chart_title")
    app.add_template_filter(web_link, "web_link")
    app.add_template_filter(one_line, "one_line")  # plain-text emails
    app.add_template_filter(json_text, "json_text")
    app.add_template_filter(clip_for_print, "clip")
    app.add_template_filter(svg_data_uri, "svg_data_uri")
    app.add_template_global(radio_inputs, "radio_inputs")
    # The vocabulary, so templates never spell a vote, role, stage or band themselves.
    app.add_template_filter(vote_label, "vote_label")
    app.add_template_filter(lambda v: label_of(UserRole, v), "role_label")
    app.add_template_filter(lambda v: label_of(Stage, v), "stage_label")
    app.add_template_global(Vote, "Vote")
    app.add_template_global(UserRole, "UserRole")
    app.add_template_global(Stage, "Stage")
    app.add_template_global(Band, "Band")
    app.add_template_global(utcnow, "now")  # the app's clock (tests fix it)
    app.add_template_filter(fmt_weight, "weight")
    app.add_template_filter(fmt_datetime, "datetime")
    app.add_template_global(fmt_minutes, "minutes")
    app.add_template_global(nav_items, "nav_items")
    app.add_template_global(can_current_user, "can")
    app.add_template_global(blinded_for_current_user, "blinded")
    app.add_template_global(lambda: set(app.view_functions), "endpoints")


NAV = (
    ("Dashboard", "workflow.manager_dashboard", "dashboards.manager"),
    ("My interviews", "scorecards.my_interviews", "interviews.mine"),
    ("Requisitions", "requisitions.index", "requisitions.view"),
    ("Roles", "roles.catalog", "roles.view"),
    ("Calibration", "debriefs.calibration", "calibration.view"),
    ("Users", "admin.users", "users.manage"),
    ("Audit log", "admin.audit", "audit.view"),
    ("Retention", "admin.retention_page", "retention.manage"),
    ("Email & loops", "workflow.admin_dashboard", "dashboards.admin"),
)


def nav_items() -> list[dict]:
    from flask import request, url_for
    from flask_login import current_user

    from .policy import has_permission

    return [
        {"label": label, "url": url_for(endpoint), "active": request.endpoint == endpoint}
        for label, endpoint, permission in NAV
        if has_permission(current_user, permission)
    ]


def can_current_user(action: str, obj=None) -> bool:
    from flask_login import current_user

    from .policy import can

    return can(current_user, action, obj)


def blinded_for_current_user(candidate) -> bool:
    """Hide this candidate's stage (a decision moves it), numbers and decision?"""
    from flask_login import current_user

    from .policy import blinded

    return current_user.is_authenticated and blinded(current_user, candidate)
