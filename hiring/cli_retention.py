"""`flask candidates hold|erase|export` and `flask retention purge|policy`.

Every refusal exits with status 1 and one line on stderr, so cron and scripts can tell."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .services import erasure, retention, subject_export
from .services.retention import RetentionRefused


def _refuse(exc: Exception) -> None:
    click.echo(f"refused: {exc}", err=True)
    sys.exit(1)


@click.group("candidates", help="Legal holds, erasure and export of a candidate.")
def candidates_cli() -> None:
    pass


@candidates_cli.command("hold")
@click.argument("candidate_id", type=int)
@click.option("--reason", required=True, help="Why (required; audited).")
@click.option("--lift", is_flag=True, help="Lift the candidate's hold instead of placing one.")
def hold_command(candidate_id: int, reason: str, lift: bool) -> None:
    """Place (or --lift) a legal hold: held candidates are never purged or erased."""
    try:
        if lift:
            holds = retention.lift_hold("candidate", candidate_id, reason, None, via="cli")
            click.echo(f"Lifted legal hold {', '.join(f'#{h.id}' for h in holds)} on "
                       f"candidate {candidate_id}.")
        else:
            hold = retention.place_hold("candidate", candidate_id, reason, None, via="cli")
            click.echo(f"Legal hold #{hold.id} placed on candidate {candidate_id}.")
    except RetentionRefused as exc:
        _refuse(exc)


@candidates_cli.command("erase")
@click.argument("candidate_id", type=int)
@click.option("--reason", required=True, help="Why (required; audited).")
@click.option("--legal-basis", default="",
              help="Required to erase within the retention period: the lawful ground.")
@click.option("--yes", is_flag=True, help="Confirm; without it nothing is erased.")
def erase_command(candidate_id: int, reason: str, legal_basis: str, yes: bool) -> None:
    """Erase a candidate's personal data and free text; keep anonymised counts and scores."""
    if not yes:
        _refuse(RetentionRefused("erasure cannot be undone; add --yes to confirm"))
    try:
        result = erasure.erase(candidate_id, reason=reason, legal_basis=legal_basis,
                               confirm=str(candidate_id), actor=None, via="cli")
    except RetentionRefused as exc:
        _refuse(exc)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items()))
    click.echo(f"Erased candidate {candidate_id} (now {result.opaque_id}): {counts}.")


@candidates_cli.command("export")
@click.argument("candidate_id", type=int)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The ZIP to write (JSON + packet PDF).")
@click.option("--no-packet", is_flag=True, help="Leave the PDF packet out (faster).")
def export_command(candidate_id: int, out: str, no_packet: bool) -> None:
    """Everything stored about a candidate, for a subject access request."""
    path = Path(out)
    if not path.parent.is_dir():
        _refuse(RetentionRefused(f"folder {path.parent} does not exist"))
    try:
        _name, data = subject_export.export(candidate_id, None, via="cli",
                                            packet=not no_packet)
    except RetentionRefused as exc:
        _refuse(exc)
    # 0600: the file holds personal data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    click.echo(f"Wrote {path} ({len(data)} bytes).")


@click.group("retention", help="The retention policy.")
def retention_cli() -> None:
    pass


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be erased and why; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Erase every candidate whose retention period has ended (not held). Cron-safe."""
    result = erasure.purge(dry_run=dry_run, via="cli")
    for item in result.due:
        verb = "would erase" if dry_run else "erased" if item.candidate_id in result.erased \
            else "skipped"
        click.echo(f"{verb} candidate {item.candidate_id} (requisition {item.requisition_id}): "
                   f"{item.why}")
    if dry_run:
        click.echo(f"Dry run: {len(result.due)} candidate(s) due; nothing changed.")
    else:
        click.echo(f"Purged {len(result.erased)} candidate(s).")


@retention_cli.command("policy")
@click.option("--days", type=int, help="Set the retention period in days.")
def policy_command(days: int | None) -> None:
    """Show (or set) how long records are kept after the requisition closes or the final
    decision, whichever is later."""
    try:
        rule = retention.set_policy(days, None, via="cli") if days is not None \
            else retention.policy()
    except RetentionRefused as exc:
        _refuse(exc)
    click.echo(f"Retention: {rule.days} days after the requisition closes or the final "
               f"decision, whichever is later.")
