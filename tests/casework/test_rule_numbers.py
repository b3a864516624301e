"""The time limits the rules name, through the presets' policies, with a frozen clock across
National Day 2026 (Oct 1–7 off, Saturday Oct 10 worked)."""

from __future__ import annotations

import datetime as dt

import pytest

from casework import stages
from casework.models import Case
from casework.operations import dispatch, extensions, handling, rectification, repeats
from casework.states import Channel, Stage
from tenants.db import db, tenant_bound
from tests.conftest import make_org, open_case, set_domain_clock


def utc(local: str) -> dt.datetime:
    """A Beijing local time as the naive UTC the database stores."""
    return dt.datetime.fromisoformat(local) - dt.timedelta(hours=8)


@pytest.fixture
def clock(monkeypatch):
    """Set the domain's clock to a Beijing local time."""

    def set_to(local: str) -> dt.datetime:
        moment = utc(local)
        set_domain_clock(monkeypatch, lambda: moment)
        return moment

    return set_to


def _due(org, case_id: int) -> dict[Stage, dt.datetime]:
    with tenant_bound(org.tenant.id):
        db.session.expire_all()
        return {d.stage: d.due_at for d in stages.of_case(db.session.get(Case, case_id))}


def test_mall_limits_around_national_day(world, clock):
    org, u = world.a, world.a.users
    clock("2026-09-30T16:00")  # a Wednesday, the eve of the holiday
    first = open_case(org)
    due = _due(org, first.id)
    assert due[Stage.ACCEPTANCE] == utc("2026-10-01T16:00")  # CO-2: 24 hours
    assert due[Stage.DISPATCH] == utc("2026-10-01T16:00")
    assert due[Stage.RESULT] == utc("2026-10-13T23:59:59")  # CO-4: 5 working days

    repeat = open_case(org, actor="desk")
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, repeat.id)
        repeats.mark_repeat(case, u["desk"], first.number, True, "")
        db.session.commit()
    assert _due(org, repeat.id)[Stage.SPECIAL_MEASURES] == utc("2026-10-01T16:00")  # PROP-12

    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, first.id)
        dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        rectification.order_rectification(case, u["super"], u["cs_head"].department_id, "核对价签")
        handling.record_result(case, u["ops_li"], "已退还差价")
        handling.send_result(case, u["ops_li"])
        db.session.commit()
    due = _due(org, first.id)
    assert due[Stage.REVISIT] == utc("2026-10-03T23:59:59")  # PROP-9: 3 days after handling
    # Rectification, 10 working days: Oct 8, 9, 10 (make-up), 12–16, 19, 20.
    assert due[Stage.RECTIFICATION] == utc("2026-10-20T23:59:59")


def test_city_hotline_and_petition_letters(app, clock):
    city = make_org("city-n", "city")
    u = city.users
    clock("2026-10-01T09:00")  # National Day itself: the hotline works round the clock
    hotline = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("noise").id
    )
    assert _due(city, hotline.id)[Stage.DISPATCH] == utc("2026-10-01T09:03")  # CITY-4

    now = clock("2026-09-30T16:00")
    letter = open_case(
        city,
        actor="desk",
        channel=Channel.LETTER,
        category_id=city.category("construction").id,
        received_at=utc("2026-09-20T10:00"),
    )
    due = _due(city, letter.id)
    assert due[Stage.ACCEPTANCE] == utc("2026-10-05T23:59:59")  # 15 calendar days
    assert due[Stage.RESULT] == utc("2026-11-29T23:59:59")  # 60 calendar days
    with tenant_bound(city.tenant.id):
        case = db.session.get(Case, letter.id)
        assert case.accepted_at == now
        dispatch.dispatch_case(case, u["ld_head"], u["ld_zhang"].department_id, u["ld_zhang"].id)
        extensions.request_extension(case, u["ld_zhang"], 30, "需规划部门复核")
        extensions.decide_extension(case, u["ld_head"], True, "同意")
        db.session.commit()
    assert _due(city, letter.id)[Stage.RESULT] == utc("2026-12-29T23:59:59")  # +30 days


def test_hospital_accepts_within_one_working_day_of_office_hours(world, clock):
    org = world.b  # hospital: business hours 08:00–17:30
    clock("2026-10-09T16:00")  # Friday; Saturday Oct 10 is a make-up working day
    case = open_case(org, actor="desk", channel=Channel.LETTER, received_at=utc("2026-10-09T15:00"))
    assert _due(org, case.id)[Stage.ACCEPTANCE] == utc("2026-10-10T23:59:59")
