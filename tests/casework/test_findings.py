"""The finding (属实/部分属实/不属实), its cause and analysis, and the remedy with its amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from casework import catalog
from casework.errors import InvalidInput
from casework.models import Case, CaseEvent, Cause
from casework.operations import handling
from casework.states import EventKind, Finding, RemedyType, Status
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case


def _cause(org, active=True) -> Cause:
    with tenant_bound(org.tenant.id):
        cause = next(c for c in catalog.causes(org.tenant) if c.active)
        if not active:
            catalog.deactivate_cause(org.tenant, None, cause.id)
            db.session.commit()
        return cause


def _record(org, **kw):
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, org.users["ops_li"], "已退还差价 60 元", "停车券", **kw)
        db.session.commit()
        event = db.session.scalars(
            sa.select(CaseEvent).where(
                CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.RESULT
            )
        ).one()
        return case, event


@pytest.mark.parametrize("finding", list(Finding))
def test_each_finding_is_recorded_with_its_history(world, finding):
    cause = _cause(world.a)
    case, event = _record(
        world.a, finding=finding, cause_id=cause.id, cause_analysis="收银系统\n重复扣款"
    )
    assert case.finding is finding and case.status is Status.RESOLVED
    assert case.cause_id == cause.id and case.cause_analysis == "收银系统 重复扣款"
    assert event.changes["finding"] == [None, finding.value]
    assert event.changes["cause"] == [None, cause.name]
    assert event.changes["cause_analysis"] == [None, "收银系统 重复扣款"]


def test_a_not_valid_complaint_needs_no_cause(world):
    case, event = _record(world.a, finding="not_valid")
    assert case.finding is Finding.NOT_VALID and case.cause_id is None
    assert "cause" not in event.changes


@pytest.mark.parametrize("finding", [Finding.VALID, Finding.PARTLY_VALID])
def test_a_valid_complaint_needs_a_cause(world, finding):
    with pytest.raises(InvalidInput) as exc:
        _record(world.a, finding=finding)
    assert exc.value.field == "cause_id"


def test_a_cause_of_another_tenant_or_deactivated_is_refused(world):
    foreign = _cause(world.b)
    with pytest.raises(InvalidInput) as exc:
        _record(world.a, finding="valid", cause_id=foreign.id)
    assert exc.value.field == "cause_id"
    db.session.rollback()
    retired = _cause(world.a, active=False)
    with pytest.raises(InvalidInput):
        _record(world.a, finding="valid", cause_id=retired.id)


def test_an_unknown_finding_is_refused_and_nothing_is_saved(world):
    case_id = dispatched_case(world.a)
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput) as exc:
            handling.record_result(case, world.a.users["ops_li"], "结果", finding="maybe")
        assert exc.value.field == "finding"
        assert case.result_text == "" and case.status is not Status.RESOLVED


@pytest.mark.parametrize(
    ("kind", "amount", "stored"),
    [
        ("refund", "1234.5", Decimal("1234.50")),
        ("compensation", Decimal("0"), Decimal("0.00")),
        ("refund", "9,999,999,999.99", Decimal("9999999999.99")),
        ("apology", None, None),
        ("replacement", "", None),
    ],
)
def test_amounts(world, kind, amount, stored):
    case, event = _record(world.a, finding="not_valid", remedy_type=kind, remedy_amount=amount)
    db.session.expire_all()
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case.id)
        assert case.remedy_type is RemedyType(kind)
        assert case.remedy_amount == stored
    assert event.changes["remedy_type"] == [None, kind]
    # Approved by the handler who recorded it, when no other name is given.
    assert case.remedy_approved_by_label == world.a.users["ops_li"].name


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        ("refund", None),  # a refund names its amount
        ("compensation", ""),
        ("refund", "-1"),
        ("refund", "10000000000"),
        ("refund", "1.005"),
        ("refund", "NaN"),
        ("refund", "Infinity"),
        ("refund", "abc"),
        (None, "10"),  # an amount without a remedy
    ],
)
def test_bad_amounts_are_refused(world, kind, amount):
    case_id = dispatched_case(world.a)
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput) as exc:
            handling.record_result(
                case,
                world.a.users["ops_li"],
                "结果",
                finding="not_valid",
                remedy_type=kind,
                remedy_amount=amount,
            )
        assert exc.value.field == "remedy_amount"
        assert case.remedy_amount is None and case.finding is None


def test_an_unknown_remedy_type_is_refused(world):
    with pytest.raises(InvalidInput) as exc:
        _record(world.a, finding="not_valid", remedy_type="cash")
    assert exc.value.field == "remedy_type"


def test_the_approver_is_the_name_given(world):
    case, event = _record(
        world.a, finding="not_valid", remedy_type="repair", remedy_approved_by=" 王 经理 "
    )
    assert case.remedy_approved_by_label == "王 经理"
    assert event.changes["remedy_approved_by"] == [None, "王 经理"]


def test_a_result_without_a_finding_still_records_as_before(world):
    case, event = _record(world.a)
    assert case.finding is None and case.status is Status.RESOLVED
    assert set(event.changes) == {"status", "remedy"}


def test_a_cause_or_remedy_without_a_finding_is_refused(world):
    with pytest.raises(InvalidInput) as exc:
        _record(world.a, remedy_type="repair")
    assert exc.value.field == "finding"
