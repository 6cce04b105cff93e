"""Commands for the derived data: `flask snapshots refresh`, `flask calibration fit` and
`flask packets worker` (the RQ worker that renders packets and fits rater effects)."""

from __future__ import annotations

import click
from flask import current_app


@click.group("snapshots", help="Stored score snapshots.")
def snapshots_cli() -> None:
    pass


@snapshots_cli.command("refresh")
@click.option("--all", "everything", is_flag=True,
              help="Recompute every snapshot, not only missing or out-of-date ones.")
def refresh_command(everything: bool) -> None:
    """Recompute snapshots that are missing or made by another formula version (run after
    an upgrade that changes the formula)."""
    from .services import snapshots

    count = snapshots.refresh_now(everything)
    click.echo(f"{count} snapshot(s) recomputed.")


@click.group("calibration", help="Rater-effect estimates.")
def calibration_cli() -> None:
    pass


@calibration_cli.command("fit")
def fit_command() -> None:
    """Fit rater effects on the whole history now and store them (e.g. nightly from cron;
    submissions also queue a fit)."""
    from .services.calibration_job import fit

    click.echo(f"{fit()} interviewer estimate(s) stored.")


def worker_command_group(packets_cli: click.Group) -> None:
    @packets_cli.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def worker_command(burst: bool) -> None:
        """Run an RQ worker for packet renders and rater fits (needs REDIS_URL). It never
        forks (RQ's SimpleWorker): WeasyPrint has crashed after fork. Run one per core."""
        from redis import Redis
        from rq import Queue, SimpleWorker

        from .packets.queue import QUEUE_NAME

        url = current_app.config.get("REDIS_URL")
        if not url:
            raise click.ClickException("REDIS_URL is not set: packets render in-process.")
        connection = Redis.from_url(url)
        queue = Queue(current_app.config.get("PACKET_QUEUE_NAME") or QUEUE_NAME,
                      connection=connection)
        SimpleWorker([queue], connection=connection).work(burst=burst)


def register(app) -> None:
    from .packets.batch import packets_cli

    worker_command_group(packets_cli)
    app.cli.add_command(snapshots_cli)
    app.cli.add_command(calibration_cli)
