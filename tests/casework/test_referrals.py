"""Out of scope (CITY-5): refer out with the body to turn to; return a forwarded case to the
higher office. Who may, the state after, the history, the clocks, the letter's context."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from casework import letters
from casework.errors import Forbidden, InvalidInput, InvalidTransition
from casework.models import Case, CaseEvent, Deadline, PendingJob
from casework.operations import dispatch, guards, intake, referrals
from casework.states import Action, Closure, EventKind, Stage, Status
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, open_case

REASON = "房屋租赁纠纷不属本商场职责"
BODY = "区住房和城乡建设局"


def _events(case_id: int, kind: EventKind) -> list[CaseEvent]:
    return db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)
    ).all()


def _forwarded(org, **overrides) -> int:
    return open_case(
        org,
        "desk",
        forwarded_by="市12345政务服务便民热线",
        forwarded_ref="GD2026120600123",
        **overrides,
    ).id


def test_refer_out_closes_the_case_and_tells_the_complainant(world):
    org = world.a
    case_id = open_case(org, "desk", email="zhang@example.com").id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        referrals.refer_out(case, org.users["desk"], f"  {REASON} ", BODY, " 12345 ")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.status is Status.CLOSED and case.closure is Closure.REFERRED_OUT
        assert case.closed_at is not None
        # Every clock stops: nothing reminds anyone of a case that is not ours.
        assert not db.session.scalars(
            sa.select(Deadline).where(Deadline.case_id == case_id, Deadline.done_at.is_(None))
        ).all()
        assert case.next_due_at is None
        (event,) = _events(case_id, EventKind.REFERRED_OUT)
        assert event.public and event.body == REASON and event.public_text == REASON
        assert event.changes["referred_to"] == BODY and event.changes["referred_contact"] == "12345"
        assert event.changes["status"] == [Status.ACCEPTED.value, Status.CLOSED.value]
        assert event.changes["closure"] == Closure.REFERRED_OUT.value
        assert db.session.scalars(
            sa.select(PendingJob).where(PendingJob.name == referrals.LETTER_JOB)
        ).one().args == {"case_id": case_id}
        assert referrals.referral(case).id == event.id


@pytest.mark.parametrize("who", ["desk", "super", "admin"])
def test_intake_and_the_dispatchers_refer_out(world, who):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert Action.REFER_OUT in guards.available_actions(case, org.users[who])
        referrals.refer_out(case, org.users[who], REASON, BODY)
        assert case.status is Status.CLOSED


def test_a_head_refers_out_only_a_case_of_their_unit(world):
    org = world.a
    case_id = dispatched_case(org)  # to ops_li's unit
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(Forbidden):
            referrals.refer_out(case, org.users["cs_head"], REASON, BODY)
        referrals.refer_out(case, org.users["ops_head"], REASON, BODY)
        assert case.closure is Closure.REFERRED_OUT


def test_a_handler_cannot_refer_out(world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert Action.REFER_OUT not in guards.available_actions(case, org.users["ops_li"])
        with pytest.raises(Forbidden):
            referrals.refer_out(case, org.users["ops_li"], REASON, BODY)


def test_refer_out_needs_a_reason_and_a_body_within_limits(app, world):
    org = world.a
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id), app.test_request_context(), force_locale("en"):
        case = db.session.get(Case, case_id)
        desk = org.users["desk"]
        for args, field in (
            (("  ", BODY), "reason"),
            ((REASON, " "), "body"),
            (("x" * 501, BODY), "reason"),
            ((REASON, "x" * 101), "body"),
            ((REASON, BODY, "1" * 101), "contact"),
        ):
            with pytest.raises(InvalidInput) as refused:
                referrals.refer_out(case, desk, *args)
            assert refused.value.field == field
        assert "outside your organisation's remit" in str(
            pytest.raises(InvalidInput, referrals.refer_out, case, desk, "", BODY).value
        )
        assert case.status is Status.ACCEPTED and not _events(case_id, EventKind.REFERRED_OUT)


def test_a_case_with_a_result_is_not_referred_out(world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        case.status = Status.RESOLVED
        with pytest.raises(InvalidTransition):
            referrals.refer_out(case, org.users["super"], REASON, BODY)


def test_intake_records_the_forwarding_office(app, world):
    org = world.a
    case_id = _forwarded(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert case.forwarded_by == "市12345政务服务便民热线"
        assert case.forwarded_ref == "GD2026120600123"
        (accepted,) = _events(case_id, EventKind.ACCEPTED)
        assert accepted.changes["forwarded_by"] == [None, "市12345政务服务便民热线"]
    with app.test_request_context(), force_locale("en"):
        with pytest.raises(InvalidInput) as refused:
            intake.forwarding("", "GD1")
        assert refused.value.field == "forwarded_by"
        with pytest.raises(InvalidInput):
            intake.forwarding("x" * 101, "")
        with pytest.raises(InvalidInput):
            intake.forwarding("热线", "1" * 61)
    assert intake.forwarding("  市 12345  热线 ", " GD1 ") == ("市 12345 热线", "GD1")


def test_return_upstream_closes_without_a_letter(world):
    org = world.a
    case_id = _forwarded(org, email="zhang@example.com")
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(
            case, org.users["super"], org.users["ops_li"].department_id, org.users["ops_li"].id
        )
        referrals.return_upstream(case, org.users["desk"], REASON, " 区住建局 ")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.status is Status.CLOSED and case.closure is Closure.RETURNED_UPSTREAM
        (event,) = _events(case_id, EventKind.RETURNED_UPSTREAM)
        assert event.public and event.body == REASON
        assert event.public_text == ""  # the reason is the staff's: the office answers them
        assert event.changes["forwarded_by"] == "市12345政务服务便民热线"
        assert event.changes["forwarded_ref"] == "GD2026120600123"
        assert event.changes["suggested_destination"] == "区住建局"
        assert event.changes["status"] == [Status.DISPATCHED.value, Status.CLOSED.value]
        assert not db.session.scalars(
            sa.select(PendingJob).where(PendingJob.name == referrals.LETTER_JOB)
        ).all()
        assert not db.session.scalars(
            sa.select(Deadline).where(
                Deadline.case_id == case_id,
                Deadline.done_at.is_(None),
                Deadline.stage != Stage.RECTIFICATION,
            )
        ).all()


def test_only_a_forwarded_case_returns_upstream(app, world):
    org = world.a
    case_id = open_case(org, "desk").id
    with tenant_bound(org.tenant.id), app.test_request_context(), force_locale("en"):
        case = db.session.get(Case, case_id)
        assert Action.RETURN_UPSTREAM not in guards.available_actions(case, org.users["super"])
        with pytest.raises(InvalidTransition) as refused:
            referrals.return_upstream(case, org.users["super"], REASON, BODY)
        assert "forwarded by a higher office" in str(refused.value.message)
        forwarded = db.session.get(Case, _forwarded(org))
        assert Action.RETURN_UPSTREAM in guards.available_actions(forwarded, org.users["desk"])
        assert Action.RETURN_UPSTREAM not in guards.available_actions(
            forwarded, org.users["ops_li"]
        )
        with pytest.raises(InvalidInput) as missing:
            referrals.return_upstream(forwarded, org.users["desk"], REASON, "  ")
        assert missing.value.field == "destination"


def test_the_letter_prints_the_reason_and_the_body(world):
    org = world.a
    case_id = open_case(org, "desk").id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        referrals.refer_out(case, org.users["desk"], REASON, BODY, "0571-12345")
        db.session.flush()
        ctx = letters.referral_context(org.tenant, case, "http://closeloop.test")
    assert ctx["reason"] == REASON and ctx["referred_to"] == BODY
    assert ctx["referred_contact"] == "0571-12345"
    assert ctx["title"] == "转办告知书"  # the default wording in the tenant's language
    assert ctx["number"] == case.number and ctx["status_url"].endswith(case.number)
    assert "内部" not in " ".join(str(v) for v in ctx.values())
