"""The staff desk: queue, case page, actions through to closed, roles on every route."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from casework.models import Case
from casework.states import Status
from tenants.db import db, tenant_bound
from tests.conftest import login, open_case


def _case(org, case_id):
    with tenant_bound(org.tenant.id):
        db.session.expire_all()
        return db.session.get(Case, case_id)


def test_desk_needs_a_login(client, world):
    response = client.get(f"/t/{world.a.slug}/desk/")
    assert response.status_code == 302
    assert "/t/alpha/desk/login" in response.headers["Location"]


def test_wrong_password_is_a_form_error(client, world):
    response = client.post(
        "/t/alpha/desk/login?lang=en", data={"username": "super", "password": "nope"}
    )
    assert response.status_code == 200
    assert "Wrong username or password" in response.text


def test_work_a_case_to_closed_over_http(client, world):
    u = world.a.users
    case = open_case(world.a)
    base = f"/t/{world.a.slug}/desk/cases/{case.id}"

    login(client, world.a, "desk")
    page = client.get(base)
    assert page.status_code == 200 and case.number in page.text
    assert "财务部" in page.text  # MALL-4: the price category suggests Finance
    r = client.post(
        f"{base}/dispatch",
        data={
            "dispatch-department_id": u["ops_li"].department_id,
            "dispatch-handler_id": u["ops_li"].id,
            "dispatch-note": "请今天联系",
        },
    )
    assert r.status_code == 303
    assert _case(world.a, case.id).status is Status.DISPATCHED
    client.post(f"/t/{world.a.slug}/desk/logout")

    login(client, world.a, "ops_li")
    assert (
        client.post(
            f"{base}/contact", data={"contact-method": "phone", "contact-body": "核实经过"}
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"{base}/note", data={"note-body": "已调取收银记录", "note-public": "y"}
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"{base}/result",
            data={
                "result-result": "已退还差价",
                "result-remedy": "停车券",
                "result-finding": "not_valid",
            },
        ).status_code
        == 303
    )
    assert client.post(f"{base}/send_result", data={}).status_code == 303
    assert _case(world.a, case.id).status is Status.AWAITING_REVISIT

    # The revisit is made on its own page, which the case page links to.
    page = client.get(base)
    revisit_url = re.search(r'href="([^"]+/revisits/\d+)"', page.text).group(1)
    r = client.post(
        f"{revisit_url}/call",
        data={"call-outcome": "reached", "call-q_overall": "5", "call-q_comments": "满意"},
    )
    assert r.status_code == 303
    closed = _case(world.a, case.id)
    assert closed.status is Status.CLOSED and closed.satisfaction == 5
    page = client.get(base + "?lang=en")
    assert "closed and archived" in page.text
    assert "Time limits" in page.text and "Reply with the result" in page.text
    assert page.text.count("on time") >= 4  # every stage met within its limit
    # No action forms on an archived case, but the repeat contact that reopens it when the
    # defect is still there, within the tenant's repeat window (CITY-6, PROP-12).
    assert re.findall(r'data-action="([a-z_]+)"', page.text) == ["repeat_contact"]


def test_refused_actions_come_back_as_form_errors(client, world):
    case = open_case(world.a)
    base = f"/t/{world.a.slug}/desk/cases/{case.id}"
    with tenant_bound(world.a.tenant.id):  # handlers see every case here (CO-8 widened)
        db.session.merge(world.a.tenant).update_config(case_sight={"handler": "all"})
        db.session.commit()
    login(client, world.a, "ops_li")
    # A handler may not dispatch: a clear message, the case unchanged.
    r = client.post(f"{base}/dispatch?lang=en", data={"dispatch-department_id": 1})
    assert r.status_code == 422
    assert "role may not" in r.text
    # Recording a result on an undispatched case: an illegal transition, explained.
    r = client.post(
        f"{base}/result?lang=en", data={"result-result": "x", "result-finding": "not_valid"}
    )
    assert r.status_code == 422 and "cannot take this action" in r.text
    # An empty required field.
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "super")
    r = client.post(f"{base}/dispatch?lang=en", data={})
    assert r.status_code == 422 and "is-danger" in r.text
    assert client.post(f"{base}/unknown-verb", data={}).status_code == 404
    assert _case(world.a, case.id).status is Status.ACCEPTED


def test_htmx_gets_the_fragment_and_full_page_otherwise(client, world):
    case = open_case(world.a)
    login(client, world.a, "super")
    url = f"/t/{world.a.slug}/desk/cases/{case.id}"
    full = client.get(url)
    frag = client.get(url, headers={"HX-Request": "true"})
    assert "<html" in full.text and "<html" not in frag.text
    assert 'id="case"' in frag.text
    assert "HX-Request" in frag.headers["Vary"]
    restore = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text
    u = world.a.users
    r = client.post(
        f"{url}/dispatch",
        headers={"HX-Request": "true"},
        data={
            "dispatch-department_id": u["ops_li"].department_id,
            "dispatch-handler_id": u["ops_li"].id,
        },
    )
    assert r.status_code == 200 and "<html" not in r.text and "李明" in r.text


def test_queue_filters_and_keyset_pages(client, world):
    u = world.a.users
    cases = [open_case(world.a) for _ in range(30)]
    with tenant_bound(world.a.tenant.id):
        from casework.operations import dispatch

        c = db.session.merge(cases[0])
        dispatch.dispatch_case(c, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        # Spread creation times so the order is unambiguous.
        for i, case in enumerate(cases):
            db.session.execute(
                sa.update(Case)
                .where(Case.id == case.id)
                .values(created_at=dt.datetime(2026, 11, 1) + dt.timedelta(minutes=i))
            )
        db.session.commit()
    login(client, world.a, "super")
    base = f"/t/{world.a.slug}/desk/"
    first = client.get(base)
    numbers = [c.number for c in cases]
    assert numbers[-1] in first.text and numbers[5] in first.text
    assert numbers[4] not in first.text  # 25 per page, newest first
    more = first.text.split('hx-get="')[-1].split('"')[0].replace("&amp;", "&")
    second = client.get(more, headers={"HX-Request": "true"})
    assert numbers[4] in second.text and numbers[0] in second.text
    assert numbers[5] not in second.text
    dispatched = client.get(base + "?status=dispatched")
    assert numbers[0] in dispatched.text and numbers[1] not in dispatched.text
    mine = client.get(base + "?mine=y")
    assert numbers[0] not in mine.text  # super is nobody's handler
    overdue = client.get(base + "?due=overdue")
    assert numbers[0] not in overdue.text  # due dates are days away
    by_number = client.get(base + f"?q={numbers[7].lower()}")
    assert numbers[7] in by_number.text and numbers[8] not in by_number.text


def test_a_handler_finds_and_takes_a_case_left_with_the_department(client, world):
    u = world.a.users
    routed, elsewhere = open_case(world.a), open_case(world.a)
    with tenant_bound(world.a.tenant.id):
        from casework.operations import dispatch

        for case, unit in ((routed, u["ops_li"]), (elsewhere, u["cs_zhou"])):
            c = db.session.merge(case)
            dispatch.dispatch_case(c, u["desk"], unit.department_id, None)
        db.session.commit()
    login(client, world.a, "ops_li")
    base = f"/t/{world.a.slug}/desk/"
    # Not "mine" yet, but in "my department, unassigned"; another unit's case is not.
    assert routed.number not in client.get(base + "?mine=y").text
    waiting = client.get(base + "?unassigned=y&lang=en")
    assert "My department, unassigned" in waiting.text
    assert routed.number in waiting.text and elsewhere.number not in waiting.text
    page = client.get(f"{base}cases/{routed.id}?lang=en")
    assert 'data-action="take"' in page.text and "Take this case" in page.text
    assert client.post(f"{base}cases/{routed.id}/take", data={}).status_code == 303
    assert _case(world.a, routed.id).handler_id == u["ops_li"].id
    assert routed.number in client.get(base + "?mine=y").text
    assert routed.number not in client.get(base + "?unassigned=y").text
    # Another department's case is out of sight (CO-8): not there to be taken.
    r = client.post(f"{base}cases/{elsewhere.id}/take?lang=en", data={})
    assert r.status_code == 404
    assert _case(world.a, elsewhere.id).handler_id is None


def test_staff_intake_uses_the_same_domain_call(client, world):
    login(client, world.a, "desk")
    r = client.post(
        f"/t/{world.a.slug}/desk/intake/",
        data={
            "channel": "phone",
            "category_id": world.a.category("safety").id,
            "description": "停车场照明不足",
            "name": "黄磊",
            "phone": "13700002222",
            "preferred_contact": "phone",
        },
    )
    assert r.status_code == 303
    with tenant_bound(world.a.tenant.id):
        case = db.session.scalars(sa.select(Case)).one()
        assert case.channel.value == "phone"
        assert case.accepted_by_label == "王晓雯"


def test_roles_gate_routes(client, world):
    login(client, world.a, "ops_li")
    assert client.get(f"/t/{world.a.slug}/desk/intake/").status_code == 403
    assert client.get(f"/t/{world.a.slug}/desk/mail").status_code == 403
    assert client.get(f"/t/{world.a.slug}/desk/").status_code == 200


def test_extension_over_http(client, world):
    u = world.a.users
    case = open_case(world.a)
    with tenant_bound(world.a.tenant.id):
        from casework.operations import dispatch

        c = db.session.get(Case, case.id)
        dispatch.dispatch_case(c, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        db.session.commit()
        before = c.reply_due_at
    base = f"/t/{world.a.slug}/desk/cases/{case.id}"
    login(client, world.a, "ops_li")
    assert (
        client.post(f"{base}/extend", data={"extend-days": "0", "extend-reason": "x"}).status_code
        == 422
    )
    assert (
        client.post(
            f"{base}/extend", data={"extend-days": "2", "extend-reason": "等待检测报告"}
        ).status_code
        == 303
    )
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "ops_head")
    page = client.get(base + "?lang=en")
    assert "Decide the extension request" in page.text and "等待检测报告" in page.text
    r = client.post(f"{base}/decide_extension", data={"decide_extension-decision": "approve"})
    assert r.status_code == 303
    assert _case(world.a, case.id).reply_due_at > before


def test_city_dispatcher_sees_due_soon_then_overdue(client, monkeypatch):
    from casework import queue as caseq
    from casework.states import Channel
    from tests.conftest import make_org

    city = make_org("city-q", "city")
    case = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("vendors").id
    )
    login(client, city, "desk")
    start = case.created_at
    seen = []
    for seconds in (30, 150, 185):
        monkeypatch.setattr(caseq, "utcnow", lambda s=seconds: start + dt.timedelta(seconds=s))
        page = client.get(f"/t/{city.slug}/desk/?lang=en")
        row = page.text.split(case.number, 1)[1].split("</tr>", 1)[0]
        seen.append(next(b for b in ("Overdue", "Due soon", "On time") if b in row))
    assert seen == ["On time", "Due soon", "Overdue"]


def test_letter_intake_records_when_it_arrived_in_local_time(client, world):
    login(client, world.a, "desk")
    r = client.post(
        f"/t/{world.a.slug}/desk/intake/",
        data={
            "channel": "email",
            "category_id": world.a.category("service").id,
            "description": "来信反映客服电话无人接听",
            "name": "钱芳",
            "email": "qian@example.com",
            "preferred_contact": "email",
            "received_at": (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "occurred_at": "2026-11-20T09:30",
        },
    )
    assert r.status_code == 303, r.text
    with tenant_bound(world.a.tenant.id):
        case = db.session.scalars(sa.select(Case)).one()
        # Typed in Beijing time, stored in UTC.
        assert case.occurred_at == dt.datetime(2026, 11, 20, 1, 30)
        assert case.accepted_at - case.received_at > dt.timedelta(hours=23)
    page = client.get(f"/t/{world.a.slug}/desk/cases/{case.id}?lang=en")
    assert "Received" in page.text and "late" in page.text  # 24-hour acceptance missed
    future = (dt.datetime.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        f"/t/{world.a.slug}/desk/intake/?lang=en",
        data={
            "channel": "email",
            "category_id": world.a.category("service").id,
            "description": "x",
            "name": "钱芳",
            "email": "qian@example.com",
            "preferred_contact": "email",
            "received_at": future,
        },
    )
    assert bad.status_code == 200 and "cannot have arrived in the future" in bad.text


def test_repeat_special_measures_and_rectification_over_http(client, world):
    u = world.a.users
    first = open_case(world.a)
    case = open_case(world.a)
    with tenant_bound(world.a.tenant.id):
        from casework.operations import dispatch

        c = db.session.get(Case, case.id)
        dispatch.dispatch_case(c, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        db.session.commit()
    base = f"/t/{world.a.slug}/desk/cases/{case.id}"
    login(client, world.a, "super")
    page = client.get(base + "?lang=en")
    assert "Mark as a repeat complaint" in page.text and "Order rectification" in page.text
    assert "Report the rectification done" not in page.text
    bad = client.post(f"{base}/mark_repeat?lang=en", data={"mark_repeat-earlier": "NOPE-1"})
    assert bad.status_code == 422 and "earlier case" in bad.text
    r = client.post(
        f"{base}/mark_repeat",
        data={"mark_repeat-earlier": first.number, "mark_repeat-defect": "y"},
    )
    assert r.status_code == 303
    page = client.get(base + "?lang=en")
    assert first.number in page.text and "Record special measures" in page.text
    r = client.post(
        f"{base}/special_measures", data={"special_measures-measures": "经理当日上门处理"}
    )
    assert r.status_code == 303
    cs = u["cs_head"].department_id
    r = client.post(
        f"{base}/order_rectification",
        data={
            "order_rectification-department_id": str(cs),
            "order_rectification-instructions": "核对全部价签",
        },
    )
    assert r.status_code == 303
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "cs_head")
    page = client.get(base + "?lang=en")
    assert 'data-testid="rectifications"' in page.text and "核对全部价签" in page.text
    r = client.post(f"{base}/rectified", data={"rectified-report": "已核对并培训"})
    assert r.status_code == 303
    with tenant_bound(world.a.tenant.id):
        kinds = [e.kind for e in _case(world.a, case.id).events]
    assert kinds[-4:] == ["marked_repeat", "special_measures", "rectification_ordered", "rectified"]


def test_times_in_the_history_are_shown_in_the_tenants_zone(client, world):
    first = open_case(world.a)
    case = open_case(world.a)
    with tenant_bound(world.a.tenant.id):
        from casework.operations import repeats

        c = db.session.get(Case, case.id)
        repeats.mark_repeat(c, world.a.users["desk"], first.number, True, "")
        db.session.commit()
        due = next(e for e in c.events if e.kind == "marked_repeat").changes
    stored = dt.datetime.fromisoformat(due["special_measures_due"][1])  # naive UTC
    local = stored + dt.timedelta(hours=8)
    login(client, world.a, "desk")
    page = client.get(f"/t/{world.a.slug}/desk/cases/{case.id}?lang=en")
    assert f"{local:%-I:%M}" in page.text and due["special_measures_due"][1] not in page.text
