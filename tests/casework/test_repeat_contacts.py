"""Repeat contacts (重复来电, CITY-6, PROP-12): intake's matches, a contact recorded on the case
it repeats, and two cases merged into one."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from casework import access, matching, stages
from casework.errors import Forbidden, InvalidInput, InvalidTransition
from casework.models import Case, CaseEvent, Notification, RepeatContact
from casework.operations import confidentiality, handling, repeats, revisits
from casework.states import Channel, Closure, EventKind, Priority, Stage, Status
from tenants.db import db, tenant_bound, utcnow
from tests.conftest import dispatched_case, open_case, set_domain_clock

PHONE = "13812345678"
PLACE = "三楼东侧扶梯"


def _case(case_id: int) -> Case:
    return db.session.get(Case, case_id)


def _filed_days_ago(org, monkeypatch, days: int, **overrides) -> Case:
    """A case filed ``days`` ago: the verbs' clock is set back while it is filed."""
    then = utcnow() - dt.timedelta(days=days)
    set_domain_clock(monkeypatch, lambda: then)
    try:
        return open_case(org, **overrides)
    finally:
        monkeypatch.undo()


def _sent(org, **overrides) -> int:
    """A case whose result was sent: it waits for the revisit."""
    case_id = dispatched_case(org, **overrides)
    with tenant_bound(org.tenant.id):
        case = _case(case_id)
        handling.record_result(case, org.users["ops_li"], "已修好扶梯。")
        handling.send_result(case, org.users["ops_li"])
        db.session.commit()
    return case_id


def _closed(org, **overrides) -> int:
    case_id = _sent(org, **overrides)
    with tenant_bound(org.tenant.id):
        revisits.record_revisit(_case(case_id), org.users["desk"], "phone", True, 4, "满意")
        db.session.commit()
    return case_id


def _matches(org, who="desk", **query) -> dict[str, matching.Match]:
    with tenant_bound(org.tenant.id):
        found = matching.find_matches(org.tenant, org.users[who], **query)
        return {m.case.number: m for m in found}


def _kinds(case_id: int) -> list[str]:
    return [e.kind.value for e in _case(case_id).events]


# --- matching ---------------------------------------------------------------------------


def test_the_same_phone_finds_open_cases_however_it_is_typed(world):
    org = world.a
    ours = open_case(org, phone=PHONE)
    other = open_case(org, phone="13900001111")
    theirs = open_case(world.b, phone=PHONE)
    found = _matches(org, phone="+86 138 1234 5678")
    assert ours.number in found and found[ours.number].same_phone
    assert not found[ours.number].same_place
    assert other.number not in found and theirs.number not in found
    # A number still being typed matches nothing, and is no error.
    assert _matches(org, phone="1381234") == {}
    assert _matches(org) == {}


def test_a_closed_case_is_offered_only_within_the_window(world):
    org = world.a
    recent = _closed(org, phone=PHONE)
    old = _closed(org, phone=PHONE, location="别处")
    with tenant_bound(org.tenant.id):
        _case(old).closed_at = utcnow() - dt.timedelta(days=31)  # the default window is 30
        db.session.commit()
        recent_number, old_number = _case(recent).number, _case(old).number
    found = _matches(org, phone=PHONE)
    assert recent_number in found and old_number not in found


def test_the_same_place_and_category_match_within_the_window_and_not_outside(world, monkeypatch):
    org = world.a
    category = org.category("price").id
    inside = _filed_days_ago(org, monkeypatch, 10, phone="13900001111", location=PLACE)
    outside = _filed_days_ago(org, monkeypatch, 40, phone="13900002222", location=PLACE)
    elsewhere = open_case(org, phone="13900003333", location="一楼")
    found = _matches(org, phone="13700009999", location=f" {PLACE} ", category_id=category)
    assert set(found) == {inside.number}
    assert found[inside.number].same_place and not found[inside.number].same_phone
    assert elsewhere.number not in found and outside.number not in found
    # Another category at the same place is another problem.
    assert _matches(org, location=PLACE, category_id=org.category("other").id) == {}
    # The tenant sets the window (repeat_window days): 60 days reach the older case.
    db.session.merge(org.tenant).update_config(repeat_window=60)
    db.session.commit()
    found = _matches(org, location=PLACE, category_id=category)
    assert set(found) == {inside.number, outside.number}


