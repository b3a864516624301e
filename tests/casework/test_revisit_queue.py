"""The revisit queue's reads (casework.revisit_queue) and the case page's way in (start)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from casework import revisit_queue as rq
from casework.errors import InvalidTransition
from casework.models import Case, Revisit
from casework.operations import handling, revisits
from casework.states import RevisitStatus
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, open_case

TZ = "Asia/Shanghai"


def test_the_badge_follows_the_organisations_day():
    now = dt.datetime(2026, 3, 2, 3, 0)  # 11:00 in Shanghai
    revisit = Revisit(due_at=now - dt.timedelta(minutes=1))
    assert rq.due_state(revisit, TZ, now) == "overdue"
    revisit.due_at = dt.datetime(2026, 3, 2, 15, 59)  # 23:59 the same day there
    assert rq.due_state(revisit, TZ, now) == "today"
    revisit.due_at = dt.datetime(2026, 3, 2, 16, 0)  # midnight there: tomorrow
    assert rq.due_state(revisit, TZ, now) == "later"


def test_malformed_cursors_read_as_the_first_page():
    for cursor in ("", "x", "2026-01-01T00:00:00_", "2026-01-01T00:00:00_" + "9" * 30, "a_1"):
        assert rq.decode_cursor(cursor) is None
    assert rq.decode_cursor("2026-01-01T00:00:00+08:00_1") is None  # no zone in the order
    assert rq.decode_cursor("2026-01-01T00:00:00_7") == (dt.datetime(2026, 1, 1), 7)


def test_start_gives_the_open_revisit_or_plans_one(world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, org.users["ops_li"], "已退还差价。")
        handling.send_result(case, org.users["ops_li"])
        planned = db.session.scalars(sa.select(Revisit).where(Revisit.case_id == case_id)).one()
        desk = org.users["desk"]
        assert revisits.start(case, desk) is planned
        assert rq.count_mine(desk) == 0
        revisits.assign(planned, desk, desk)
        assert rq.count_mine(desk) == 1
        planned.status = RevisitStatus.CANCELLED  # a case from before revisits were planned
        db.session.flush()
        fresh = revisits.start(case, desk)
        assert fresh.id != planned.id and fresh.is_open
        assert rq.count_mine(desk) == 0  # the new one is nobody's yet
    # A case still being worked has no revisit to make.
    other = open_case(org)
    with tenant_bound(org.tenant.id):
        with pytest.raises(InvalidTransition):
            revisits.start(db.session.get(Case, other.id), org.users["desk"])
