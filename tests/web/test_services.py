"""The desk's service pages: one record entered by hand (once per order number, errors on
their fields), and the draws page where a supervisor draws a finished period now."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import deadlines
from casework.models import Case, Revisit, SampleDraw
from casework.operations import services
from casework.states import CaseKind, EventKind
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import login, make_org


@pytest.fixture
def prop():
    return make_org("jc", "property")


def form(**overrides) -> dict:
    local = deadlines.to_local(utcnow() - dt.timedelta(days=1), "Asia/Shanghai")
    data = {
        "kind": "event",
        "source_ref": "HD-7",
        "completed_at": local.strftime("%Y-%m-%dT%H:%M"),
        "description": "中秋游园会",
        "name": "业委会 王主任",
        "phone": "0571-8765 1234",
        "location": "中心花园",
        "category_id": "0",
    }
    data.update(overrides)
    return data


def test_a_service_entered_at_the_desk_is_recorded_once_and_shown(client, prop):
    login(client, prop, "super")
    url = f"/t/{prop.slug}/desk/services/new"
    assert client.get(url).status_code == 200
    response = client.post(url, data=form())
    assert response.status_code == 303
    with tenant_bound(prop.tenant.id):
        case = db.session.scalars(sa.select(Case)).one()
        assert case.kind is CaseKind.EVENT and case.source_ref == "HD-7"
        assert case.events[0].kind is EventKind.SERVICE_RECORDED
        assert len(db.session.scalars(sa.select(Revisit)).all()) == 1  # events: every one
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and case.number in page.text
    again = client.post(url, data=form(description="再来一次"), follow_redirects=True)
    assert "此前已登记为" in again.text
    with tenant_bound(prop.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phone": ""}, "请填写回访时拨打的电话号码。"),
        ({"phone": "12"}, "有效"),
        ({"completed_at": "2099-01-01T10:00"}, "完成时间不能晚于现在。"),
        ({"kind": "complaint"}, "请选择服务类型。"),
        ({"kind": "contracted", "completed_at": ""}, "请填写合同的开始和结束日期"),
    ],
)
def test_bad_input_stays_on_the_form_in_the_users_language(client, prop, overrides, message):
    login(client, prop, "desk")
    response = client.post(f"/t/{prop.slug}/desk/services/new", data=form(**overrides))
    assert response.status_code == 422
    assert message in response.text
    with tenant_bound(prop.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def _orders(org, count: int) -> dt.date:
    start = (utcnow().date().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with tenant_bound(org.tenant.id):
        for i in range(count):
            services.record_service(
                org.tenant,
                services.Service(
                    kind=CaseKind.WORK_ORDER,
                    description=f"维修 {i}",
                    name="业主",
                    phone="13912345678",
                    completed_at=deadlines.from_local(
                        dt.datetime.combine(start + dt.timedelta(days=i), dt.time(9)),
                        org.tenant.timezone,
                    ),
                    source_ref=f"PG-{i}",
                ),
            )
        db.session.commit()
    return start


def test_a_supervisor_draws_a_finished_period_now_once(client, prop):
    start = _orders(prop, 12)
    login(client, prop, "super")
    url = f"/t/{prop.slug}/desk/services/draws"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"kind": "work_order", "period": start.isoformat()})
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "已按种子对同样的 12 单重新抽样" in page.text
    with tenant_bound(prop.tenant.id):
        draw = db.session.scalars(sa.select(SampleDraw)).one()
        assert draw.size == 5 and draw.drawn_by_id == prop.users["super"].id
        assert len(db.session.scalars(sa.select(Revisit)).all()) == 5
    again = client.post(url, data={"kind": "work_order", "period": start.isoformat()})
    assert again.headers["Location"] == response.headers["Location"]
    with tenant_bound(prop.tenant.id):
        assert len(db.session.scalars(sa.select(Revisit)).all()) == 5


def test_a_period_still_running_or_empty_is_refused_on_the_form(client, prop):
    login(client, prop, "super")
    url = f"/t/{prop.slug}/desk/services/draws"
    today = utcnow().date().isoformat()
    running = client.post(url, data={"kind": "work_order", "period": today})
    assert running.status_code == 422 and "该周期尚未结束" in running.text
    empty = client.post(url, data={"kind": "work_order", "period": "2026-01-15"})
    assert empty.status_code == 422 and "该周期内没有此类已完成的工单" in empty.text


def test_the_draws_are_for_supervisors(client, prop):
    login(client, prop, "desk")
    assert client.get(f"/t/{prop.slug}/desk/services/draws").status_code == 403
    page = client.get(f"/t/{prop.slug}/desk/services/new")
    assert "导入派工单" in page.text and "/services/draws" not in page.text
