"""The daily review (CITY-7): the last three days of intake in review order, within sight,
and one sign-off per tenant and day, audited."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from casework import review
from casework.errors import Forbidden, InvalidInput
from casework.models import Case, DayReview
from casework.states import Status
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import dispatched_case, open_case


def _today(org) -> dt.date:
    return review.window(org.tenant)[0]


def _four_kinds(org) -> dict[str, int]:
    """One case of each place in the review, filed today, in the reverse of review order."""
    done = open_case(org).id
    plain = open_case(org).id
    late = open_case(org).id
    again = open_case(org).id
    with tenant_bound(org.tenant.id):
        db.session.get(Case, done).status = Status.CLOSED
        db.session.get(Case, done).next_due_at = None
        db.session.get(Case, late).next_due_at = utcnow() - dt.timedelta(hours=1)
        db.session.get(Case, again).repeat_of_id = plain
        db.session.commit()
    return {"other": done, "unresolved": plain, "overdue": late, "repeat": again}


def test_the_window_is_today_and_the_two_days_before(world):
    with tenant_bound(world.a.tenant.id):
        days = review.window(world.a.tenant, dt.datetime(2026, 12, 6, 20, 0))
    # 20:00 UTC is already the 7th in Shanghai.
    assert days == [dt.date(2026, 12, 7), dt.date(2026, 12, 6), dt.date(2026, 12, 5)]


def test_repeats_then_overdue_then_unresolved_first(world):
    org = world.a
    ids = _four_kinds(org)
    with tenant_bound(org.tenant.id):
        rows, more = review.cases(org.users["super"], _today(org))
        assert [c.id for c, _b in rows] == [
            ids["repeat"],
            ids["overdue"],
            ids["unresolved"],
            ids["other"],
        ]
        assert [b for _c, b in rows] == [
            review.REPEAT,
            review.OVERDUE,
            review.UNRESOLVED_BUCKET,
            review.OTHER,
        ]
        assert more is None
        counts = review.counts(org.users["super"], _today(org))
        assert counts == review.Counts(total=4, repeats=1, overdue=1, unresolved=3)
        # Yesterday holds none of them.
        yesterday = review.window(org.tenant)[1]
        assert review.cases(org.users["super"], yesterday)[0] == []


def test_a_day_is_read_a_page_at_a_time(world, monkeypatch):
    org = world.a
    ids = _four_kinds(org)
    monkeypatch.setattr(review, "PAGE", 3)
    with tenant_bound(org.tenant.id):
        first, cursor = review.cases(org.users["super"], _today(org))
        assert len(first) == 3 and cursor == (review.UNRESOLVED_BUCKET, ids["unresolved"])
        rest, end = review.cases(org.users["super"], _today(org), cursor)
        assert [c.id for c, _b in rest] == [ids["other"]] and end is None


def test_a_case_filed_yesterday_is_yesterdays(world):
    org = world.a
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        db.session.get(Case, case_id).created_at -= dt.timedelta(days=1)
        db.session.commit()
        yesterday = review.window(org.tenant)[1]
        assert [c.id for c, _ in review.cases(org.users["super"], yesterday)[0]] == [case_id]
        assert review.cases(org.users["super"], _today(org))[0] == []


def test_the_listing_keeps_to_the_reviewers_sight(world):
    org = world.a
    theirs = dispatched_case(org)  # to ops_li's unit
    other = dispatched_case(org, handler="cs_zhou")
    with tenant_bound(org.tenant.id):
        org.tenant.update_config(day_reviewers=("supervisor", "admin", "dept_head"))
        db.session.commit()
        head = org.users["ops_head"]
        assert review.may_review(head)
        seen = {c.id for c, _ in review.cases(head, _today(org))[0]}
        assert theirs in seen and other not in seen
        assert review.counts(head, _today(org)).total == 1
        assert {c.id for c, _ in review.cases(org.users["super"], _today(org))[0]} >= {
            theirs,
            other,
        }


def test_a_reviewer_signs_a_day_once_and_it_is_audited(app, world):
    org = world.a
    with tenant_bound(org.tenant.id):
        day = _today(org)
        row = review.sign(org.tenant, org.users["super"], day, "  重复投诉已督办  ")
        db.session.commit()
        assert (row.day, row.by_label, row.note) == (day, org.users["super"].name, "重复投诉已督办")
        entry = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == review.AUDIT_KIND)
        ).one()
        assert entry.subject == day.isoformat() and entry.actor_id == org.users["super"].id
        assert entry.changes == {"before": None, "after": {"note": "重复投诉已督办"}}
        with app.test_request_context(), force_locale("en"):
            with pytest.raises(InvalidInput) as twice:
                review.sign(org.tenant, org.users["admin"], day)
            assert org.users["super"].name in str(twice.value.message)
            assert "already" in str(twice.value.message)
        assert review.reviews(org.tenant, [day])[day].by_id == org.users["super"].id
        # Another day is signed on its own.
        review.sign(org.tenant, org.users["admin"], review.window(org.tenant)[2])


def test_a_race_meets_the_unique_key_and_is_refused(world, monkeypatch):
    org = world.a
    with tenant_bound(org.tenant.id):
        day = _today(org)
        review.sign(org.tenant, org.users["super"], day)
        db.session.commit()
        # The second reviewer read the day unsigned a moment before the first committed.
        real = review.reviews
        monkeypatch.setattr(review, "reviews", lambda t, days: {})
        with pytest.raises(InvalidInput):
            review.sign(org.tenant, org.users["admin"], day)
        monkeypatch.setattr(review, "reviews", real)
        db.session.rollback()
        assert len(db.session.scalars(sa.select(DayReview)).all()) == 1


def test_who_may_sign_is_the_policys(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        day = _today(org)
        for who in ("desk", "ops_li", "ops_head"):
            assert not review.may_review(org.users[who])
            with pytest.raises(Forbidden):
                review.sign(org.tenant, org.users[who], day)
        org.tenant.update_config(day_reviewers=("intake",))
        db.session.commit()
        assert review.may_review(org.users["desk"])
        assert not review.may_review(org.users["super"])
        review.sign(org.tenant, org.users["desk"], day)


def test_only_the_three_days_and_a_short_note(app, world):
    org = world.a
    with tenant_bound(org.tenant.id), app.test_request_context(), force_locale("en"):
        today = _today(org)
        for day in (today + dt.timedelta(days=1), today - dt.timedelta(days=3)):
            with pytest.raises(InvalidInput) as outside:
                review.sign(org.tenant, org.users["super"], day)
            assert "last three days" in str(outside.value.message)
        with pytest.raises(InvalidInput) as long:
            review.sign(org.tenant, org.users["super"], today, "x" * 501)
        assert long.value.field == "note"


def test_the_city_hotline_staff_review_their_intake():
    """CITY-7: the hotline staff themselves review the last three days (the city preset)."""
    from tests.conftest import make_org

    city = make_org("city-review", "city")
    with tenant_bound(city.tenant.id):
        assert review.may_review(city.users["desk"])
        assert not review.may_review(city.users["ld_zhang"])
