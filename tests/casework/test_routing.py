"""Routing rules: ordered, first match wins, each condition, and what intake does with them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import catalog, routing
from casework.errors import InvalidInput, NotFound
from casework.models import Case, CaseEvent, RoutingRule
from casework.states import Channel, EventKind, Priority
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Department
from tests.conftest import open_case


def _dept(org, code: str) -> int:
    with tenant_bound(org.tenant.id):
        return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def _clear(org) -> None:
    """Start from no rules, whatever the preset brought."""
    for rule in routing.rules(org.tenant):
        routing.delete_rule(org.tenant, None, rule.id)
    db.session.commit()


def _kinds(org, prefix: str = "routing.") -> list[str]:
    with tenant_bound(org.tenant.id):
        return list(
            db.session.scalars(
                sa.select(AuditEvent.kind)
                .where(AuditEvent.kind.startswith(prefix), AuditEvent.actor_id.is_not(None))
                .order_by(AuditEvent.id)
            )
        )


def _add(org, **conditions) -> int:
    rule = routing.add_rule(org.tenant, org.users["admin"], **conditions)
    db.session.commit()
    return rule.id


def _route(org, category: str | None = "price", channel=Channel.WEB, text="", where=""):
    category_id = org.category(category).id if category else None
    rule, department_id = routing.route(org.tenant, category_id, channel, text, where)
    return (rule.id if rule else None), department_id


@pytest.fixture
def mall(world):
    _clear(world.a)
    return world.a


def test_without_rules_the_category_routes(mall):
    assert _route(mall, "price") == (None, _dept(mall, "finance"))
    assert _route(mall, "product") == (None, _dept(mall, "ops"))
    assert _route(mall, None) == (None, None)


def test_the_first_matching_rule_wins(mall):
    cs, security = _dept(mall, "cs"), _dept(mall, "security")
    first = _add(mall, keyword="退款", department_id=cs)
    second = _add(mall, keyword="退款", department_id=security)
    assert _route(mall, text="要求退款") == (first, cs)
    routing.move_rule(mall.tenant, mall.users["admin"], second, -1)
    db.session.commit()
    assert _route(mall, text="要求退款") == (second, security)
    assert [r.id for r in routing.rules(mall.tenant)] == [second, first]
    assert [r.number for r in routing.rules(mall.tenant)] == [1, 2]


def test_an_inactive_rule_is_skipped(mall):
    cs, security = _dept(mall, "cs"), _dept(mall, "security")
    first = _add(mall, keyword="退款", department_id=cs)
    second = _add(mall, keyword="退款", department_id=security)
    routing.deactivate_rule(mall.tenant, mall.users["admin"], first)
    db.session.commit()
    assert _route(mall, text="退款") == (second, security)
    routing.reactivate_rule(mall.tenant, mall.users["admin"], first)
    db.session.commit()
    assert _route(mall, text="退款") == (first, cs)


def test_the_category_condition(mall):
    cs = _dept(mall, "cs")
    rule = _add(mall, category_id=mall.category("product").id, department_id=cs)
    assert _route(mall, "product") == (rule, cs)
    assert _route(mall, "price") == (None, _dept(mall, "finance"))


def test_the_channel_condition(mall):
    cs = _dept(mall, "cs")
    rule = _add(mall, channel="phone", department_id=cs)
    assert _route(mall, channel=Channel.PHONE) == (rule, cs)
    assert _route(mall, channel="phone") == (rule, cs)
    assert _route(mall, channel=Channel.WEB)[0] is None


def test_every_word_of_the_keyword_must_appear_in_the_description(mall):
    cs = _dept(mall, "cs")
    rule = _add(mall, keyword="电梯，困人 Alarm", department_id=cs)
    assert routing.rules(mall.tenant)[0].terms == ("电梯", "困人", "alarm")
    assert _route(mall, text="三号电梯困人了，ALARM 不响") == (rule, cs)
    assert _route(mall, text="三号电梯困人了，ＡＬＡＲＭ不响") == (rule, cs)  # full-width
    assert _route(mall, text="三号电梯坏了，alarm 不响")[0] is None  # 困人 missing
    assert _route(mall, text="有人困在电梯里")[0] is None  # words must appear as typed


def test_the_location_condition_is_one_piece_of_text(mall):
    security = _dept(mall, "security")
    rule = _add(mall, location="B2 停车场", department_id=security)
    assert _route(mall, where="b2 停车场东侧") == (rule, security)
    assert _route(mall, where="停车场 B2")[0] is None
    assert _route(mall, text="B2 停车场", where="")[0] is None  # the location, not the text


def test_every_condition_given_must_hold(mall):
    cs = _dept(mall, "cs")
    rule = _add(
        mall,
        category_id=mall.category("service").id,
        channel="phone",
        keyword="态度",
        location="一楼",
        department_id=cs,
    )
    hit = {"category": "service", "channel": Channel.PHONE, "text": "态度差", "where": "一楼"}
    assert _route(mall, **hit) == (rule, cs)
    for key, value in [
        ("category", "price"),
        ("channel", Channel.WEB),
        ("text", "很好"),
        ("where", "二楼"),
    ]:
        assert _route(mall, **{**hit, key: value})[0] is None, key


def test_a_rule_without_a_condition_is_refused(mall):
    admin, cs = mall.users["admin"], _dept(mall, "cs")
    for keyword in ("", "  ", " ，, 、"):
        with pytest.raises(InvalidInput) as caught:
            routing.add_rule(mall.tenant, admin, keyword=keyword, department_id=cs)
        assert caught.value.field == "conditions"
        db.session.rollback()
    rule = _add(mall, keyword="退款", department_id=cs)
    with pytest.raises(InvalidInput):
        routing.edit_rule(mall.tenant, admin, rule, keyword="", department_id=cs)
    db.session.rollback()
    assert routing.rules(mall.tenant)[0].keyword == "退款"
    assert _kinds(mall) == ["routing.rule_added"]


def test_a_rule_must_send_to_an_active_department_of_the_tenant(mall):
    admin = mall.users["admin"]
    spare = catalog.add_department(mall.tenant, admin, "闲置部")
    catalog.deactivate_department(mall.tenant, admin, spare.id)
    db.session.commit()
    for department_id, needle in [(spare.id, "闲置部"), (None, ""), (10**9, "")]:
        with pytest.raises(InvalidInput) as caught:
            routing.add_rule(mall.tenant, admin, keyword="退款", department_id=department_id)
        assert caught.value.field == "department_id" and needle in str(caught.value)
        db.session.rollback()
    for bad in [{"channel": "pigeon"}, {"category_id": 10**9}, {"keyword": "字" * 101}]:
        with pytest.raises(InvalidInput):
            routing.add_rule(
                mall.tenant, admin, **{"keyword": "退款", **bad}, department_id=_dept(mall, "cs")
            )
        db.session.rollback()
    assert routing.rules(mall.tenant) == ()


def test_a_rule_whose_department_was_deactivated_cannot_come_back(mall):
    admin = mall.users["admin"]
    dept = catalog.add_department(mall.tenant, admin, "临时部")
    db.session.commit()
    rule = _add(mall, keyword="退款", department_id=dept.id)
    routing.deactivate_rule(mall.tenant, admin, rule)
    catalog.deactivate_department(mall.tenant, admin, dept.id)
    db.session.commit()
    with pytest.raises(InvalidInput) as caught:
        routing.reactivate_rule(mall.tenant, admin, rule)
    assert "临时部" in str(caught.value)
    db.session.rollback()
    assert routing.rules(mall.tenant)[0].active is False


def test_moving_at_either_end_changes_nothing(mall):
    cs = _dept(mall, "cs")
    first, second = (
        _add(mall, keyword="a", department_id=cs),
        _add(mall, keyword="b", department_id=cs),
    )
    admin = mall.users["admin"]
    routing.move_rule(mall.tenant, admin, first, -1)
    routing.move_rule(mall.tenant, admin, second, 1)
    db.session.commit()
    assert [r.id for r in routing.rules(mall.tenant)] == [first, second]
    routing.move_rule(mall.tenant, admin, first, 1)
    db.session.commit()
    assert [r.id for r in routing.rules(mall.tenant)] == [second, first]
    assert _kinds(mall) == ["routing.rule_added", "routing.rule_added", "routing.rule_moved"]


def test_edit_and_delete_are_audited_with_before_and_after(mall):
    admin, cs, ops = mall.users["admin"], _dept(mall, "cs"), _dept(mall, "ops")
    rule = _add(mall, keyword="退款", department_id=cs)
    routing.edit_rule(mall.tenant, admin, rule, keyword="退款", location="一楼", department_id=ops)
    db.session.commit()
    assert _route(mall, text="退款", where="一楼") == (rule, ops)
    routing.delete_rule(mall.tenant, admin, rule)
    db.session.commit()
    assert routing.rules(mall.tenant) == ()
    with tenant_bound(mall.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(RoutingRule.id))) == 0
        events = list(
            db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.actor_id == admin.id).order_by(AuditEvent.id)
            )
        )
    assert [e.kind for e in events] == [
        "routing.rule_added",
        "routing.rule_edited",
        "routing.rule_deleted",
    ]
    edited = events[1].changes
    assert (edited["before"]["department"], edited["after"]["department"]) == ("客服部", "运营部")
    assert (edited["before"]["location"], edited["after"]["location"]) == ("", "一楼")
    assert events[2].changes["after"] is None and events[2].changes["before"]["keyword"] == "退款"


def test_another_tenants_rule_is_not_found(world):
    with tenant_bound(world.b.tenant.id):
        foreign = db.session.scalars(sa.select(RoutingRule.id)).first()
    assert foreign is not None
    admin = world.a.users["admin"]
    for verb in (routing.deactivate_rule, routing.delete_rule):
        with pytest.raises(NotFound):
            verb(world.a.tenant, admin, foreign)
    with pytest.raises(NotFound):
        routing.move_rule(world.a.tenant, admin, foreign, 1)


# Intake -----------------------------------------------------------------------------------


def _case(org, case_id: int) -> Case:
    with tenant_bound(org.tenant.id):
        return db.session.get(Case, case_id)


def test_intake_sends_the_case_where_the_first_rule_says(mall):
    security = _dept(mall, "security")
    _add(mall, keyword="车位", location="停车场", department_id=security)
    case = open_case(mall, description="车位被占，没人管", location="B2 停车场")
    case = _case(mall, case.id)
    assert case.department_id == security
    with tenant_bound(mall.tenant.id):
        accepted = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.ACCEPTED
            )
        ).one()
    assert accepted.changes["department"] == [None, "安保部"]


def test_intake_falls_back_to_the_categorys_department(mall):
    case = _case(mall, open_case(mall, description="多收了钱").id)
    assert case.department_id == _dept(mall, "finance")


def test_intake_starts_at_the_categorys_default_priority_unless_asked(mall):
    admin, finance = mall.users["admin"], _dept(mall, "finance")
    price = mall.category("price")
    catalog.edit_category(mall.tenant, admin, price.id, price.name, finance, Priority.URGENT)
    db.session.commit()
    assert _case(mall, open_case(mall).id).priority is Priority.URGENT
    asked = open_case(mall, actor="desk", priority=Priority.NORMAL)
    assert _case(mall, asked.id).priority is Priority.NORMAL
    other = open_case(mall, category_id=mall.category("other").id)
    assert _case(mall, other.id).priority is Priority.NORMAL


def test_intake_refuses_a_deactivated_category(mall):
    other = mall.category("other")
    catalog.deactivate_category(mall.tenant, mall.users["admin"], other.id)
    db.session.commit()
    with pytest.raises(InvalidInput) as caught:
        open_case(mall, category_id=other.id)
    assert caught.value.field == "category_id"
    db.session.rollback()
    with tenant_bound(mall.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_a_case_without_a_category_or_rule_waits_for_a_dispatcher(mall):
    from casework.operations import intake

    complaint = intake.Complaint(
        channel=Channel.PHONE,
        category_id=None,
        description="想咨询营业时间",
        name="王",
        phone="13812345678",
    )
    with tenant_bound(mall.tenant.id):
        case = intake.open_case(mall.tenant, complaint, actor=mall.users["desk"])
        db.session.commit()
        assert case.department_id is None and case.priority is Priority.NORMAL


def test_a_case_routed_at_intake_is_still_the_dispatchers_to_move(app):
    """Intake proposes a unit; until someone dispatches, the dispatchers own the case: the
    command centre's head may dispatch it (CITY-4), the unit's handlers cannot take it yet,
    and the overdue board counts it as not dispatched."""
    from casework import queue, reports
    from casework.operations import dispatch
    from tests.conftest import make_org

    city = make_org("city-r", "city")
    vendors = city.category("vendors")  # routed to the enforcement squad, not the centre
    case = open_case(city, actor="desk", channel=Channel.HOTLINE, category_id=vendors.id)
    head, squad = city.users["cmd_head"], _dept(city, "liandu")
    with tenant_bound(city.tenant.id):
        case = db.session.get(Case, case.id)
        assert case.department_id == squad
        mine = queue.list_cases(queue.Filters(unassigned=True, department_id=squad))[0]
        assert case not in mine
        assert all(dept is None for dept, _, _ in reports.deadline_board(case.reply_due_at))
        dispatch.dispatch_case(case, head, squad, None)
        db.session.commit()
        assert case in queue.list_cases(queue.Filters(unassigned=True, department_id=squad))[0]


def test_nothing_is_sent_to_a_deactivated_department(world):
    """A unit that was closed takes no new dispatch and no rectification order."""
    from casework.operations import dispatch, rectification

    u = world.a.users
    case = open_case(world.a, actor="desk")
    with tenant_bound(world.a.tenant.id):
        unit = Department(code="closed_unit", name="已撤销的部门", active=False)
        db.session.add(unit)
        db.session.flush()
        case = db.session.get(Case, case.id)
        with pytest.raises(InvalidInput) as caught:
            dispatch.dispatch_case(case, u["super"], unit.id, None)
        assert caught.value.field == "department_id" and case.dispatched_at is None
        dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        with pytest.raises(InvalidInput) as caught:
            rectification.order_rectification(case, u["super"], unit.id, "整改")
        assert caught.value.field == "department_id"
