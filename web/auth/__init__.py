"""Staff log-in and log-out, per tenant."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from tenants.db import db
from tenants.models import User

from ..extensions import limit_failures

bp = Blueprint("auth", __name__, url_prefix="/t/<slug>/desk")


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


@bp.route("/login", methods=["GET", "POST"])
@limit_failures("20 per 10 minutes")
def login():
    """Log a staff member in to this tenant's desk."""
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalars(
            sa.select(User).where(User.username == form.username.data.strip())
        ).one_or_none()
        if user is not None and user.active and user.check_password(form.password.data):
            lang = session.get("lang")
            session.clear()  # no state carried over from another tenant's session
            if lang:
                session["lang"] = lang
            login_user(user)
            target = request.args.get("next", "")
            prefix = url_for("cases.queue")
            if not target.startswith(prefix.rstrip("/")):
                target = prefix
            return redirect(target, 303)
        form.password.errors.append(_("Wrong username or password."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Log out and go back to the log-in page."""
    logout_user()
    return redirect(url_for("auth.login"), 303)
