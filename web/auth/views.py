"""Log-in and log-out views; a session is bound to the tenant it logged in to."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from tenants import accounts

from ..extensions import limit_account_failures, limit_failures
from . import bp
from .forms import LoginForm


@bp.route("/login", methods=["GET", "POST"])
@limit_failures("20 per 10 minutes")
@limit_account_failures("10 per 10 minutes")
def login():
    """Log a staff member in to this tenant's desk.

    A wrong password, an unknown name and a deactivated account get one message, after the
    same work; a throttled address and a throttled account get one 429.
    """
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(
            form.username.data, form.password.data, current_app.config["PASSWORD_HASH_METHOD"]
        )
        if user is not None:
            lang = session.get("lang")
            session.clear()  # no state carried over from another tenant's session
            if lang:
                session["lang"] = lang
            login_user(user)
            return redirect(_desk_target(request.args.get("next", "")), 303)
        form.password.errors.append(_("Wrong username or password."))
    return render_template("auth/login.html", form=form)


def _desk_target(raw: str) -> str:
    """``next=`` when it is a plain path on this tenant's desk, else the queue.

    Anything else (another host or tenant, a dot segment, a control character that would
    split the Location header) goes to the queue instead of an error or an open redirect.
    """
    home = url_for("cases.queue")
    try:
        parts = urlsplit(raw)
    except ValueError:
        return home
    path = unquote(parts.path)
    if (
        parts.scheme
        or parts.netloc
        or not path.startswith(home)
        or any(ch < " " or ch in "\\\x7f" for ch in raw + path)
        or posixpath.normpath(path) + ("/" if path.endswith("/") else "") != path
    ):
        return home
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.post("/logout")
def logout():
    """Log out and go back to the log-in page; the session's cookie is dead from now on."""
    if current_user.is_authenticated:
        accounts.log_out(current_user._get_current_object())
    logout_user()
    return redirect(url_for("auth.login"), 303)
