"""The desk side of a revisit (回访): the queue, the page with the phone script, each outcome
button through its route, the home visit, the question for management (PROP-7) and the
loop back to handling with special measures (PROP-12)."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from casework import deadlines
from casework import revisit_queue as rq
from casework.models import Case, Deadline, Revisit, RevisitAttempt
from casework.operations import handling
from casework.states import (
    CallOutcome,
    CaseKind,
    Closure,
    ContactMethod,
    RevisitStatus,
    Stage,
    Status,
)
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import dispatched_case, login

OWN_QUESTION = {
    "key": "clean",
    "text": "现场是否清理干净？",
    "text_en": "Was the site left clean?",
    "kind": "yes_no",
}


def _awaiting(org, handler: str = "ops_li", **overrides) -> tuple[int, int]:
    """A complaint worked to the result told: waiting for its revisit. (case id, revisit id)"""
    case_id = dispatched_case(org, handler, **overrides)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, org.users[handler], "已退还差价 60 元。", "停车券一张")
        handling.send_result(case, org.users[handler])
        db.session.commit()
        revisit = db.session.scalars(sa.select(Revisit).where(Revisit.case_id == case_id)).one()
        return case_id, revisit.id


def _revisit(org, revisit_id: int) -> Revisit:
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        db.session.refresh(revisit)
        db.session.refresh(revisit.case)
        return revisit


def _edit(org, revisit_id: int, **values) -> None:
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        kind = values.pop("kind", None)
        if kind is not None:
            revisit.case.kind = kind
        for key, value in values.items():
            setattr(revisit, key, value)
        db.session.commit()


def _settings(org, **revisiting) -> None:
    with tenant_bound(org.tenant.id):
        tenant = db.session.merge(org.tenant)
        current = tenant.config.revisiting.model_dump(mode="json")
        tenant.update_config(revisiting={**current, **revisiting})
        db.session.commit()


def _base(org) -> str:
    return f"/t/{org.slug}/desk/revisits"


def _order(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-revisit="(\d+)"', html)]


def _call(client, org, revisit_id: int, outcome: str, **answers):
    data = {"call-outcome": outcome}
    data.update({f"call-{k}": v for k, v in answers.items()})
    return client.post(f"{_base(org)}/{revisit_id}/call", data=data)


def test_queue_lists_open_revisits_due_first_with_its_filters(client, world):
    org = world.a
    now = utcnow()
    tz = org.tenant.timezone
    end_of_today = deadlines.from_local(
        dt.datetime.combine(deadlines.local_today(now, tz), dt.time(23, 58)), tz
    )
    later, today, overdue = (_awaiting(org)[1] for _ in range(3))
    _edit(org, later, due_at=now + dt.timedelta(days=2))
    _edit(org, today, due_at=max(end_of_today, now + dt.timedelta(seconds=30)))
    _edit(org, overdue, due_at=now - dt.timedelta(hours=3), retry_at=now + dt.timedelta(hours=1))
    _edit(org, later, method=ContactMethod.EMAIL, kind=CaseKind.WORK_ORDER)
    _edit(org, today, assignee_id=org.users["desk"].id)
    done = _awaiting(org)[1]
    _edit(org, done, status=RevisitStatus.DONE)

    login(client, org, "desk")
    page = client.get(_base(org) + "/?lang=en")
    assert page.status_code == 200
    assert _order(page.text) == [overdue, today, later]  # due soonest first; none done
    badges = re.findall(r'data-testid="due-badge"[^>]*>([^<]+)<', page.text)
    assert badges == ["Overdue", "Due today", "Later"]
    assert page.text.count('data-testid="retry-at"') == 1
    assert "王晓雯" in page.text  # the assignee of one
    assert _order(client.get(_base(org) + "/?who=mine").text) == [today]
    assert _order(client.get(_base(org) + "/?who=unassigned").text) == [overdue, later]
    assert _order(client.get(_base(org) + "/?kind=work_order").text) == [later]
    assert _order(client.get(_base(org) + "/?method=email").text) == [later]
    assert _order(client.get(_base(org) + "/?method=phone&who=all").text) == [overdue, today]
    # Filters that mean nothing are no filter, never a 500.
    assert _order(client.get(_base(org) + "/?kind=x&method=y&who=z&after=bad").text) == [
        overdue,
        today,
        later,
    ]
    # The desk menu offers the queue with the count of my own.
    assert re.search(r'data-testid="revisits-mine"[^>]*>1<', page.text)


def test_queue_pages_by_cursor(client, world):
    org = world.a
    ids = [_awaiting(org)[1] for _ in range(3)]
    now = utcnow()
    for n, revisit_id in enumerate(ids):
        _edit(org, revisit_id, due_at=now + dt.timedelta(hours=n + 1))
    with tenant_bound(org.tenant.id):
        viewer = db.session.get(type(org.users["desk"]), org.users["desk"].id)
        first, cursor = rq.list_revisits(rq.RevisitFilters(), viewer, limit=2)
        assert [r.id for r in first] == ids[:2] and cursor
        rest, end = rq.list_revisits(rq.RevisitFilters(), viewer, cursor, limit=2)
        assert [r.id for r in rest] == ids[2:] and end is None
    login(client, org, "desk")
    more = client.get(
        _base(org) + "/", query_string={"after": cursor}, headers={"HX-Request": "true"}
    )
    assert more.status_code == 200 and _order(more.text) == ids[2:]
    assert "<table" not in more.text  # the rows alone, for "Load more"


def test_the_page_reads_the_script_and_the_tenants_questions(client, world):
    org = world.a
    _settings(org, questions=[OWN_QUESTION])
    case_id, revisit_id = _awaiting(org)
    login(client, org, "desk")
    page = client.get(f"{_base(org)}/{revisit_id}?lang=en")
    assert page.status_code == 200
    greeting = re.search(r'data-testid="script-greeting">(.*?)</li>', page.text, re.S).group(1)
    assert "张伟" in greeting and "王晓雯" in greeting and org.tenant.name in greeting
    assert "收银员多收了 60 元" in page.text  # the purpose names what they told us
    assert "已退还差价 60 元。" in page.text  # the result they were told
    for key in ("overall", "solved", "speed", "attitude", "result", "clean"):
        assert f'data-question="{key}"' in page.text
    assert "Was the site left clean?" in page.text
    for outcome in ("reached", "no_answer", "wrong_number", "refused"):
        assert f'name="call-outcome" value="{outcome}"' in page.text
    # The clerk holds the personal-data right in the mall: the number in full, to dial.
    assert "138 1234 5678" in page.text
    # A handler without the right sees the mask, and may reveal it, logged (CO-8).
    client.post(f"/t/{org.slug}/desk/logout")
    with tenant_bound(org.tenant.id):
        tenant = db.session.merge(org.tenant)
        tenant.update_config(personal_data_roles=["supervisor", "admin"])
        db.session.commit()
    login(client, org, "ops_li")
    page = client.get(f"{_base(org)}/{revisit_id}")
    assert "138****5678" in page.text and "138 1234 5678" not in page.text
    shown = client.post(f"{_base(org)}/{revisit_id}/reveal", data={"reveal-reason": "回访拨号"})
    assert shown.status_code == 303
    assert "138 1234 5678" in client.get(f"{_base(org)}/{revisit_id}").text


def test_no_answer_waits_for_the_retry_then_reached_closes_the_case(client, world):
    org = world.a
    case_id, revisit_id = _awaiting(org)
    login(client, org, "desk")
    r = _call(client, org, revisit_id, "no_answer", note="无人接听")
    assert r.status_code == 303
    revisit = _revisit(org, revisit_id)
    assert revisit.status is RevisitStatus.PLANNED and revisit.attempts == 1
    assert revisit.retry_at is not None and revisit.retry_at > utcnow()
    page = client.get(f"{_base(org)}/{revisit_id}?lang=en")
    assert 'data-testid="retry-notice"' in page.text and "attempt 1 of 3" in page.text
    assert "无人接听" in page.text  # the earlier attempt with its note

    r = _call(
        client,
        org,
        revisit_id,
        "reached",
        q_overall="5",
        q_solved="yes",
        q_speed="4",
        q_attitude="5",
        q_result="5",
        q_comments="很满意",
    )
    assert r.status_code == 303
    revisit = _revisit(org, revisit_id)
    assert revisit.status is RevisitStatus.DONE and revisit.satisfaction == 5
    assert revisit.answers["speed"] == 4 and revisit.solved is True
    assert revisit.case.status is Status.CLOSED and revisit.case.closure is Closure.REVISITED
    page = client.get(f"{_base(org)}/{revisit_id}?lang=en")
    assert "the person is satisfied" in page.text and 'data-testid="call-form"' not in page.text
    # The revisit is over: another button press is refused on the page, not a 500.
    again = _call(client, org, revisit_id, "no_answer")
    assert again.status_code == 422


def test_wrong_number_and_refusal_end_the_revisit_at_once(client, world):
    org = world.a
    login(client, org, "desk")
    for outcome in ("wrong_number", "refused"):
        _, revisit_id = _awaiting(org)
        assert _call(client, org, revisit_id, outcome, note="号码错误").status_code == 303
        revisit = _revisit(org, revisit_id)
        assert revisit.status is RevisitStatus.UNREACHABLE and revisit.attempts == 1
        assert revisit.case.status is Status.CLOSED
        assert revisit.case.closure is Closure.NOT_REACHED
        page = client.get(f"{_base(org)}/{revisit_id}?lang=en")
        assert "Unreachable after 1 attempts" in page.text


def test_unreachable_after_the_tenants_attempts(client, world):
    org = world.a
    _settings(org, attempts=2)
    _, revisit_id = _awaiting(org)
    login(client, org, "desk")
    assert _call(client, org, revisit_id, "no_answer").status_code == 303
    assert _revisit(org, revisit_id).status is RevisitStatus.PLANNED
    assert _call(client, org, revisit_id, "no_answer").status_code == 303
    revisit = _revisit(org, revisit_id)
    assert revisit.status is RevisitStatus.UNREACHABLE and revisit.attempts == 2
    with tenant_bound(org.tenant.id):
        outcomes = db.session.scalars(
            sa.select(RevisitAttempt.outcome).where(RevisitAttempt.revisit_id == revisit_id)
        ).all()
    assert outcomes == [CallOutcome.NO_ANSWER, CallOutcome.NO_ANSWER]
    page = client.get(f"{_base(org)}/{revisit_id}?lang=en")
    assert "Unreachable after 2 attempts" in page.text and "closed as not reached" in page.text


def test_not_satisfied_goes_back_to_handling_with_special_measures(client, world):
    org = world.a
    case_id, revisit_id = _awaiting(org)
    login(client, org, "desk")
    r = _call(client, org, revisit_id, "reached", q_overall="2", q_solved="no", q_comments="没解决")
    assert r.status_code == 303
    revisit = _revisit(org, revisit_id)
    assert revisit.status is RevisitStatus.DONE
    assert revisit.case.status in (Status.DISPATCHED, Status.IN_PROGRESS)
    with tenant_bound(org.tenant.id):
        due = db.session.scalars(
            sa.select(Deadline).where(
                Deadline.case_id == case_id,
                Deadline.stage == Stage.SPECIAL_MEASURES,
                Deadline.done_at.is_(None),
            )
        ).one()
    assert due.due_at - utcnow() <= dt.timedelta(hours=24, minutes=1)
    page = client.get(f"{_base(org)}/{revisit_id}?lang=en")
    assert "went back to handling with special measures" in page.text
    assert 'data-testid="special-measures-due"' in page.text


def test_a_question_for_management_and_its_answer(client, world):
    org = world.a
    _, revisit_id = _awaiting(org)
    login(client, org, "desk")
    client.get(f"{_base(org)}/?lang=en")
    past = client.post(
        f"{_base(org)}/{revisit_id}/ask",
        data={"ask-question": "停车券能否延期？", "ask-answer_by": "2001-01-01"},
    )
    assert past.status_code == 422 and "Promise a date to come" in client_text(past)
    promised = (utcnow() + dt.timedelta(days=3)).date().isoformat()
    r = client.post(
        f"{_base(org)}/{revisit_id}/ask",
        data={"ask-question": "停车券能否延期？", "ask-answer_by": promised},
    )
    assert r.status_code == 303
    page = client.get(f"{_base(org)}/{revisit_id}")
    assert "停车券能否延期？" in page.text and 'data-testid="answer-form"' not in page.text
    client.post(f"/t/{org.slug}/desk/logout")
    login(client, org, "super")
    page = client.get(f"{_base(org)}/{revisit_id}")
    assert 'data-testid="answer-form"' in page.text
    empty = client.post(f"{_base(org)}/{revisit_id}/answer", data={"answer-answer": " "})
    assert empty.status_code == 422
    r = client.post(f"{_base(org)}/{revisit_id}/answer", data={"answer-answer": "可延期一个月"})
    assert r.status_code == 303
    revisit = _revisit(org, revisit_id)
    assert revisit.answer == "可延期一个月" and revisit.answered_at is not None
    assert 'data-testid="management-answer"' in client.get(f"{_base(org)}/{revisit_id}").text


def client_text(response) -> str:
    """The page's text with its HTML entities as they read (an apostrophe, a quote)."""
    import html

    return html.unescape(response.text)


