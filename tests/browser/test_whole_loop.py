"""The whole loop in headless Chromium: file on the mall portal, get the PDF, work to closed."""

from __future__ import annotations

import io
import os
import pathlib
import threading

import pytest
from pypdf import PdfReader
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, service_missing

CHROMIUM = "/usr/bin/chromium"
SHOTS = pathlib.Path(os.environ.get("CLOSELOOP_SCREENSHOTS", "/tmp/closeloop-shots"))

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app):
    app.config["WTF_CSRF_ENABLED"] = True  # the browser goes through CSRF like a person
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        service_missing("Debian chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield context.new_page()
        context.close()
        browser.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/t/alpha/desk/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/desk/")


def _logout(page) -> None:
    page.click("form[action$='/desk/logout'] button")
    page.wait_for_url("**/desk/login")


def _open(page, action: str) -> None:
    """Unfold an action's form (the next step is open already; the others fold away)."""
    page.eval_on_selector(f"details[data-action={action}]", "d => { d.open = true; }")


def test_complaint_to_closed_in_the_browser(live_server, page, world):
    base = live_server
    # 1. The complainant files on the mall's portal.
    page.goto(f"{base}/t/alpha/")
    _shot(page, "portal")
    page.select_option("#category_id", label="价格问题")
    page.fill("#description", "专柜标价 399 元,结账时收了 459 元。要求退还差价。")
    page.fill("#location", "二楼 化妆品专柜")
    page.fill("#name", "吴静")
    page.fill("#phone", "13600003333")
    page.fill("#email", "wujing@example.com")
    page.click("button[type=submit]")
    page.wait_for_url("**/filed/**")
    _shot(page, "filed")
    number = page.inner_text("[data-testid=case-number]").strip()
    assert number.startswith("XH")

    # 2. The receipt is a PDF with the case number and Chinese text.
    href = page.get_attribute("[data-testid=receipt-link]", "href")
    response = page.request.get(base + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert number in text and "投诉受理确认函" in text and "吴静" in text

    # 3. The desk clerk dispatches it to Operations, to 李明.
    _login(page, base, "desk")
    _shot(page, "queue")
    page.click(f"text={number}")
    page.wait_for_selector("[data-action=dispatch]")
    _open(page, "dispatch")
    page.select_option("#dispatch-department_id", label="运营部")
    page.wait_for_function(
        "document.querySelector('#dispatch-handler_id').textContent.includes('李明')"
    )
    page.select_option("#dispatch-handler_id", label="李明")
    page.click("[data-action=dispatch] button[type=submit]")
    page.wait_for_selector("text=已派单")
    _shot(page, "case-dispatched")
    _logout(page)

    # 4. The handler investigates, records the result and sends it.
    _login(page, base, "ops_li")
    page.click(f"text={number}")
    _open(page, "contact")
    page.fill("#contact-body", "电话联系投诉人,核实了收银小票。")
    page.click("[data-action=contact] button[type=submit]")
    page.wait_for_selector("[data-testid=case-status]:has-text('处理中')")
    _open(page, "result")
    page.fill("#result-result", "经核实系价签未更新,已退还差价 60 元。")
    page.fill("#result-remedy", "赠送停车券一张")
    page.click("[data-action=result] button[type=submit]")
    page.wait_for_selector("[data-action=send_result]")
    page.click("[data-action=send_result] button[type=submit]")
    page.wait_for_selector("[data-testid=case-status]:has-text('待回访')")
    _logout(page)

    # 5. The desk revisits; the case closes and is archived read-only.
    _login(page, base, "desk")
    page.click(f"text={number}")
    page.check("#revisit-reached-0")
    page.check("#revisit-satisfaction-0")
    page.fill("#revisit-comments", "对处理结果满意。")
    page.click("[data-action=revisit] button[type=submit]")
    page.wait_for_selector("[data-testid=case-status]:has-text('已办结')")
    _shot(page, "case-closed")
    assert page.locator("[data-action]").count() == 0
