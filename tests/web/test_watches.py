"""Watches of important repairs (PROP-11): a repair put under watch with a named inspector and
an interval, its inspections recorded with the next one due by the interval, the watch list,
the case page's panel, and the watch closed with its reason; each step an event."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from casework import deadlines
from casework import watch_list as wl
from casework.errors import InvalidInput, InvalidTransition
from casework.models import Case, CaseEvent, RepairWatch, WatchInspection
from casework.operations import watches
from casework.states import EventKind, WatchFinding
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import dispatched_case, login, open_case


def _today(org) -> dt.date:
    return deadlines.local_today(utcnow(), org.tenant.timezone)


def _watched(org, inspector: str = "ops_li", days: int = 14) -> tuple[int, int]:
    """A complaint dispatched to ``inspector`` (so in their sight), put under watch."""
    case_id = dispatched_case(org, inspector)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        watch = watches.start_watch(
            case, org.users["super"], org.users[inspector], days, "屋面漏水修补后观察雨季效果"
        )
        db.session.commit()
        return case_id, watch.id


def _events(org, case_id: int) -> list[EventKind]:
    with tenant_bound(org.tenant.id):
        return list(
            db.session.scalars(
                sa.select(CaseEvent.kind).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
            )
        )


def test_a_watch_is_inspected_on_its_interval_then_closed(world):
    org = world.a
    case_id, watch_id = _watched(org)
    today = _today(org)
    with tenant_bound(org.tenant.id):
        watch = db.session.get(RepairWatch, watch_id)
        assert watch.next_due_on == today + dt.timedelta(days=14)
        assert watch.inspector_id == org.users["ops_li"].id
        # One open watch per case.
        with pytest.raises(InvalidTransition):
            watches.start_watch(watch.case, org.users["super"], org.users["ops_li"], 7, "墙体裂缝")
        earlier = today - dt.timedelta(days=2)
        watches.record_inspection(watch, org.users["ops_li"], earlier, "holding", "无渗漏")
        # The next is due the interval after today's record of it, never in the past.
        assert watch.next_due_on == today + dt.timedelta(days=14)
        with pytest.raises(InvalidInput):
            watches.record_inspection(
                watch, org.users["ops_li"], today + dt.timedelta(days=1), "holding"
            )
        with pytest.raises(InvalidInput):
            watches.record_inspection(watch, org.users["ops_li"], today, "maybe")
        watches.record_inspection(watch, org.users["ops_li"], today, "signs", "墙角轻微水印")
        assert watch.inspections == 2
        with pytest.raises(InvalidInput):
            watches.close_watch(watch, org.users["super"], "  ")
        watches.close_watch(watch, org.users["super"], "雨季过后无渗漏，结束跟踪。")
        with pytest.raises(InvalidTransition):
            watches.record_inspection(watch, org.users["ops_li"], today, "holding")
        db.session.commit()
        found = db.session.scalars(
            sa.select(WatchInspection.finding).where(WatchInspection.watch_id == watch_id)
        ).all()
        assert found == [WatchFinding.HOLDING, WatchFinding.SIGNS]
    kinds = _events(org, case_id)
    assert kinds[-4:] == [
        EventKind.WATCH_STARTED,
        EventKind.WATCH_INSPECTED,
        EventKind.WATCH_INSPECTED,
        EventKind.WATCH_CLOSED,
    ]


def test_only_revisit_staff_watch_and_inspect(world):
    org = world.a
    case_id = open_case(org).id
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput):
            watches.start_watch(case, org.users["super"], org.users["ops_li"], 0, "屋面")
        with pytest.raises(InvalidInput):
            watches.start_watch(case, org.users["super"], None, 7, "屋面")
        org.users["ops_li"].active = False
        with pytest.raises(InvalidInput):
            watches.start_watch(case, org.users["super"], org.users["ops_li"], 7, "屋面")
        db.session.rollback()


def test_the_watch_list_puts_the_next_due_first_mine_or_all(client, world):
    org = world.a
    _case, later = _watched(org, "ops_li", days=30)
    _case, sooner = _watched(org, "cs_zhou", days=3)
    with tenant_bound(org.tenant.id):
        viewer = db.session.get(type(org.users["super"]), org.users["super"].id)
        first, cursor = wl.list_watches(viewer, limit=1)
        assert [w.id for w in first] == [sooner] and cursor
        rest, end = wl.list_watches(viewer, cursor=cursor, limit=1)
        assert [w.id for w in rest] == [later] and end is None
    login(client, org, "ops_li")
    page = client.get(f"/t/{org.slug}/desk/revisits/watches?who=mine")
    assert page.status_code == 200
    assert [int(n) for n in re.findall(r'data-watch="(\d+)"', page.text)] == [later]
    login(client, org, "super")
    page = client.get(f"/t/{org.slug}/desk/revisits/watches?who=nonsense&after=bad")
    assert [int(n) for n in re.findall(r'data-watch="(\d+)"', page.text)] == [sooner, later]


def test_the_case_page_panel_starts_a_watch_and_its_page_records_and_closes(client, world):
    org = world.a
    case_id = open_case(org).id
    login(client, org, "super")
    page = client.get(f"/t/{org.slug}/desk/cases/{case_id}?lang=en")
    assert 'data-testid="watch-panel"' in page.text and "Put under watch" in page.text
    base = f"/t/{org.slug}/desk/revisits"
    bad = client.post(
        f"{base}/cases/{case_id}/watch",
        data={
            "watch-subject": "",
            "watch-inspector_id": org.users["ops_li"].id,
            "watch-interval_days": "x",
        },
    )
    assert bad.status_code == 303  # back to the case page, with the errors flashed
    with tenant_bound(org.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(RepairWatch.id))) == 0
    made = client.post(
        f"{base}/cases/{case_id}/watch",
        data={
            "watch-subject": "外墙裂缝修补后观察",
            "watch-inspector_id": org.users["ops_li"].id,
            "watch-interval_days": "10",
        },
    )
    assert made.status_code == 303
    watch_url = made.headers["Location"]
    watch_id = int(watch_url.rstrip("/").rsplit("/", 1)[1])
    case_page = client.get(f"/t/{org.slug}/desk/cases/{case_id}?lang=en")
    assert "外墙裂缝修补后观察" in case_page.text and "Open the watch" in case_page.text

    page = client.get(f"{base}/watches/{watch_id}?lang=en")
    assert page.status_code == 200 and "外墙裂缝修补后观察" in page.text
    future = (_today(org) + dt.timedelta(days=3)).isoformat()
    refused = client.post(
        f"{base}/watches/{watch_id}/inspect",
        data={"inspect-inspected_on": future, "inspect-finding": "holding"},
    )
    assert refused.status_code == 422 and "today or before" in refused.text
    done = client.post(
        f"{base}/watches/{watch_id}/inspect",
        data={
            "inspect-inspected_on": _today(org).isoformat(),
            "inspect-finding": "recurred",
            "inspect-note": "裂缝复现，已报维修。",
        },
    )
    assert done.status_code == 303
    page = client.get(f"{base}/watches/{watch_id}?lang=en")
    assert page.text.count('data-testid="inspection"') == 1 and "The defect is back" in page.text
    closed = client.post(
        f"{base}/watches/{watch_id}/close",
        data={"close-reason": "已重新维修，另开跟踪。"},
    )
    assert closed.status_code == 303
    page = client.get(f"{base}/watches/{watch_id}")
    assert (
        'data-testid="watch-closed"' in page.text and 'data-testid="inspect-form"' not in page.text
    )
    again = client.post(f"{base}/watches/{watch_id}/close", data={"close-reason": "再次"})
    assert again.status_code == 422
