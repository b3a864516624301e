"""Stage deadlines are opened and met by the lifecycle's own verbs."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from casework import stages
from casework.models import CalendarDay, Case
from casework.operations import dispatch, handling, revisits
from casework.states import Channel, Stage
from tenants.db import db, tenant_bound
from tests.conftest import make_org, open_case


def _by_stage(case):
    return {d.stage: d for d in stages.of_case(case)}


def test_lifecycle_opens_and_meets_each_stage(world):
    org = world.a
    u = org.users
    case = open_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        opened = _by_stage(case)
        assert set(opened) == {Stage.ACCEPTANCE, Stage.DISPATCH, Stage.RESULT}
        # Filed on the web, accepted at once: the acceptance limit is met on the spot.
        assert opened[Stage.ACCEPTANCE].done_at == case.accepted_at
        assert case.reply_due_at == opened[Stage.RESULT].due_at
        planned = opened[Stage.DISPATCH]
        assert planned.due_at - planned.started_at == dt.timedelta(hours=24)
        dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        handling.record_contact(case, u["ops_li"], "phone", "已联系")
        handling.record_result(case, u["ops_li"], "已处理")
        handling.send_result(case, u["ops_li"])
        revisits.record_revisit(case, u["desk"], "phone", True, 5)
        db.session.commit()
        done = _by_stage(case)
    assert set(done) == {
        Stage.ACCEPTANCE,
        Stage.DISPATCH,
        Stage.FIRST_CONTACT,
        Stage.RESULT,
        Stage.REVISIT,
    }
    assert all(d.done_at is not None for d in done.values())


def test_city_hotline_must_be_dispatched_within_three_minutes(app):
    city = make_org("city-t", "city")
    hotline = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("vendors").id
    )
    web = open_case(city, category_id=city.category("vendors").id)
    with tenant_bound(city.tenant.id):
        h = _by_stage(db.session.get(Case, hotline.id))[Stage.DISPATCH]
        w = _by_stage(db.session.get(Case, web.id))[Stage.DISPATCH]
    assert h.due_at - h.started_at == dt.timedelta(minutes=3)
    assert w.target == "1 working_days"


def test_a_tenants_closed_day_moves_the_promised_reply_date(world):
    org = world.b
    before = open_case(org)
    with tenant_bound(org.tenant.id):
        first = db.session.get(Case, before.id).reply_due_at
        # Close every weekday of the coming fortnight: the promise must move past them.
        today = dt.date.today()
        for i in range(1, 15):
            db.session.add(CalendarDay(day=today + dt.timedelta(days=i), working=False))
        db.session.commit()
    after = open_case(org)
    with tenant_bound(org.tenant.id):
        second = db.session.get(Case, after.id).reply_due_at
        assert second > first
        assert db.session.scalar(sa.select(sa.func.count(CalendarDay.id))) == 14


def test_overrides_by_category_and_priority(world):
    from casework.states import Priority

    org = world.a  # mall: safety is dispatched within 2 hours, urgent answered in 2 days
    safety = open_case(org, category_id=org.category("safety").id)
    urgent = open_case(org, actor="desk", priority=Priority.URGENT)
    normal = open_case(org)
    with tenant_bound(org.tenant.id):
        got = {
            c.id: {d.stage: d.target for d in stages.of_case(db.session.get(Case, c.id))}
            for c in (safety, urgent, normal)
        }
    assert got[safety.id][Stage.DISPATCH] == "2 hours"
    assert got[normal.id][Stage.DISPATCH] == "24 hours"
    assert got[urgent.id][Stage.RESULT] == "2 working_days"
    assert got[normal.id][Stage.RESULT] == "5 working_days"
