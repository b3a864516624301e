"""Who sees a case (CO-8), over HTTP: a handler of another unit finds it nowhere.

Every desk URL rule that takes a case (case_id, number, attachment_id, dossier_id) is found
in the app's URL map, so a new route is walked without being listed: it answers 404 to a
handler of another department, exactly as another tenant's case does, and works for the case's own
handler and department head. The queue, search by number, the bell and the mail log leave
the case out.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from casework import notifications
from casework.models import Attachment, Case, Dossier
from casework.states import Action, NotificationKind
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, login

CASE_ARGUMENTS = {"case_id", "number", "attachment_id", "dossier_id"}
_ARGUMENT = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
EMAIL = "sight-walk@example.com"


@pytest.fixture
def ops_case(world) -> dict[str, int | str]:
    """A case with a file and an email address, dispatched to ops_li in Operations."""
    case_id = dispatched_case(
        world.a, "ops_li", attachment_name="a.txt", attachment_data=b"hello", email=EMAIL
    )
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        att = db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case_id)).one()
        dossier = Dossier(case_id=case_id, masked=True, basis="sight-walk")  # not built yet
        db.session.add(dossier)
        db.session.commit()
        return {
            "slug": world.a.slug,
            "case_id": case_id,
            "number": case.number,
            "attachment_id": att.id,
            "dossier_id": dossier.id,
            "action": Action.NOTE.value,
        }


def _case_rules(app):
    """Every desk rule (guarded by staff_required) that names a case or one of its rows."""
    return [
        r
        for r in app.url_map.iter_rules()
        if CASE_ARGUMENTS & set(r.arguments)
        and getattr(app.view_functions[r.endpoint], "staff_roles", None) is not None
    ]


def _walk(app, client, ids, user_roles):
    """(rule, status) for every case rule the user's roles may open at all."""
    for rule in _case_rules(app):
        unknown = set(rule.arguments) - set(ids)
        assert not unknown, f"teach the sight walk {sorted(unknown)} of {rule.rule}"
        roles = app.view_functions[rule.endpoint].staff_roles
        if roles and not set(roles) & user_roles:
            continue  # refused by role before any case is read (403)
        url = _ARGUMENT.sub(lambda m: str(ids[m.group(1)]), rule.rule)
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule, client.open(url, method=method, data={}).status_code


def test_the_walk_covers_the_case_routes(app):
    endpoints = {r.endpoint for r in _case_rules(app)}
    assert {"cases.show", "cases.act", "cases.letter", "cases.attachment"} <= endpoints
    assert {"cases.request_dossier", "cases.dossier", "cases.dossier_pdf"} <= endpoints


def test_every_case_url_is_404_to_a_handler_of_another_unit(app, client, world, ops_case):
    login(client, world.a, "cs_zhou")
    walked = 0
    for rule, status in _walk(app, client, ops_case, set(world.a.users["cs_zhou"].roles)):
        assert status == 404, f"{rule.endpoint} {rule.rule} → {status}"
        walked += 1
    assert walked >= 5
    base = f"/t/{world.a.slug}/desk/cases/{ops_case['case_id']}"
    for action in Action:  # every verb, not only the walk's one
        assert client.post(f"{base}/{action.value}", data={}).status_code == 404, action


@pytest.mark.parametrize("who", ["ops_li", "ops_head", "super", "desk"])
def test_the_cases_own_people_reach_every_case_url(app, client, world, ops_case, who):
    login(client, world.a, who)
    for rule, status in _walk(app, client, ops_case, set(world.a.users[who].roles)):
        assert status != 404, f"{rule.endpoint} {rule.rule} → {status}"
    base = f"/t/{world.a.slug}/desk/cases/{ops_case['case_id']}"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/attachments/{ops_case['attachment_id']}").data == b"hello"


def test_queue_and_search_leave_it_out(client, world, ops_case):
    desk = f"/t/{world.a.slug}/desk/"
    number = str(ops_case["number"])
    link = f'cases/{ops_case["case_id"]}"'
    login(client, world.a, "cs_zhou")
    for query in ("", "?status=all", f"?q={number}", f"?status=all&q={number}", "?mine=y"):
        page = client.get(desk + query)
        assert page.status_code == 200 and link not in page.text, query
        assert page.text.count(number) <= 1, query  # at most the search box's own value
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "ops_li")
    assert link in client.get(f"{desk}?q={number}").text
    assert link in client.get(desk).text


def test_the_bell_hides_a_notice_about_a_case_out_of_sight(client, world, ops_case):
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, ops_case["case_id"])
        zhou = db.session.merge(world.a.users["cs_zhou"])
        notifications.tell([zhou], case, NotificationKind.URGE)
        db.session.commit()
    login(client, world.a, "cs_zhou")
    page = client.get(f"/t/{world.a.slug}/desk/notifications")
    assert page.status_code == 200 and str(ops_case["number"]) not in page.text
    badge = client.get(f"/t/{world.a.slug}/desk/notifications/badge")
    assert "bell-count" not in badge.text  # nothing unread that can be seen


def test_the_mail_log_hides_mail_about_a_case_out_of_sight(client, world, ops_case):
    log = f"/t/{world.a.slug}/desk/mail"
    login(client, world.a, "desk")
    assert EMAIL in client.get(log).text  # a clerk sees every case by default
    with tenant_bound(world.a.tenant.id):  # this tenant keeps its clerks to their unit
        db.session.merge(world.a.tenant).update_config(case_sight={"intake": "department"})
        db.session.commit()
    page = client.get(log)
    assert page.status_code == 200 and EMAIL not in page.text
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "super")
    assert EMAIL in client.get(log).text
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "cs_zhou")
    assert client.get(log).status_code == 403  # handlers never opened the mail log


def test_handing_a_case_out_of_ones_sight_lands_on_the_queue(client, world, ops_case):
    base = f"/t/{world.a.slug}/desk/cases/{ops_case['case_id']}"
    cs = world.a.users["cs_head"].department_id
    login(client, world.a, "ops_head")
    data = {"dispatch-department_id": cs, "dispatch-handler_id": 0, "dispatch-note": "归客服"}
    r = client.post(f"{base}/dispatch", data=data)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/t/{world.a.slug}/desk/")
    assert client.get(base).status_code == 404
    client.post(f"/t/{world.a.slug}/desk/logout")
    login(client, world.a, "cs_head")  # and back, from the page htmx drew
    data["dispatch-department_id"] = world.a.users["ops_head"].department_id
    r = client.post(f"{base}/dispatch", data=data, headers={"HX-Request": "true"})
    assert r.status_code == 204 and r.headers["HX-Redirect"] == f"/t/{world.a.slug}/desk/"


def test_a_clerk_filing_for_a_unit_out_of_sight_lands_on_the_queue(client, world):
    """A tenant narrows intake clerks to their unit; filing for another unit is still fine."""
    from casework import access

    access.set_sight(world.a.tenant, None, {"intake": "department"})
    db.session.commit()
    login(client, world.a, "desk")  # of Customer Service
    product = world.a.category("product")  # routed to Operations
    response = client.post(
        "/t/alpha/desk/intake/",
        data={
            "channel": "phone",
            "category_id": str(product.id),
            "description": "电器柜台售出的电水壶第二天就不能加热。",
            "name": "刘先生",
            "phone": "13700001111",
            "preferred_contact": "phone",
            "priority": "",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/t/alpha/desk/")
    assert client.get(response.headers["Location"]).status_code == 200
