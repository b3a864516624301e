"""Service records (PROP-9, CS-1): a completed work order, event or contracted service
recorded as a closed case of its kind, once per source number, with its revisits planned
as its kind's rule says (every one, or when a draw picks it)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import deadlines
from casework.errors import InvalidInput
from casework.models import Case, CaseEvent, Revisit
from casework.operations import services
from casework.states import CaseKind, Closure, EventKind, Occasion, RevisitStatus, Status
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import make_org


@pytest.fixture
def prop():
    return make_org("jc", "property")


def service(**overrides) -> services.Service:
    data = {
        "kind": CaseKind.WORK_ORDER,
        "description": "3 幢 2 单元 501 卫生间漏水，已更换水管接头。",
        "name": "陈静",
        "phone": "139 1234 5678",
        "location": "3 幢 2 单元 501",
        "completed_at": utcnow() - dt.timedelta(days=2),
        "source_ref": "PG-2026-0001",
    }
    data.update(overrides)
    return services.Service(**data)


def record(org, actor="desk", **overrides) -> services.Recorded:
    with tenant_bound(org.tenant.id):
        done = services.record_service(org.tenant, service(**overrides), org.users[actor])
        db.session.commit()
        return done


def test_a_work_order_is_a_closed_numbered_case_of_its_kind(prop):
    done = record(prop)
    assert done.created
    with tenant_bound(prop.tenant.id):
        case = db.session.get(Case, done.case.id)
        assert case.kind is CaseKind.WORK_ORDER
        assert case.status is Status.CLOSED and case.closure is Closure.COMPLETED
        assert case.number.startswith("JC") and case.source_ref == "PG-2026-0001"
        assert case.complainant_phone == "+8613912345678"
        assert case.result_at is not None
        kinds = [
            e.kind
            for e in db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id))
        ]
        assert kinds == [EventKind.SERVICE_RECORDED]  # sampled: no revisit until drawn
        assert db.session.scalars(sa.select(Revisit)).all() == []


def test_recording_the_same_order_again_changes_nothing(prop):
    first = record(prop)
    again = record(prop, description="另一段描述")
    assert not again.created and again.case.id == first.case.id
    with tenant_bound(prop.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 1
        assert db.session.get(Case, first.case.id).description.startswith("3 幢")
        events = db.session.scalar(sa.select(sa.func.count(CaseEvent.id)))
        assert events == 1


def test_service_numbers_come_from_the_case_sequence(prop):
    one = record(prop, source_ref="A-1").case.number
    two = record(prop, source_ref="A-2").case.number
    assert one != two and one[:-3] == two[:-3]
    assert int(two[-3:]) == int(one[-3:]) + 1


def test_a_kind_revisited_every_time_is_planned_at_once(prop):
    completed = utcnow() - dt.timedelta(days=1)
    done = record(prop, kind=CaseKind.EVENT, source_ref="EV-1", completed_at=completed)
    assert len(done.revisits) == 1
    with tenant_bound(prop.tenant.id):
        revisit = db.session.scalars(sa.select(Revisit)).one()
        assert revisit.occasion is Occasion.AFTER_SERVICE
        assert revisit.status is RevisitStatus.PLANNED and revisit.draw_id is None
        # PROP-9: events within 1 month of the event, to the end of that day in the tenant's zone.
        local = deadlines.to_local(completed, prop.tenant.timezone).date()
        due_local = deadlines.to_local(revisit.due_at, prop.tenant.timezone)
        assert due_local.date() == deadlines.add_months(local, 1)
        kinds = [e.kind for e in db.session.scalars(sa.select(CaseEvent).order_by(CaseEvent.id))]
        assert kinds == [EventKind.SERVICE_RECORDED, EventKind.REVISIT_PLANNED]


def test_a_contracted_service_is_revisited_mid_contract_and_at_its_end(prop):
    today = utcnow().date()
    contract = {
        "kind": CaseKind.CONTRACTED,
        "completed_at": None,
        "service_from": today,
        "service_until": today + dt.timedelta(days=60),
    }
    # The property preset samples special services with the work orders (PROP-10)...
    assert record(prop, source_ref="TY-0", **contract).revisits == []
    # ...a tenant revisiting every one plans both of a contract's revisits at once.
    with tenant_bound(prop.tenant.id):
        revisiting = dict(prop.tenant.settings.get("revisiting", {}))
        rules = dict(revisiting.get("rules", {}))
        rules["contracted"] = {**rules.get("contracted", {}), "rate": "all"}
        prop.tenant.settings = {
            **prop.tenant.settings,
            "revisiting": {**revisiting, "rules": rules},
        }
        db.session.commit()
    done = record(prop, source_ref="TY-1", **contract)
    assert [r.occasion for r in done.revisits] == [Occasion.MID_CONTRACT, Occasion.CONTRACT_END]
    mid, end = done.revisits
    tz = prop.tenant.timezone
    assert deadlines.to_local(mid.due_from, tz).date() == today + dt.timedelta(days=30)
    assert deadlines.to_local(end.due_from, tz).date() == today + dt.timedelta(days=60)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": CaseKind.COMPLAINT}, "kind"),
        ({"kind": "repair"}, "kind"),
        ({"description": "  "}, "description"),
        ({"name": ""}, "name"),
        ({"phone": ""}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"completed_at": None}, "completed_at"),
        ({"completed_at": utcnow() + dt.timedelta(days=1)}, "completed_at"),
        ({"completed_at": utcnow() - dt.timedelta(days=400)}, "completed_at"),
        ({"source_ref": "X" * 61}, "source_ref"),
        ({"location": "楼" * 301}, "location"),
        ({"category_id": 999999}, "category_id"),
        ({"kind": CaseKind.CONTRACTED, "service_from": None}, "service_from"),
        (
            {
                "kind": CaseKind.CONTRACTED,
                "service_from": dt.date(2026, 5, 1),
                "service_until": dt.date(2026, 4, 1),
            },
            "service_until",
        ),
    ],
)
def test_bad_records_are_refused_by_field(prop, overrides, field):
    with tenant_bound(prop.tenant.id), pytest.raises(InvalidInput) as refused:
        services.record_service(prop.tenant, service(**overrides), prop.users["desk"])
    assert refused.value.field == field
    db.session.rollback()
    with tenant_bound(prop.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_service_records_of_one_tenant_are_not_found_by_another(world, prop):
    record(prop, source_ref="SAME-1")
    with tenant_bound(world.a.tenant.id):
        assert services.find("SAME-1") is None
        done = services.record_service(world.a.tenant, service(source_ref="SAME-1"))
        db.session.commit()
        assert done.created


def test_service_records_are_no_intake_for_the_daily_review(prop):
    from casework import review

    record(prop, source_ref="R-1")
    with tenant_bound(prop.tenant.id):
        day = deadlines.local_today(utcnow(), prop.tenant.timezone)
        assert review.counts(prop.users["super"], day).total == 0


@pytest.mark.parametrize(
    ("preset", "kind", "due"),
    [
        # PROP-9: events within 1 month, other services within 1 week: calendar time, so
        # National Day (Oct 1-7) does not stretch them.
        ("property", CaseKind.EVENT, dt.date(2026, 10, 30)),
        ("property", CaseKind.OTHER, dt.date(2026, 10, 7)),
        # CS-1: new customers within 1 month; high-value every 90 days (Sep 30 + 90 = Dec 29).
        ("service", CaseKind.NEW_CUSTOMER, dt.date(2026, 10, 30)),
        ("service", CaseKind.HIGH_VALUE, dt.date(2026, 12, 29)),
    ],
)
def test_each_presets_revisit_rule_across_national_day(preset, kind, due):
    """Each preset rule for a kind revisited every time, from a service completed the day
    before the National Day holiday: due from its completion, by the rule's time."""
    org = make_org(f"t-{kind.value[:6]}", preset)
    completed = deadlines.from_local(dt.datetime(2026, 9, 30, 15), "Asia/Shanghai")
    with tenant_bound(org.tenant.id):
        done = services.record_service(
            org.tenant, service(kind=kind, completed_at=completed, source_ref="R-1")
        )
        db.session.commit()
        [revisit] = done.revisits
        assert revisit.due_from == completed
        local = deadlines.to_local(revisit.due_at, "Asia/Shanghai")
        assert (local.date(), local.time()) == (due, dt.time(23, 59, 59))
