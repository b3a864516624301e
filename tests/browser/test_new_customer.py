"""A new customer in headless Chromium, from the platform console to a worked case.

The operator (whose account a CLI command makes: here ``tenants.platform``) creates a
property company from its preset; its first admin sets a password through the link the
console shows, adds a department, a category routed to it and a handler, changes the logo,
the colour and the acknowledgement letter's opening and reads the preview; a complainant
files on the new portal in that category; the admin dispatches the case, and the handler,
after setting a password through the link the staff page showed, works it to the result
sent. Every person has a browser of their own; every page passes axe and the strict CSP.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tenants import platform
from tenants.db import db
from tests.browser.helpers import axe_violations, shot
from tests.conftest import TEST_HASH
from tests.tenants.test_logos import png

pytestmark = pytest.mark.browser

SLUG = "acme-wy"
OPERATOR, OPERATOR_PASSWORD = "root", "Plat-0ps!kq7Zr"
ADMIN, ADMIN_PASSWORD = "chen.jing", "Zq8-harbour-Lamp"
HANDLER, HANDLER_NAME, HANDLER_PASSWORD = "zhao.lin", "赵林", "Mv3-willow-Kite"
DEPARTMENT, CATEGORY = "绿化养护部", "树木修剪"
LETTERHEAD = "锦绣物业服务有限公司 客户服务中心 · 服务电话 0571-8800 0000"
OPENING = "尊敬的业主：您好！锦绣物业已收到您的来信，现将受理情况告知如下。"


def _check(page, name: str) -> None:
    """Keep a screenshot of the page and require it free of serious axe findings."""
    shot(page, f"new-customer-{name}")
    found = axe_violations(page)
    assert found == [], f"{name} ({page.url}):\n" + "\n".join(found)


def _pdf_text(page, url: str) -> str:
    response = page.request.get(url)
    assert response.status == 200, url
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    return re.sub(r"\s+", "", text)  # a paragraph wraps where the page ends a line


def _settings(page, label: str) -> None:
    """Open a page of the desk's settings menu (机构设置) as a person would: hover, click."""
    page.hover(".admin-menu > .navbar-link")
    page.click(f".admin-menu .navbar-dropdown a:text-is('{label}')")
    page.wait_for_selector(f"h1:text-is('{label}')")


def _set_password(page, link: str, password: str, name: str) -> None:
    """Open a set-password link, choose a password; the desk's queue opens, logged in."""
    page.goto(link)
    assert page.inner_text("[data-testid=link-user]") == name
    _check(page, f"set-password-{name}")
    page.fill("#password", password)
    page.fill("#confirm", password)
    page.click("#main button[type=submit]")
    page.wait_for_url(f"**/t/{SLUG}/desk/")
    page.wait_for_selector("#flashes .is-success")


def _log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/t/{SLUG}/desk/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#main button[type=submit]")
    page.wait_for_url(f"**/t/{SLUG}/desk/")


def _log_out(page) -> None:
    page.click("form[action$='/desk/logout'] button")
    page.wait_for_url("**/desk/login")


def _open(page, action: str) -> None:
    """Unfold an action's form (the next step is open already; the others fold away)."""
    page.eval_on_selector(f"details[data-action={action}]", "d => { d.open = true; }")


def _framed(page, part: str) -> None:
    """Wait for a frame whose address holds ``part`` to load (a refused one never would)."""
    for _ in range(50):
        if any(part in f.url for f in page.frames):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"no frame loaded {part}")


def _handling(page, row: str) -> str:
    """A line of the case page's 办理情况 box (部门, 承办人…)."""
    return page.inner_text(f"#case tr:has(th:text-is('{row}')) td").strip()


