"""The mailbox page in Chromium: the connection test's error in words, saving, and no
serious axe finding on the empty page, the page with an error, and the saved page."""

from __future__ import annotations

import socket

import pytest

from tests.browser.helpers import axe_violations, login, shot

pytestmark = pytest.mark.browser


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_mailbox_page_tests_saves_and_passes_axe(live_server, page, world):
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/mailbox")
    assert page.is_checked("#tls")
    assert axe_violations(page) == [], "empty mailbox page"
    page.fill("#host", "127.0.0.1")
    page.fill("#port", str(_closed_port()))
    page.fill("#username", "complaints")
    page.fill("#password", "secret-pass")
    page.click("[data-testid=mailbox-test]")
    page.wait_for_selector("text=连接失败")  # zh_CN, the tenant's language
    assert axe_violations(page) == [], "connection error"
    shot(page, "admin-mailbox-error")
    page.fill("#password", "secret-pass")
    page.check("#enabled")
    page.click("#main form.box button[type=submit]:not([name])")
    page.wait_for_selector("#flashes .is-success")
    assert page.input_value("#password") == ""  # never shown back
    assert page.is_checked("#enabled")
    assert axe_violations(page) == [], "saved mailbox page"
