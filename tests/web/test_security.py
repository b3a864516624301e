"""Security headers on every response, caching of personal data, Secure cookies, brand.css.

The walk visits every URL rule (new routes are picked up by themselves) as a member of staff
and as a stranger, and checks the headers and that no page carries inline script or style,
which the Content-Security-Policy would refuse.
"""

from __future__ import annotations

import colorsys
import re
from html.parser import HTMLParser

import pytest
from flask import url_for

from tests.browser.helpers import contrast
from tests.conftest import login
from tests.isolation import fixture_ids
from web.branding import brand_vars
from web.config import from_env

CACHEABLE = {"static", "brand_css"}  # no personal data, no session: may be kept


def _ids(org) -> dict:
    """Real ids of ``org`` for every URL argument, so each rule reaches a real page."""
    return {**fixture_ids(org), "slug": org.slug, "filename": "css/app.css"}


def _walk(app, client, ids: dict) -> dict:
    """Every rule with every method it takes; log-out last so the session lasts the walk."""
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout")
    responses = {}
    for rule in rules:
        with app.test_request_context():
            url = url_for(rule.endpoint, **{k: ids[k] for k in rule.arguments})
        for method in sorted(rule.methods & {"GET", "POST"}):
            responses[rule.endpoint, method] = client.open(url, method=method, data={})
    assert {endpoint for endpoint, _ in responses} == {r.endpoint for r in app.url_map.iter_rules()}
    return responses


class _Inline(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' and 'unsafe-eval' would refuse."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "style":
            self.found.append("<style> block")
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        for name, value in attrs:
            if name == "style" or name.startswith(("on", "hx-on")):
                self.found.append(f"{tag} {name}={value!r}")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value!r}")


def _check(endpoint: str, method: str, response) -> None:
    where = f"{method} {endpoint} → {response.status_code}"
    assert response.status_code < 500, where
    policy = response.headers["Content-Security-Policy"]
    csp = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    for directive in ("default-src", "script-src", "style-src", "connect-src", "form-action"):
        assert csp[directive] == "'self'", (where, directive)
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'", where
    assert "unsafe" not in policy, where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] == "same-origin", where
    assert "Strict-Transport-Security" not in response.headers, f"HSTS over HTTP: {where}"
    if endpoint not in CACHEABLE:
        assert "no-store" in response.headers.get("Cache-Control", ""), where
    if response.mimetype == "text/html":
        parser = _Inline()
        parser.feed(response.text)
        assert parser.found == [], where


@pytest.mark.parametrize("who", ["admin", "desk", None])
def test_every_route_sends_the_security_headers(app, client, world, who):
    ids = _ids(world.a)
    if who:
        login(client, world.a, who)
    else:  # a complainant who filed the case may see its status, receipt and filed page
        with client.session_transaction() as session:
            session["cases_seen"] = [ids["case_id"]]
    responses = _walk(app, client, ids)
    for (endpoint, method), response in responses.items():
        _check(endpoint, method, response)
    # The pages with personal data were reached for real, not as a 404 or a log-in redirect.
    seen = {e: r.status_code for (e, m), r in responses.items() if m == "GET"}
    if who == "admin":
        for endpoint in ("cases.queue", "cases.show", "cases.attachment", "mail.log"):
            assert seen[endpoint] == 200, endpoint
        assert seen["cases.letter"] in (200, 202)
    if who is None:
        for endpoint in ("portal.filed", "portal.case_status"):
            assert seen[endpoint] == 200, endpoint
        assert seen["portal.receipt"] in (200, 202)


def test_hsts_only_over_https(client, world):
    plain = client.get("/t/alpha/")
    assert plain.status_code == 200  # no redirect to HTTPS: the front proxy's job
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/t/alpha/", base_url="https://closeloop.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    proxied = client.get("/t/alpha/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in proxied.headers