def test_a_new_property_company_from_the_console_to_a_worked_case(
    live_server, new_page, app, monkeypatch, tmp_path
):
    base = live_server
    # The links people are given name the address they use: here, the live server's.
    monkeypatch.setitem(app.config, "PUBLIC_URL", base)
    platform.create_operator(OPERATOR, "王平台", OPERATOR_PASSWORD, TEST_HASH)
    db.session.commit()

    # 1. The operator creates the property company from its preset.
    op = new_page()
    op.goto(f"{base}/platform/")
    op.wait_for_url("**/platform/login")
    _check(op, "platform-login")
    op.fill("#username", OPERATOR)
    op.fill("#password", OPERATOR_PASSWORD)
    op.click("#main button[type=submit]")
    op.wait_for_url("**/platform/")
    _check(op, "platform-index")
    op.click("#main a:text-is('从预设模板新建')")
    op.wait_for_url("**/platform/tenants/new")
    _check(op, "platform-new")
    op.select_option("#preset", "property")
    op.fill("#name", "锦绣物业服务有限公司")
    op.fill("#slug", SLUG)
    op.fill("#admin_username", ADMIN)
    op.fill("#admin_name", "陈静")
    op.fill("#admin_email", "chen.jing@acme-wy.example")
    op.click("#main button[type=submit]")
    op.wait_for_selector("[data-password-link]")
    _check(op, "platform-created")
    admin_link = op.inner_text("[data-password-link]").strip()
    # The long link wraps inside its notice rather than running out of it.
    assert op.evaluate(
        "() => document.querySelector('[data-password-link]').getBoundingClientRect().right"
        " <= document.querySelector('[data-password-link]').closest('.notification')"
        ".getBoundingClientRect().right"
    )
    assert admin_link.startswith(f"{base}/t/{SLUG}/desk/password/")
    login_url = op.get_attribute("#main a[href$='/desk/login']", "href")
    assert login_url == f"{base}/t/{SLUG}/desk/login"
    op.click("#main a.button")  # back to the organisations
    row = op.locator(f"tr[data-tenant='{SLUG}']")
    assert "锦绣物业服务有限公司" in row.inner_text() and "property" in row.inner_text()
    _check(op, "platform-listed")

    # 2. The admin sets a password through the link, and logs in with it.
    admin = new_page()
    _set_password(admin, admin_link, ADMIN_PASSWORD, "陈静")
    _log_out(admin)
    _check(admin, "desk-login")
    _log_in(admin, base, ADMIN, ADMIN_PASSWORD)
    _check(admin, "admin-queue-empty")

    # 3. A department, a category routed to it, and a handler in that department.
    _settings(admin, "部门和投诉类别")
    _check(admin, "admin-catalogue")
    admin.fill("#department-name", DEPARTMENT)
    admin.click("#departments button[type=submit]:text-is('添加部门')")
    admin.wait_for_selector(f"[data-testid=departments] td:text-is('{DEPARTMENT}')")
    admin.fill("#category-name", CATEGORY)
    admin.select_option("#category-department_id", label=DEPARTMENT)
    admin.click("#categories button[type=submit]:text-is('添加投诉类别')")
    category_row = admin.locator(f"[data-testid=categories] tr:has(td:text-is('{CATEGORY}'))")
    category_row.wait_for()
    assert DEPARTMENT in category_row.inner_text()
    _check(admin, "admin-catalogue-added")

    # The routing page's try-it box says where such a complaint goes.
    _settings(admin, "分派规则")
    admin.select_option("#try-category_id", label=CATEGORY)
    admin.fill("#try-description", "小区东门的大树枝杈伸到三楼窗前，请尽快修剪。")
    admin.wait_for_function(
        "name => document.querySelector('[data-testid=try-department]')?.textContent === name",
        arg=DEPARTMENT,
    )
    _check(admin, "admin-routing-try")

    _settings(admin, "人员")
    _check(admin, "admin-staff")
    admin.click("#main a:text-is('添加人员')")
    admin.wait_for_url("**/admin/staff/new")
    _check(admin, "admin-staff-new")
    admin.fill("#name", HANDLER_NAME)
    admin.fill("#username", HANDLER)
    admin.fill("#email", "zhao.lin@acme-wy.example")
    admin.fill("#phone", "13900001111")
    admin.select_option("#role", "handler")
    admin.select_option("#department_id", label=DEPARTMENT)
    admin.click("#main button[type=submit]")
    admin.wait_for_selector("[data-testid=password-link]")
    _check(admin, "admin-staff-added")
    handler_link = admin.input_value("#password-link")
    assert handler_link.startswith(f"{base}/t/{SLUG}/desk/password/")

    # 4. Branding: a new logo; a colour white text cannot be read on is refused with its
    # ratio, live and on saving; a good one is kept.
    _settings(admin, "品牌")
    _check(admin, "admin-branding")
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(64, 64))
    admin.set_input_files("#logo", str(logo))
    admin.fill("#primary_color", "#fde68a")
    admin.wait_for_selector("[data-testid=contrast-check] .is-danger")
    live = admin.inner_text("[data-testid=contrast-check]")
    ratio = re.search(r"(\d+\.\d+):1", live)
    assert ratio and float(ratio.group(1)) < 4.5, live
    _check(admin, "admin-branding-low-contrast")
    admin.click("#main form[enctype] button[type=submit]")
    admin.wait_for_selector("#primary_color.is-danger")
    refusal = admin.inner_text(".field:has(#primary_color) p.is-danger[role=alert]")
    assert f"{ratio.group(1)}:1" in refusal and "4.5:1" in refusal, refusal
    _check(admin, "admin-branding-refused")
    # Nothing was half-saved: the logo in use is still the preset's.
    assert admin.locator("[data-testid=current-logo] img[src*='logo.png']").count() == 0
    # The preset's letterhead names the preset's company: the admin writes their own.
    admin.fill("#letterhead", LETTERHEAD)
    admin.fill("#primary_color", "#166534")
    admin.wait_for_selector("[data-testid=contrast-check] .is-success")
    admin.set_input_files("#logo", str(logo))  # a refused form's file input comes back empty
    admin.click("#main form[enctype] button[type=submit]")
    admin.wait_for_selector("#flashes .is-success")
    admin.wait_for_selector("[data-testid=current-logo] img")
    assert admin.input_value("#primary_color") == "#166534"
    assert admin.input_value("#letterhead") == LETTERHEAD
    assert f"/t/{SLUG}/logo.png?v=" in admin.get_attribute("nav .brand-logo img", "src")
    assert admin.evaluate("document.querySelector('nav .brand-logo img').naturalWidth") == 64
    _check(admin, "admin-branding-saved")

    # The acknowledgement letter's opening, seen in the live preview, then saved.
    _settings(admin, "函件")
    _check(admin, "admin-letters")
    frame = admin.locator("[data-testid=letter-preview] iframe")
    before = frame.get_attribute("src")
    admin.fill("#opening", OPENING)
    admin.wait_for_function(
        "src => document.querySelector('[data-testid=letter-preview] iframe').src.indexOf(src) < 0",
        arg=before,
    )
    preview = frame.get_attribute("src")
    assert "opening=" in preview and "kind=ack" in preview
    _framed(admin, preview)  # the frame loads the new wording (a refused frame never would)
    text = _pdf_text(admin, base + preview)
    assert re.sub(r"\s+", "", OPENING) in text
    _check(admin, "admin-letters-preview")
    admin.click("#main form.box button[type=submit]:not([name])")
    admin.wait_for_selector("#flashes .is-success")
    assert admin.input_value("#opening") == OPENING

    # 5. A complainant files on the new portal in the new category.
    person = new_page()
    person.goto(f"{base}/t/{SLUG}/")
    assert f"/t/{SLUG}/logo.png?v=" in person.get_attribute(".brand-logo img", "src")
    assert LETTERHEAD in person.inner_text("footer")
    _check(person, "portal")
    person.select_option("#category_id", label=CATEGORY)
    person.fill("#description", "小区东门的大树枝杈伸到三楼窗前，刮风时敲打玻璃，请尽快修剪。")
    person.fill("#location", "5 幢东门")
    person.fill("#name", "刘洋")
    person.fill("#phone", "13700002222")
    person.click("#main button[type=submit]")
    person.wait_for_url("**/filed/**")
    _check(person, "portal-filed")
    number = person.inner_text("[data-testid=case-number]").strip()
    assert number.startswith("JC")
    # The acknowledgement the complainant keeps opens with the admin's new words.
    receipt = _pdf_text(person, base + person.get_attribute("[data-testid=receipt-link]", "href"))
    assert number in receipt and re.sub(r"\s+", "", OPENING) in receipt

    # It went to the new department; the admin (a dispatcher too) names the handler.
    admin.click("nav .queue-menu > a.navbar-link")
    admin.wait_for_url(f"**/t/{SLUG}/desk/")
    admin.click(f"text={number}")
    admin.wait_for_selector("[data-action=dispatch]")
    assert _handling(admin, "部门") == DEPARTMENT
    _check(admin, "case-routed")
    _open(admin, "dispatch")
    assert (
        admin.eval_on_selector("#dispatch-department_id", "s => s.selectedOptions[0].textContent")
        == DEPARTMENT
    )
    admin.select_option("#dispatch-handler_id", label=HANDLER_NAME)
    admin.fill("#dispatch-note", "请三日内修剪并回复业主。")
    admin.click("[data-action=dispatch] button[type=submit]")
    admin.wait_for_selector("[data-testid=case-status]:has-text('已派单')")
    assert _handling(admin, "承办人") == HANDLER_NAME
    _check(admin, "case-dispatched")

    # 6. The handler sets a password through their link and works the case.
    handler = new_page()
    _set_password(handler, handler_link, HANDLER_PASSWORD, HANDLER_NAME)
    _check(handler, "handler-queue")
    handler.click(f"text={number}")
    handler.wait_for_selector("[data-action=contact]")
    assert _handling(handler, "部门") == DEPARTMENT
    _check(handler, "handler-case")
    _open(handler, "contact")
    handler.fill("#contact-body", "电话联系业主，约定明天上午修剪。")
    handler.click("[data-action=contact] button[type=submit]")
    handler.wait_for_selector("[data-testid=case-status]:has-text('处理中')")
    _open(handler, "result")
    handler.fill("#result-result", "已修剪东门大树伸向三楼的枝杈，并清运了枝叶。")
    handler.check("#result-finding-0")  # valid: the first of the tenant's causes
    handler.select_option("#result-cause_id", index=1)
    handler.click("[data-action=result] button[type=submit]")
    handler.wait_for_selector("[data-action=send_result]")
    _check(handler, "handler-result")
    handler.click("[data-action=send_result] button[type=submit]")
    handler.wait_for_selector("[data-testid=case-status]:has-text('待回访')")
    _check(handler, "handler-result-sent")
