"""Log-in and log-out, the set-password link and my account; a session is bound to the
tenant it logged in to."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from jobs import accounts as account_mail
from tenants import accounts, passwords
from tenants.db import db
from tenants.models import Department

from ..extensions import limit_account_failures, limit_failures, limiter
from ..tenancy import staff_required
from . import bp
from .forms import ChangePasswordForm, LoginForm, SetPasswordForm, show_refusal


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
            _log_in_fresh(user)
            return redirect(_desk_target(request.args.get("next", "")), 303)
        form.password.errors.append(_("Wrong username or password."))
    return render_template("_login.html", form=form, layout="base.html", heading=_("Staff log-in"))


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


def _address_key() -> str:
    return f"{request.remote_addr}:{g.tenant.id}"


@bp.route("/password/<token>", methods=["GET", "POST"])
@limit_failures("20 per 10 minutes")
@limiter.limit(
    "20 per 10 minutes", key_func=_address_key, deduct_when=lambda r: r.status_code == 404
)
def set_password(token: str):
    """Set a password through a one-time link (a new account's, or after a reset).

    A forged, expired, used or overtaken link gets a page saying so (404), counted per
    address like failed log-ins. On success the user's other sessions end and this browser
    is logged in as them.
    """
    config = current_app.config
    user = accounts.user_for_token(token, config["SECRET_KEY"], account_mail.link_hours() * 3600)
    if user is None:
        return _link_spent()
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            done = accounts.set_password_from_link(
                user, form.password.data, config["PASSWORD_HASH_METHOD"]
            )
        except accounts.Refused as exc:
            show_refusal(form, exc)
        else:
            if not done:
                return _link_spent()
            _log_in_fresh(user)
            flash(_("Your password is set. Welcome, %(name)s.", name=user.name), "success")
            return redirect(url_for("cases.queue"), 303)
    return render_template(
        "auth/set_password.html", form=form, user=user, min_length=passwords.MIN_LENGTH
    )


def _link_spent():
    return render_template("auth/link_invalid.html"), 404


def _log_in_fresh(user) -> None:
    """Log ``user`` in on a clean session, keeping only the chosen language."""
    lang = session.get("lang")
    session.clear()  # no state carried over from another tenant's or user's session
    if lang:
        session["lang"] = lang
    login_user(user)


def _own_key() -> str:
    who = current_user.id if current_user.is_authenticated else request.remote_addr
    return f"own-password:{g.tenant.id}:{who}"


@bp.route("/account", methods=["GET", "POST"])
@staff_required()
@limit_failures("20 per 10 minutes")
@limiter.limit(
    "10 per 10 minutes",
    methods=["POST"],
    key_func=_own_key,
    deduct_when=lambda r: r.status_code == 200,
)
def account():
    """My account: who I am here, and changing my own password (the current one required).

    Changing it ends every session of mine, on every device; this browser is logged in again.
    """
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(
                user,
                form.current_password.data,
                form.password.data,
                current_app.config["PASSWORD_HASH_METHOD"],
            )
        except accounts.Refused as exc:
            show_refusal(form, exc)
        else:
            _log_in_fresh(user)
            flash(_("Your password is changed. Your other sessions have ended."), "success")
            return redirect(url_for("auth.account"), 303)
    department = db.session.get(Department, user.department_id) if user.department_id else None
    return render_template(
        "auth/account.html",
        form=form,
        user=user,
        department=department,
        min_length=passwords.MIN_LENGTH,
    )
