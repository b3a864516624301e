"""The staff desk: the queue, the case page and the actions on a case."""

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/t/<slug>/desk")

from . import board, dossiers, export, search, views  # noqa: E402,F401
