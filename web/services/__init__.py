"""Service records at the desk: one entered by hand, a maintenance system's export imported
after its preview, and the sample draws of work orders (PROP-10) with their audit."""

from flask import Blueprint

bp = Blueprint("services", __name__, url_prefix="/t/<slug>/desk/services")

from . import draws, views  # noqa: E402,F401
