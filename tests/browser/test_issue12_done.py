"""Issue 12's "done when", end to end in headless Chromium: a property tenant imports a month
of 60 repair work orders (派工单), the draw picks 9 of them (15%, PROP-10) due within a month
of each repair (PROP-9), the revisitor works the queue by phone with the script (PROP-5),
one person cannot be reached and is mailed the questionnaire instead, answers "not solved"
on a phone (CS-2), the case reopens with special measures due in 24 hours (PROP-12), and
the revisit record book (《回访记录本》, PROP-1) prints with both revisits. axe on every page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from casework import deadlines
from casework.models import Case, Deadline, Revisit, SampleDraw
from casework.states import CaseKind, RevisitStatus, Stage, Status
from tenants.db import db, tenant_bound
from tests.browser.helpers import axe_violations, login, shot
from tests.casework.test_revisit_links import link_mails
from tests.conftest import make_org

pytestmark = pytest.mark.browser

SURNAMES = "陈王李张刘杨赵黄周吴"


def _check(page, name: str, width: int | None = None) -> None:
    shot(page, f"issue12-{name}")
    found = axe_violations(page)
    assert found == [], f"{name} ({page.url}):\n" + "\n".join(found)
    if width is not None:
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} scrolls sideways: {wide}px"


def _export(path) -> None:
    """Last month's 60 repair orders as the maintenance system exports them: every one with
    a name and a mobile, all but eight with an address to mail (so at least one of the nine
    drawn has one), and one more row whose address is wrong (a row error, not imported)."""
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    lines = ["工单号,类型,完成时间,姓名,电话,邮箱,地址,内容"]
    for i in range(60):
        day = last_month.replace(day=1 + i % 28)
        email = "" if i % 8 == 0 else f"owner{i:02d}@example.com"
        lines.append(
            f"WX-{i:03d},维修,{day:%Y-%m-%d} 09:{i:02d},{SURNAMES[i % 10]}先生{i:02d},"
            f"1391234{i:04d},{email},{i // 10 + 1} 幢 {i + 101} 室,维修 {i}"
        )
    lines.append(f"WX-BAD,维修,{last_month:%Y-%m-%d},孙女士,13912349999,sun@@example,7 幢,换灯")
    path.write_text("\n".join(lines), encoding="utf-8-sig")


def _drawn(org) -> list[tuple[int, str, str, str]]:
    """The drawn revisits, each checked due within a month of its repair's completion:
    (revisit id, case number, person's name, person's email)."""
    db.session.rollback()  # read what the server wrote
    found = []
    with tenant_bound(org.tenant.id):
        draw = db.session.scalars(sa.select(SampleDraw)).one()
        assert (draw.kind, draw.population, draw.size) == (CaseKind.WORK_ORDER, 60, 9)
        tz = org.tenant.timezone
        for revisit in db.session.scalars(sa.select(Revisit).order_by(Revisit.id)):
            case = db.session.get(Case, revisit.case_id)
            done = deadlines.to_local(case.result_at, tz)
            due = deadlines.to_local(revisit.due_at, tz)
            assert due.date() == deadlines.add_months(done.date(), 1), case.source_ref
            assert case.result_at < revisit.due_at <= case.result_at + dt.timedelta(days=31)
            found.append((revisit.id, case.number, case.complainant_name, case.complainant_email))
    assert len(found) == 9
    return found


def _answer_all(page) -> None:
    """Note the person's answers as they speak: all fives, and yes, it is solved."""
    for question in page.locator("[data-testid=call-form] [data-question]").all():
        for value in ("5", "yes"):
            choice = question.locator(f"input[type=radio][value='{value}']")
            if choice.count():
                choice.check()
                break


