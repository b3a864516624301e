"""Who sees a case (CO-8): access.sight(), the one condition every staff read of cases adds."""

from __future__ import annotations

import pydantic
import pytest
import sqlalchemy as sa

from casework import access, notifications
from casework import queue as caseq
from casework.errors import NotFound
from casework.models import Case
from casework.operations import dispatch, rectification
from casework.states import NotificationKind
from tenants.db import db, tenant_bound
from tenants.models import Role
from tenants.settings import TenantSettings
from tests.conftest import dispatched_case, open_case

EVERYONE = ("admin", "desk", "super", "ops_head", "ops_li", "cs_head", "cs_zhou")


@pytest.fixture
def cases(world):
    """An Operations case named to ops_li, a Customer Service one to cs_zhou, one undispatched."""
    return {
        "ops": dispatched_case(world.a, "ops_li"),
        "cs": dispatched_case(world.a, "cs_zhou"),
        "new": open_case(world.a).id,
    }


def _seen(org, who: str) -> set[int]:
    user = db.session.merge(org.users[who])
    return set(db.session.scalars(sa.select(Case.id).where(access.sight(user))))


def _sight(org, **sight: str) -> None:
    db.session.merge(org.tenant).update_config(case_sight=sight)
    db.session.commit()


def test_each_role_by_default(world, cases):
    everything = set(cases.values())
    with tenant_bound(world.a.tenant.id):
        for who in ("admin", "desk", "super"):
            assert _seen(world.a, who) == everything, who
        for who in ("ops_head", "ops_li"):
            assert _seen(world.a, who) == {cases["ops"]}, who
        for who in ("cs_head", "cs_zhou"):
            assert _seen(world.a, who) == {cases["cs"]}, who


def test_outside_sight_is_not_found_like_another_tenants(world, cases):
    with tenant_bound(world.a.tenant.id):
        zhou = db.session.merge(world.a.users["cs_zhou"])
        ops = access.get_case(cases["ops"])  # the system (jobs) reads any case
        with pytest.raises(NotFound):
            access.get_case(cases["ops"], viewer=zhou)
        with pytest.raises(NotFound):
            access.get_case_by_number(ops.number, viewer=zhou)
        assert access.get_case(cases["cs"], viewer=zhou).id == cases["cs"]
        assert access.in_sight(zhou, [cases["ops"], cases["cs"], None]) == {cases["cs"]}


def test_the_queue_lists_only_what_is_in_sight(world, cases):
    with tenant_bound(world.a.tenant.id):
        zhou = db.session.merge(world.a.users["cs_zhou"])
        listed = {c.id for c in caseq.list_cases(caseq.Filters(), viewer=zhou)[0]}
        assert listed == {cases["cs"]}
        number = access.get_case(cases["ops"]).number
        assert caseq.list_cases(caseq.Filters(number=number), viewer=zhou)[0] == []
        desk = db.session.merge(world.a.users["desk"])
        assert len(caseq.list_cases(caseq.Filters(), viewer=desk)[0]) == 3


def test_a_tenant_widens_or_narrows_a_roles_sight(world, cases):
    with tenant_bound(world.a.tenant.id):
        _sight(world.a, handler="all")
        assert _seen(world.a, "cs_zhou") == set(cases.values())
        assert _seen(world.a, "cs_head") == {cases["cs"]}  # heads keep their unit's
        _sight(world.a, handler="department", intake="department")
        desk_unit = world.a.users["desk"].department_id  # the clerk's own unit, if any
        units = {i: db.session.get(Case, i).department_id for i in cases.values()}
        assert _seen(world.a, "desk") == {i for i, d in units.items() if d and d == desk_unit}
        assert cases["ops"] not in _seen(world.a, "desk")
        assert _seen(world.a, "super") == set(cases.values())


def test_several_roles_see_what_any_of_them_sees(world, cases):
    with tenant_bound(world.a.tenant.id):
        zhou = db.session.merge(world.a.users["cs_zhou"])
        zhou.set_roles(Role.HANDLER, [Role.SUPERVISOR])
        db.session.commit()
        assert _seen(world.a, "cs_zhou") == set(cases.values())
        _sight(world.a, supervisor="department")
        assert _seen(world.a, "cs_zhou") == {cases["cs"]}


def test_the_unit_ordered_to_rectify_sees_the_case_while_and_after_it_rectifies(world, cases):
    with tenant_bound(world.a.tenant.id):
        u = {k: db.session.merge(v) for k, v in world.a.users.items()}
        case = db.session.get(Case, cases["ops"])
        rectification.order_rectification(case, u["super"], u["cs_head"].department_id, "核对")
        db.session.commit()
        for who in ("cs_head", "cs_zhou"):
            assert cases["ops"] in _seen(world.a, who), who
        rectification.complete_rectification(case, u["cs_head"], "已核对")
        db.session.commit()
        assert cases["ops"] in _seen(world.a, "cs_zhou")  # a past order still names the unit


def test_a_case_named_to_a_handler_of_another_unit_is_theirs_to_see(world, cases):
    with tenant_bound(world.a.tenant.id):
        u = {k: db.session.merge(v) for k, v in world.a.users.items()}
        u["ops_li"].department_id = u["cs_head"].department_id  # moved to another unit
        db.session.commit()
        assert _seen(world.a, "ops_li") == {cases["ops"], cases["cs"]}
        assert _seen(world.a, "ops_head") == {cases["ops"]}
        # Dispatched to another unit and another handler, the case leaves their sight.
        case = db.session.get(Case, cases["ops"])
        dispatch.dispatch_case(case, u["super"], u["ops_head"].department_id, None)
        db.session.commit()
        assert _seen(world.a, "ops_li") == {cases["cs"]}


def test_a_notice_about_a_case_out_of_sight_is_hidden(world, cases):
    with tenant_bound(world.a.tenant.id):
        u = {k: db.session.merge(v) for k, v in world.a.users.items()}
        case = db.session.get(Case, cases["cs"])
        notifications.tell([u["ops_li"]], case, NotificationKind.URGE)
        db.session.commit()
        assert notifications.recent(u["ops_li"]) == []
        assert notifications.unread_count(u["ops_li"]) == 0
        notifications.tell([u["cs_zhou"]], case, NotificationKind.URGE)
        db.session.commit()
        assert [c.id for _n, c in notifications.recent(u["cs_zhou"])] == [cases["cs"]]
        assert notifications.unread_count(u["cs_zhou"]) == 1


def test_the_setting_takes_only_role_words_and_the_two_sights(app):
    assert TenantSettings().case_sight["handler"] == "department"
    assert TenantSettings().case_sight["intake"] == "all"
    merged = TenantSettings.model_validate({"case_sight": {"handler": "all"}}).case_sight
    assert merged["handler"] == "all" and merged["dept_head"] == "department"
    for wrong in ({"boss": "all"}, {"handler": "everything"}, ["handler"]):
        with pytest.raises(pydantic.ValidationError):
            TenantSettings.model_validate({"case_sight": wrong})
    assert {r.value for r in Role} == set(TenantSettings().case_sight)
    assert EVERYONE  # the world's staff, each used above
