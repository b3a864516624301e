"""The bell: a staff member's reminders, escalations and other notices about their cases."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/t/<slug>/desk/notifications")

from . import views  # noqa: E402,F401
