"""The platform console (平台控制台) at ``/platform``: the operator who runs the installation.

Lives outside every tenant: no ``<slug>`` in its URLs, its own session key, and nothing in
it reads case content or personal data.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("platform", __name__, url_prefix="/platform")

from . import views  # noqa: E402,F401
