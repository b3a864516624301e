"""Security headers on every response (Flask-Talisman) and who may keep a copy of it.

The Content-Security-Policy lets scripts and styles come only from the app's own origin: no
inline script, no inline style, no eval. So templates hold no ``<script>`` body, no
``style`` attribute and no ``<style>`` block; the tenant's colours come from its own small
stylesheet (:func:`web.branding.brand_stylesheet`), behaviour from ``static/js/app.js``, and
htmx is told through its ``htmx-config`` meta tag not to inject its indicator styles
(``static/css/app.css`` carries them).

Two decisions are ours rather than Talisman's defaults. Redirecting HTTP to HTTPS is the front
proxy's job (a redirect here would also answer the process manager's plain-HTTP health check),
so ``force_https`` is off and HSTS goes out only on requests that arrived over HTTPS. And
nothing dynamic may be stored by a browser or a proxy unless its view says ``public``: desk
pages, the public case status, the filed page and letters carry personal data, and every form
carries a CSRF token bound to one session.
"""

from __future__ import annotations

from flask import Flask, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

talisman = Talisman()

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Features no page of ours uses: a script that slipped in cannot turn them on either.
PERMISSIONS_POLICY = {
    feature: "()"
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")
}
HSTS_MAX_AGE = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Set the headers on every response; call before anything else registers hooks.

    Flask runs ``after_request`` hooks last-registered first, so hooks registered here run
    after every other one and see the final response, error pages included.
    """
    # Registered before Talisman's hook so it runs after it, on the headers Talisman set.
    app.after_request(_let_own_pages_frame)
    talisman.init_app(
        app,
        force_https=False,
        strict_transport_security=True,
        strict_transport_security_max_age=HSTS_MAX_AGE,
        # An organisation's other hosts are not ours to pin to HTTPS.
        strict_transport_security_include_subdomains=False,
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        # Case numbers travel in URLs (/status/<number>); they never leave the site.
        referrer_policy="same-origin",
        # Talisman would force the Secure flag on; the deployment decides (web/config.py).
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_http_only=True,
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
    )
    app.after_request(no_store_unless_public)
    trust_proxies(app)


# The one exception to "no frames": the letters page (web/admin/letters.py) shows its live
# preview, a PDF, in an <iframe>. The page needs nothing for that (frame-src falls back to
# default-src 'self'), but the PDF must let the app's own pages frame it, or the browser shows
# an error in the frame. Only the responses a view marks with framed_by_own_pages() get
# `frame-ancestors 'self'` and `X-Frame-Options: SAMEORIGIN`; everything else, that view's
# own refusals and error pages included, keeps 'none' and DENY, and no other site may frame
# even the preview.
_NO_FRAMES = "frame-ancestors 'none'"
_OWN_FRAMES = "frame-ancestors 'self'"


def framed_by_own_pages(response: Response) -> Response:
    """Let this response, and only it, be framed by the app's own pages (a PDF preview)."""
    response.framed_by_own_pages = True
    return response


def _let_own_pages_frame(response: Response) -> Response:
    if getattr(response, "framed_by_own_pages", False):
        policy = response.headers.get("Content-Security-Policy", "")
        if _NO_FRAMES in policy:
            response.headers["Content-Security-Policy"] = policy.replace(_NO_FRAMES, _OWN_FRAMES)
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def trust_proxies(app: Flask) -> None:
    """Believe ``X-Forwarded-For``/``-Proto`` from as many proxies as ``TRUSTED_PROXIES`` says.

    The rate limits count per client address: behind a proxy every client would share the
    proxy's address, and one attacker could spend everyone's log-in and lookup budget. With
    no proxy (the default, 0) the headers are ignored, since anyone could send them.
    """
    hops = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def no_store_unless_public(response: Response) -> Response:
    """``Cache-Control: no-store`` on every dynamic response whose view did not say ``public``.

    Private by default, cacheable by decision: a new page with personal data is safe the day
    it is added. Static files keep Flask's own revalidation.
    """
    if request.endpoint == "static" or response.cache_control.public:
        return response
    response.cache_control.no_store = True
    response.cache_control.max_age = None
    return response
