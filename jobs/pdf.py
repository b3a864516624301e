"""PDF rendering with WeasyPrint: one font configuration and stylesheet per process.

Reusing them keeps memory flat over thousands of letters (a fresh ``FontConfiguration`` per
render leaks through reference cycles), and the trimmed CJK faces from :mod:`jobs.fonts` keep
a one-page Chinese letter near 120 KB instead of 340 KB.
"""

from __future__ import annotations

import atexit
import mimetypes
import os
import threading
from urllib.parse import urlsplit

from flask import current_app

ASSET_HOST = "closeloop.invalid"
BASE_URL = f"https://{ASSET_HOST}/static/"

_lock = threading.Lock()
_cache: dict[str, object] = {}
# Drop the renderer while WeasyPrint's C bindings still exist; at interpreter teardown
# FontConfiguration.__del__ would find them gone.
atexit.register(_cache.clear)


def _static_only_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_root = os.path.realpath(current_app.static_folder)

    class StaticOnlyFetcher(URLFetcher):
        """Serves the app's own static files and data: URLs; refuses everything else."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme != "https" or parts.netloc != ASSET_HOST:
                raise ValueError(f"refused to fetch {url!r}")
            if not parts.path.startswith("/static/"):
                raise ValueError(f"refused to fetch {url!r}")
            path = os.path.realpath(os.path.join(static_root, parts.path[len("/static/") :]))
            if not path.startswith(static_root + os.sep) or not os.path.isfile(path):
                raise ValueError(f"refused to fetch {url!r}")
            with open(path, "rb") as fh:
                body = fh.read()
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})

    return StaticOnlyFetcher(allowed_protocols={"https", "data"}, allow_redirects=False)


def _renderer() -> dict[str, object]:
    with _lock:
        if not _cache:
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            from .fonts import font_face_css

            font_config = FontConfiguration()
            fetcher = _static_only_fetcher()
            css = CSS(
                string=font_face_css(current_app.static_folder),
                base_url=BASE_URL,
                url_fetcher=fetcher,
                font_config=font_config,
            )
            _cache.update(font_config=font_config, css=css, fetcher=fetcher)
        return _cache


def warm() -> None:
    """Import WeasyPrint and load the fonts now, e.g. before a worker starts taking jobs."""
    render_pdf("<p>预热 warm-up</p>")


def render_pdf(html: str) -> bytes:
    """Render an HTML string to PDF bytes, fetching only the app's own static files."""
    from weasyprint import HTML

    r = _renderer()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=r["fetcher"])
    return document.write_pdf(stylesheets=[r["css"]], font_config=r["font_config"])
