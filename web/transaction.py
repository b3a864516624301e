"""One commit per request, and one way to run a domain verb for a form.

Views call domain verbs and never commit or roll back themselves. After the view has made
its response, :func:`_finish` commits once when it is a success or a redirect and rolls back
anything else, so a refused change never leaves a half-saved case (Indico commits in its
request handler the same way). Outbox rows written by the verbs are handed to the job runner
by that commit, never before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from casework.errors import DomainError, InvalidInput
from tenants.db import db

T = TypeVar("T")


def init_app(app: Flask) -> None:
    """Commit (or roll back) once, after every request's view."""
    app.after_request(_finish)


def _finish(response: Response) -> Response:
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


class Refused(Exception):
    """A verb refused the change for a reason that is not one field's (wrong status or role).

    Carries the domain's message, in the user's language, for the page to show.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def attempt(form: FlaskForm, call: Callable[[], T]) -> T | None:
    """Run one domain verb for a validated form; None when it refused the input.

    The transaction is rolled back on any refusal. Invalid input lands on the field it names
    (or above the form when the form has no such field); any other refusal raises
    :class:`Refused` for the view to show where it fits.
    """
    try:
        return call()
    except InvalidInput as exc:
        db.session.rollback()
        field = getattr(form, exc.field, None)
        if field is not None:
            field.errors = [*field.errors, str(exc)]
        else:
            form.form_errors.append(str(exc))
        return None
    except DomainError as exc:
        db.session.rollback()
        raise Refused(str(exc)) from exc
