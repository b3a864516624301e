"""The department dead end: a case routed to a department without a named handler is taken
by one of its handlers, and its alerts reach the department's head meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import alerts
from casework import queue as caseq
from casework.errors import Forbidden, InvalidTransition
from casework.models import Alert, Case, CaseEvent, Deadline, Notification
from casework.operations import dispatch, guards, handling
from casework.states import Action, EventKind, Stage
from tenants.db import db, tenant_bound
from tests.conftest import open_case


def _to_operations(org, handler: str | None = None) -> int:
    u = org.users
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        named = u[handler].id if handler else None
        dispatch.dispatch_case(case, u["desk"], u["ops_li"].department_id, named)
        db.session.commit()
    return case_id


def _first_contact_due(org, case_id: int) -> dt.datetime:
    with tenant_bound(org.tenant.id):
        return db.session.scalars(
            sa.select(Deadline.due_at).where(
                Deadline.case_id == case_id, Deadline.stage == Stage.FIRST_CONTACT
            )
        ).one()


def _notified(org, level: int) -> list[int]:
    with tenant_bound(org.tenant.id):
        return sorted(
            db.session.scalars(
                sa.select(Notification.user_id)
                .join(Alert, Alert.id == Notification.alert_id)
                .where(Alert.level == level)
            )
        )


def test_a_handler_of_the_department_takes_an_unassigned_case(world):
    org = world.a
    u = org.users
    case_id = _to_operations(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        # The dead end as it was: nobody may work it, nobody's "mine" lists it.
        assert guards.available_actions(case, u["ops_li"]) == [Action.TAKE]
        with pytest.raises(Forbidden):
            handling.add_note(case, u["ops_li"], "先看看")
        db.session.rollback()
        unassigned = caseq.Filters(department_id=u["ops_li"].department_id, unassigned=True)
        assert [c.id for c in caseq.list_cases(unassigned)[0]] == [case_id]
        assert caseq.list_cases(caseq.Filters(handler_id=u["ops_li"].id))[0] == []

        dispatch.take_case(db.session.get(Case, case_id), u["ops_li"])
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.handler_id == u["ops_li"].id
        taken = db.session.scalars(
            sa.select(CaseEvent).where(CaseEvent.kind == EventKind.TAKEN)
        ).one()
        assert (taken.actor_id, taken.public) == (u["ops_li"].id, False)
        assert taken.changes == {"handler": [None, u["ops_li"].name]}
        assert caseq.list_cases(unassigned)[0] == []
        assert [c.id for c in caseq.list_cases(caseq.Filters(handler_id=u["ops_li"].id))[0]] == [
            case_id
        ]
        assert Action.NOTE in guards.available_actions(case, u["ops_li"])
        with pytest.raises(InvalidTransition):  # taken is taken
            dispatch.take_case(case, u["ops_head"])


def test_another_department_cannot_take_it(world):
    org = world.a
    case_id = _to_operations(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        for who in ("cs_zhou", "cs_head", "desk", "super"):
            with pytest.raises(Forbidden):
                dispatch.take_case(case, org.users[who])


def test_the_head_assigns_by_dispatching_within_the_department(world):
    org = world.a
    u = org.users
    case_id = _to_operations(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert Action.DISPATCH in guards.available_actions(case, u["ops_head"])
        dispatch.dispatch_case(case, u["ops_head"], u["ops_li"].department_id, u["ops_li"].id)
        db.session.commit()
        assert db.session.get(Case, case_id).handler_id == u["ops_li"].id
        # Another department's head may not reach into it.
        with pytest.raises(Forbidden):
            dispatch.dispatch_case(case, u["cs_head"], u["cs_zhou"].department_id, None)


def test_the_overdue_notice_for_an_unassigned_case_goes_to_the_head(world):
    org = world.a
    case_id = _to_operations(org)
    alerts.sweep(_first_contact_due(org, case_id) + dt.timedelta(minutes=1))
    assert _notified(org, alerts.OVERDUE) == [org.users["ops_head"].id]


def test_a_case_whose_handler_left_is_the_heads_until_reassigned(world):
    org = world.a
    u = org.users
    case_id = _to_operations(org, handler="ops_li")
    with tenant_bound(org.tenant.id):
        db.session.get(type(u["ops_li"]), u["ops_li"].id).active = False
        db.session.commit()
    due = _first_contact_due(org, case_id)
    with tenant_bound(org.tenant.id):
        started = db.session.scalars(
            sa.select(Deadline.started_at).where(
                Deadline.case_id == case_id, Deadline.stage == Stage.FIRST_CONTACT
            )
        ).one()
    alerts.sweep(started + (due - started) * 0.6)  # the first reminder
    assert _notified(org, 1) == [u["ops_head"].id]
