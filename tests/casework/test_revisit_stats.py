"""Revisit figures (CS-3, PROP-10) against a hand-counted fixture: the rate against the target
per kind, the overdue revisits, satisfaction per department and per handler."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import questionnaire
from casework import revisit_stats as stats
from casework.models import Case, Revisit
from casework.operations import handling, revisits, services
from casework.states import CallOutcome, CaseKind
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import dispatched_case, make_org


def _awaiting(org, handler: str) -> int:
    case_id = dispatched_case(org, handler)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, org.users[handler], "已处理。", "")
        handling.send_result(case, org.users[handler])
        db.session.commit()
        return db.session.scalars(sa.select(Revisit.id).where(Revisit.case_id == case_id)).one()


def _answer(org, revisit_id: int, score: str, solved: str) -> None:
    with tenant_bound(org.tenant.id):
        revisit = db.session.get(Revisit, revisit_id)
        given = {"overall": score, "solved": solved}
        answers = questionnaire.check_answers(org.tenant, given, complete=False)
        revisits.record_answers(revisit, org.users["desk"], answers)
        db.session.commit()


@pytest.fixture
def figures(world):
    """Five complaints: ops_li's answered 5/solved and 2/solved, one wrong number, one still
    open and overdue; cs_zhou's answered 4/not solved."""
    org = world.a
    a, b, d, e = (_awaiting(org, "ops_li") for _ in range(4))
    c = _awaiting(org, "cs_zhou")
    _answer(org, a, "5", "yes")
    _answer(org, b, "2", "yes")
    _answer(org, c, "4", "no")
    with tenant_bound(org.tenant.id):
        wrong = CallOutcome.WRONG_NUMBER
        revisits.record_call(db.session.get(Revisit, d), org.users["desk"], wrong)
        db.session.get(Revisit, e).due_at = utcnow() - dt.timedelta(hours=1)
        db.session.commit()
    # Another tenant's revisits never count.
    _answer(world.b, _awaiting(world.b, "opd_wu"), "1", "no")
    return org


def _window():
    now = utcnow()
    return now - dt.timedelta(days=30), now + dt.timedelta(days=30)


def _viewer(org, name="super"):
    return db.session.get(type(org.users[name]), org.users[name].id)


def test_the_rate_against_the_target_and_the_overdue(figures):
    org = figures
    with tenant_bound(org.tenant.id):
        tenant = db.session.merge(org.tenant)
        found = stats.rates(tenant, _viewer(org), *_window())
        assert [r.kind for r in found] == [CaseKind.COMPLAINT]
        (complaints,) = found
        assert (complaints.due, complaints.done, complaints.unreachable) == (5, 3, 1)
        assert (complaints.still_open, complaints.overdue) == (1, 1)
        assert complaints.rate == pytest.approx(0.6) and complaints.target == 1.0
        assert complaints.met is False
        assert stats.overdue_total(_viewer(org)) == 1
        # A period long past holds nothing due, but the overdue revisit is overdue now.
        old = stats.rates(tenant, _viewer(org), dt.datetime(2020, 1, 1), dt.datetime(2020, 2, 1))
        assert [(r.due, r.overdue) for r in old] == [(0, 1)]


def test_satisfaction_per_department_and_per_handler(figures):
    org = figures
    with tenant_bound(org.tenant.id):
        tenant = db.session.merge(org.tenant)
        ops, cs = org.users["ops_li"].department_id, org.users["cs_zhou"].department_id
        by_dept = {s.key: s for s in stats.by_department(tenant, _viewer(org), *_window())}
        assert set(by_dept) == {ops, cs}
        assert (by_dept[ops].answered, by_dept[ops].mean) == (2, 3.5)
        assert (by_dept[ops].satisfied_share, by_dept[ops].unsolved_share) == (0.5, 0.0)
        assert (by_dept[cs].answered, by_dept[cs].mean) == (1, 4.0)
        assert (by_dept[cs].satisfied_share, by_dept[cs].unsolved_share) == (0.0, 1.0)
        by_handler = stats.by_handler(tenant, _viewer(org), *_window())
        # The least satisfied first: cs_zhou (0 of 1), then ops_li (1 of 2).
        assert [(s.key, s.answered, s.mean) for s in by_handler] == [
            (org.users["cs_zhou"].id, 1, 4.0),
            (org.users["ops_li"].id, 2, 3.5),
        ]
        # A handler sees the figures of the cases in their sight only (CO-8).
        mine = stats.by_handler(tenant, _viewer(org, "ops_li"), *_window())
        assert [s.key for s in mine] == [org.users["ops_li"].id]


def test_a_sampled_kind_is_measured_against_the_sampling_plan():
    prop = make_org("jc", "property")
    with tenant_bound(prop.tenant.id):
        for n in range(25):
            services.record_service(
                prop.tenant,
                services.Service(
                    kind=CaseKind.WORK_ORDER,
                    description="更换水管接头。",
                    name="陈静",
                    phone="139 1234 5678",
                    location="3 幢",
                    completed_at=utcnow() - dt.timedelta(hours=2),
                    source_ref=f"PG-{n}",
                ),
                prop.users["desk"],
            )
        db.session.commit()
        tenant = db.session.merge(prop.tenant)
        viewer = db.session.get(type(prop.users["desk"]), prop.users["desk"].id)
        found = stats.rates(tenant, viewer, *_window())
        (orders,) = [r for r in found if r.kind is CaseKind.WORK_ORDER]
        # PROP-10: 21–50 orders → 30%, rounded up: 8 of 25, none revisited yet.
        assert (orders.population, orders.target_count, orders.due) == (25, 8, 0)
        assert orders.target == pytest.approx(8 / 25) and orders.rate == 0 and orders.met is False
