"""Command-line interface: `flask --app wsgi ...` or the `hiring` console script."""

from __future__ import annotations

import json
import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from .core.blueprint_parser import BlueprintError, parse_file
from .core.text import one_line
from .services.blueprints import blueprint_files, import_blueprint_files


def shown(line: str) -> str:
    """A line for the operator's terminal holding text from a file or typed in the web app:
    control characters (escape sequences that retitle the window or erase lines) become
    spaces."""
    return one_line(line)


def _print_result(result) -> None:
    parsed, template = result.parsed, result.template
    state = "new version" if result.created else "unchanged"
    click.echo(shown(f"{parsed.source_name}: {parsed.title} v{template.version} ({state})"))
    for dim in parsed.dimensions:
        click.echo(shown(f"    {dim.weight:6.2f}%  {dim.name}  [{dim.weight_source}]"))
    for warning in parsed.warnings:
        click.secho(shown(f"    warning: {warning}"), fg="yellow")


def run_import(paths: list[str] | None) -> list:
    files = blueprint_files(paths, current_app.config["SEED_DIR"])
    try:
        results = import_blueprint_files(files)
    except BlueprintError as exc:
        click.secho(shown(f"error: {exc}"), fg="red", err=True)
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    return results


@click.group("blueprints", help="Import and inspect role blueprints.")
def blueprints_cli() -> None:
    pass


@blueprints_cli.command("import")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
def import_command(paths: tuple[str, ...]) -> None:
    """Import blueprint files (default: every file in seed/blueprints/) in one transaction."""
    for result in run_import(list(paths) or None):
        _print_result(result)


@blueprints_cli.command("inspect")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the parsed blueprint as JSON.")
def inspect_command(path: str, as_json: bool) -> None:
    """Parse a blueprint and print it; writes nothing."""
    try:
        parsed = parse_file(path)
    except BlueprintError as exc:
        click.secho(shown(f"error: {exc}"), fg="red", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(parsed.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(shown(f"{parsed.title} ({parsed.slug})"))
    for dim in parsed.dimensions:
        click.echo(shown(f"  {dim.weight:6.2f}%  {dim.name}  [{dim.weight_source}]"))
    click.echo(
        f"  {len(parsed.case_studies)} case studies, {len(parsed.assess)} assessment areas, "
        f"{len(parsed.signals.strong)} strong / {len(parsed.signals.weak)} weak signals, "
        f"{len(parsed.signals.red_flags)} red flags"
    )
    for warning in parsed.warnings:
        click.secho(shown(f"  warning: {warning}"), fg="yellow")


@click.command("seed")
def seed_command() -> None:
    """Import the bundled blueprints (idempotent)."""
    results = run_import(None)
    created = sum(r.created for r in results)
    click.echo(f"Blueprints: {len(results)} checked, {created} new template version(s).")


@click.command("setup")
@click.pass_context
def setup_command(ctx: click.Context) -> None:
    """Make the database ready to serve, in one process (what `make run` does): migrate,
    recompute stored scores missing or from an older formula, import the bundled
    blueprints, and create the first admin when there are no users. Each step is the
    command of its name, and safe to run again."""
    from flask_migrate import upgrade

    from .cli_scale import refresh_command
    from .cli_users import bootstrap_command

    upgrade()
    ctx.invoke(refresh_command, everything=False)
    ctx.invoke(seed_command)
    ctx.invoke(bootstrap_command)


@click.command("demo")
@click.option("--candidates", default=4, show_default=True, type=click.IntRange(1, 5000),
              help="Candidates per requisition, each with a full loop of submitted "
                   "scorecards.")
@click.option("--requisitions", default=1, show_default=True, type=click.IntRange(1, 100))
@click.option("--interviewers", default=5, show_default=True, type=click.IntRange(1, 12))
@click.option("--reset", is_flag=True,
              help="Remove every demo requisition and demo account instead.")
def demo_command(candidates: int, requisitions: int, interviewers: int, reset: bool) -> None:
    """Add a demo requisition with candidates and submitted scorecards (marked as demo)."""
    from .services.demo import build_demo, reset_demo

    if reset:
        counts = reset_demo()
        click.echo(f"Removed {counts['requisitions']} demo requisition(s) and "
                   f"{counts['users_removed']} demo account(s); "
                   f"{counts['users_deactivated']} demo account(s) the audit log refers to "
                   "were deactivated instead.")
        return
    passwords: dict[str, str] = {}
    for _ in range(requisitions):
        requisition, made = build_demo(current_app.config["SEED_DIR"], candidates=candidates,
                                       interviewers=interviewers)
        passwords.update(made)
        click.echo(f"Demo requisition {requisition.id}: {requisition.title}, "
                   f"{candidates} candidates with submitted scorecards.")
    from .services.calibration_job import fit

    fit()  # rater effects for the debriefs, as the background job would
    if passwords:
        click.echo("Demo logins (the passwords are shown only now):")
        for email, password in passwords.items():
            click.echo(f"  {email:32} {password}")
    else:
        click.echo("The demo logins exist from an earlier demo; their passwords were shown "
                   "then. `flask --app wsgi demo --reset` removes the demo data.")
    click.echo("Log in as hm@demo.example (hiring manager) to read the debriefs.")


def register_cli(app: Flask) -> None:
    from .cli_audit import audit_cli
    from .cli_reminders import reminders_cli
    from .cli_retention import candidates_cli, retention_cli
    from .cli_users import users_cli
    from .packets.batch import packets_cli

    app.cli.add_command(blueprints_cli)
    app.cli.add_command(seed_command)
    app.cli.add_command(setup_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(packets_cli)
    app.cli.add_command(candidates_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(reminders_cli)
    from .cli_scale import register

    register(app)


def main() -> None:
    from . import create_app

    FlaskGroup(create_app=create_app, help="The hiring app's commands.")()