def test_merged_and_foreign_cases_are_never_offered(world):
    org = world.a
    first = open_case(org, phone=PHONE)
    second = open_case(org, phone=PHONE)
    with tenant_bound(org.tenant.id):
        repeats.merge_case(_case(second.id), org.users["super"], first.number, "同一问题")
        db.session.commit()
    assert set(_matches(org, phone=PHONE)) == {first.number}
    assert _matches(world.b, phone=PHONE) == {}


# --- adding a repeat contact ------------------------------------------------------------


def test_a_clerk_could_not_add_a_note_but_adds_the_repeat_contact(world):
    org = world.a
    u = org.users
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = _case(case_id)
        with pytest.raises(Forbidden):  # issue 11: the clerk's note is refused
            handling.add_note(case, u["desk"], "他又打来了")
        db.session.rollback()
        contact = repeats.add_repeat_contact(
            _case(case_id),
            u["desk"],
            "hotline",
            "  第二次来电:扶梯还是不动  ",
            caller_name="张伟",
            caller_phone="138 1234 5678",
        )
        db.session.commit()
        case = _case(case_id)
        assert case.repeat_count == 1
        row = db.session.get(RepeatContact, contact.id)
        assert (row.case_id, row.channel, row.taken_by_id) == (
            case_id,
            Channel.HOTLINE,
            u["desk"].id,
        )
        assert row.taken_by_label == u["desk"].name and row.caller_name == "张伟"
        assert row.caller_phone == "+8613812345678" and row.said == "第二次来电:扶梯还是不动"
        event = case.events[-1]
        assert event.kind is EventKind.REPEAT_CONTACT and not event.public
        assert event.body == "第二次来电:扶梯还是不动"
        assert event.changes == {"channel": "hotline", "repeat_count": [0, 1]}
        assert case.status is Status.DISPATCHED  # nothing else moves without a defect
        assert stages.open_deadline(case, Stage.SPECIAL_MEASURES) is None
        # The handler is told to call back; the clerk who took the call is not.
        told = db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.case_id == case_id, Notification.kind == "repeat_contact"
            )
        ).all()
        assert told == [u["ops_li"].id]


def test_a_contact_needs_what_was_said_and_a_valid_phone(world):
    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        for kwargs, field in (
            ({"said": " "}, "said"),
            ({"said": "x" * 2001}, "said"),
            ({"said": "又来电", "channel": "fax"}, "channel"),
            ({"said": "又来电", "caller_phone": "12"}, "caller_phone"),
        ):
            args = {"channel": "phone", **kwargs}
            with pytest.raises(InvalidInput) as err:
                repeats.add_repeat_contact(
                    _case(case_id),
                    org.users["desk"],
                    args.pop("channel"),
                    args.pop("said"),
                    **args,
                )
            assert err.value.field == field
            db.session.rollback()
        assert _case(case_id).repeat_count == 0


def test_the_defect_still_there_reopens_a_solved_case_with_special_measures(world):
    org = world.a  # PROP-12: special measures within 24 hours
    u = org.users
    case_id = _sent(org)
    with tenant_bound(org.tenant.id):
        before = _case(case_id).result_round
        repeats.add_repeat_contact(_case(case_id), u["desk"], "phone", "扶梯又坏了", defect=True)
        db.session.commit()
        case = _case(case_id)
        assert case.status is Status.IN_PROGRESS and case.result_round == before + 1
        assert case.result_sent_at is None and case.priority is Priority.URGENT
        special = stages.open_deadline(case, Stage.SPECIAL_MEASURES)
        assert special.due_at - special.started_at == dt.timedelta(hours=24)
        assert stages.open_deadline(case, Stage.RESULT) is not None
        assert _kinds(case_id)[-2:] == ["repeat_contact", "reopened"]
        contact_event = case.events[-2]
        assert contact_event.changes["defect"] is True
        assert contact_event.changes["priority"] == ["normal", "urgent"]
        assert "special_measures_due" in contact_event.changes
        # A second call while the measures run starts no second deadline.
        repeats.add_repeat_contact(case, u["desk"], "phone", "还是坏的", defect=True)
        db.session.commit()
        deadlines = [d for d in stages.of_case(_case(case_id)) if d.stage == Stage.SPECIAL_MEASURES]
        assert len(deadlines) == 1 and _case(case_id).repeat_count == 2


