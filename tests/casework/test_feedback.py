"""A complainant not satisfied with the result (MALL-6): explained, then reopened for a new
result (its own letter and mail) or closed as explained, as the tenant's policy says."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework import stages
from casework.errors import InvalidInput
from casework.models import Case, CaseEvent, Letter, Message
from casework.operations import feedback, handling, revisits
from casework.states import Closure, EventKind, Stage, Status
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case


def _sent(org, email="zhang@example.com") -> int:
    case_id = dispatched_case(org, email=email)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, org.users["ops_li"], "已退还差价。")
        handling.send_result(case, org.users["ops_li"])
        db.session.commit()
    return case_id


def _policy(org, value: str) -> None:
    db.session.merge(org.tenant).update_config(not_satisfied=value)
    db.session.commit()


def test_reopening_records_both_texts_and_starts_a_new_round(world):
    org = world.a
    case_id = _sent(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        feedback.record_not_satisfied(
            case, org.users["ops_li"], "解释了退款到账时间", "要求补偿交通费", "reopen"
        )
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.status is Status.IN_PROGRESS and case.result_round == 1
        assert case.result_sent_at is None
        assert stages.open_deadline(case, Stage.REVISIT) is None
        result = stages.open_deadline(case, Stage.RESULT)  # a new limit, from the reopening
        assert result is not None and case.reply_due_at == result.due_at
        kinds = [e.kind for e in db.session.scalars(sa.select(CaseEvent).order_by(CaseEvent.id))]
        assert kinds[-2:] == [EventKind.EXPLAINED, EventKind.REOPENED]
        explained = db.session.scalars(
            sa.select(CaseEvent).where(CaseEvent.kind == EventKind.EXPLAINED)
        ).one()
        assert explained.body == "解释了退款到账时间" and not explained.public
        assert explained.changes == {"claim": "要求补偿交通费", "outcome": "reopen"}

        # The second result is sent with a letter and a mail of its own; the first stay.
        handling.record_result(case, org.users["ops_li"], "另补偿交通费 50 元。")
        handling.send_result(case, org.users["ops_li"])
        db.session.commit()
        letters = db.session.scalars(
            sa.select(Letter.round).where(Letter.kind == "result").order_by(Letter.round)
        ).all()
        keys = set(db.session.scalars(sa.select(Message.dedupe_key)))
    assert letters == [0, 1]
    assert {f"result:{case_id}", f"result:{case_id}:1"} <= keys


def test_closing_as_explained_archives_without_the_revisit(world):
    org = world.a
    _policy(org, "close")
    case_id = _sent(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        assert feedback.outcomes(case) == (feedback.Outcome.CLOSE,)
        feedback.record_not_satisfied(case, org.users["desk"], "说明了退款规则", "要求全额退款")
        db.session.commit()
        case = db.session.get(Case, case_id)
        assert case.status is Status.CLOSED and case.closure is Closure.EXPLAINED
        assert case.closed_at is not None
        assert stages.open_deadline(case, Stage.REVISIT) is None


def test_the_policy_limits_the_outcome_and_a_choice_must_be_made(world):
    org = world.a
    case_id = _sent(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput) as refused:
            feedback.record_not_satisfied(case, org.users["ops_li"], "解释", "诉求", "")
        assert refused.value.field == "outcome"
        db.session.rollback()
    _policy(org, "reopen")
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput):  # closing is not what this tenant allows
            feedback.record_not_satisfied(case, org.users["ops_li"], "解释", "诉求", "close")
        db.session.rollback()
        for explanation, claim, field in (("", "诉求", "explanation"), ("解释", " ", "claim")):
            with pytest.raises(InvalidInput) as refused:
                feedback.record_not_satisfied(case, org.users["ops_li"], explanation, claim)
            assert refused.value.field == field
            db.session.rollback()
        assert db.session.get(Case, case_id).status is Status.AWAITING_REVISIT


def test_a_revisit_closes_as_revisited(world):
    org = world.a
    case_id = _sent(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        revisits.record_revisit(case, org.users["desk"], "phone", True, 4, "满意")
        db.session.commit()
        assert db.session.get(Case, case_id).closure is Closure.REVISITED


def test_a_superseded_result_job_sends_nothing(world):
    from jobs import letters

    org = world.a
    case_id = _sent(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        feedback.record_not_satisfied(case, org.users["ops_li"], "解释", "诉求", "reopen")
        db.session.commit()
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Message))
        letters.result(case_id, 0)  # round 0's job again, run late
        after = db.session.scalar(sa.select(sa.func.count()).select_from(Message))
        assert before == after
