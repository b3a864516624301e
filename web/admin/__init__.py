"""Tenant administration: the working calendar and the deadline policy."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/t/<slug>/desk/admin")

from . import views  # noqa: E402,F401
