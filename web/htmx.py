"""One fragment, two uses: the full page normally, the fragment alone for htmx."""

from __future__ import annotations

from typing import Any

from flask import Flask, make_response, render_template, request
from werkzeug.wrappers import Response


def init_app(app: Flask) -> None:
    """Let templates ask the same question the views do."""
    app.jinja_env.globals["is_htmx"] = is_htmx


def is_htmx() -> bool:
    """An htmx request that wants a fragment (history restores want the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(page: str, fragment: str, status: int = 200, **context: Any) -> Response:
    """Render ``fragment`` for htmx, else ``page`` (which includes the fragment)."""
    response = make_response(render_template(fragment if is_htmx() else page, **context), status)
    response.vary.add("HX-Request")
    return response
