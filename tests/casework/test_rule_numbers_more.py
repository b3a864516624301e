"""The time limits of the CO, ESTATE, CS, POWER and PROP presets, each loaded into a fresh
tenant, through the deadlines the domain computes with a frozen clock across National Day
2026 (Oct 1–7 off, Saturday Oct 10 worked). Limits the rules give no number for are the
presets' chosen defaults, named as such."""

from __future__ import annotations

import pytest

from casework import revisit_rules
from casework.errors import Forbidden, InvalidInput
from casework.models import Case
from casework.operations import dispatch, extensions, handling, rectification, repeats
from casework.states import CaseKind, Channel, Priority, Stage
from tenants.db import db, tenant_bound
from tenants.models import Tenant
from tests.casework.test_rule_numbers import _due, utc
from tests.conftest import Org, make_org, open_case, set_domain_clock


@pytest.fixture
def clock(monkeypatch):
    """Set the domain's clock to a Beijing local time."""

    def set_to(local: str) -> None:
        moment = utc(local)
        set_domain_clock(monkeypatch, lambda: moment)

    return set_to


def _handled(org: Org, case_id: int, handler: str, by: str = "super") -> None:
    """Dispatch the case to ``handler``, record the result and send it: the revisit starts."""
    u = org.users
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(case, u[by], u[handler].department_id, u[handler].id)
        handling.record_result(case, u[handler], "已处理完毕。")
        handling.send_result(case, u[handler])
        db.session.commit()


def _number(org: Org, case_id: int) -> str:
    with tenant_bound(org.tenant.id):
        return db.session.get(Case, case_id).number


def test_company_limits(app, clock):
    org = make_org("co-n", "company")
    u = org.users
    clock("2026-09-30T16:00")  # a Wednesday, the eve of the holiday
    case_id = open_case(
        org,
        actor="desk",
        channel=Channel.EMAIL,
        category_id=org.category("quality").id,
        received_at=utc("2026-09-30T09:30"),
    ).id
    assert _number(org, case_id) == "HY260930-0001"  # CO-2: the case number, %y%m%d + 4
    due = _due(org, case_id)
    assert due[Stage.ACCEPTANCE] == utc("2026-10-01T09:30")  # CO-2: 24 hours from arrival
    assert due[Stage.DISPATCH] == utc("2026-10-08T23:59:59")  # 1 working day (chosen)
    assert due[Stage.RESULT] == utc("2026-10-13T23:59:59")  # CO-4: 5 working days

    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(case, u["super"], u["qa_chen"].department_id, u["qa_chen"].id)
        # CO-6: the department at fault rectifies, 10 working days (chosen).
        rectification.order_rectification(case, u["super"], u["qa_head"].department_id, "抽检")
        db.session.commit()
    due = _due(org, case_id)
    assert due[Stage.FIRST_CONTACT] == utc("2026-10-08T23:59:59")  # CO-3: 1 working day
    # Oct 8, 9, 10 (make-up), 12–16, 19, 20.
    assert due[Stage.RECTIFICATION] == utc("2026-10-20T23:59:59")

    # An investigation that runs long: at most 10 working days more, and the supervisor,
    # not the department's own head, decides.
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput):
            extensions.request_extension(case, u["qa_chen"], 11, "需送第三方检测")
        extensions.request_extension(case, u["qa_chen"], 10, "需送第三方检测")
        with pytest.raises(Forbidden):
            extensions.decide_extension(case, u["qa_head"], True)
        extensions.decide_extension(case, u["super"], True, "同意")
        db.session.commit()
    # Oct 14–16, 19–23, 26, 27.
    assert _due(org, case_id)[Stage.RESULT] == utc("2026-10-27T23:59:59")

    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, u["qa_chen"], "已更换新机。", "更换新机一台")
        handling.send_result(case, u["qa_chen"])
        db.session.commit()
    # CO-7: every handled case is revisited, within 7 calendar days (chosen).
    assert _due(org, case_id)[Stage.REVISIT] == utc("2026-10-07T23:59:59")

    urgent = open_case(org, actor="desk", priority=Priority.URGENT)
    assert _due(org, urgent.id)[Stage.RESULT] == utc("2026-10-09T23:59:59")  # 2 working days


def test_estate_limits_run_on_holidays(app, clock):
    org = make_org("estate-n", "estate")
    clock("2026-10-02T10:00")  # National Day holiday: the office is on duty
    case = open_case(
        org, actor="desk", channel=Channel.WALK_IN, category_id=org.category("repairs").id
    )
    assert case.number == "CH202610-0001"  # one sequence a month
    due = _due(org, case.id)
    assert due[Stage.ACCEPTANCE] == utc("2026-10-03T10:00")  # ESTATE-1: 24 hours
    assert due[Stage.DISPATCH] == utc("2026-10-02T14:00")  # ESTATE-2: 4 hours
    # ESTATE-1: the expected reply time told at intake, 3 calendar days, on the receipt.
    assert due[Stage.RESULT] == utc("2026-10-05T23:59:59")
    with tenant_bound(org.tenant.id):
        assert db.session.get(Case, case.id).reply_due_at == due[Stage.RESULT]

    burst = open_case(
        org,
        actor="desk",
        channel=Channel.PHONE,
        category_id=org.category("utilities").id,
        priority=Priority.URGENT,
    )
    due = _due(org, burst.id)
    assert due[Stage.DISPATCH] == utc("2026-10-02T11:00")  # urgent: 1 hour
    assert due[Stage.RESULT] == utc("2026-10-03T10:00")  # urgent: 24 hours

    _handled(org, case.id, "eng_zhao")
    # ESTATE-4: the revisit plan, 7 calendar days after the reply.
    assert _due(org, case.id)[Stage.REVISIT] == utc("2026-10-09T23:59:59")


