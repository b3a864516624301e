"""Log-in and log-out views; a session is bound to the tenant it logged in to."""

from __future__ import annotations

import sqlalchemy as sa
from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from tenants.db import db
from tenants.models import User

from ..extensions import limit_failures
from . import bp
from .forms import LoginForm


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
