"""`flask users ...`: create accounts from the command line, and the first admin. The same
service functions as the admin pages."""

from __future__ import annotations

import os
import sys

import click

from .auth.passwords import generate_password
from .models import ROLES
from .services.errors import DomainError
from .services.users import bootstrap_admin, create_user, email_taken
from .validators import EMAIL, normalise_email


@click.group("users", help="Manage user accounts.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="", help="Display name (default: the part before @).")
@click.option("--generate-password", "generate", is_flag=True,
              help="Generate a password and print it once instead of prompting.")
def create_command(email: str, role: str, name: str, generate: bool) -> None:
    """Create a user. Prompts for a password, or generates one and prints it once."""
    email = normalise_email(email)
    if not EMAIL.match(email):
        raise click.BadParameter("not an email address", param_hint="EMAIL")
    if email_taken(email):  # before asking for a password (the service checks again)
        click.secho(f"error: a user with email {email} already exists", fg="red", err=True)
        sys.exit(1)
    if generate:
        password, show = generate_password(), True
    else:
        password = click.prompt("Password (empty to generate one)", hide_input=True,
                                confirmation_prompt=True, default="", show_default=False)
        show = not password
        password = password or generate_password()
    try:
        # a generated password was seen on this terminal: one-time, changed at the first login
        user, _ = create_user(email, name.strip() or email.split("@")[0], role,
                              password=password, via="cli", one_time=show,
                              check_strength=not show)
    except DomainError as exc:
        click.secho(f"error: {exc.message}", fg="red", err=True)
        sys.exit(1)
    click.echo(f"Created {user.role} {user.email}.")
    if show:
        click.echo(f"Password (shown once): {password}")


@users_cli.command("bootstrap")
def bootstrap_command() -> None:
    """When there are no users at all, create one admin and print its password once."""
    email = normalise_email(os.environ.get("HIRING_ADMIN_EMAIL") or "admin@hiring.local")
    created = bootstrap_admin(email)
    if created is None:
        return
    _, password = created
    click.echo("")
    click.secho("  First run: an admin account was created.", bold=True)
    click.echo(f"  Email:    {email}")
    click.echo(f"  Password: {password}")
    click.echo("  This is shown only once, and works once: at the first login you choose your own.")
    click.echo("")
