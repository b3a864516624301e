"""available_actions offers exactly what the verbs accept: one guard for both."""

from __future__ import annotations

import pytest

from casework.errors import DomainError
from casework.models import Case
from casework.operations import dispatch, extensions, guards, handling, rectification
from casework.states import Action
from tenants.db import db, tenant_bound
from tests.conftest import open_case

# A harmless call of each verb, with input it would accept.
CALLS = {
    Action.DISPATCH: lambda c, u, o: dispatch.dispatch_case(
        c, u, o.users["ops_li"].department_id, o.users["ops_li"].id
    ),
    Action.NOTE: lambda c, u, o: handling.add_note(c, u, "核查中"),
    Action.CONTACT: lambda c, u, o: handling.record_contact(c, u, "phone", "已联系"),
    Action.RESULT: lambda c, u, o: handling.record_result(c, u, "已退款"),
    Action.EXTEND: lambda c, u, o: extensions.request_extension(c, u, 2, "等待厂家"),
    Action.DECIDE_EXTENSION: lambda c, u, o: extensions.decide_extension(c, u, True),
    Action.PAUSE: lambda c, u, o: extensions.pause_case(c, u, "等材料"),
    Action.RESUME: lambda c, u, o: extensions.resume_case(c, u),
    Action.ORDER_RECTIFICATION: lambda c, u, o: rectification.order_rectification(
        c, u, o.users["ops_li"].department_id, "整改"
    ),
    Action.RECTIFIED: lambda c, u, o: rectification.complete_rectification(c, u, "已整改"),
}


def _accepts(org, case_id: int, who: str, action: Action) -> bool:
    """Whether the verb itself takes the action, tried and rolled back."""
    case = db.session.get(Case, case_id)
    try:
        CALLS[action](case, org.users[who], org)
    except DomainError:
        return False
    finally:
        db.session.rollback()
    return True


@pytest.mark.parametrize("step", ["accepted", "dispatched", "extension asked", "paused"])
def test_offered_actions_are_the_accepted_ones(world, step):
    org = world.a
    u = org.users
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        if step != "accepted":
            dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        if step == "extension asked":
            extensions.request_extension(case, u["ops_li"], 2, "等待厂家")
        if step == "paused":
            extensions.pause_case(case, u["ops_li"], "等材料")
        db.session.commit()
        for who in ("desk", "ops_li", "cs_zhou", "ops_head", "cs_head", "super"):
            offered = set(guards.available_actions(db.session.get(Case, case_id), u[who]))
            for action in CALLS:
                accepted = _accepts(org, case_id, who, action)
                assert (action in offered) == accepted, (step, who, action)


def test_what_the_guards_hide(world):
    org = world.a
    u = org.users
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        extensions.request_extension(case, u["ops_li"], 2, "等待厂家")
        db.session.commit()
        case = db.session.get(Case, case_id)
        handler = guards.available_actions(case, u["ops_li"])
        assert Action.EXTEND not in handler  # one request waits already
        assert Action.NOTE in handler
        # Another unit's handler and head see nothing to do on it.
        assert guards.available_actions(case, u["cs_zhou"]) == []
        assert Action.DECIDE_EXTENSION not in guards.available_actions(case, u["cs_head"])
        assert Action.DECIDE_EXTENSION in guards.available_actions(case, u["ops_head"])


def test_every_action_has_at_most_one_precondition():
    with pytest.raises(RuntimeError):
        guards.precondition(Action.EXTEND)(lambda facts, actor: None)
