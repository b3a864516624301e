"""The platform's front door: the directory of organisations and the health check."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from . import views  # noqa: E402,F401
