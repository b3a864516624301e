"""Staff log-in and log-out, per tenant."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/t/<slug>/desk")

from . import views  # noqa: E402,F401