def test_a_closed_case_reopens_only_for_the_defect_and_only_within_the_window(world):
    org = world.a
    u = org.users
    case_id = _closed(org)
    with tenant_bound(org.tenant.id):
        with pytest.raises(InvalidInput) as err:
            repeats.add_repeat_contact(_case(case_id), u["desk"], "phone", "问问结果")
        assert err.value.field == "defect"
        db.session.rollback()
        repeats.add_repeat_contact(_case(case_id), u["desk"], "phone", "扶梯又停了", defect=True)
        db.session.commit()
        case = _case(case_id)
        assert case.status is Status.IN_PROGRESS
        assert case.closure is None and case.closed_at is None
        assert stages.open_deadline(case, Stage.SPECIAL_MEASURES) is not None
    old = _closed(org)
    with tenant_bound(org.tenant.id):
        _case(old).closed_at = utcnow() - dt.timedelta(days=31)
        db.session.commit()
        with pytest.raises(InvalidTransition):
            repeats.add_repeat_contact(_case(old), u["desk"], "phone", "又坏了", defect=True)


def test_marking_a_later_case_as_a_repeat_counts_on_the_earlier_one(world):
    org = world.a
    first = open_case(org)
    second = open_case(org, actor="desk")
    with tenant_bound(org.tenant.id):
        repeats.mark_repeat(_case(second.id), org.users["desk"], first.number, False, "")
        db.session.commit()
        assert _case(first.id).repeat_count == 1


# --- merging ----------------------------------------------------------------------------


def test_a_merge_closes_the_absorbed_case_into_the_survivor(world):
    org = world.a
    u = org.users
    survivor_id = dispatched_case(org)
    absorbed = open_case(org, actor="desk", phone="13900001111", description="扶梯不动,第二次投诉")
    with tenant_bound(org.tenant.id):
        repeats.add_repeat_contact(_case(absorbed.id), u["desk"], "phone", "又打来")
        survivor_number = _case(survivor_id).number
        result = repeats.merge_case(
            _case(absorbed.id), u["super"], survivor_number.lower(), " 同一部扶梯 "
        )
        assert result.id == survivor_id
        db.session.commit()

        gone, kept = _case(absorbed.id), _case(survivor_id)
        assert gone.status is Status.CLOSED and gone.closure is Closure.MERGED
        assert gone.merged_into_id == survivor_id and gone.closed_at is not None
        assert gone.next_due_at is None  # no reminders for a merged case
        assert all(d.done_at is not None for d in stages.of_case(gone))
        merged = gone.events[-1]
        assert merged.kind is EventKind.MERGED and merged.public and merged.body == "同一部扶梯"
        assert merged.changes["merged_into"] == survivor_number
        absorbed_in = kept.events[-1]
        assert absorbed_in.kind is EventKind.MERGED_IN
        assert absorbed_in.changes == {"merged_from": absorbed.number, "repeat_count": [0, 2]}
        assert kept.repeat_count == 2  # the absorbed case and the contact it had
        # Its complaint is a contact on the survivor; its own contacts stay where they were.
        copy = db.session.scalars(
            sa.select(RepeatContact).where(RepeatContact.case_id == survivor_id)
        ).one()
        assert copy.from_case_id == absorbed.id and copy.said == "扶梯不动,第二次投诉"
        assert copy.caller_phone == "+8613900001111"
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(RepeatContact.case_id == absorbed.id)
            )
            == 1
        )
        # The absorbed number finds the survivor; the portal can still prove its own case.
        assert access.get_case_by_number(absorbed.number).id == survivor_id
        assert access.get_case_by_number(absorbed.number, u["super"]).id == survivor_id
        own = access.get_case_by_number(absorbed.number, follow_merges=False)
        assert own.id == absorbed.id and access.survivor(own).id == survivor_id
        told = db.session.scalars(
            sa.select(Notification.user_id).where(
                Notification.case_id == survivor_id, Notification.kind == "repeat_contact"
            )
        ).all()
        assert told == [u["ops_li"].id]


