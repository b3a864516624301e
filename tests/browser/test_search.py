"""Search and acceptance at the desk in a browser (issue 11): a clerk types a two-character
Chinese phrase into the desk bar's box and finds the cases containing it, then a phone
fragment; a mail waiting for acceptance (CO-2) is found by the queue's filter and accepted.
axe on every page."""

from __future__ import annotations

import re

import pytest

from casework.models import Case
from casework.operations import mail as mail_ops
from casework.states import Status
from tenants.db import db, tenant_bound, utcnow
from tests.browser.helpers import axe_violations, login, shot
from tests.conftest import open_case

pytestmark = pytest.mark.browser


def _settled(page) -> None:
    """Wait until no search request is in flight: its dimmed button (.htmx-request) is the
    busy sign, not the page's colours."""
    page.wait_for_selector("form.search-form:not(.htmx-request)", state="attached")
    page.wait_for_function("!document.querySelector('.htmx-request')")


def _found(page) -> list[str]:
    return page.locator("#rows .case-number").all_inner_texts()


def test_a_clerk_finds_cases_by_a_chinese_phrase_and_a_phone_fragment(live_server, page, world):
    org = world.a
    loose = open_case(org, description="三号楼门前井盖松动，夜里有人绊倒。")
    missing = open_case(org, description="停车场入口的井盖不见了")
    lift = open_case(org, description="电梯故障，困人十分钟。", phone="13955556666")
    other = open_case(org, description="井边的盖子", phone="13700001111")  # 井 and 盖 apart
    login(page, live_server, "desk")
    assert axe_violations(page) == [], "queue"

    box = page.locator("#desk-search-q")
    box.click()
    page.keyboard.type("井盖")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/desk/search\?"))
    page.wait_for_selector("#rows")
    assert sorted(_found(page)) == sorted([loose.number, missing.number])
    assert other.number not in _found(page) and lift.number not in _found(page)
    assert page.locator("#search-q").input_value() == "井盖"  # the query stays in the box
    shot(page, "search-phrase")
    assert axe_violations(page) == [], "search: a Chinese phrase"

    # A fragment of a phone number, typed into the search page's own box (htmx).
    before = page.url
    page.fill("#search-q", "5555")
    with page.expect_response(re.compile(r"/desk/search\?")) as answer:
        page.locator("#search-q").press("Enter")
    assert answer.value.status == 200
    page.wait_for_function(
        "n => [...document.querySelectorAll('#rows .case-number')].some(a => a.textContent === n)",
        arg=lift.number,
    )
    assert _found(page) == [lift.number]
    page.wait_for_url(re.compile(r"q=5555"))  # pushed: back and reload keep it
    assert page.url != before
    _settled(page)
    assert axe_violations(page) == [], "search: a phone fragment"

    # Too short to search says so instead of a list.
    page.fill("#search-q", "井")
    page.locator("#search-q").press("Enter")
    page.wait_for_selector("#search-results [role=alert]")
    assert page.locator("#rows").count() == 0
    _settled(page)
    assert axe_violations(page) == [], "search: too short"

    page.goto(f"{live_server}/t/alpha/desk/search?q=5555")
    page.wait_for_selector("#rows")
    page.click(f"a.case-number:text-is('{lift.number}')")
    page.wait_for_url(re.compile(rf"/desk/cases/{lift.id}$"))
    assert axe_violations(page) == [], "a case found"


def test_a_mail_waiting_for_acceptance_is_accepted_from_the_desk(live_server, page, world):
    org = world.a
    with tenant_bound(org.tenant.id):
        sent = mail_ops.Mail(
            "wang.fang@example.com", "王芳", "超市收银多收钱", "二楼收银台多收了 60 元。", utcnow()
        )
        waiting = mail_ops.take(org.tenant, sent)[1]
        db.session.commit()
        waiting_id, number = waiting.id, waiting.number
    accepted = open_case(org, "desk")
    login(page, live_server, "desk")
    page.select_option("#status", "received")  # the queue's filter: only those waiting
    page.wait_for_url(re.compile(r"status=received"))
    page.wait_for_function(
        "n => ![...document.querySelectorAll('.case-number')].some(a => a.textContent === n)",
        arg=accepted.number,
    )
    assert page.locator(".case-number").all_inner_texts() == [number]
    assert page.locator(".queue-status .status-received").count() == 1
    assert axe_violations(page) == [], "queue: waiting for acceptance"

    page.click(f"a.case-number:text-is('{number}')")
    page.wait_for_url(re.compile(rf"/desk/cases/{waiting_id}$"))
    page.wait_for_selector("[data-testid=waiting-acceptance]")
    accept = page.locator("details[data-action=accept]")
    assert accept.get_attribute("open") is not None  # the one thing to do: open at once
    assert page.locator("details[data-action=dispatch]").count() == 0
    assert axe_violations(page) == [], "a mail waiting for acceptance"
    accept.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=case-status].status-accepted")
    assert page.locator("[data-testid=waiting-acceptance]").count() == 0
    assert page.locator("details[data-action=dispatch]").count() == 1  # dispatch comes next
    page.wait_for_function("!document.querySelector('.htmx-request')")
    shot(page, "mail-accepted")
    assert axe_violations(page) == [], "the mail accepted"
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, waiting_id)
        assert case.status is Status.ACCEPTED
        assert case.accepted_by_id == org.users["desk"].id
