"""Headless Chromium for the browser tests: a live server and pages that watch the CSP.

Every page a test opens records each Content-Security-Policy violation (the console message
and the ``securitypolicyviolation`` event both); a test that caused one fails at teardown, so
an inline script or style that slips back into a template is caught by whichever test opens
the page first.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator

import pytest
from werkzeug.serving import make_server

from tests.conftest import service_missing

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Runs before any page script: the events reach it even when the console says nothing.
_WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || document.URL}:${e.lineNumber}`);
});
"""


@pytest.fixture
def live_server(app) -> Iterator[str]:
    app.config["WTF_CSRF_ENABLED"] = True  # the browser goes through CSRF like a person
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        service_missing("Debian chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


class CspWatch:
    """The CSP violations seen by the pages of one test."""

    def __init__(self) -> None:
        self.console: list[str] = []
        self.pages: list = []

    def watch(self, page) -> None:
        def on_console(msg) -> None:
            if "Content Security Policy" in msg.text:
                self.console.append(f"{page.url}: {msg.text}")

        page.on("console", on_console)
        self.pages.append(page)

    def violations(self) -> list[str]:
        seen = list(self.console)
        for page in self.pages:
            if not page.is_closed():
                seen += page.evaluate("window.__csp || []")
        return seen


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:
    """Open pages (``new_page(width=375)``); any CSP violation on them fails the test."""
    csp = CspWatch()
    contexts = []

    def open_page(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        context.add_init_script(_WATCH_CSP)
        contexts.append(context)
        page = context.new_page()
        csp.watch(page)
        return page

    yield open_page
    violations = csp.violations()
    for context in contexts:
        context.close()
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def page(new_page):
    return new_page()
