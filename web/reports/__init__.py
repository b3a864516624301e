"""Reports over the tenant's cases, each a page over one query of :mod:`casework.reports`.

The overdue board is the first. It keeps the address it had on the desk, so the blueprint
sits at the desk's root rather than under a ``/reports`` prefix.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/t/<slug>/desk")

from . import assessment, dashboard, figures, improvements, review, summary, views  # noqa: E402,F401
