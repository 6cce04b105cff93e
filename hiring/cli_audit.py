"""`flask audit verify` and `flask audit purge`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click


@click.group("audit", help="Check and maintain the audit log.")
def audit_cli() -> None:
    pass


@audit_cli.command("verify")
def verify_command() -> None:
    """Check the hash chain; exit 1 and name the first broken link if any."""
    from .services.audit_chain import verify

    result = verify()
    if result.ok:
        click.echo(f"ok: {result.checked} audit events, chain intact")
        return
    click.secho(f"BROKEN at audit event {result.broken_id}: {result.reason} "
                f"({result.checked} events before it are intact)", fg="red", err=True)
    sys.exit(1)


@audit_cli.command("purge")
@click.option("--before", "before", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Delete events older than this date (UTC).")
@click.option("--reason", required=True, help="Recorded in the purge event.")
def purge_command(before: datetime, reason: str) -> None:
    """Delete old audit events through the one audited path (see docs/audit.md)."""
    from .services.audit_chain import purge_through
    from .services.errors import DomainError

    try:
        deleted = purge_through(before.replace(tzinfo=UTC), reason=reason)
    except DomainError as exc:
        if "reason" in exc.errors:  # a blank --reason: a usage error, as a missing one is
            raise click.BadParameter(exc.message, param_hint="'--reason'") from None
        click.secho(f"error: {exc.message}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"purged {deleted} audit events older than {before:%Y-%m-%d}")