def test_assigned_through_htmx_the_fragment_names_the_revisitor(client, world):
    # The fragment is drawn before the commit: it must show the new revisitor, not the old.
    org = world.a
    _, revisit_id = _awaiting(org)
    login(client, org, "super")
    desk = org.users["desk"]
    r = client.post(
        f"{_base(org)}/{revisit_id}/assign",
        data={"assign-revisitor_id": desk.id},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    box = re.search(r"<h2[^>]*>回访人</h2>\s*<p>([^<]*)</p>", r.text)
    assert box and box.group(1) == desk.name


def test_assign_then_a_home_visit_and_its_outcome(client, world):
    org = world.a
    _, revisit_id = _awaiting(org)
    login(client, org, "super")
    desk = org.users["desk"]
    r = client.post(f"{_base(org)}/{revisit_id}/assign", data={"assign-revisitor_id": desk.id})
    assert r.status_code == 303 and _revisit(org, revisit_id).assignee_id == desk.id
    r = client.post(
        f"{_base(org)}/{revisit_id}/visit",
        data={"visit-at": "2030-05-06T10:00", "visit-address": "", "visit-visitor_id": desk.id},
    )
    assert r.status_code == 422  # no address: the field says so
    r = client.post(
        f"{_base(org)}/{revisit_id}/visit",
        data={
            "visit-at": "2030-05-06T10:00",
            "visit-address": "锦绣花园 3 栋 2 单元 501",
            "visit-visitor_id": desk.id,
        },
    )
    assert r.status_code == 303
    revisit = _revisit(org, revisit_id)
    assert revisit.method is ContactMethod.VISIT
    assert revisit.visit_at == dt.datetime(2030, 5, 6, 2, 0)  # 10:00 in Shanghai
    client.post(f"/t/{org.slug}/desk/logout")
    login(client, org, "desk")
    page = client.get(f"{_base(org)}/{revisit_id}?lang=en")
    assert "Nobody at home" in page.text and "Met: save the answers" in page.text
    r = _call(client, org, revisit_id, "reached", q_overall="4", q_solved="yes")
    assert r.status_code == 303
    with tenant_bound(org.tenant.id):
        attempt = db.session.scalars(
            sa.select(RevisitAttempt).where(RevisitAttempt.revisit_id == revisit_id)
        ).one()
    assert attempt.method is ContactMethod.VISIT and attempt.outcome is CallOutcome.REACHED


def test_bad_input_is_a_form_error_in_the_users_language(client, world):
    org = world.a
    _, revisit_id = _awaiting(org)
    login(client, org, "desk")
    client.get(f"{_base(org)}/?lang=en")
    cases = [
        ({"call-outcome": "reached"}, "Please answer this question."),
        ({"call-outcome": "reached", "call-q_overall": "9"}, "Choose a score from 1 to 5."),
        (
            {"call-outcome": "reached", "call-q_overall": "3", "call-q_solved": "maybe"},
            "Answer yes or no.",
        ),
        ({"call-outcome": "sideways"}, "Press the button that says how the call went."),
        ({}, "Press the button that says how the call went."),
        ({"call-outcome": "no_answer", "call-note": "x" * 2001}, "2000"),
    ]
    for data, error in cases:
        r = client.post(f"{_base(org)}/{revisit_id}/call", data=data)
        assert r.status_code == 422, data
        assert error in client_text(r), data
    r = client.post(f"{_base(org)}/{revisit_id}/visit", data={"visit-at": "soon"})
    assert r.status_code == 422
    r = client.post(f"{_base(org)}/{revisit_id}/assign", data={"assign-revisitor_id": "x"})
    assert r.status_code == 422
    r = client.post(f"{_base(org)}/{revisit_id}/assign", data={"assign-revisitor_id": "9" * 30})
    assert r.status_code == 422
    assert _revisit(org, revisit_id).attempts == 0  # nothing was recorded
    # In Chinese, the default language, the same errors speak Chinese.
    client.get(f"{_base(org)}/?lang=zh_CN")
    r = client.post(f"{_base(org)}/{revisit_id}/call", data={"call-outcome": "reached"})
    assert r.status_code == 422 and "Please answer this question." not in r.text


def test_htmx_gets_the_fragment(client, world):
    org = world.a
    _, revisit_id = _awaiting(org)
    login(client, org, "desk")
    r = client.post(
        f"{_base(org)}/{revisit_id}/call",
        data={"call-outcome": "no_answer"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200
    assert "<html" not in r.text and 'id="revisit"' in r.text
    assert 'data-testid="retry-notice"' in r.text
    bad = client.post(f"{_base(org)}/{revisit_id}/call", data={}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "<html" not in bad.text


def test_the_case_page_leads_to_the_revisit_page(client, world):
    org = world.a
    case_id, revisit_id = _awaiting(org)
    login(client, org, "desk")
    case_url = f"/t/{org.slug}/desk/cases/{case_id}"
    page = client.get(case_url)
    assert 'data-testid="revisit-link"' in page.text
    assert f'href="{_base(org)}/{revisit_id}"' in page.text
    assert 'name="revisit-reached"' not in page.text  # the old short form is gone
    assert client.post(f"{case_url}/revisit", data={}).status_code == 404
    # A case waiting for its revisit without a plan (from before plans): one is planned.
    _edit(org, revisit_id, status=RevisitStatus.CANCELLED)
    page = client.get(case_url)
    assert f'action="{_base(org)}/cases/{case_id}/start"' in page.text
    r = client.post(f"{_base(org)}/cases/{case_id}/start")
    assert r.status_code == 303
    new_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert new_id != revisit_id and _revisit(org, new_id).is_open


def test_other_tenants_and_unseen_revisits_are_404(client, world):
    _, foreign = _awaiting(world.b, "opd_wu", name="李雷")
    _, own = _awaiting(world.a)
    login(client, world.a, "super")
    base = _base(world.a)
    assert client.get(f"{base}/{foreign}").status_code == 404
    for verb in ("call", "assign", "visit", "ask", "answer", "reveal"):
        assert client.post(f"{base}/{foreign}/{verb}", data={}).status_code == 404, verb
    assert client.get(f"{base}/{own}").status_code == 200
    # A handler of another unit does not see this case (CO-8): nor its revisit.
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "cs_zhou")
    assert client.get(f"{base}/{own}").status_code == 404
    assert own not in _order(client.get(base + "/").text)
