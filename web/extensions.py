"""Extensions, created unbound and bound in create_app()."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, g, request
from flask.logging import default_handler
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_limiter(app: Flask) -> None:
    """Bind the limiter, and let its storage warnings reach the app's log.

    Flask-Limiter reports a lost storage ("falling back to in-memory storage") and its
    recovery on its own logger, which carries only a NullHandler: with logging otherwise
    unconfigured (gunicorn leaves it so) the warning would vanish. It goes where Flask's own
    log goes instead.
    """
    limiter.init_app(app)
    log = limiter.logger
    configured = logging.getLogger().handlers or any(
        not isinstance(h, logging.NullHandler) for h in log.handlers
    )
    if not configured:
        log.addHandler(default_handler)
        if log.level == logging.NOTSET:
            log.setLevel(logging.INFO)


def _failed(response) -> bool:
    return response.status_code == 200  # a form shown again with its errors


def limit_failures(rate: str) -> Callable:
    """Rate-limit a form's failed POSTs (re-shown with a 200) per address and tenant."""
    return limiter.limit(
        rate,
        methods=["POST"],
        key_func=lambda: f"{request.remote_addr}:{g.tenant.id}",
        deduct_when=_failed,
    )


def limit_account_failures(rate: str, field: str = "username") -> Callable:
    """Rate-limit failed POSTs per tenant and the account named in the form, across addresses.

    A guesser spreading tries over many addresses slips under the per-address limit; this
    one counts them together. The key is the name as typed, whether or not such an account
    exists, so the 429 tells nothing about which names do.
    """
    return limiter.limit(
        rate,
        methods=["POST"],
        key_func=lambda: f"account:{g.tenant.id}:{_account_key(request.form.get(field, ''))}",
        deduct_when=_failed,
    )


def _account_key(name: str) -> str:
    return name.strip().lower()[:100]
