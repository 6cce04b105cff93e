"""`flask reminders send [--dry-run]`: email what is due now. Safe to run from cron every
few minutes, even twice at once: every email is claimed in the database before it is sent
(see hiring.services.notifications)."""

from __future__ import annotations

import click
from flask import current_app

from .cli import shown
from .services.notifications import mail_enabled, send
from .services.reminders import due_now


@click.group("reminders", help="Email reminders and notifications.")
def reminders_cli() -> None:
    pass


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send and record nothing.")
def send_command(dry_run: bool) -> None:
    """Send the reminders and notifications that are due now."""
    with current_app.test_request_context(base_url=current_app.config["APP_BASE_URL"]):
        if not dry_run and not mail_enabled():
            click.echo("MAIL_SERVER is not set: nothing sent. Set MAIL_SERVER (see README, "
                       "Email) or use --dry-run to see what would be sent.")
            return
        results = send(due_now(), dry_run=dry_run)
    counts: dict[str, int] = {}
    for email, outcome in results:
        counts[outcome] = counts.get(outcome, 0) + 1
        click.echo(shown(f"{outcome:10}  {email.kind:8}  {email.recipient.email}  "
                         f"{email.title}"))
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing due"
    click.echo(f"Reminders: {summary}.")
