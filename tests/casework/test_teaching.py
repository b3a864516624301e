"""Teaching cases (HOSP-12): marked with a lesson, archived cases too; listed for training."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework.errors import Forbidden, InvalidInput
from casework.models import Case, CaseEvent
from casework.operations import handling, revisits, teaching
from casework.states import EventKind
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, login


def _closed(org) -> int:
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        handling.record_result(case, org.users["ops_li"], "已退还差价。")
        handling.send_result(case, org.users["ops_li"])
        revisits.record_revisit(case, org.users["desk"], "phone", True, 5, "满意")
        db.session.commit()
    return case_id


def test_an_archived_case_is_marked_with_its_lesson_and_unmarked(world):
    org = world.a
    case_id = _closed(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        with pytest.raises(InvalidInput):
            teaching.mark_teaching(case, org.users["super"], True, "  ")
        with pytest.raises(Forbidden):  # a handler does not choose training material
            teaching.mark_teaching(case, org.users["ops_li"], True, "收银须唱收唱付")
        teaching.mark_teaching(case, org.users["super"], True, "收银须唱收唱付")
        db.session.commit()
        assert (case.teaching, case.lesson) == (True, "收银须唱收唱付")
        with pytest.raises(InvalidInput):  # the same again changes nothing
            teaching.mark_teaching(case, org.users["super"], True, "收银须唱收唱付")
        teaching.mark_teaching(case, org.users["super"], False)
        db.session.commit()
        assert (case.teaching, case.lesson) == (False, "")
        changes = db.session.scalars(
            sa.select(CaseEvent.changes)
            .where(CaseEvent.kind == EventKind.TEACHING)
            .order_by(CaseEvent.id)
        ).all()
    assert changes[0] == {"teaching": [False, True], "lesson": [None, "收银须唱收唱付"]}
    assert changes[1] == {"teaching": [True, False], "lesson": ["收银须唱收唱付", None]}


def test_the_training_list_shows_lessons_to_all_staff_and_links_only_in_sight(client, world):
    org = world.a
    case_id = _closed(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        teaching.mark_teaching(case, org.users["super"], True, "收银须唱收唱付")
        db.session.commit()
        number = case.number
    login(client, org, "cs_zhou")  # Customer Service: the case is Operations'
    page = client.get(f"/t/{org.slug}/desk/teaching").text
    assert "收银须唱收唱付" in page
    assert number not in page and f"/cases/{case_id}" not in page
    client.post(f"/t/{org.slug}/desk/logout")
    login(client, org, "ops_li")
    page = client.get(f"/t/{org.slug}/desk/teaching").text
    assert "收银须唱收唱付" in page and f"/cases/{case_id}" in page


def test_a_restricted_cases_lesson_stays_with_those_who_see_it(client, world):
    from casework.operations import confidentiality

    org = world.a
    case_id = dispatched_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case_id)
        teaching.mark_teaching(case, org.users["super"], True, "医疗纠纷沟通要点")
        confidentiality.restrict_case(case, org.users["super"], "医疗纠纷")
        db.session.commit()
    login(client, org, "desk")  # sees every case, but not a restricted one
    assert "医疗纠纷沟通要点" not in client.get(f"/t/{org.slug}/desk/teaching").text
    client.post(f"/t/{org.slug}/desk/logout")
    login(client, org, "super")
    assert "医疗纠纷沟通要点" in client.get(f"/t/{org.slug}/desk/teaching").text
