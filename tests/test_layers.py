"""Only services end a transaction: no module outside hiring/services calls commit() or
rollback() (views, forms, the auth session module, the CLI, the audit helper included)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENDS_TRANSACTION = {"commit", "rollback"}


def transaction_calls(source: str) -> list[int]:
    """Line numbers of every `<anything>.commit(...)` / `.rollback(...)` call."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ENDS_TRANSACTION]


def test_the_check_sees_every_spelling():
    source = ("db.session.commit()\nsession.rollback()\nfrom x import db as d\n"
              "d.session.commit()\nconn.commit\n")
    assert transaction_calls(source) == [1, 2, 4]


def test_no_module_outside_services_ends_a_transaction():
    offenders = []
    for path in sorted((ROOT / "hiring").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("hiring/services/"):
            continue
        offenders += [f"{relative}:{line}" for line in transaction_calls(path.read_text())]
    assert offenders == [], "call a service (or services.transaction) instead"


def test_every_view_is_guarded_or_marked_public(app):
    """A view either names the permission it requires (@requires) or is marked @public;
    a view with neither cannot be added by accident. `static` is Flask's own."""
    unguarded = sorted(
        endpoint for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, "required_permission", None)
        and not getattr(view, "is_public", False))
    assert unguarded == []
