"""Restricted cases (PROP-3) and complaints made to a manager directly (PROP-4), in the domain.

A restricted case is seen only by the roles the policy names (by default supervisors and
admins), never by the member of staff it is about nor, through them, their department; the
rule lives in access.sight(), so every read obeys it.
"""

from __future__ import annotations

import datetime as dt

import pydantic
import pytest
import sqlalchemy as sa

from casework import access, alerts, notifications
from casework.errors import Forbidden, InvalidInput, InvalidTransition
from casework.models import Case, CaseEvent, Deadline, Message, Notification
from casework.operations import confidentiality, dispatch
from casework.states import EventKind, NotificationKind, Stage, Status
from tenants.db import db, tenant_bound
from tenants.models import Role
from tenants.settings import TenantSettings
from tests.conftest import dispatched_case, make_org, open_case

DESCRIPTION = "运营部李经理在现场对顾客态度恶劣，大声呵斥，要求道歉。"


def _users(org):
    return {k: db.session.merge(v) for k, v in org.users.items()}


def _seen(org, who: str) -> set[int]:
    user = db.session.merge(org.users[who])
    return set(db.session.scalars(sa.select(Case.id).where(access.sight(user))))


@pytest.fixture
def about_li(world) -> int:
    """A complaint filed by the desk about ops_li, routed to Operations (ops_li's unit)."""
    with tenant_bound(world.a.tenant.id):
        li = world.a.users["ops_li"]
        case = open_case(world.a, "desk", description=DESCRIPTION, subject_user_id=li.id)
        u = _users(world.a)
        case = db.session.get(Case, case.id)
        dispatch.dispatch_case(case, u["super"], u["ops_head"].department_id, None)
        db.session.commit()
        return case.id


def test_intake_naming_a_staff_member_restricts_the_case_and_records_it(world, about_li):
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, about_li)
        assert case.restricted and case.subject_user_id == world.a.users["ops_li"].id
        event = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.RESTRICTED
            )
        ).one()
        assert event.actor_id == world.a.users["desk"].id
        assert event.changes["subject"] == [None, world.a.users["ops_li"].name]
        assert not event.public


def test_who_sees_a_restricted_case_by_default(world, about_li):
    other = dispatched_case(world.a, "ops_li")
    with tenant_bound(world.a.tenant.id):
        for who in ("super", "admin"):
            assert about_li in _seen(world.a, who), who
        # The subject, their unit's head, and the clerk who filed it: none of them.
        for who in ("ops_li", "ops_head", "desk", "cs_head", "cs_zhou"):
            assert about_li not in _seen(world.a, who), who
        assert other in _seen(world.a, "ops_li") and other in _seen(world.a, "desk")
        ops_head = db.session.merge(world.a.users["ops_head"])
        assert access.in_sight(ops_head, [about_li, other]) == {other}


def test_a_widened_sight_does_not_reach_a_restricted_case(world, about_li):
    with tenant_bound(world.a.tenant.id):
        db.session.merge(world.a.tenant).update_config(
            case_sight={"handler": "all", "dept_head": "all"}
        )
        db.session.commit()
        for who in ("ops_li", "ops_head", "cs_zhou"):
            assert about_li not in _seen(world.a, who), who
        # Naming the case to its subject (past the dispatch check) would not show it either.
        db.session.execute(
            sa.update(Case).where(Case.id == about_li).values(handler_id=world.a.users["ops_li"].id)
        )
        db.session.commit()
        assert about_li not in _seen(world.a, "ops_li")


def test_the_subject_never_sees_it_even_holding_a_viewer_role(world, about_li):
    with tenant_bound(world.a.tenant.id):
        li = db.session.merge(world.a.users["ops_li"])
        li.set_roles(Role.HANDLER, [Role.SUPERVISOR])
        db.session.commit()
        assert about_li not in _seen(world.a, "ops_li")
        # A complaint about a supervisor: the supervisor is kept out, the admin sees it.
        about_super = open_case(world.a, "desk", subject_user_id=world.a.users["super"].id).id
        assert about_super not in _seen(world.a, "super")
        assert about_super in _seen(world.a, "admin")
        assert about_super in _seen(world.a, "ops_li")  # a supervisor now, and not its subject


def test_a_custom_viewer_setting_names_who_sees(world, about_li):
    with tenant_bound(world.a.tenant.id):
        db.session.merge(world.a.tenant).update_config(restricted_case_viewers=["dept_head"])
        db.session.commit()
        assert about_li in _seen(world.a, "ops_head")  # a viewer, and the case is their unit's
        assert about_li not in _seen(world.a, "cs_head")  # a viewer, but not their unit's case
        assert about_li not in _seen(world.a, "super")  # no longer named
        assert about_li not in _seen(world.a, "ops_li")


