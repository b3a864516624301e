"""The dispatch board (CITY-4): what waits for dispatch, oldest first, in sight, bounded."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from casework import board
from casework.models import Case
from casework.operations import confidentiality, dispatch, returns
from casework.states import Channel
from tenants.db import db, tenant_bound
from tests.conftest import make_org, open_case


def _city():
    return make_org("city-b", "city")


def _hotline(org, code: str = "noise", **extra) -> int:
    category = org.category(code).id
    return open_case(org, actor="desk", channel=Channel.HOTLINE, category_id=category, **extra).id


def test_the_board_lists_the_waiting_cases_oldest_first_with_clock_and_suggestion(world):
    city = _city()
    u = city.users
    first, second, third = _hotline(city), _hotline(city, "sanitation"), _hotline(city)
    letter = open_case(
        city, actor="desk", channel=Channel.WEB, category_id=city.category("roads").id
    )
    with tenant_bound(city.tenant.id):
        case = db.session.get(Case, third)  # dispatched: off the board
        dispatch.dispatch_case(case, u["desk"], u["ld_zhang"].department_id, u["ld_zhang"].id)
        db.session.commit()
        rows, more = board.waiting(u["desk"])
        assert [r.case.id for r in rows] == [first, second, letter.id] and not more
        one = rows[0]
        # The hotline's dispatch clock: 3 minutes from acceptance (CITY-4).
        assert one.due_at - one.started_at == dt.timedelta(minutes=3)
        assert one.suggested.name == "莲都区执法中队"  # where noise complaints go
        assert rows[1].suggested.name == "环境卫生管理处"
        # A web case gets the ordinary dispatch limit, 1 working day.
        assert rows[2].due_at - rows[2].started_at > dt.timedelta(hours=3)
        assert all(not r.returned_by for r in rows)


def test_a_returned_case_is_back_on_the_board_without_its_units_suggestion(world):
    city = _city()
    u = city.users
    case_id = _hotline(city)
    with tenant_bound(city.tenant.id):
        case = db.session.get(Case, case_id)
        dispatch.dispatch_case(case, u["desk"], u["ld_zhang"].department_id, u["ld_zhang"].id)
        db.session.commit()
        assert board.waiting(u["desk"])[0] == []
        returns.return_case(db.session.get(Case, case_id), u["ld_zhang"], "属住建局职责")
        db.session.commit()
        (row,) = board.waiting(u["desk"])[0]
        assert row.case.id == case_id
        assert row.returned_by == {"莲都区执法中队"}
        assert row.suggested is None  # the unit that returned it is not offered again
        assert row.due_at - row.started_at == dt.timedelta(minutes=3)  # the clock runs again


def test_the_board_is_bounded_and_says_more_wait(world):
    city = _city()
    ids = [_hotline(city) for _ in range(4)]
    with tenant_bound(city.tenant.id):
        rows, more = board.waiting(city.users["desk"], limit=3)
        assert [r.case.id for r in rows] == ids[:3] and more


def test_the_board_costs_the_same_few_statements_for_one_case_or_many(world):
    city = _city()
    desk = city.users["desk"]

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        with tenant_bound(city.tenant.id):
            user = db.session.get(type(desk), desk.id)
            db.session.get(type(city.tenant), city.tenant.id)
            sa.event.listen(db.engine, "before_cursor_execute", listener)
            try:
                rows, _more = board.waiting(user)
                for r in rows:  # what the row template reads
                    _ = (r.case.category, r.case.summary, r.suggested)
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listener)
            db.session.rollback()
        return len(seen)

    _hotline(city)
    one = statements()
    for code in ("sanitation", "roads", "greenery", "vendors", "noise"):
        _hotline(city, code)
    assert statements() == one <= 5


def test_the_board_obeys_sight(world):
    city = _city()
    u = city.users
    noise, sanitation = _hotline(city), _hotline(city, "sanitation")
    restricted = _hotline(city)
    with tenant_bound(city.tenant.id):
        confidentiality.restrict_case(db.session.get(Case, restricted), u["super"], "医疗纠纷")
        db.session.commit()
        # The intake clerk sees every case but the restricted one (PROP-3).
        assert [r.case.id for r in board.waiting(u["desk"])[0]] == [noise, sanitation]
        assert [r.case.id for r in board.waiting(u["super"])[0]] == [noise, sanitation, restricted]
        # A unit's head sees the waiting cases intake routed to the unit.
        assert [r.case.id for r in board.waiting(u["ld_head"])[0]] == [noise]


def test_another_tenants_cases_are_never_on_the_board(world):
    open_case(world.b)
    mine = open_case(world.a, actor="desk").id
    with tenant_bound(world.a.tenant.id):
        assert [r.case.id for r in board.waiting(world.a.users["desk"])[0]] == [mine]


def test_field_work_not_yet_reached_is_followed_up_below(world):
    from casework.operations import site

    city = _city()
    u = city.users
    noise, advice = _hotline(city), _hotline(city, "advice")
    sanitation = _hotline(city, "sanitation")
    with tenant_bound(city.tenant.id):
        for case_id, who in ((noise, "ld_zhang"), (advice, "ld_zhang"), (sanitation, "san_lu")):
            person = u[who]
            case = db.session.get(Case, case_id)
            dispatch.dispatch_case(case, u["desk"], person.department_id, person.id)
        db.session.commit()
        # Advice needs no field work; the others wait for their handlers, nearest due first.
        rows, more = board.awaiting_arrival(u["desk"])
        assert [r.case.id for r in rows] == [noise, sanitation] and not more
        assert rows[0].due_at - rows[0].started_at == dt.timedelta(hours=1)
        assert [r.case.id for r in board.awaiting_arrival(u["desk"], limit=1)[0]] == [noise]
        assert [r.case.id for r in board.awaiting_arrival(u["ld_head"])[0]] == [noise]  # sight
        site.record_arrival(db.session.get(Case, noise), u["ld_zhang"], "")
        db.session.commit()
        assert [r.case.id for r in board.awaiting_arrival(u["desk"])[0]] == [sanitation]
