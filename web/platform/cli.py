"""``flask platform …``: operator accounts, made on the server by whoever runs it.

There is no screen that makes an operator: whoever can reach the console can create and
suspend tenants, so the first and every further account is made from the command line.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from tenants import platform
from tenants.db import db

platform_cli = AppGroup("platform", help="Platform operators.")


def _check_password(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    known = tuple(str(ctx.params.get(key) or "") for key in ("username", "name"))
    problem = platform.password_problem(value, known)
    if problem:
        raise click.BadParameter(problem)
    return value


@platform_cli.command("create-operator")
@click.argument("username")
@click.option("--name", required=True, help="The operator's full name, shown in audit logs.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    callback=_check_password,
    help="Prompted (hidden, twice) when not given.",
)
def create_operator(username: str, name: str, password: str) -> None:
    """Create a platform operator, who logs in at /platform."""
    try:
        operator = platform.create_operator(
            username, name, password, current_app.config["PASSWORD_HASH_METHOD"]
        )
    except platform.OperatorError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"created operator {operator.username!r} ({operator.name}); log in at /platform")
