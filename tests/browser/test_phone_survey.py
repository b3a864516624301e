"""The emailed questionnaire on a phone (CS-2, issue 12): the complainant opens the "not
solved" link of the mail the revisit sent (read from the message log), finds that answer
chosen, taps "send", sees the thank-you saying the case is taken up again within 24 hours;
the case is back in handling with special measures due (PROP-12). axe on every page, no
sideways scrolling at 375 px, and the whole form works from the keyboard."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from casework.models import Case, Deadline, Revisit
from casework.states import RevisitStatus, Stage, Status
from jobs import revisit_links as sender
from tenants.db import db, tenant_bound, utcnow
from tests.browser.helpers import axe_violations, shot
from tests.casework.test_revisit_links import email_revisit, link_mails

pytestmark = pytest.mark.browser


def _check(page, name: str) -> None:
    shot(page, f"phone-survey-{name}")
    found = axe_violations(page)
    assert found == [], f"{name} ({page.url}):\n" + "\n".join(found)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 375, f"{name} scrolls sideways on a phone: {wide}px"


def _mailed_links(app, monkeypatch, live_server, org) -> tuple[int, int, list[str]]:
    """A revisit by email whose link the periodic sender mailed; the mail's links."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", live_server)
    case_id, revisit_id = email_revisit(org)
    assert sender.run() == 1
    [mail] = link_mails(org)
    links = re.findall(r"^(http\S+/survey/\S+)$", mail.body, re.M)
    assert len(links) == 3 and all(link.startswith(live_server) for link in links)
    return case_id, revisit_id, links


def test_not_solved_tapped_on_a_phone_reopens_the_case(
    app, live_server, new_page, world, monkeypatch
):
    org = world.a
    case_id, revisit_id, (_solved, not_solved, _plain) = _mailed_links(
        app, monkeypatch, live_server, org
    )
    page = new_page(width=375, height=667)
    page.goto(not_solved)
    page.wait_for_selector("[data-testid=survey-form]")
    _check(page, "questionnaire")
    assert "我们做得怎么样" in page.inner_text("h1")
    assert page.is_checked("input[name=q_solved][value=no]")
    assert not page.is_checked("input[name=q_solved][value=yes]")
    button = page.locator("[data-testid=send-answer]").bounding_box()
    assert button is not None and button["x"] + button["width"] <= 375
    with tenant_bound(org.tenant.id):  # opening it recorded nothing
        db.session.expire_all()
        assert db.session.get(Revisit, revisit_id).status is RevisitStatus.PLANNED

    page.click("[data-testid=send-answer]")
    page.wait_for_selector("[data-testid=survey-thanks]")
    _check(page, "thanks")
    assert "24 小时" in page.inner_text("[data-testid=taken-up]")

    # The link again (the mail opened a second time): answered once, it says so.
    page.goto(not_solved)
    page.wait_for_selector("[data-testid=survey-spent][data-state=answered]")
    _check(page, "answered")

    db.session.rollback()  # read what the server wrote, not this session's old snapshot
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert case.status in (Status.DISPATCHED, Status.IN_PROGRESS)
        revisit = db.session.get(Revisit, revisit_id)
        assert revisit.status is RevisitStatus.DONE and revisit.solved is False
        due = db.session.scalars(
            sa.select(Deadline).where(
                Deadline.case_id == case_id,
                Deadline.stage == Stage.SPECIAL_MEASURES,
                Deadline.done_at.is_(None),
            )
        ).one()
        assert due.due_at - utcnow() <= dt.timedelta(hours=24, minutes=1)


def test_the_whole_questionnaire_by_keyboard(app, live_server, new_page, world, monkeypatch):
    org = world.a
    _case_id, revisit_id, (_solved, _no, plain) = _mailed_links(app, monkeypatch, live_server, org)
    page = new_page(width=375, height=667)
    page.goto(plain)
    page.wait_for_selector("[data-testid=survey-form]")
    assert not page.is_checked("input[name=q_solved][value=yes]")
    # Sending nothing at all: told, in the page's language, what is needed.
    page.click("[data-testid=send-answer]")
    page.wait_for_selector("[role=alert]")
    _check(page, "nothing-given")
    assert "请至少告诉我们问题是否已解决" in page.inner_text("[data-testid=survey-form]")
    page.focus("input[name=q_solved][value=yes]")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=q_solved][value=yes]")
    page.focus("input[name=q_overall][value='4']")
    page.keyboard.press("Space")
    page.fill("textarea[name=q_comments]", "维修师傅很耐心。")
    page.focus("textarea[name=q_comments]")
    page.keyboard.press("Tab")  # from the comments onto the last send button
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=survey-thanks]")
    assert page.locator("[data-testid=taken-up]").count() == 0
    _check(page, "thanks-satisfied")
    db.session.rollback()
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        assert (revisit.solved, revisit.satisfaction) == (True, 4)
        assert revisit.comments == "维修师傅很耐心。"
        assert revisit.case.status is Status.CLOSED


def test_the_desk_sends_the_link_again_from_the_revisit_page(
    app, live_server, new_page, world, monkeypatch
):
    from tests.browser.helpers import login

    org = world.a
    _case_id, revisit_id, (_yes, _no, first) = _mailed_links(app, monkeypatch, live_server, org)
    page = new_page(width=375, height=812)
    login(page, live_server, "desk")
    page.goto(f"{live_server}/t/{org.slug}/desk/revisits/{revisit_id}")
    page.wait_for_selector("[data-testid=survey-link] [data-testid=link-sent]")
    _check(page, "desk-link")
    page.click("[data-testid=send-link]")
    page.wait_for_selector(".notification.is-success, #flashes .notification")
    _check(page, "desk-link-sent")
    assert len(link_mails(org)) == 2
    page.goto(first)  # the first mail's link now points to the newer one
    page.wait_for_selector("[data-testid=survey-spent][data-state=superseded]")
    _check(page, "superseded")
