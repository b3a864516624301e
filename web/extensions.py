"""Extensions, created unbound and bound in create_app()."""

from __future__ import annotations

from collections.abc import Callable

from flask import g, request
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


def limit_failures(rate: str) -> Callable:
    """Rate-limit a form's failed POSTs (re-shown with a 200) per address and tenant."""
    return limiter.limit(
        rate,
        methods=["POST"],
        key_func=lambda: f"{request.remote_addr}:{g.tenant.id}",
        deduct_when=lambda response: response.status_code == 200,
    )
