"""Improvement actions (PROP-8, MALL-8, HOSP-10): opened on a group of cases by a manager,
changed, done with an outcome or cancelled, every step an append-only event; the owner
reminded before due and told once it is overdue, each once only whatever the sweeps; the
effect counted from the stored queue filter before and after it was opened."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import deadlines
from casework.errors import Forbidden, InvalidInput, InvalidTransition
from casework.models import Case, ImprovementAction, ImprovementEvent, Message, Notification
from casework.models.improvements import AppendOnly
from casework.operations import improvements as imp
from casework.states import NotificationKind
from casework.stats import effect as stats_effect
from jobs import sweep
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import open_case


def _today(org) -> dt.date:
    return deadlines.local_today(utcnow(), org.tenant.timezone)


def _open(org, by: str = "super", owner: str = "ops_head", days: int = 10, **kw):
    with tenant_bound(org.tenant.id):
        u = {k: db.session.merge(v) for k, v in org.users.items()}
        action = imp.open_action(
            u[by],
            "电梯故障投诉集中,加强维保巡查",
            u[owner],
            _today(org) + dt.timedelta(days=days),
            **kw,
        )
        db.session.commit()
        return action.id


def _kinds(org, action_id: int) -> list[str]:
    with tenant_bound(org.tenant.id):
        return list(
            db.session.scalars(
                sa.select(ImprovementEvent.kind)
                .where(ImprovementEvent.action_id == action_id)
                .order_by(ImprovementEvent.id)
            )
        )


def test_an_action_is_opened_changed_and_done_each_step_an_event(world):
    org = world.a
    action_id = _open(
        org, filters={"category": "3", "status": "all", "after": "x"}, source="按类别"
    )
    with tenant_bound(org.tenant.id):
        u = {k: db.session.merge(v) for k, v in org.users.items()}
        action = db.session.get(ImprovementAction, action_id)
        assert action.status == imp.OPEN and action.owner_id == u["ops_head"].id
        assert action.filters == {"category": "3", "status": "all"}  # the cursor is no filter
        assert action.source == "按类别" and action.created_by_id == u["super"].id
        with pytest.raises(InvalidInput):
            imp.update_action(action, u["super"], " ", u["ops_head"], action.due_on)
        imp.update_action(
            action, u["super"], "电梯维保巡查每周一次", u["ops_li"], action.due_on + dt.timedelta(1)
        )
        imp.complete_action(action, u["ops_li"], "巡查制度已落实,故障投诉下降")  # the owner
        db.session.commit()
        assert action.status == imp.DONE and action.done_at is not None
        assert action.next_alert_at is None
        with pytest.raises(InvalidTransition):
            imp.cancel_action(action, u["super"], "不需要了")
        event = db.session.scalars(sa.select(ImprovementEvent).limit(1)).one()
        event.kind = "changed"
        with pytest.raises(AppendOnly):
            db.session.flush()
        db.session.rollback()
    assert _kinds(org, action_id) == ["opened", "updated", "done"]


def test_who_may_open_and_what_a_head_sees(world):
    org = world.a
    with tenant_bound(org.tenant.id):
        u = {k: db.session.merge(v) for k, v in org.users.items()}
        due = _today(org) + dt.timedelta(days=5)
        for who in ("ops_li", "desk"):  # handlers and the desk do not open actions
            with pytest.raises(Forbidden):
                imp.open_action(u[who], "改进", u[who], due)
        with pytest.raises(InvalidInput):
            imp.open_action(u["super"], "改进", u["ops_li"], _today(org) - dt.timedelta(days=1))
        # A head's action is their own department's, whatever they asked.
        mine = imp.open_action(u["ops_head"], "改进", u["ops_li"], due, u["cs_head"].department_id)
        theirs = imp.open_action(u["super"], "改进", u["cs_zhou"], due, u["cs_head"].department_id)
        db.session.commit()
        assert mine.department_id == u["ops_head"].department_id
        seen = {a.id for a in imp.list_actions(u["ops_head"])[0]}
        assert seen == {mine.id}
        assert {a.id for a in imp.list_actions(u["super"])[0]} == {mine.id, theirs.id}
        assert {a.id for a in imp.list_actions(u["cs_zhou"])[0]} == {theirs.id}  # the owner's
        with pytest.raises(Forbidden):
            imp.cancel_action(theirs, u["ops_head"], "不需要")
        with pytest.raises(Forbidden):
            imp.complete_action(theirs, u["ops_li"], "做完了")


def test_the_owner_is_reminded_once_then_told_once_it_is_overdue(world):
    org = world.a
    action_id = _open(org, days=10)
    with tenant_bound(org.tenant.id):
        action = db.session.get(ImprovementAction, action_id)
        due_start = deadlines.from_local(
            dt.datetime.combine(action.due_on, dt.time()), org.tenant.timezone
        )
        owner, opener = action.owner_id, action.created_by_id
    assert imp.sweep(due_start - dt.timedelta(days=4)) == 0
    assert imp.sweep(due_start - dt.timedelta(days=2)) == 1
    assert imp.sweep(due_start - dt.timedelta(days=1)) == 0  # once only
    assert imp.fire(action_id, due_start) is False  # a racing sweep finds nothing
    assert imp.sweep(due_start + dt.timedelta(days=2)) == 1
    assert imp.sweep(due_start + dt.timedelta(days=9)) == 0
    with tenant_bound(org.tenant.id):
        notices = db.session.execute(
            sa.select(Notification.user_id, Notification.kind)
            .where(Notification.improvement_id == action_id)
            .order_by(Notification.id)
        ).all()
    assert sorted(notices) == sorted(
        [(owner, NotificationKind.REMINDER), (owner, NotificationKind.OVERDUE),
         (opener, NotificationKind.OVERDUE)]
    )  # fmt: skip
    assert _kinds(org, action_id) == ["opened", "reminder", "overdue"]
    with tenant_bound(org.tenant.id):
        mails = set(
            db.session.scalars(
                sa.select(Message.dedupe_key).where(Message.dedupe_key.like("improvement:%"))
            )
        )
    assert mails == {
        f"improvement:{action_id}:reminder:{owner}",
        f"improvement:{action_id}:overdue:{owner}",
        f"improvement:{action_id}:overdue:{opener}",
    }


def test_the_schedule_sweep_sends_them_and_a_done_action_is_quiet(world, monkeypatch):
    org = world.a
    late = _open(org, days=1)
    done = _open(org, days=1)
    with tenant_bound(org.tenant.id):
        u = {k: db.session.merge(v) for k, v in org.users.items()}
        imp.complete_action(db.session.get(ImprovementAction, done), u["super"], "已完成")
        db.session.commit()
    monkeypatch.setattr(sweep, "utcnow", lambda: utcnow() + dt.timedelta(days=5))
    assert sweep.run() == 1
    assert sweep.run() == 0
    assert _kinds(org, late) == ["opened", "overdue"]  # the reminder overtaken is skipped
    assert _kinds(org, done) == ["opened", "done"]


def test_the_effect_counts_the_group_before_and_after_in_the_viewers_sight(world):
    org = world.a
    price = org.category("price").id
    ids = [open_case(org).id for _ in range(3)]
    other = open_case(org, category_id=org.category("service").id).id
    with tenant_bound(org.tenant.id):
        now = utcnow()
        for case_id, days in zip(ids, (-20, -5, 3), strict=True):
            db.session.get(Case, case_id).created_at = now + dt.timedelta(days=days)
        db.session.get(Case, other).created_at = now - dt.timedelta(days=5)
        db.session.commit()
        u = {k: db.session.merge(v) for k, v in org.users.items()}
        first, last = _today(org) - dt.timedelta(days=9), _today(org)
        action = imp.open_action(
            u["super"],
            "价格投诉",
            u["ops_head"],
            _today(org) + dt.timedelta(days=7),
            filters={
                "category": str(price),
                "status": "all",
                "received_from": first.isoformat(),
                "received_to": last.isoformat(),
            },
        )
        db.session.commit()
        effect = stats_effect.effect(action, u["super"], now)
        # Ten days before (the filter's length): the case of 5 days ago, not the one of 20.
        assert effect.opened_on - effect.before_start == dt.timedelta(days=10)
        assert (effect.before, effect.after, effect.complete) == (1, 1, False)
        # A handler who sees none of these cases counts none.
        assert stats_effect.effect(action, u["cs_zhou"], now).before == 0
