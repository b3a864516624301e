"""The public portal of each tenant: the complaint form, the receipt and status lookup."""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/t/<slug>")

from . import views  # noqa: E402,F401
