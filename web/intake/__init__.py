"""Staff intake of phone, hotline, walk-in and letter complaints (same domain call as the web)."""

from flask import Blueprint

bp = Blueprint("intake", __name__, url_prefix="/t/<slug>/desk/intake")

from . import phone, views  # noqa: E402,F401