def test_merges_chain_to_the_last_survivor(world):
    org = world.a
    a, b, c = (open_case(org) for _ in range(3))
    with tenant_bound(org.tenant.id):
        repeats.merge_case(_case(a.id), org.users["desk"], b.number, "重复")
        repeats.merge_case(_case(b.id), org.users["desk"], c.number, "重复")
        db.session.commit()
        assert access.get_case_by_number(a.number).id == c.id
        # Into a merged number: the case goes to its survivor.
        d = open_case(org)
        repeats.merge_case(_case(d.id), org.users["desk"], a.number, "重复")
        db.session.commit()
        assert _case(d.id).merged_into_id == c.id


def test_merges_that_are_refused(world):
    org = world.a
    u = org.users
    case = open_case(org)
    closed = _closed(org)
    theirs = open_case(world.b)
    secret = open_case(org)
    with tenant_bound(org.tenant.id):
        confidentiality.restrict_case(_case(secret.id), u["super"], "医疗纠纷")
        db.session.commit()
        closed_number = _case(closed).number
        for into, words in (
            (case.number, "itself"),
            (closed_number, "closed"),
            (theirs.number, "open case of ours"),
            ("NOPE-1", "open case of ours"),
            (secret.number, "restricted"),
        ):
            with pytest.raises(InvalidInput) as err:
                repeats.merge_case(_case(case.id), u["super"], into, "重复")
            with force_locale("en"):
                assert err.value.field == "into" and words in str(err.value), into
            db.session.rollback()
        with pytest.raises(InvalidInput) as err:
            repeats.merge_case(_case(case.id), u["super"], closed_number, " ")
        assert err.value.field == "reason"
        db.session.rollback()
        with pytest.raises(InvalidInput):  # the restricted case into an ordinary one
            repeats.merge_case(_case(secret.id), u["super"], case.number, "重复")
        db.session.rollback()
        with pytest.raises(InvalidTransition):  # an archived case is not merged
            repeats.merge_case(_case(closed), u["super"], case.number, "重复")
        db.session.rollback()
        with pytest.raises(Forbidden):  # a handler does not merge
            repeats.merge_case(_case(case.id), u["ops_li"], secret.number, "重复")
        db.session.rollback()
        assert _case(case.id).status is Status.ACCEPTED and _case(case.id).merged_into_id is None
        assert not db.session.scalars(
            sa.select(CaseEvent).where(CaseEvent.kind == EventKind.MERGED)
        ).all()


def test_each_way_of_matching_reads_its_own_index(world):
    """SQLite's plan of each match query (PostgreSQL plans by its statistics)."""
    org = world.a
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is SQLite's")
    with tenant_bound(org.tenant.id):
        stmts = matching.queries(
            org.tenant,
            org.users["desk"],
            "+8613812345678",
            PLACE,
            org.category("price").id,
            matching.window_start(org.tenant),
        )
        plans = []
        for stmt in stmts:
            compiled = stmt.compile(db.engine)
            params = tuple(compiled.params[name] for name in compiled.positiontup)
            rows = db.session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(compiled),
                tuple(p.isoformat(" ") if isinstance(p, dt.datetime) else p for p in params),
            )
            plans.append(" ".join(str(r[-1]) for r in rows))
    assert "USING INDEX ix_cases_phone" in plans[0], plans[0]
    assert "USING INDEX ix_cases_place" in plans[1], plans[1]
