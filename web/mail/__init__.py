"""The mail log: every email the tenant sent, or kept because no SMTP server is set."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/t/<slug>/desk/mail")

from . import views  # noqa: E402,F401
