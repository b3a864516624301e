"""The case-number pattern page: prefix, date part and width, with the next number previewed."""

from __future__ import annotations

import re

import sqlalchemy as sa

from casework import deadlines
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound, utcnow
from tenants.models import Tenant
from tests.conftest import login, open_case

URL = "/t/alpha/desk/admin/numbers"
HX = {"HX-Request": "true"}


def _today():
    return deadlines.local_today(utcnow(), "Asia/Shanghai")


def _next(html: str) -> str:
    return re.search(r'data-testid="next-number">([^<]+)<', html).group(1)


def _tenant(world) -> Tenant:
    db.session.expire_all()
    return db.session.get(Tenant, world.a.tenant.id)


def test_the_page_shows_the_pattern_and_the_next_number(client, world):
    open_case(world.a)
    login(client, world.a, "admin")
    page = client.get(URL, query_string={"lang": "en"})
    assert page.status_code == 200
    today = _today()
    assert _next(page.text) == f"XH{today:%Y%m%d}-0002"
    assert 'value="XH"' in page.text
    # Each date part is offered with today's date written that way.
    assert f"{today:%y%m%d} (two-digit year, month and day)" in page.text
    assert "none: one sequence for ever" in page.text
    assert 'hx-get="/t/alpha/desk/admin/numbers/preview"' in page.text
    assert "Case numbers" in page.text  # the admin menu names the page


def test_the_preview_follows_the_typing(client, world):
    login(client, world.a, "admin")
    args = {"prefix": "qq", "date_part": "%Y%m", "width": "6", "lang": "en"}
    fragment = client.get(f"{URL}/preview", query_string=args, headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "HX-Request" in fragment.headers["Vary"]
    assert _next(fragment.text) == f"QQ{_today():%Y%m}-000001"
    assert "With the pattern in use now it would be XH" in fragment.text
    bad = client.get(f"{URL}/preview", query_string={**args, "width": "9"}, headers=HX)
    assert "Correct the fields to see the next number." in bad.text
    assert "next-number" not in bad.text
    # Without htmx (a reload, a history restore) the same address is the whole page.
    page = client.get(f"{URL}/preview", query_string=args)
    assert "<html" in page.text and _next(page.text) == f"QQ{_today():%Y%m}-000001"
    assert 'value="QQ"' in page.text
    with tenant_bound(world.a.tenant.id):
        assert _tenant(world).case_prefix == "XH"  # previewing saves nothing


def test_preview_without_javascript_posts_back_and_saves_nothing(client, world):
    login(client, world.a, "admin")
    data = {"prefix": "ZZ", "date_part": "", "width": "5", "preview": "1"}
    page = client.post(URL, data=data)
    assert page.status_code == 200
    assert _next(page.text) == "ZZ-00001"
    with tenant_bound(world.a.tenant.id):
        assert _tenant(world).case_prefix == "XH"
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_saving_changes_the_next_case_number_as_previewed(client, world):
    login(client, world.a, "admin")
    args = {"prefix": "nb", "date_part": "%Y", "width": "3"}
    shown = _next(client.get(f"{URL}/preview", query_string=args, headers=HX).text)
    saved = client.post(URL, data=args)
    assert saved.status_code == 303 and saved.headers["Location"].endswith(URL)
    assert "已发出的编号保持不变" in client.get(URL).text  # the flash, in zh_CN
    db.session.expire_all()  # the test's copy of the tenant: read the saved pattern
    assert open_case(world.a).number == shown == f"NB{_today():%Y}-001"
    with tenant_bound(world.a.tenant.id):
        tenant = _tenant(world)
        assert (tenant.case_prefix, tenant.config.case_number.date_part) == ("NB", "%Y")
        event = db.session.scalars(sa.select(AuditEvent)).one()
    assert event.kind == "numbering.pattern"
    assert event.actor_label == world.a.users["admin"].name
    assert event.changes["after"] == {"prefix": "NB", "date_part": "%Y", "width": 3}
    # Saving the same again changes nothing and records nothing.
    client.post(URL, data=args)
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 1


def test_bad_values_are_refused_field_by_field(client, world):
    login(client, world.a, "admin")
    for data, message in [
        ({"prefix": "X1", "date_part": "%Y", "width": "4"}, "Use 1 to 10 capital letters A to Z."),
        ({"prefix": "ABCDEFGHIJK", "date_part": "%Y", "width": "4"}, "capital letters"),
        ({"prefix": "XH", "date_part": "%d", "width": "4"}, "Not a valid choice"),
        ({"prefix": "XH", "date_part": "%Y", "width": "2"}, "Use 3 to 8 digits."),
        ({"prefix": "XH", "date_part": "%Y", "width": "x"}, "is-danger"),
    ]:
        page = client.post(URL, data={**data, "lang": "en"}, query_string={"lang": "en"})
        assert page.status_code == 422, data
        assert message in page.text, data
    with tenant_bound(world.a.tenant.id):
        assert _tenant(world).config.case_number.date_part == "%Y%m%d"
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_only_admins_set_case_numbers(client, world):
    login(client, world.a, "super")
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/preview").status_code == 403
    assert client.post(URL, data={"prefix": "ZZ", "date_part": "", "width": "4"}).status_code == 403
    with tenant_bound(world.a.tenant.id):
        assert _tenant(world).case_prefix == "XH"