@pytest.mark.parametrize(
    ("public_url", "setting", "secure"),
    [
        ("https://complaints.example.cn", None, True),
        ("http://127.0.0.1:5000", None, False),
        (None, None, False),
        ("https://complaints.example.cn", "0", False),
        ("http://127.0.0.1:5000", "1", True),
    ],
)
def test_secure_cookie_follows_the_public_address(
    monkeypatch, tmp_path, public_url, setting, secure
):
    for name, value in (("PUBLIC_URL", public_url), ("SESSION_COOKIE_SECURE", setting)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("SECRET_KEY", "x")
    assert from_env(str(tmp_path))["SESSION_COOKIE_SECURE"] is secure


def test_a_secure_setting_marks_the_session_cookie(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = client.post(
        "/t/alpha/desk/login",
        data={"username": "desk", "password": "test-pass"},
        base_url="https://closeloop.test",
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_brand_stylesheet_carries_the_tenants_colour(client, world):
    page = client.get("/t/alpha/").text
    assert re.search(r'<html lang="[^"]+" data-brand="alpha">', page)
    href = re.search(r'href="(/t/alpha/brand\.css\?v=[0-9a-f]+)"', page).group(1)
    css = client.get(href)
    assert css.mimetype == "text/css"
    assert css.text.startswith('[data-brand="alpha"]{') and "--brand:#c2410c;" in css.text
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Another version (an old page after a colour change) is revalidated, not trusted.
    stale = client.get("/t/alpha/brand.css?v=0")
    assert "no-cache" in stale.headers["Cache-Control"]
    again = client.get(href, headers={"If-None-Match": css.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/t/beta/brand.css").text.startswith('[data-brand="beta"]')


def test_the_directory_shows_each_tenant_in_its_colour(client, world):
    page = client.get("/").text
    for slug in ("alpha", "beta"):
        assert f'data-brand="{slug}"' in page and f"/t/{slug}/brand.css?v=" in page


def _rgb(hex_color: str) -> str:
    return "rgb({}, {}, {})".format(*(int(hex_color[i : i + 2], 16) for i in (1, 3, 5)))


class _Tenant:
    def __init__(self, color: str) -> None:
        self.primary_color = color


def _hsl(h: str, s: str, lightness: float) -> str:
    r, g, b = colorsys.hls_to_rgb(float(h.removesuffix("deg")) / 360, lightness, int(s[:-1]) / 100)
    return f"rgb({round(r * 255)}, {round(g * 255)}, {round(b * 255)})"


@pytest.mark.parametrize(
    "color", ["#c2410c", "#0f766e", "#166534", "#1f6feb", "#fde047", "#ffffff"]
)
def test_brand_colours_stay_readable(color):
    props = dict(p.split(":", 1) for p in brand_vars(_Tenant(color)).strip(";").split(";"))
    assert props["--brand"] == color
    # Text and the menu button on the bar; links and the focus ring on the page.
    assert contrast(_rgb(props["--brand-on"]), _rgb(color)) >= 4.5
    assert contrast(_rgb(props["--brand-ink"]), _rgb("#f5f7fa")) >= 4.5
    # A light link button's text on its tint (Bulma's 96 % lightness), as the browser rounds.
    h, s = props["--bulma-link-h"], props["--bulma-link-s"]
    text = _hsl(h, s, int(props["--bulma-link-light-invert-l"][:-1]) / 100)
    assert contrast(text, _hsl(h, s, 0.96)) >= 4.5


@pytest.mark.parametrize("junk", ["", "red", "#12345", "#gggggg", "#+f+f+f", "#1234567", None])
def test_a_malformed_colour_falls_back_to_the_default(junk):
    assert "--brand:#1f6feb;" in brand_vars(_Tenant(junk))


def test_forwarded_addresses_are_believed_only_from_trusted_proxies():
    from flask import Flask, request

    from web.security import trust_proxies

    def seen(hops: int) -> str:
        app = Flask(__name__)
        app.config["TRUSTED_PROXIES"] = hops
        app.add_url_rule("/", "ip", lambda: f"{request.remote_addr} {request.scheme}")
        trust_proxies(app)
        headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
        return app.test_client().get("/", headers=headers).text

    assert seen(0) == "127.0.0.1 http"  # anyone can send the headers: ignored
    assert seen(1) == "203.0.113.7 https"  # the proxy in front said who the client is
