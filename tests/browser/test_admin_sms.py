"""机构设置 → 短信 in Chromium, CSRF on: save the gateway, send a test text to the message
log, find it in the mail log with its badge; both pages without serious axe findings."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, login, shot

pytestmark = pytest.mark.browser


def test_the_text_message_page_saves_sends_a_test_and_the_log_lists_it(live_server, page, world):
    login(page, live_server, "admin")
    page.goto(f"{live_server}/t/alpha/desk/admin/sms")
    assert axe_violations(page) == []
    page.fill("#sign_name", "星河广场")
    page.fill("#api_key", "k-browser-1")
    page.click("[data-testid=sms-form] button[type=submit]")
    page.wait_for_selector("#flashes .is-success")
    assert page.input_value("#api_key") == ""  # the stored key is never shown back
    assert "k-browser-1" not in page.content()
    page.fill("#test-number", "010-65123456")  # a landline: refused beside the field
    page.click("[data-testid=sms-test-form] button[type=submit]")
    page.wait_for_selector("[data-testid=sms-test-form] .help.is-danger")
    assert axe_violations(page) == []
    page.fill("#test-number", "139 0000 1111")
    page.click("[data-testid=sms-test-form] button[type=submit]")
    page.wait_for_selector("[data-testid=sms-last-test] [data-state=logged]")
    shot(page, "admin-sms")
    page.goto(f"{live_server}/t/alpha/desk/mail")
    badge = page.locator("[data-channel=sms]")
    assert badge.count() == 1 and badge.inner_text() == "短信"
    assert "【星河广场】" in page.content()
    assert axe_violations(page) == []
