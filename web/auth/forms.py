"""The log-in, set-password and change-password forms, and how an account verb's refusal
lands on a form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from tenants.accounts import Refused
from tenants.db import db
from tenants.passwords import MAX_LENGTH, MIN_LENGTH


class LoginForm(FlaskForm):
    """A staff member's username and password on one tenant's desk."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def _new_password() -> PasswordField:
    return PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
        ],
    )


def _repeat() -> PasswordField:
    return PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class SetPasswordForm(FlaskForm):
    """A new password, twice (the set-password link)."""

    password = _new_password()
    confirm = _repeat()


class ChangePasswordForm(FlaskForm):
    """The current password and a new one, twice (my account)."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    password = _new_password()
    confirm = _repeat()


def show_refusal(form: FlaskForm, exc: Refused) -> None:
    """Put an account verb's refusal on the field it names, or above the form.

    The transaction is rolled back first, so nothing of the refused change is saved.
    """
    db.session.rollback()
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        form.form_errors.append(str(exc))
