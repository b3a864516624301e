"""Improvement actions' pages (PROP-8): opened from a dashboard figure or the queue with the
group's filters, one action's page with its history and effect, the list, and who may do
what (a handler only their own action; a head only their department's)."""

from __future__ import annotations

import datetime as dt
import html
import re

import sqlalchemy as sa

from casework import deadlines
from casework.models import ImprovementAction
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import login, open_case


def _today(org) -> dt.date:
    return deadlines.local_today(utcnow(), org.tenant.timezone)


def _links(text: str) -> list[str]:
    return [
        html.unescape(m)
        for m in re.findall(r'<a class="improve-link[^"]*" href="([^"]+)"', text)
        + re.findall(r'<a href="([^"]+)" data-testid="improve-link"', text)
    ]


def _open_via(client, org, form_url: str, **data) -> object:
    page = client.get(form_url)
    assert page.status_code == 200, page.text
    fields = {
        "title": "价格类投诉集中：收银复核制度",
        "owner_id": str(org.users["ops_head"].id),
        "department_id": "0",
        "due_on": (_today(org) + dt.timedelta(days=14)).isoformat(),
    }
    fields.update(data)
    return client.post(form_url, data=fields)


def _actions(org) -> list[ImprovementAction]:
    with tenant_bound(org.tenant.id):
        rows = list(db.session.scalars(sa.select(ImprovementAction).order_by(ImprovementAction.id)))
        db.session.expunge_all()
        return rows


def test_from_a_dashboard_figure_to_an_action_that_keeps_its_group(client, world):
    org = world.a
    open_case(org)
    login(client, org, "super")
    dash = client.get(f"/t/{org.slug}/desk/dashboard?lang=en&period=this_month")
    links = _links(dash.text)
    assert len(links) >= 8  # every figure's title carries its own
    reopened = next(link for link in links if "reopened=1" in link)
    assert "/improvements/new?" in reopened and "received_from=" in reopened
    answer = _open_via(client, org, reopened)
    assert answer.status_code == 303
    (action,) = _actions(org)
    assert action.filters["reopened"] == "1" and action.filters["kind"] == "complaint"
    assert action.source == "Reopened" and action.owner_id == org.users["ops_head"].id
    page = client.get(answer.headers["Location"] + "?lang=en")
    assert page.status_code == 200
    assert "价格类投诉集中" in page.text and 'data-testid="effect-before"' in page.text
    assert "Opened" in page.text  # its history
    group = re.search(r'href="([^"]+)" data-testid="group-link"', page.text).group(1)
    assert html.unescape(group).startswith(f"/t/{org.slug}/desk/?") and "reopened=1" in group


def test_from_the_queue_with_its_filters(client, world):
    org = world.a
    price = org.category("price").id
    login(client, org, "super")
    queue = client.get(f"/t/{org.slug}/desk/?status=all&category={price}")
    (link,) = _links(queue.text)
    assert f"category={price}" in link
    assert _open_via(client, org, link).status_code == 303
    assert _actions(org)[0].filters == {"status": "all", "category": str(price)}
    # A handler's queue offers no such link.
    login(client, org, "ops_li")
    assert _links(client.get(f"/t/{org.slug}/desk/").text) == []


def test_bad_input_is_a_form_error_and_nothing_is_saved(client, world):
    org = world.a
    login(client, org, "super")
    url = f"/t/{org.slug}/desk/improvements/new?lang=zh_Hans_CN"
    answer = _open_via(client, org, url, title="", due_on="2001-01-01")
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text
    answer = _open_via(client, org, url, owner_id="999999")
    assert answer.status_code == 422
    assert _actions(org) == []


def test_who_may_open_see_and_finish_an_action(client, world):
    org = world.a
    base = f"/t/{org.slug}/desk/improvements"
    for who in ("ops_li", "desk"):
        login(client, org, who)
        assert client.get(f"{base}/new").status_code == 403
    login(client, org, "super")
    assert _open_via(client, org, f"{base}/new").status_code == 303
    (action,) = _actions(org)
    # Another department's head, and a handler who does not own it, get 404.
    for who in ("cs_head", "cs_zhou"):
        login(client, org, who)
        assert client.get(f"{base}/{action.id}").status_code == 404
    # The owner (ops_head) sees it in the list and marks it done.
    login(client, org, "ops_head")
    listing = client.get(f"{base}?lang=en")
    assert f"{base}/{action.id}" in listing.text
    assert client.get(f"{base}/{action.id}").status_code == 200
    done = client.post(f"{base}/{action.id}/complete", data={"outcome": "收银复核制度已执行"})
    assert done.status_code == 303
    assert _actions(org)[0].status == "done"


def test_the_list_puts_open_first_and_marks_overdue(client, world):
    org = world.a
    login(client, org, "super")
    base = f"/t/{org.slug}/desk/improvements"
    _open_via(client, org, f"{base}/new", title="先到期的措施")
    _open_via(client, org, f"{base}/new", title="后到期的措施")
    first, second = _actions(org)
    with tenant_bound(org.tenant.id):
        db.session.get(ImprovementAction, first.id).status = "cancelled"
        db.session.get(ImprovementAction, second.id).due_on = _today(org) - dt.timedelta(days=1)
        db.session.commit()
    text = client.get(f"{base}?lang=en").text
    assert text.index("后到期的措施") < text.index("先到期的措施")
    assert text.count('data-testid="overdue"') == 1
    assert client.get(f"{base}?page=abc").status_code == 200


def test_the_owners_bell_shows_the_reminder(client, world):
    from casework.operations import improvements as imp

    org = world.a
    login(client, org, "super")
    _open_via(client, org, f"/t/{org.slug}/desk/improvements/new", title="复核收银流程")
    (action,) = _actions(org)
    assert imp.sweep(utcnow() + dt.timedelta(days=12)) == 1
    login(client, org, "ops_head")
    assert ">1<" in client.get(f"/t/{org.slug}/desk/notifications/badge").text
    page = client.get(f"/t/{org.slug}/desk/notifications?lang=en").text
    assert "复核收银流程" in page and f"/improvements/{action.id}" in page
