"""`flask users ...`: create accounts from the command line, and the first admin."""

from __future__ import annotations

import os
import sys

import click
from sqlalchemy import func, select

from .audit import record
from .auth.passwords import generate_password, hash_password
from .core.password_policy import password_problem
from .core.vocabulary import UserRole
from .extensions import db
from .models import ROLES, User
from .validators import EMAIL, normalise_email


@click.group("users", help="Manage user accounts.")
def users_cli() -> None:
    pass


def _create(email: str, role: str, name: str, password: str, one_time: bool) -> User:
    user = User(email=email, name=name, role=role, active=True,
                password_hash=hash_password(password), must_change_password=one_time)
    db.session.add(user)
    db.session.flush()
    record("user_created", actor_email="cli", target=f"user:{user.id}",
           details={"email": email, "role": role, "via": "cli"})
    db.session.commit()
    return user


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
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        click.secho(f"error: a user with email {email} already exists", fg="red", err=True)
        sys.exit(1)
    if generate:
        password, show = generate_password(), True
    else:
        password = click.prompt("Password (empty to generate one)", hide_input=True,
                                confirmation_prompt=True, default="", show_default=False)
        show = not password
        password = password or generate_password()
    problem = None if show else password_problem(password, (email, name))
    if problem:
        click.secho(f"error: {problem}", fg="red", err=True)
        sys.exit(1)
    # a generated password was seen on this terminal: one-time, changed at the first login
    user = _create(email, role, name.strip() or email.split("@")[0], password, one_time=show)
    click.echo(f"Created {user.role} {user.email}.")
    if show:
        click.echo(f"Password (shown once): {password}")


@users_cli.command("bootstrap")
def bootstrap_command() -> None:
    """When there are no users at all, create one admin and print its password once."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return
    email = normalise_email(os.environ.get("HIRING_ADMIN_EMAIL") or "admin@hiring.local")
    password = generate_password()
    _create(email, UserRole.ADMIN.value, "Administrator", password, one_time=True)
    click.echo("")
    click.secho("  First run: an admin account was created.", bold=True)
    click.echo(f"  Email:    {email}")
    click.echo(f"  Password: {password}")
    click.echo("  This is shown only once, and works once: at the first login you choose your own.")
    click.echo("")
