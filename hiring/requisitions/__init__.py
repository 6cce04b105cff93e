"""Requisitions, candidates and interview loops (admins manage; hiring managers read)."""

from flask import Blueprint

bp = Blueprint("requisitions", __name__)

from . import views  # noqa: E402,F401
