"""The daily review page (CITY-7): the three days, the order, "more", the sign-off."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from casework import review
from casework.models import Case, DayReview
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Tenant
from tests.conftest import dispatched_case, login, open_case

URL = "/t/{slug}/desk/review"


def _days(org) -> list[dt.date]:
    with tenant_bound(org.tenant.id):
        return review.window(org.tenant)


def test_reviewers_find_it_in_the_menu_and_others_do_not(client, world):
    org = world.a
    login(client, org, "super")
    queue = client.get(f"/t/{org.slug}/desk/?lang=en").text
    assert URL.format(slug=org.slug) in queue and "Daily review" in queue
    page = client.get(URL.format(slug=org.slug) + "?lang=en")
    assert page.status_code == 200
    for day in _days(org):
        assert f'data-testid="day-{day.isoformat()}"' in page.text
    client.post(f"/t/{org.slug}/desk/logout")
    login(client, org, "desk")
    assert URL.format(slug=org.slug) not in client.get(f"/t/{org.slug}/desk/").text
    assert client.get(URL.format(slug=org.slug)).status_code == 403


def test_the_page_lists_repeats_first_and_masks_for_the_reader(client, world):
    org = world.a
    earlier = open_case(org).id
    plain = open_case(org, description="电梯噪音扰民，要求处理。").id
    again = open_case(org, description="同一问题再次反映：13812345678").id
    with tenant_bound(org.tenant.id):
        db.session.get(Case, again).repeat_of_id = earlier
        db.session.commit()
        numbers = {i: db.session.get(Case, i).number for i in (earlier, plain, again)}
    login(client, org, "super")
    page = client.get(URL.format(slug=org.slug) + "?lang=en").text
    assert page.index(numbers[again]) < page.index(numbers[plain])
    assert "Repeat" in page and "3 cases" in page and "1 repeats" in page


def test_more_of_a_day_is_the_rows_partial(client, world, monkeypatch):
    org = world.a
    ids = [open_case(org).id for _ in range(3)]
    monkeypatch.setattr(review, "PAGE", 2)
    login(client, org, "super")
    page = client.get(URL.format(slug=org.slug)).text
    today = _days(org)[0].isoformat()
    assert f'id="more-{today}"' in page
    more = client.get(
        URL.format(slug=org.slug),
        query_string={"day": today, "after": f"{review.UNRESOLVED_BUCKET}.{ids[1]}"},
        headers={"HX-Request": "true"},
    )
    assert more.status_code == 200
    assert "<html" not in more.text and more.text.count('class="review-item"') == 1
    with tenant_bound(org.tenant.id):
        assert db.session.get(Case, ids[2]).number in more.text
    # Bad cursors and days are a 400 or 404 with a reason, never a 500.
    for args in (
        {"day": today, "after": "9.1"},
        {"day": today, "after": "1.99999999999999"},
        {"day": "2026-13-01"},
    ):
        assert client.get(URL.format(slug=org.slug), query_string=args).status_code == 400
    old = (_days(org)[0] - dt.timedelta(days=5)).isoformat()
    assert client.get(URL.format(slug=org.slug), query_string={"day": old}).status_code == 404


def test_a_day_is_signed_once_and_the_second_is_told_who(client, world):
    org = world.a
    today = _days(org)[0].isoformat()
    sign = URL.format(slug=org.slug) + "/sign?lang=en"
    login(client, org, "super")
    done = client.post(sign, data={"day": today, "note": "重复投诉已督办"})
    assert done.status_code == 303
    page = client.get(URL.format(slug=org.slug) + "?lang=en").text
    assert 'data-testid="signed"' in page and "重复投诉已督办" in page
    client.post(f"/t/{org.slug}/desk/logout")
    login(client, org, "admin")
    again = client.post(sign, data={"day": today})
    assert again.status_code == 422
    assert "signed as reviewed by" in again.text and org.users["super"].name in again.text
    with tenant_bound(org.tenant.id):
        assert len(db.session.scalars(sa.select(DayReview)).all()) == 1
        audit = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == review.AUDIT_KIND)
        ).one()
        assert audit.subject == today
    log = client.get(f"/t/{org.slug}/desk/admin/audit?lang=en")
    if log.status_code == 200:
        assert "Daily review signed" in log.text


def test_bad_sign_offs_are_refused_with_a_reason(client, world):
    org = world.a
    sign = URL.format(slug=org.slug) + "/sign?lang=en"
    login(client, org, "super")
    old = (_days(org)[0] - dt.timedelta(days=3)).isoformat()
    response = client.post(sign, data={"day": old})
    assert response.status_code == 422 and "last three days" in response.text
    assert client.post(sign, data={"day": "nonsense"}).status_code == 422
    too_long = client.post(sign, data={"day": _days(org)[0].isoformat(), "note": "x" * 501})
    assert too_long.status_code == 422
    client.post(f"/t/{org.slug}/desk/logout")
    login(client, org, "ops_li")
    assert client.post(sign, data={"day": _days(org)[0].isoformat()}).status_code == 403
    with tenant_bound(org.tenant.id):
        assert db.session.scalars(sa.select(DayReview)).all() == []


def test_the_listing_obeys_sight(client, world):
    org = world.a
    theirs = dispatched_case(org)
    other = dispatched_case(org, handler="cs_zhou")
    with tenant_bound(org.tenant.id):
        org.tenant.update_config(day_reviewers=("supervisor", "admin", "dept_head"))
        db.session.commit()
        numbers = [db.session.get(Case, i).number for i in (theirs, other)]
    login(client, org, "ops_head")
    page = client.get(URL.format(slug=org.slug)).text
    assert numbers[0] in page and numbers[1] not in page


def test_another_tenants_sign_off_is_its_own(client, world):
    a, b = world.a, world.b
    today = _days(a)[0]
    with tenant_bound(b.tenant.id):
        review.sign(b.tenant, b.users["super"], review.window(b.tenant)[0], "乙方已审")
        db.session.commit()
    login(client, a, "super")
    page = client.get(URL.format(slug=a.slug)).text
    assert "乙方已审" not in page and 'data-testid="signed"' not in page
    done = client.post(URL.format(slug=a.slug) + "/sign", data={"day": today.isoformat()})
    assert done.status_code == 303
    assert client.get(URL.format(slug=b.slug)).status_code == 404


def test_the_admin_names_who_signs_and_it_is_audited(client, world):
    org = world.a
    url = f"/t/{org.slug}/desk/admin/review?lang=en"
    login(client, org, "admin")
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="reviewers-form"' in page.text
    assert "Daily review" in client.get(f"/t/{org.slug}/desk/?lang=en").text
    assert client.post(url, data={}).status_code == 422  # nobody would sign
    assert client.post(url, data={"reviewers": ["nobody"]}).status_code == 422
    done = client.post(url, data={"reviewers": ["intake", "supervisor"]})
    assert done.status_code == 303
    with tenant_bound(org.tenant.id):
        db.session.expire_all()
        tenant = db.session.get(Tenant, org.tenant.id)
        assert tenant.config.day_reviewers == ("intake", "supervisor")
        audit = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == review.REVIEWERS_AUDIT_KIND)
        ).one()
        assert audit.changes == {
            "before": ["supervisor", "admin"],
            "after": ["intake", "supervisor"],
        }
    client.post(f"/t/{org.slug}/desk/logout")
    login(client, org, "desk")
    assert URL.format(slug=org.slug) in client.get(f"/t/{org.slug}/desk/").text
    assert client.get(URL.format(slug=org.slug)).status_code == 200
    assert client.get(url).status_code == 403
