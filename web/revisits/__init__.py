"""The desk side of revisits (回访): the queue of revisits to make and the page of one, with
the phone script, the outcome buttons, the home visit and the question for management; the
revisit record book (PROP-1) and the revisit figures."""

from flask import Blueprint

bp = Blueprint("revisits", __name__, url_prefix="/t/<slug>/desk/revisits")

from . import figures, register, views, watches  # noqa: E402,F401
