"""Entry point for `flask --app wsgi` and gunicorn (`gunicorn wsgi:app`)."""

from hiring import create_app

app = create_app()