def test_the_viewer_setting_takes_role_words_and_at_least_one(app):
    assert TenantSettings().restricted_case_viewers == ("supervisor", "admin")
    for wrong in ([], ["boss"], "supervisor", ["admin", "admin"]):
        with pytest.raises(pydantic.ValidationError):
            TenantSettings.model_validate({"restricted_case_viewers": wrong})


def test_a_supervisor_marks_a_case_sensitive_and_lifts_it(world):
    case_id = dispatched_case(world.a, "ops_li")
    with tenant_bound(world.a.tenant.id):
        u = _users(world.a)
        case = db.session.get(Case, case_id)
        with pytest.raises(Forbidden):
            confidentiality.restrict_case(case, u["desk"], "医疗纠纷")
        with pytest.raises(InvalidInput):
            confidentiality.restrict_case(case, u["super"], "  ")
        confidentiality.restrict_case(case, u["super"], "涉及医疗纠纷，仅限领导查看")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.restricted and case.restricted_reason == "涉及医疗纠纷，仅限领导查看"
        assert case.handler_id is None  # ops_li may not see it: taken off the case
        for who in ("ops_li", "ops_head", "desk"):
            assert case_id not in _seen(world.a, who), who
        assert case_id in _seen(world.a, "super")
        with pytest.raises(InvalidTransition):
            confidentiality.restrict_case(case, u["super"], "再次")
        confidentiality.lift_restriction(case, u["admin"], "纠纷已调解")
        db.session.commit()
        assert case_id in _seen(world.a, "ops_head") and case_id in _seen(world.a, "desk")
        with pytest.raises(InvalidTransition):
            confidentiality.lift_restriction(case, u["admin"], "又一次")
        kinds = [
            (e.kind, e.actor_id, e.changes.get("handler"))
            for e in db.session.get(Case, case_id).events
            if e.kind in (EventKind.RESTRICTED, EventKind.RESTRICTION_LIFTED)
        ]
        assert kinds == [
            (EventKind.RESTRICTED, u["super"].id, [u["ops_li"].name, None]),
            (EventKind.RESTRICTION_LIFTED, u["admin"].id, None),
        ]


def test_a_supervisor_not_among_the_viewers_cannot_mark_it(world):
    case_id = dispatched_case(world.a, "ops_li")
    with tenant_bound(world.a.tenant.id):
        db.session.merge(world.a.tenant).update_config(restricted_case_viewers=["admin"])
        db.session.commit()
        u = _users(world.a)
        with pytest.raises(InvalidTransition):
            confidentiality.restrict_case(db.session.get(Case, case_id), u["super"], "医疗纠纷")


def test_a_restricted_case_goes_only_to_a_handler_who_may_see_it(world, about_li):
    with tenant_bound(world.a.tenant.id):
        u = _users(world.a)
        case = db.session.get(Case, about_li)
        ops = u["ops_head"].department_id
        with pytest.raises(InvalidInput) as refused:
            dispatch.dispatch_case(case, u["super"], ops, u["ops_li"].id)
        assert refused.value.field == "handler_id"
        db.session.rollback()
        db.session.merge(world.a.tenant).update_config(
            restricted_case_viewers=["dept_head", "supervisor"]
        )
        db.session.commit()
        case = db.session.get(Case, about_li)
        dispatch.dispatch_case(case, u["super"], ops, u["ops_head"].id)
        db.session.commit()
        assert db.session.get(Case, about_li).handler_id == u["ops_head"].id


def test_notices_about_a_restricted_case_reach_only_those_who_see_it(world, about_li):
    with tenant_bound(world.a.tenant.id):
        u = _users(world.a)
        case = db.session.get(Case, about_li)
        notifications.tell(
            [u["ops_li"], u["ops_head"], u["desk"], u["super"]], case, NotificationKind.URGE
        )
        db.session.commit()
        told = set(db.session.scalars(sa.select(Notification.user_id)))
        assert told == {u["super"].id}


def test_reminders_about_a_restricted_case_go_to_the_named_managers(world, about_li):
    with tenant_bound(world.a.tenant.id):
        u = _users(world.a)
        case = db.session.get(Case, about_li)
        # Nobody named: the unit's head would answer for it, but may not see it.
        people = {p.id for p in alerts.recipients(case, Stage.RESULT, alerts.OVERDUE)}
        assert people and people <= {u["super"].id, u["admin"].id}
        result = db.session.scalars(
            sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.stage == Stage.RESULT)
        ).one()
        late = result.due_at + (result.due_at - result.started_at) * 2 + dt.timedelta(hours=1)
    assert alerts.sweep(late) >= 1
    with tenant_bound(world.a.tenant.id):
        told = set(db.session.scalars(sa.select(Notification.user_id)))
        assert told and told <= {u["super"].id, u["admin"].id}
        mails = db.session.scalars(sa.select(Message).where(Message.case_id == about_li)).all()
        staff = [m for m in mails if m.to != ""]
        assert staff, "the named managers are mailed"
        for message in staff:
            assert message.to not in {u["ops_li"].email, u["ops_head"].email, u["desk"].email}
            assert DESCRIPTION[:20] not in message.body  # no summary of a restricted case


