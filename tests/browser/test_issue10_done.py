"""Issue 10's "done when", in headless Chromium with axe on every page visited.

A mall service complaint (服务质量 → 客服部) goes through an investigation with an assisting
unit (运营部), a plan approved by the department head (MALL-5), a refund, a result letter
the complainant opens from the status page, and a dossier that shows it all. A handler of
another department cannot see the case at all; a handler without the personal-data right
never sees the complainant's phone unmasked (CO-8).
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tenants import bootstrap
from tenants.db import db
from tenants.models import Role
from tests.browser.helpers import SHOTS, axe_violations, shot
from tests.browser.helpers import login as _login
from tests.conftest import PASSWORD, TEST_HASH

pytestmark = pytest.mark.browser

PHONE, SHOWN, MASKED = "13600003333", "136 0000 3333", "136****3333"


def _logout(page) -> None:
    page.click("form[action$='/desk/logout'] button")
    page.wait_for_url("**/desk/login")


def _open(page, action: str) -> None:
    page.eval_on_selector(f"details[data-action={action}]", "d => { d.open = true; }")


def _submit(page, action: str) -> None:
    page.click(f"[data-action={action}] button[type=submit]")


def _checked(page, name: str) -> None:
    shot(page, f"done-{name}")
    assert axe_violations(page) == [], name


def _never_unmasked(page, where: str) -> None:
    html = page.content()
    assert PHONE not in html and SHOWN not in html, f"unmasked phone on {where}"


def _pdf(page, url: str, name: str) -> str:
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"done-{name}.pdf").write_bytes(response.body())  # for people to look at
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)


def test_issue_10_done_when(live_server, new_page, world):
    page = new_page()
    base = live_server
    bootstrap.add_user(
        world.a.tenant, "fin_qian", "钱进", Role.HANDLER, PASSWORD, "finance", hash_method=TEST_HASH
    )
    db.session.commit()

    # 1. The complainant files a service complaint on the mall's portal.
    page.goto(f"{base}/t/alpha/")
    page.select_option("#category_id", label="服务质量")
    page.fill("#description", "在二楼服务台咨询退货，工作人员态度恶劣，还多收了 200 元手续费。")
    page.fill("#location", "二楼 服务台")
    page.fill("#name", "吴静")
    page.fill("#phone", PHONE)
    page.fill("#email", "wujing@example.com")
    page.click("button[type=submit]")
    page.wait_for_url("**/filed/**")
    number = page.inner_text("[data-testid=case-number]").strip()

    # 2. The desk dispatches it to Customer Service, to 周婷.
    _login(page, base, "desk")
    page.click(f"text={number}")
    page.wait_for_selector("[data-action=dispatch]")
    case_url = page.url
    _open(page, "dispatch")
    page.select_option("#dispatch-department_id", label="客服部")
    page.wait_for_function(
        "() => document.querySelector('#dispatch-handler_id').textContent.includes('周婷')"
    )
    page.select_option("#dispatch-handler_id", label="周婷")
    _submit(page, "dispatch")
    page.wait_for_selector("text=已派单")
    _logout(page)

    # 3. The handler asks Operations to assist; she holds no personal-data right.
    _login(page, base, "cs_zhou")
    page.goto(case_url)
    _never_unmasked(page, "the handler's case page")
    assert MASKED in page.content()
    _open(page, "ask_assist")
    page.select_option("#ask_assist-department_id", label="运营部")
    page.fill("#ask_assist-instructions", "请调取服务台当日收费记录。")
    _submit(page, "ask_assist")
    page.wait_for_selector("text=请调取服务台当日收费记录。")
    _checked(page, "assist-asked")
    _logout(page)

    # 4. The assisting unit sees the case (masked) and answers its part.
    _login(page, base, "ops_li")
    _never_unmasked(page, "the assisting handler's queue")
    page.goto(case_url)
    _never_unmasked(page, "the assisting handler's case page")
    _open(page, "answer_assist")
    page.fill("#answer_assist-answer", "收费记录显示多收手续费 200 元，系操作失误。")
    _submit(page, "answer_assist")
    page.wait_for_selector("text=收费记录显示多收手续费 200 元")
    _checked(page, "assist-answered")
    _logout(page)

    # 5. A handler of another department cannot see it at all.
    _login(page, base, "fin_qian")
    assert number not in page.content()
    assert page.goto(case_url).status == 404
    assert page.goto(f"{base}/t/alpha/desk/?q={number}").ok  # search: no row
    assert page.locator(f".queue-item:has-text('{number}')").count() == 0
    _logout(page)

    # 6. The handler drafts a plan with a refund; the department head approves it.
    _login(page, base, "cs_zhou")
    page.goto(case_url)
    _open(page, "draft_plan")
    page.fill("#draft_plan-measures", "退还多收的手续费并当面致歉，对服务台人员进行培训。")
    page.select_option("#draft_plan-remedy_type", "refund")
    page.fill("#draft_plan-remedy_amount", "200")
    _submit(page, "draft_plan")
    page.wait_for_selector("[data-action=submit_plan]")
    _submit(page, "submit_plan")
    page.wait_for_selector("[data-testid=plan-waiting]")
    _checked(page, "plan-submitted")
    _logout(page)
    _login(page, base, "cs_head")
    page.goto(case_url)
    _never_unmasked(page, "the head's case page")
    page.check("#decide_plan-decision-0")  # approve
    _submit(page, "decide_plan")
    page.wait_for_selector("[data-action=decide_plan]", state="detached")
    _checked(page, "plan-approved")
    _logout(page)

    # 7. The handler records the result with the plan's refund and sends it.
    _login(page, base, "cs_zhou")
    page.goto(case_url)
    _open(page, "result")
    page.fill("#result-result", "经核实多收手续费 200 元属实，已原路退还并致歉。")
    page.check("#result-finding-0")
    page.select_option("#result-cause_id", index=1)
    _submit(page, "result")
    page.wait_for_selector("[data-action=send_result]")
    _submit(page, "send_result")
    page.wait_for_selector("[data-testid=case-status]:has-text('待回访')")

    # 8. The dossier, asked for by the handler: masked, and it holds the whole case.
    page.click("[data-testid=dossier] button[type=submit]")
    link = page.locator("[data-testid=dossier] a[download]")
    link.wait_for(timeout=30_000)
    _checked(page, "dossier-done")
    dossier = _pdf(page, base + link.get_attribute("href"), "dossier")
    for fact in (
        number,
        "请调取服务台当日收费记录",
        "收费记录显示多收手续费",
        "对服务台人员进行培训",
        "陈志强",
        "200.00",
        "经核实多收手续费",
    ):
        assert fact in re.sub(r"\s+", "", dossier) or fact in dossier, fact
    assert MASKED in dossier and PHONE not in dossier
    _never_unmasked(page, "the handler's case page after sending")
    _logout(page)

    # The case page with every new box, on a phone: nothing runs off the screen.
    phone = new_page(width=375, height=740)
    _login(phone, base, "cs_head")
    phone.goto(case_url)
    _checked(phone, "case-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    _never_unmasked(phone, "the head's case page on a phone")

    # 9. The complainant opens the result letter from the status page.
    page.goto(f"{base}/t/alpha/status?number={number}")
    page.fill("#factor", PHONE)
    page.click("button[type=submit]")
    letter = page.locator("a[href$='/result.pdf']")
    letter.wait_for()
    _checked(page, "status")
    text = _pdf(page, base + letter.get_attribute("href"), "result-letter")
    assert "处理结果告知书" in text and "200.00" in text and "经核实多收手续费" in text
