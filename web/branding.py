"""Each tenant's colours as a small stylesheet the Content-Security-Policy allows, and its
uploaded PNG logo.

Every page links ``/t/<slug>/brand.css`` (versioned by its content, so browsers keep it a
year); the colours are worked out once per colour, with two derived ones that keep any
brand colour readable on the bar and on the page. An uploaded PNG logo is served from
``/t/<slug>/logo.png?v=<digest>`` the same way (``templates/_macros/logo.html`` links it).
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import re

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, request, url_for
from werkzeug.wrappers import Response

from tenants.db import db
from tenants.models import Tenant


def init_app(app: Flask) -> None:
    """Serve the stylesheet and let templates link it."""
    app.add_url_rule("/t/<slug>/brand.css", "brand_css", brand_stylesheet)
    app.add_url_rule("/t/<slug>/logo.png", "brand_logo", brand_logo)
    app.context_processor(lambda: {"brand_stylesheet": brand_url})


def brand_vars(tenant: Tenant | None) -> str:
    """CSS custom properties carrying the tenant's colour into Bulma's theme.

    Besides the colour itself (``--brand``, the bar and the buttons), two derived ones keep
    any colour readable: ``--brand-on`` (white or near-black, whichever stands out on the
    colour, for text and the menu button on the bar) and ``--brand-ink`` (the colour darkened
    until it reads as text on the page, for links and the focus ring), and the text of a light
    link button, darkened until it reads on the button's tint. Only a well-formed
    ``#rrggbb`` reaches the stylesheet; anything else gets the default.
    """
    return _vars((tenant.primary_color if tenant else "") or "")


@functools.lru_cache(maxsize=256)
def _vars(color: str) -> str:
    # Pure in the colour, and every page asks for it: worked out once per colour.
    if not _HEX_COLOR.fullmatch(color):
        color = DEFAULT_BRAND
    rgb = tuple(int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, l_, s = colorsys.rgb_to_hls(*rgb)
    on = "#ffffff" if _contrast(rgb, _WHITE) >= _contrast(rgb, _DARK) else "#111827"
    ink_l = l_  # 4.6, not 4.5: room for the rounding to whole hex digits below
    while ink_l > 0 and _contrast(colorsys.hls_to_rgb(h, ink_l, s), _PAGE) < 4.6:
        ink_l = max(ink_l - 0.01, 0.0)
    ink = "#" + "".join(f"{round(c * 255):02x}" for c in colorsys.hls_to_rgb(h, ink_l, s))
    # Bulma's light link buttons (the case page's secondary actions) print the colour at a
    # fixed 33 % lightness on its 96 % tint: dark enough for a blue, too pale for a green.
    tint = colorsys.hls_to_rgb(h, _LIGHT_L, s)
    light_ink_l = _LIGHT_INK_L
    while light_ink_l > 0 and _contrast(colorsys.hls_to_rgb(h, light_ink_l, s), tint) < 4.6:
        light_ink_l = max(light_ink_l - 0.01, 0.0)
    return (
        f"--bulma-primary-h:{h * 360:.0f}deg;--bulma-primary-s:{s * 100:.0f}%;"
        f"--bulma-primary-l:{l_ * 100:.0f}%;--bulma-link-h:{h * 360:.0f}deg;"
        f"--bulma-link-s:{s * 100:.0f}%;--bulma-link-l:{ink_l * 100:.0f}%;"
        f"--bulma-link-light-invert-l:{light_ink_l * 100:.0f}%;--brand:{color};"
        f"--brand-on:{on};--brand-ink:{ink};"
    )


def _luminance(rgb: tuple[float, ...]) -> float:
    r, g_, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g_ + 0.0722 * b


def _contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The WCAG 2 contrast ratio of two sRGB colours (channels 0..1)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


_WHITE, _DARK = (1.0, 1.0, 1.0), (0x11 / 255, 0x18 / 255, 0x27 / 255)
_PAGE = (0xF5 / 255, 0xF7 / 255, 0xFA / 255)  # the page's background in app.css
# A light button's background and text lightness in Bulma 1.0.4 (--bulma-light-l and
# --bulma-link-35-l, which --bulma-link-light-invert-l names).
_LIGHT_L, _LIGHT_INK_L = 0.96, 0.33


DEFAULT_BRAND = "#1f6feb"
_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_YEAR = 365 * 24 * 3600


@functools.lru_cache(maxsize=256)
def _sheet(slug: str, color: str) -> tuple[str, str]:
    """The stylesheet of a tenant's colour and its version, once per slug and colour."""
    # Scoped by slug rather than :root, so one page can show several tenants' cards.
    scope = re.sub(r"[^a-z0-9-]", lambda m: f"\\{ord(m.group()):x} ", slug)
    css = f'[data-brand="{scope}"]{{{_vars(color)}}}\n'
    return css, hashlib.sha256(css.encode()).hexdigest()[:12]


def brand_url(tenant: Tenant) -> str:
    """The address of the tenant's stylesheet, versioned by its content so it can be kept."""
    return url_for("brand_css", slug=tenant.slug, v=_sheet(tenant.slug, tenant.primary_color)[1])


def brand_stylesheet() -> Response:
    """``/t/<slug>/brand.css``: the tenant's colours, as a file the CSP allows.

    The colours used to travel in a ``style`` attribute, which a policy without inline styles
    refuses. Public (the portal shows them to anyone), and kept a year under the versioned
    address :func:`brand_url` gives; under any other ``v`` it is revalidated.
    """
    css, version = _sheet(g.tenant.slug, g.tenant.primary_color)
    response = current_app.response_class(css, mimetype="text/css")
    response.cache_control.public = True
    if request.args.get("v") == version:
        response.cache_control.max_age = _YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    response.set_etag(version)
    return response.make_conditional(request)


def brand_logo() -> Response:
    """``/t/<slug>/logo.png``: the tenant's uploaded PNG logo; 404 when it has none.

    Public like the portal that shows it, and kept a year under the address the logo macro
    gives (``?v=`` the digest, which changes with the picture); under any other ``v`` it is
    revalidated. Always ``image/png`` with ``nosniff``, whatever bytes it holds (they were
    checked as a PNG on upload), so a browser never reads it as anything else.
    """
    etag = g.tenant.logo_etag
    if not etag:
        abort(404)
    data = db.session.scalar(sa.select(Tenant.logo_png).where(Tenant.id == g.tenant.id))
    if not data:
        abort(404)
    response = current_app.response_class(data, mimetype="image/png")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.public = True
    if request.args.get("v") == etag:
        response.cache_control.max_age = _YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    response.set_etag(etag)
    return response.make_conditional(request)
