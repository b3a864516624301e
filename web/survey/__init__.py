"""The questionnaire a complainant opens from the link in a mail or a text (回访问卷, CS-2):
no login, the tenant's portal frame and language, reached under the tenant's own portal path
(``/t/<slug>/survey/<token>``), so a token of one tenant under another's path is a 404."""

from flask import Blueprint

bp = Blueprint("survey", __name__, url_prefix="/t/<slug>/survey")

from . import views  # noqa: E402,F401