def test_issue12_done_import_draw_phone_mail_reopen_register(
    app, live_server, new_page, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "PUBLIC_URL", live_server)
    org = make_org("jc", "property")
    desk = f"{live_server}/t/{org.slug}/desk"
    path = tmp_path / "十一月派工单.csv"
    _export(path)

    # The supervisor imports the export: the preview shows the bad row, then 60 are saved.
    page = new_page()
    login(page, live_server, "super", slug=org.slug)
    page.goto(f"{desk}/services/import")
    _check(page, "import")
    page.set_input_files("#file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("[data-testid=import-preview]")
    assert "60 行可导入" in page.inner_text("[data-testid=good]")
    assert "1 行有错误" in page.inner_text("[data-testid=bad]")
    assert "邮箱：请输入有效的电子邮箱地址。" in page.inner_text("[data-testid=row-62]")
    _check(page, "preview")
    page.click("#import-preview button[type=submit]")
    page.wait_for_selector("[data-testid=imported]")
    _check(page, "imported")

    # The draw of last month: 15% of 60, each due within a month of its repair.
    page.goto(f"{desk}/services/draws")
    _check(page, "draws")
    page.click("#draw-form button[type=submit]")
    page.wait_for_selector("[data-testid=redo]")
    assert page.inner_text("[data-testid=population]") == "60"
    assert page.inner_text("[data-testid=size]") == "9"
    _check(page, "draw")
    drawn = _drawn(org)
    by_mail = next(d for d in drawn if d[3])  # one drawn with an address (eight have none)
    by_phone = next(d for d in drawn if d != by_mail)

    # The supervisor gives two of them to the desk clerk (叶小燕) from their pages.
    desk_id = org.users["desk"].id
    for revisit_id, *_rest in (by_phone, by_mail):
        page.goto(f"{desk}/revisits/{revisit_id}")
        page.select_option("#assign-revisitor_id", str(desk_id))
        page.click("form[action$='/assign'] button[type=submit]")
        given = f"#revisit .box:has(h2:text-is('回访人')) > p:has-text('{org.users['desk'].name}')"
        page.wait_for_selector(given)
    _check(page, "assigned")

    # The revisitor's queue holds the two.
    page = new_page()
    login(page, live_server, "desk", slug=org.slug)
    page.goto(f"{desk}/revisits/")
    page.wait_for_selector("[data-testid=revisit-queue]")
    _check(page, "queue")
    for revisit_id, number, _name, _email in (by_phone, by_mail):
        assert number in page.locator(f"[data-revisit='{revisit_id}']").inner_text()

    # The first by phone with the script: reached, satisfied, the work order stays closed.
    page.locator(f"[data-revisit='{by_phone[0]}'] a.case-number").click()
    page.wait_for_selector("[data-testid=script]")
    greeting = page.inner_text("[data-testid=script-greeting]")
    assert by_phone[2] in greeting and org.users["desk"].name in greeting
    assert by_phone[1] in page.inner_text("[data-testid=script-purpose]")
    assert "您对维修服务满意吗？" in page.inner_text("[data-testid=call-form]")
    _check(page, "script")
    _answer_all(page)
    page.fill("#call-q_comments", "师傅修得很好。")
    page.click("button[data-outcome=reached]")
    page.wait_for_selector("[data-testid=revisit-outcome]")
    assert "已回访" in page.inner_text("[data-testid=revisit-outcome]")
    assert "已办结" in page.inner_text("[data-testid=case-status]")
    _check(page, "reached")

    # The second does not pick up: "no answer", then the questionnaire by mail instead.
    page.goto(f"{desk}/revisits/")
    page.locator(f"[data-revisit='{by_mail[0]}'] a.case-number").click()
    page.wait_for_selector("[data-testid=script]")
    page.fill("#call-note", "响铃无人接听")
    page.click("button[data-outcome=no_answer]")
    page.wait_for_selector("[data-testid=retry-notice]")
    assert page.is_visible("[data-testid=link-instead]")  # mail it instead of calling again
    _check(page, "no-answer")
    page.click("[data-testid=send-link]")
    page.wait_for_selector("[data-testid=survey-link] [data-testid=link-sent]")
    _check(page, "link-sent")
    [mail] = link_mails(org)
    assert mail.to == by_mail[3] and by_mail[1] in mail.subject
    links = re.findall(r"^(http\S+/survey/\S+)$", mail.body, re.M)
    assert len(links) == 3 and all(link.startswith(live_server) for link in links)

    # The person taps "not solved" in the mail, on a phone; one more tap sends it.
    phone = new_page(width=375, height=667)
    phone.goto(links[1])
    phone.wait_for_selector("[data-testid=survey-form]")
    assert phone.is_checked("input[name=q_solved][value=no]")
    _check(phone, "survey", width=375)
    phone.click("[data-testid=send-answer]")
    phone.wait_for_selector("[data-testid=survey-thanks]")
    assert "24 小时" in phone.inner_text("[data-testid=taken-up]")
    _check(phone, "survey-thanks", width=375)

    db.session.rollback()
    with tenant_bound(org.tenant.id):
        first = db.session.get(Revisit, by_phone[0])
        assert (first.status, first.satisfaction, first.solved) == (RevisitStatus.DONE, 5, True)
        assert first.case.status is Status.CLOSED
        second = db.session.get(Revisit, by_mail[0])
        assert second.status is RevisitStatus.DONE and second.solved is False
        assert second.attempts == 2  # the unanswered call, then the answer online
        case = second.case
        assert case.status not in (Status.CLOSED, Status.AWAITING_REVISIT)  # reopened
        due = db.session.scalars(
            sa.select(Deadline).where(
                Deadline.case_id == case.id,
                Deadline.stage == Stage.SPECIAL_MEASURES,
                Deadline.done_at.is_(None),
            )
        ).one()
        assert abs(due.due_at - second.done_at - dt.timedelta(hours=24)) < dt.timedelta(minutes=1)

    # The revisit record book for this month prints with both revisits in it.
    page = new_page()
    login(page, live_server, "super", slug=org.slug)
    page.goto(f"{desk}/revisits/")
    page.click("[data-testid=register-link]")
    page.wait_for_selector("[data-testid=revisit-register]")
    rows = page.inner_text("[data-testid=revisit-register]")
    assert by_phone[1] in rows and by_mail[1] in rows
    _check(page, "register")
    printed = page.request.get(
        live_server + page.get_attribute("[data-testid=register-pdf]", "href")
    )
    assert printed.status == 200
    assert printed.headers["content-type"].startswith("application/pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.body())).pages)
    assert by_phone[1] in text and by_mail[1] in text
