"""Each dashboard figure against the hand-counted month of tests/casework/stats_world.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from casework import stats
from casework.models import Revisit
from casework.states import Channel, Finding, RemedyType, RevisitStatus, Stage
from tenants.db import db, tenant_bound
from tests.casework import stats_world
from tests.conftest import make_org

HOUR = 3600.0


@pytest.fixture
def month(world, monkeypatch):
    built = stats_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    with tenant_bound(world.a.tenant.id):
        yield built


def test_last_month_is_november_in_beijing(month):
    scope = month.scope()
    assert (scope.start, scope.end) == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert scope.since == dt.datetime(2026, 10, 31, 16, 0)  # midnight in Beijing
    this = month.scope(period=stats.Period.THIS_MONTH)
    assert (this.start, this.end) == (dt.date(2026, 12, 1), dt.date(2026, 12, 8))
    with pytest.raises(ValueError):
        month.scope(period=stats.Period.CUSTOM, first=dt.date(2026, 2, 1), last=dt.date(2025, 1, 1))


def test_volumes_by_category_channel_department_and_place(month):
    scope, org = month.scope(), month.org
    cat = {c: org.category(c).id for c in ("price", "service", "product")}
    by_cat = {c.key: c.cases for c in stats.volumes(scope, "category")}
    assert by_cat == {cat["price"]: 2, cat["service"]: 1, cat["product"]: 1}
    by_channel = {c.key: c.cases for c in stats.volumes(scope, "channel")}
    assert by_channel == {Channel.WEB: 2, Channel.PHONE: 1, Channel.WALK_IN: 1}
    assert [(c.key, c.cases) for c in stats.volumes(scope, "location")][0] == ("二楼", 2)
    # G4 (product) was routed to operations at intake; S3 (service) to customer service.
    ops, cs = org.users["ops_li"].department_id, org.users["cs_head"].department_id
    assert {c.key: c.cases for c in stats.volumes(scope, "department")} == {ops: 3, cs: 1}


def test_one_department_counts_its_own_cases_only(month):
    ops = month.org.users["ops_li"].department_id
    scope = month.scope(department_id=ops)
    assert [c.cases for c in stats.volumes(scope, "category")] == [2, 1]  # price, product
    assert stats.satisfaction(scope, 3).scored == 2
    assert stats.outcomes(scope).cases == 3
    cs = month.org.users["cs_head"].department_id
    assert stats.satisfaction(month.scope(department_id=cs), 3).scored == 0


def test_the_trend_by_day_beside_last_year(month):
    trend = stats.trend(month.scope())
    assert trend.grain == "day" and len(trend.points) == 30
    points = {day: (now, before) for day, now, before in trend.points}
    assert points[dt.date(2026, 11, 3)] == (2, 1)
    assert points[dt.date(2026, 11, 10)] == (1, 0)
    assert points[dt.date(2026, 11, 20)] == (0, 1)
    assert sum(n for _d, n, _b in trend.points) == 4
    assert sum(b for _d, _n, b in trend.points) == 2
    weekly = stats.trend(month.scope(), "week")
    assert weekly.points[0][0] == dt.date(2026, 11, 1)  # the period's first day heads it
    assert weekly.points[1] == (dt.date(2026, 11, 2), 2, 1)  # the week of Monday the 2nd


def test_hot_spots_and_repeats(month):
    price = month.org.category("price").id
    spots = stats.hot_spots(month.scope())
    assert [(s.category_id, s.location, s.cases) for s in spots] == [(price, "二楼", 2)]
    repeats = stats.repeats(month.scope())
    assert (repeats.cases, repeats.repeated, repeats.contacts) == (4, 0, 0)


def test_timeliness_per_stage(month):
    times = {t.stage: t for t in stats.timeliness(month.scope())}
    dispatch = times[Stage.DISPATCH]  # P1 in 1 h, P2 in 18 h, S3 at once: all within 24 h
    assert (dispatch.done, dispatch.on_time) == (3, 3)
    assert (dispatch.median, dispatch.p90) == (1 * HOUR, 18 * HOUR)
    result = times[Stage.RESULT]  # P1 in 24 h, P2 late after 16 days 19 h, S3 at once
    assert (result.done, result.on_time) == (3, 2)
    assert result.share == pytest.approx(2 / 3)
    assert (result.median, result.p90) == (24 * HOUR, (16 * 24 + 19) * HOUR)
    assert times[Stage.REVISIT].median == 24 * HOUR
    # Open now past a deadline, whenever received: G4, O5, Y6, Y7 waiting for dispatch, and
    # P2's special measures after its unsatisfied revisit.
    assert stats.overdue_now(month.scope()) == 5


def test_outcomes_first_contact_and_reopened(month):
    out = stats.outcomes(month.scope())
    assert out.cases == 4
    assert out.findings == {Finding.VALID: 1, Finding.NOT_VALID: 1}
    assert out.valid_share == 0.5
    assert out.remedies == {RemedyType.REFUND: (1, Decimal("60.00"))}
    assert out.paid == Decimal("60.00")
    assert out.first_contact_share == 0.25  # S3
    assert out.reopened_share == 0.25  # P2, sent back after its score of 2
    assert (out.rectifications_open, out.rectifications_overdue) == (0, 0)


def test_satisfaction_and_its_floor(month):
    sat = stats.satisfaction(month.scope(), 3)
    assert (sat.scored, sat.satisfied, sat.mean, sat.share) == (2, 1, 3.5, 0.5)
    tenant = month.org.tenant
    assert stats.against(tenant, "satisfaction", sat.share).met is None  # no floor set
    stats.set_targets(tenant, None, {"satisfaction": 85, "on_time_reply": 60})
    db.session.commit()
    assert stats.against(tenant, "satisfaction", sat.share).met is False
    reply = {t.stage: t for t in stats.timeliness(month.scope())}[Stage.RESULT]
    figure = stats.stage_against(tenant, Stage.RESULT, reply.share)
    assert (figure.percent, figure.floor, figure.met) == (66.7, 60, True)
    with pytest.raises(ValueError):
        stats.set_targets(tenant, None, {"satisfaction": 120})


def test_another_tenants_cases_are_not_counted(month, monkeypatch):
    other = make_org("gamma", "mall")
    stats_world.build(other, monkeypatch)
    monkeypatch.undo()
    with tenant_bound(month.org.tenant.id):
        assert stats.outcomes(month.scope()).cases == 4


def test_satisfaction_per_aspect(month):
    """Speed, attitude and result, each the mean of the revisits that scored it (P1 and P2,
    revisited in the month); a revisit that skipped an aspect is not counted for it."""
    revisits = db.session.scalars(
        sa.select(Revisit).where(Revisit.status == RevisitStatus.DONE).order_by(Revisit.id)
    ).all()
    assert len(revisits) == 2
    revisits[0].answers = {"overall": 5, "speed": 4, "attitude": 5, "result": 5}
    revisits[1].answers = {"overall": 2, "speed": 1, "attitude": 4}
    db.session.commit()
    aspects = stats.aspects(month.scope())
    assert aspects == {"speed": (2, 2.5), "attitude": (2, 4.5), "result": (1, 5.0)}
