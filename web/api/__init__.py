"""The JSON API of each tenant: the REST API and Open311 (GeoReport v2) go here.

Its routes call the same verbs and scoped access helpers as the desk and the portal, so a
case opened or moved through the API follows the same transitions and leaves the same
history; its errors answer as JSON, not as HTML pages. No routes yet.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/t/<slug>/api")
