"""Error pages: a clear message in the user's language, never a bare 500."""

from __future__ import annotations

import logging

from flask import Flask, abort, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from casework.errors import Forbidden, NotFound
from tenants.db import db

from .forms import UPLOAD_MB
from .htmx import is_htmx

log = logging.getLogger(__name__)


def _refuse_nul() -> None:
    """NUL characters cannot be stored (PostgreSQL refuses them): a 400, not a 500 later."""
    values = [request.path, *request.args.values()]
    if request.method == "POST":
        values += request.form.values()
        values += [f.filename or "" for _key, f in request.files.items(multi=True)]
    if any("\x00" in value for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.before_request(_refuse_nul)

    @app.errorhandler(NotFound)
    def _not_found(_exc: NotFound):
        return _page(404, _("Not found"), _("There is nothing at this address."))

    @app.errorhandler(Forbidden)
    def _forbidden(exc: Forbidden):
        return _page(403, _("Not allowed"), str(exc))

    @app.errorhandler(CSRFError)
    def _csrf(_exc: CSRFError):
        return _page(
            400,
            _("The form expired"),
            _("The page was open too long or was sent twice. Go back, reload and try again."),
        )

    @app.errorhandler(InternalServerError)
    def _server_error(_exc: InternalServerError):
        """Whatever failed, the database may be gone with it (a dropped connection leaves the
        session failed until rolled back): roll back first, then render from plain values."""
        try:
            db.session.rollback()
        except Exception:
            log.exception("rolling back after an error failed too")
        return _page(
            500,
            _("Something went wrong"),
            _("The error has been logged and nothing you saved was lost. Please try again."),
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        messages = {
            404: (_("Not found"), _("There is nothing at this address.")),
            403: (_("Not allowed"), _("Your role may not open this page.")),
            400: (_("Bad request"), _("The request contained characters that cannot be stored.")),
            413: (
                _("Too large"),
                _("The upload is larger than the limit of %(size)s MB.", size=UPLOAD_MB),
            ),
            429: (_("Too many tries"), _("Please wait a few minutes before trying again.")),
        }
        title, text = messages.get(exc.code, (exc.name, exc.description))
        return _page(exc.code or 500, title, text)


def _page(code: int, title: str, text: str):
    # The tenant's plain copy, not the ORM row: an error page never needs the database.
    template = "errors/_error.html" if is_htmx() else "errors/error.html"
    page = render_template(template, code=code, title=title, text=text, tenant=g.get("tenant_view"))
    return page, code
