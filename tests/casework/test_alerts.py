"""Reminders and escalation: on time, to the right people, at most once."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from casework import alerts, queue
from casework.models import Alert, Case, Deadline, Message, Notification
from casework.operations import dispatch
from casework.states import Channel, Stage
from tenants.db import db, tenant_bound, unscoped
from tests.conftest import make_org, open_case


def _hotline_case():
    city = make_org("city-a", "city")
    case = open_case(
        city, actor="desk", channel=Channel.HOTLINE, category_id=city.category("vendors").id
    )
    with tenant_bound(city.tenant.id):
        deadline = db.session.scalars(
            sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.stage == Stage.DISPATCH)
        ).one()
        return city, db.session.get(Case, case.id), deadline.started_at


def _notified(org, level):
    with tenant_bound(org.tenant.id):
        return sorted(
            db.session.scalars(
                sa.select(Notification.user_id)
                .join(Alert, Alert.id == Notification.alert_id)
                .where(Alert.level == level)
            )
        )


def test_hotline_case_turns_due_soon_then_overdue_and_escalates_once(app):
    city, case, t0 = _hotline_case()
    u = city.users
    assert queue.deadline_state(case, t0 + dt.timedelta(minutes=1)) == "ok"
    assert queue.deadline_state(case, t0 + dt.timedelta(minutes=2, seconds=30)) == "soon"
    assert queue.deadline_state(case, t0 + dt.timedelta(minutes=3, seconds=1)) == "overdue"

    assert alerts.sweep(t0 + dt.timedelta(minutes=1)) == 0
    assert alerts.sweep(t0 + dt.timedelta(minutes=1, seconds=40)) == 1  # 50%: remind dispatchers
    assert _notified(city, 1) == [u["desk"].id]
    assert alerts.sweep(t0 + dt.timedelta(minutes=3, seconds=5)) == 1  # 80% overtaken; overdue
    assert _notified(city, 2) == []  # the overtaken reminder was skipped
    # Overdue: the dispatcher and the command centre's head hear of it.
    assert _notified(city, 3) == sorted([u["desk"].id, u["cmd_head"].id])
    assert alerts.sweep(t0 + dt.timedelta(minutes=3, seconds=30)) == 0  # never twice
    assert alerts.sweep(t0 + dt.timedelta(minutes=6, seconds=5)) == 1  # twice over: supervisors
    assert _notified(city, 4) == [u["super"].id]
    with tenant_bound(city.tenant.id):
        to_head = db.session.scalars(
            sa.select(Message).where(Message.to == u["cmd_head"].email)
        ).all()
    assert len(to_head) == 1 and "CG" in to_head[0].subject


def test_a_racing_sweep_that_read_stale_state_sends_nothing(app):
    city, case, t0 = _hotline_case()
    assert alerts.sweep(t0 + dt.timedelta(minutes=3, seconds=5)) == 1  # straight to overdue
    with unscoped():  # a second sweep read the deadline before the first one committed
        db.session.execute(sa.update(Deadline).values(alert_level=0, next_alert_at=t0))
        db.session.commit()
    assert alerts.sweep(t0 + dt.timedelta(minutes=3, seconds=6)) == 0
    with unscoped():
        assert db.session.scalar(sa.select(sa.func.count(Alert.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(Message.id))) == 2  # desk + head


def test_met_deadlines_are_not_swept(app):
    city, case, t0 = _hotline_case()
    u = city.users
    with tenant_bound(city.tenant.id):
        case = db.session.get(Case, case.id)
        dispatch.dispatch_case(case, u["desk"], u["ld_zhang"].department_id, u["ld_zhang"].id)
        db.session.commit()
        # Now arrival on site, 1 hour (CITY-8: vendors need field work), then first contact.
        assert case.next_due_at > t0 + dt.timedelta(minutes=59)
    assert alerts.sweep(t0 + dt.timedelta(minutes=10)) == 0


def test_the_sweep_reads_only_due_deadlines(app, world):
    for _ in range(3):
        open_case(world.a)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert alerts.sweep(dt.datetime(2000, 1, 1)) == 0
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if "deadlines" in s]) == 1
    assert "next_alert_at <=" in statements[0]


def test_bell_counts_unread_notifications(client, app):
    from tests.conftest import login

    city, case, t0 = _hotline_case()
    alerts.sweep(t0 + dt.timedelta(minutes=2))
    login(client, city, "desk")
    badge = client.get(f"/t/{city.slug}/desk/notifications/badge")
    assert 'data-testid="bell-count">1<' in badge.text
    page = client.get(f"/t/{city.slug}/desk/notifications?lang=en")
    assert case.number in page.text and "Reminder" in page.text
    client.post(f"/t/{city.slug}/desk/notifications/read")
    assert "bell-count" not in client.get(f"/t/{city.slug}/desk/notifications/badge").text
