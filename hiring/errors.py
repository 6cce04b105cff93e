"""Error pages in the app's layout, never with a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, Forbidden, HTTPException

MESSAGES = {
    400: ("Bad request", "The request could not be understood. If you submitted a form, "
          "go back, reload the page and try again: your session may have expired."),
    403: ("Not allowed", "You do not have permission to do that."),
    404: ("Not found", "There is nothing here, or you do not have access to it."),
    405: ("Method not allowed", "That action is not available here."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Too many attempts", "Too many attempts. Wait a few minutes and try again."),
    500: ("Something went wrong", "An unexpected error occurred. It has been logged."),
}


def _rollback() -> None:
    from .extensions import db
    from .services.transaction import discard

    try:
        discard()
    except Exception:  # noqa: BLE001 - the error page must render whatever the session did
        db.session.remove()


def register_error_handlers(app: Flask) -> None:
    def render(code: int, detail: str | None = None):
        # A failed flush leaves the session unusable (PendingRollbackError): the page's
        # navigation reads the user, so end the failed transaction before rendering.
        _rollback()
        title, message = MESSAGES.get(code, MESSAGES[500])
        return render_template("errors/error.html", code=code, title=title,
                               message=detail or message), code

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        # Our own abort(400, "...") messages are for the user; library defaults are not.
        ours = type(error) in (BadRequest, Forbidden) and error.description != type(
            error).description
        detail = error.description if code == 429 or ours else None
        if request.headers.get("X-Requested-With") == "fetch":
            # The page's script shows the real reason (a stale CSRF token, a bad field),
            # not a guess such as "your session ended".
            return jsonify(ok=False, error=code, message=detail or error.description
                           or MESSAGES.get(code, MESSAGES[500])[1]), code
        return render(code if code in MESSAGES else 500, detail)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        return render(500)
