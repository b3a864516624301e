"""Returns (退单): a unit sends a misrouted case back to the dispatchers, within the limit."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from casework import reports
from casework.errors import Forbidden, InvalidInput, InvalidTransition
from casework.models import Case, CaseEvent, Deadline, Notification
from casework.operations import dispatch, guards, returns
from casework.states import Action, EventKind, NotificationKind, Stage, Status
from tenants.db import db, tenant_bound
from tenants.models import Department
from tests.conftest import dispatched_case


def _open(case: Case, stage: Stage) -> list[Deadline]:
    return db.session.scalars(
        sa.select(Deadline).where(
            Deadline.case_id == case.id, Deadline.stage == stage, Deadline.done_at.is_(None)
        )
    ).all()


def _unit(user) -> str:
    return db.session.get(Department, user.department_id).name


def test_a_return_sends_the_case_back_to_the_dispatchers(world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert _open(case, Stage.FIRST_CONTACT) and not _open(case, Stage.DISPATCH)
        returns.return_case(case, org.users["ops_li"], "  属物业公司职责  ")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.status is Status.ACCEPTED
        assert case.department_id is None and case.handler_id is None
        assert case.dispatched_at is None
        # The dispatch clock runs again (mall: 24 hours), this unit's first contact stops.
        (running,) = _open(case, Stage.DISPATCH)
        assert running.due_at - running.started_at == dt.timedelta(hours=24)
        assert not _open(case, Stage.FIRST_CONTACT)
        assert case.next_due_at is not None
        event = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.RETURNED
            )
        ).one()
        assert event.body == "属物业公司职责" and not event.public
        assert event.changes["department"][0] == _unit(org.users["ops_li"])
        assert event.changes["department"][1] is None
        assert event.changes["handler"] == [org.users["ops_li"].name, None]
        told = db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.case_id == case_id, Notification.kind == NotificationKind.RETURNED
            )
        ).all()
        assert told == [org.users["desk"].id]  # the dispatchers (intake), nobody else


def test_the_basis_is_required(world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput) as refused:
            returns.return_case(case, org.users["ops_li"], "   ")
        assert refused.value.field == "basis"
        with pytest.raises(InvalidInput):
            returns.return_case(case, org.users["ops_li"], "x" * 501)
        db.session.rollback()
        assert db.session.get(Case, case_id).status is Status.DISPATCHED


def test_only_the_unit_it_was_sent_to_returns_it(world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        for who in ("cs_zhou", "cs_head", "desk", "super"):
            with pytest.raises(Forbidden):
                returns.return_case(case, org.users[who], "不是我们的")
        assert Action.RETURN_CASE in guards.available_actions(case, org.users["ops_head"])
        returns.return_case(case, org.users["ops_head"], "属物业公司职责")
        with pytest.raises(InvalidTransition):  # back with the dispatchers: nothing to return
            returns.return_case(case, org.users["ops_head"], "again")


def test_after_the_limit_the_return_is_refused_and_not_offered(world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        # 1 working day by default: three weeks ago is past it, whatever the holidays.
        case.dispatched_at -= dt.timedelta(days=21)
        db.session.commit()
        assert Action.RETURN_CASE not in guards.available_actions(case, org.users["ops_li"])
        with pytest.raises(InvalidTransition) as refused:
            returns.return_case(case, org.users["ops_li"], "属物业公司职责")
        with force_locale("en"):
            assert "time to return" in str(refused.value.message)
        assert returns.return_until(case) < case.dispatched_at + dt.timedelta(days=7)


def test_a_returned_case_is_dispatched_again_and_counted_per_unit(world):
    org = world.a
    u = org.users
    first, second = dispatched_case(org), dispatched_case(org)
    with tenant_bound(org.tenant.id):
        since = db.session.get(Case, first).created_at - dt.timedelta(minutes=1)
        for case_id in (first, second):
            returns.return_case(db.session.get(Case, case_id), u["ops_li"], "属物业公司职责")
        case = db.session.get(Case, first)
        cs = u["cs_zhou"]
        dispatch.dispatch_case(case, u["desk"], cs.department_id, cs.id)
        db.session.commit()
        case = db.session.get(Case, first)
        assert case.status is Status.DISPATCHED and case.handler_id == cs.id
        assert case.dispatched_at is not None  # the new unit's return window starts afresh
        assert not _open(case, Stage.DISPATCH) and _open(case, Stage.FIRST_CONTACT)
        returns.return_case(case, cs, "属运营部职责")
        db.session.commit()
        ops, cs_name = _unit(u["ops_li"]), _unit(cs)
        assert reports.returns_by_unit(u["super"], since) == [(ops, 2), (cs_name, 1)]
        # Sight: a handler counts only the cases they see (none: both went back to dispatch).
        assert reports.returns_by_unit(cs, since) == []
        # Nothing returned in a period before the first.
        assert reports.returns_by_unit(u["super"], since - dt.timedelta(days=2), since) == []