def test_a_complaint_made_to_a_manager_is_handled_by_that_manager(world):
    with tenant_bound(world.a.tenant.id):
        head = world.a.users["ops_head"]
        case = open_case(world.a, "desk", direct_manager_id=head.id)
        case = db.session.get(Case, case.id)
        assert case.status is Status.DISPATCHED
        assert case.handler_id == head.id and case.direct_manager_id == head.id
        assert case.department_id == head.department_id
        event = [e for e in case.events if e.kind is EventKind.DISPATCHED][-1]
        assert event.actor_id == world.a.users["desk"].id
        assert event.changes["direct_manager"] == [None, head.name]
        assert not case.restricted
        assert case.id in _seen(world.a, "ops_head")


def test_a_supervisor_of_no_unit_named_as_manager_keeps_the_routed_unit(world):
    with tenant_bound(world.a.tenant.id):
        product = world.a.category("product")
        sup = world.a.users["super"]
        case = open_case(
            world.a,
            "desk",
            category_id=product.id,
            direct_manager_id=sup.id,
            subject_user_id=world.a.users["ops_li"].id,
        )
        case = db.session.get(Case, case.id)
        assert case.handler_id == sup.id and case.department_id == product.department_id
        assert case.restricted


@pytest.mark.parametrize(
    ("field", "who"),
    [
        ("direct_manager_id", "ops_li"),  # a handler is no manager
        ("direct_manager_id", "desk"),
        ("direct_manager_id", "beta:admin"),  # another tenant's manager
        ("subject_user_id", "beta:opd_wu"),  # another tenant's staff
        ("subject_user_id", 987654),  # nobody
    ],
)
def test_naming_the_wrong_person_at_intake_is_invalid_input(world, field, who):
    if isinstance(who, int):
        user_id = who
    elif who.startswith("beta:"):
        user_id = world.b.users[who.removeprefix("beta:")].id
    else:
        user_id = world.a.users[who].id
    with pytest.raises(InvalidInput) as refused:
        open_case(world.a, "desk", **{field: user_id})
    assert refused.value.field == field
    with tenant_bound(world.a.tenant.id):
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_a_restricted_complaint_goes_only_to_a_manager_who_may_see_it(world):
    with tenant_bound(world.a.tenant.id):
        li, head = world.a.users["ops_li"], world.a.users["ops_head"]
        with pytest.raises(InvalidInput) as refused:
            open_case(world.a, "desk", subject_user_id=li.id, direct_manager_id=head.id)
        assert refused.value.field == "direct_manager_id"
        db.session.rollback()
        sup = world.a.users["super"]
        with pytest.raises(InvalidInput):
            open_case(world.a, "desk", subject_user_id=sup.id, direct_manager_id=sup.id)


def test_the_property_preset_sends_complaints_about_its_staff_to_the_service_centre_head(app):
    """PROP-3: a complaint about a customer-service clerk reaches the service-centre manager
    (a department head there), never the clerk; the company office's head may handle it."""
    org = make_org("prop-a", "property")
    zhu = org.users["sc_zhu"]
    case_id = open_case(org, "desk", subject_user_id=zhu.id).id
    with tenant_bound(org.tenant.id):
        u = _users(org)
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(case, u["super"], u["sc_head"].department_id, u["sc_head"].id)
        db.session.commit()
        assert case_id in _seen(org, "sc_head") and case_id in _seen(org, "super")
        for who in ("sc_zhu", "desk", "eng_liu", "eng_head"):
            assert case_id not in _seen(org, who), who
        with pytest.raises(InvalidInput):
            dispatch.dispatch_case(case, u["super"], u["sc_head"].department_id, zhu.id)
        db.session.rollback()
        office = u["office_head"]
        dispatch.dispatch_case(case, u["super"], office.department_id, office.id)
        db.session.commit()
        assert case_id in _seen(org, "office_head")


def test_information_from_the_complainant_reaches_the_named_managers(world, about_li):
    from casework.operations import complainant

    with tenant_bound(world.a.tenant.id):
        u = _users(world.a)
        complainant.add_information(db.session.get(Case, about_li), "补充：当时有录像。")
        db.session.commit()
        told = set(db.session.scalars(sa.select(Notification.user_id)))
        assert told and told <= {u["super"].id, u["admin"].id}