def test_service_revisits_complaints_in_days_and_new_customers_in_a_month(app, clock):
    org = make_org("cs-n", "service")
    clock("2026-10-09T15:00")  # Friday; Saturday Oct 10 is a make-up working day
    complaint = open_case(
        org, actor="desk", channel=Channel.HOTLINE, category_id=org.category("repair").id
    )
    assert complaint.number == "AJ20261009-00001"
    due = _due(org, complaint.id)
    assert due[Stage.DISPATCH] == utc("2026-10-09T19:00")  # 4 hours (chosen)
    assert due[Stage.RESULT] == utc("2026-10-13T23:59:59")  # 3 working days: Oct 10, 12, 13

    first_service = open_case(
        org, actor="desk", channel=Channel.PHONE, category_id=org.category("new_customer").id
    )
    _handled(org, complaint.id, "rep_guo")
    _handled(org, first_service.id, "rv_lin")
    # CS-1: complaint customers within a few days of the resolution (3 calendar days)...
    assert _due(org, complaint.id)[Stage.REVISIT] == utc("2026-10-12T23:59:59")
    # ...and a case in the new-customer category is a complaint too: the same 3 days. New
    # customers themselves are service records of their kind, revisited within 1 month.
    assert _due(org, first_service.id)[Stage.REVISIT] == utc("2026-10-12T23:59:59")
    with tenant_bound(org.tenant.id):
        rule = revisit_rules.rule_for(db.session.get(Tenant, org.tenant.id), CaseKind.NEW_CUSTOMER)
    assert rule is not None and (rule.within.value, rule.within.unit) == (1, "months")


def test_power_resolves_and_revisits_within_the_set_times(app, clock):
    org = make_org("power-n", "power")
    u = org.users
    clock("2026-10-01T21:10")  # National Day, at night: the 95598 hotline never closes
    outage = open_case(
        org,
        actor="desk",
        channel=Channel.HOTLINE,
        category_id=org.category("outage").id,
        priority=Priority.URGENT,
    )
    assert outage.number == "GD2026-000001"  # one sequence a year
    due = _due(org, outage.id)
    assert due[Stage.DISPATCH] == utc("2026-10-01T21:25")  # outage: 15 minutes (chosen)
    assert due[Stage.RESULT] == utc("2026-10-08T23:59:59")  # outage: 1 working day
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, outage.id)
        dispatch.dispatch_case(case, u["desk"], u["rep_yu"].department_id, u["rep_yu"].id)
        db.session.commit()
    assert _due(org, outage.id)[Stage.FIRST_CONTACT] == utc("2026-10-01T21:55")  # 45 minutes

    bill = open_case(
        org, actor="desk", channel=Channel.WALK_IN, category_id=org.category("billing").id
    )
    # POWER-2: resolved within the set time, 5 working days (chosen): Oct 8, 9, 10, 12, 13.
    assert _due(org, bill.id)[Stage.RESULT] == utc("2026-10-13T23:59:59")
    _handled(org, bill.id, "mkt_pan")
    # POWER-2: revisited within the set time, 1 working day (chosen).
    assert _due(org, bill.id)[Stage.REVISIT] == utc("2026-10-08T23:59:59")


def test_property_limits(app, clock):
    org = make_org("prop-n", "property")
    u = org.users
    clock("2026-09-30T16:00")
    first = open_case(org, actor="desk", category_id=org.category("other").id)
    assert first.number == "JC20260930-001"  # three digits a day
    due = _due(org, first.id)
    assert due[Stage.RESULT] == utc("2026-10-03T23:59:59")  # PROP-4: answered within 3 days

    repeat = open_case(org, actor="desk", category_id=org.category("other").id)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, repeat.id)
        repeats.mark_repeat(case, u["desk"], first.number, True, "")
        db.session.commit()
    # PROP-12: a repeat complaint of a defect still there: special measures within 24 hours.
    assert _due(org, repeat.id)[Stage.SPECIAL_MEASURES] == utc("2026-10-01T16:00")

    lift = open_case(org, actor="desk", category_id=org.category("lift").id)
    assert _due(org, lift.id)[Stage.DISPATCH] == utc("2026-09-30T16:30")  # 30 minutes (chosen)

    # PROP-9: a complaint is revisited 3 days after it is handled, whatever its category
    # (a complaint about repair work too); the other timings are the service kinds' rules.
    for code in ("other", "repair_order", "community_event", "other_service"):
        case_id = (
            first.id if code == "other" else open_case(org, category_id=org.category(code).id).id
        )
        _handled(org, case_id, "eng_liu" if code == "repair_order" else "sc_zhu")
        assert _due(org, case_id)[Stage.REVISIT] == utc("2026-10-03T23:59:59"), code
    with tenant_bound(org.tenant.id):
        tenant = db.session.get(Tenant, org.tenant.id)
        within = {
            kind: (rule.within.value, rule.within.unit, rule.rate)
            for kind in (CaseKind.WORK_ORDER, CaseKind.EVENT, CaseKind.OTHER)
            if (rule := revisit_rules.rule_for(tenant, kind)) and rule.within
        }
    assert within == {
        CaseKind.WORK_ORDER: (1, "months", "sample"),  # repairs within 1 month, PROP-10
        CaseKind.EVENT: (1, "months", "all"),
        CaseKind.OTHER: (7, "calendar_days", "all"),  # other services within 1 week
    }

    # PROP-3: complaints about customer-service staff go to the service-centre manager.
    assert org.category("staff").department_id == u["sc_head"].department_id
