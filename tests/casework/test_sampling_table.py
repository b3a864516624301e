"""The sample draw (PROP-10): the table at its boundaries, the draw reproducible from its
seed, the job drawing each period once, and the picked orders' revisits due by their rule
from each order's completion (PROP-9), working days counted on the tenant's calendar."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import calendar, deadlines, sampling
from casework.errors import InvalidInput
from casework.models import Case, Revisit, SampleDraw
from casework.operations import draws, services
from casework.revisit_rules import sample_size
from casework.states import CaseKind, Occasion
from jobs import sampling as sampling_job
from jobs import schedule
from tenants.db import db, tenant_bound, utcnow
from tenants.revisit_policy import PROP10_SAMPLING
from tests.conftest import make_org


@pytest.fixture
def prop():
    return make_org("jc", "property")


@pytest.mark.parametrize(
    ("orders", "revisited", "row"),
    [
        (0, 0, None),
        (1, 1, 0),
        (4, 4, 0),  # fewer than 5: all of them
        (5, 5, 0),
        (19, 5, 0),
        (20, 5, 0),
        (21, 7, 1),  # 30% of 21 is 6.3: rounded up, never undershot
        (50, 15, 1),
        (51, 8, 2),  # 15% of 51 is 7.65
        (60, 9, 2),
        (100, 15, 2),
        (101, 20, 3),
        (5000, 20, 3),
    ],
)
def test_prop10_table_at_its_boundaries(orders, revisited, row):
    size, band = sample_size(orders, PROP10_SAMPLING)
    assert size == revisited
    assert band == (PROP10_SAMPLING[row] if row is not None else None)


def test_the_same_seed_picks_the_same_orders_and_another_does_not():
    ids = list(range(1000, 1060))
    first = sampling.pick(ids, 9, "seed-a")
    assert sampling.pick(list(reversed(ids)), 9, "seed-a") == first  # the order given is moot
    assert len(set(first)) == 9 and set(first) <= set(ids)
    assert sampling.pick(ids, 9, "seed-b") != first


def last_month() -> tuple[dt.date, dt.date]:
    """The month before this one (the period the job draws now)."""
    start = utcnow().date().replace(day=1)
    previous = (start - dt.timedelta(days=1)).replace(day=1)
    return previous, start


def orders(org, count: int, start: dt.date, kind=CaseKind.WORK_ORDER) -> list[Case]:
    """``count`` work orders completed over the month from ``start``, at 10:00 local."""
    made = []
    with tenant_bound(org.tenant.id):
        for i in range(count):
            day = start + dt.timedelta(days=i % 28)
            completed = deadlines.from_local(
                dt.datetime.combine(day, dt.time(10)), org.tenant.timezone
            )
            done = services.record_service(
                org.tenant,
                services.Service(
                    kind=kind,
                    description=f"维修 {i}",
                    name="业主",
                    phone="13912345678",
                    completed_at=completed,
                    source_ref=f"PG-{i:04d}",
                ),
            )
            made.append(done.case)
        db.session.commit()
    return made


def test_a_month_of_60_repairs_draws_9_each_due_within_a_month_of_its_repair(prop):
    start, _end = last_month()
    made = orders(prop, 60, start)
    assert sampling_job.run() == 1
    assert sampling_job.run() == 0  # a second run (or a second clock) draws nothing more
    with tenant_bound(prop.tenant.id):
        record = db.session.scalars(sa.select(SampleDraw)).one()
        assert (record.population, record.size, record.period_start) == (60, 9, start)
        assert record.band == {"up_to": 100, "percent": 15}
        revisits = list(db.session.scalars(sa.select(Revisit)))
        assert len(revisits) == 9 and {r.draw_id for r in revisits} == {record.id}
        by_case = {c.id: c for c in made}
        assert {r.case_id for r in revisits} == {p[0] for p in record.picked}
        for revisit in revisits:
            assert revisit.occasion is Occasion.AFTER_SERVICE
            done = deadlines.to_local(by_case[revisit.case_id].result_at, prop.tenant.timezone)
            due = deadlines.to_local(revisit.due_at, prop.tenant.timezone)
            assert due.date() == deadlines.add_months(done.date(), 1)  # PROP-9: 1 month
        # An auditor redoes it from the seed: the same orders.
        redone = draws.redo(prop.tenant, record)
        assert redone.same and redone.population == 60


def test_the_schedule_runs_the_draw():
    assert ("draw-samples", 600, sampling_job.run) in schedule.SCHEDULE


def test_an_empty_period_is_not_recorded_and_is_drawn_once_orders_come(prop):
    start, _end = last_month()
    assert sampling_job.run() == 0
    with tenant_bound(prop.tenant.id):
        assert db.session.scalars(sa.select(SampleDraw)).all() == []
    orders(prop, 3, start)
    assert sampling_job.run() == 1
    with tenant_bound(prop.tenant.id):
        record = db.session.scalars(sa.select(SampleDraw)).one()
        assert record.size == 3 and len(db.session.scalars(sa.select(Revisit)).all()) == 3


def test_a_period_not_over_cannot_be_drawn_nor_a_kind_not_sampled(prop):
    today = utcnow().date()
    with tenant_bound(prop.tenant.id):
        with pytest.raises(InvalidInput) as refused:
            draws.draw_period(prop.tenant, CaseKind.WORK_ORDER, today, prop.users["super"])
        assert refused.value.field == "period"
        with pytest.raises(InvalidInput) as refused:
            draws.draw_period(
                prop.tenant, CaseKind.EVENT, today.replace(day=1) - dt.timedelta(days=1)
            )
        assert refused.value.field == "kind"


def test_a_manual_draw_is_the_same_draw_as_the_job_would_make(prop):
    start, _end = last_month()
    orders(prop, 25, start)
    with tenant_bound(prop.tenant.id):
        drawn = draws.draw_period(prop.tenant, CaseKind.WORK_ORDER, start, prop.users["super"])
        db.session.commit()
        assert drawn.new and drawn.planned == 8  # 30% of 25, rounded up
        assert drawn.draw.drawn_by_id == prop.users["super"].id
        picked = [p[0] for p in drawn.draw.picked]
        population = [
            c.id for c in sampling.population(prop.tenant, CaseKind.WORK_ORDER, start, _end)
        ]
        assert (
            sampling.pick(population, 8, sampling.seed_for(prop.tenant, CaseKind.WORK_ORDER, start))
            == picked
        )
    assert sampling_job.run() == 0
    with tenant_bound(prop.tenant.id):
        again = draws.draw_period(prop.tenant, CaseKind.WORK_ORDER, start + dt.timedelta(days=3))
        assert not again.new and again.draw.id == drawn.draw.id


def test_a_working_day_rule_counts_the_tenants_calendar(prop):
    """A help request revisited within 2 working days: a Friday's service is due Tuesday,
    Wednesday when the tenant closed that Monday."""
    rules = {"help": {"within": {"value": 2, "unit": "working_days"}, "rate": "all"}}
    with tenant_bound(prop.tenant.id):
        prop.tenant.update_config(revisiting={"rules": rules})
        db.session.commit()
    today = deadlines.local_today(utcnow(), prop.tenant.timezone)
    # The latest Friday at least a week ago that starts an ordinary (non-holiday) week.
    friday = today - dt.timedelta(days=(today.weekday() - 4) % 7 + 7)
    while not all(deadlines.is_working_day(friday + dt.timedelta(days=d)) for d in (0, 3, 4, 5)):
        friday -= dt.timedelta(days=7)
    completed = deadlines.from_local(dt.datetime.combine(friday, dt.time(15)), "Asia/Shanghai")

    def due(ref: str) -> dt.date:
        with tenant_bound(prop.tenant.id):
            done = services.record_service(
                prop.tenant,
                services.Service(
                    kind=CaseKind.HELP,
                    description="帮忙搬运",
                    name="业主",
                    phone="13912345678",
                    completed_at=completed,
                    source_ref=ref,
                ),
            )
            db.session.commit()
            return deadlines.to_local(done.revisits[0].due_at, prop.tenant.timezone).date()

    assert due("H-1") == friday + dt.timedelta(days=4)  # Tuesday
    with tenant_bound(prop.tenant.id):
        calendar.set_day(prop.tenant, None, friday + dt.timedelta(days=3), False, "停电")
        db.session.commit()
        db.session.refresh(prop.tenant)
    assert due("H-2") == friday + dt.timedelta(days=5)  # Wednesday
