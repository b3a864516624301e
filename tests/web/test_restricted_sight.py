"""Restricted cases (PROP-3) over HTTP: every desk URL, the queue, search, the bell and the
mail log keep them from all but the managers the policy names; intake names the staff member
complained about (PROP-3) and the manager it was made to (PROP-4)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework.models import Attachment, Case, Dossier, Notification
from casework.operations import confidentiality
from casework.states import Action, NotificationKind
from tenants.db import db, tenant_bound
from tests.conftest import dispatched_case, login
from tests.web.test_case_sight import _walk

EMAIL = "restricted-walk@example.com"
DESCRIPTION = "运营部员工对顾客态度恶劣，要求处理并道歉。"


@pytest.fixture
def sensitive(world) -> dict[str, int | str]:
    """A case with a file and an email, dispatched to ops_li, then marked sensitive; a notice
    in ops_head's bell from before."""
    case_id = dispatched_case(
        world.a,
        "ops_li",
        attachment_name="a.txt",
        attachment_data=b"hello",
        email=EMAIL,
        description=DESCRIPTION,
    )
    with tenant_bound(world.a.tenant.id):
        case = db.session.get(Case, case_id)
        head = db.session.merge(world.a.users["ops_head"])
        db.session.add(Notification(user_id=head.id, case_id=case_id, kind=NotificationKind.URGE))
        confidentiality.restrict_case(case, db.session.merge(world.a.users["super"]), "医疗纠纷")
        db.session.commit()
        att = db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case_id)).one()
        dossier = Dossier(case_id=case_id, masked=True, basis="restricted-walk")  # not built
        db.session.add(dossier)
        db.session.commit()
        return {
            "slug": world.a.slug,
            "case_id": case_id,
            "number": case.number,
            "attachment_id": att.id,
            "dossier_id": dossier.id,
            "action": Action.NOTE.value,
        }


def _says(page, english: str, chinese: str) -> bool:
    """The page says it, in English or in the tenant's zh_CN (the catalogue's wording)."""
    return english in page.text or chinese in page.text


def _logout(client, world):
    client.post(f"/t/{world.a.slug}/desk/logout")


@pytest.mark.parametrize("who", ["ops_li", "ops_head", "desk", "cs_zhou"])
def test_every_case_url_is_404_to_all_but_the_named_managers(app, client, world, sensitive, who):
    with tenant_bound(world.a.tenant.id):  # even with every case in their sight
        db.session.merge(world.a.tenant).update_config(case_sight={"handler": "all"})
        db.session.commit()
    login(client, world.a, who)
    walked = 0
    for rule, status in _walk(app, client, sensitive, set(world.a.users[who].roles)):
        assert status == 404, f"{who}: {rule.endpoint} {rule.rule} → {status}"
        walked += 1
    assert walked >= 5
    base = f"/t/{world.a.slug}/desk/cases/{sensitive['case_id']}"
    for action in Action:
        assert client.post(f"{base}/{action.value}", data={}).status_code == 404, action


@pytest.mark.parametrize("who", ["super", "admin"])
def test_the_named_managers_reach_it_and_see_why(app, client, world, sensitive, who):
    login(client, world.a, who)
    for rule, status in _walk(app, client, sensitive, set(world.a.users[who].roles)):
        assert status != 404, f"{rule.endpoint} {rule.rule} → {status}"
    page = client.get(f"/t/{world.a.slug}/desk/cases/{sensitive['case_id']}")
    assert page.status_code == 200
    assert 'data-testid="case-restricted"' in page.text and "医疗纠纷" in page.text


def test_queue_search_bell_and_mail_log_leave_it_out(client, world, sensitive):
    desk = f"/t/{world.a.slug}/desk/"
    number = str(sensitive["number"])
    link = f'cases/{sensitive["case_id"]}"'
    login(client, world.a, "desk")  # sees every case, and the mail log, but not this one
    for query in ("", "?status=all", f"?q={number}", f"?status=all&q={number}"):
        page = client.get(desk + query)
        assert page.status_code == 200 and link not in page.text, query
    log = client.get(f"{desk}mail")
    assert log.status_code == 200 and EMAIL not in log.text
    _logout(client, world)
    login(client, world.a, "ops_head")
    assert link not in client.get(f"{desk}?q={number}").text
    bell = client.get(f"{desk}notifications")
    assert bell.status_code == 200 and number not in bell.text
    assert "bell-count" not in client.get(f"{desk}notifications/badge").text
    _logout(client, world)
    login(client, world.a, "super")
    assert link in client.get(f"{desk}?q={number}").text
    assert EMAIL in client.get(f"{desk}mail").text


def test_a_supervisor_marks_it_on_the_case_page(client, world):
    case_id = dispatched_case(world.a, "ops_li")
    base = f"/t/{world.a.slug}/desk/cases/{case_id}"
    login(client, world.a, "super")
    empty = client.post(f"{base}/restrict", data={"restrict-reason": ""})
    assert empty.status_code == 422
    r = client.post(f"{base}/restrict", data={"restrict-reason": "涉及医疗纠纷"})
    assert r.status_code == 303
    _logout(client, world)
    login(client, world.a, "ops_li")
    assert client.get(base).status_code == 404
    _logout(client, world)
    login(client, world.a, "super")
    refused = client.post(
        f"{base}/dispatch",
        data={
            "dispatch-department_id": world.a.users["ops_li"].department_id,
            "dispatch-handler_id": world.a.users["ops_li"].id,
        },
    )
    assert refused.status_code == 422
    assert _says(refused, "This case is restricted", "此件为限定查看件")
    r = client.post(f"{base}/lift_restriction", data={"lift_restriction-reason": "已调解"})
    assert r.status_code == 303
    _logout(client, world)
    login(client, world.a, "ops_head")
    assert client.get(base).status_code == 200


def _intake(client, world, **extra):
    data = {
        "channel": "phone",
        "category_id": str(world.a.category("product").id),
        "description": DESCRIPTION,
        "name": "刘先生",
        "phone": "13700001111",
        "preferred_contact": "phone",
        "priority": "",
        "subject_user_id": "0",
        "direct_manager_id": "0",
        **{k: str(v) for k, v in extra.items()},
    }
    return client.post(f"/t/{world.a.slug}/desk/intake/", data=data)


def test_the_intake_form_offers_staff_and_managers(client, world):
    login(client, world.a, "desk")
    page = client.get(f"/t/{world.a.slug}/desk/intake/")
    assert page.status_code == 200
    assert 'name="subject_user_id"' in page.text and 'name="direct_manager_id"' in page.text


def test_a_clerk_filing_a_complaint_about_staff_lands_on_the_queue(client, world):
    login(client, world.a, "desk")
    r = _intake(client, world, subject_user_id=world.a.users["ops_li"].id)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/t/{world.a.slug}/desk/")
    queue = client.get(r.headers["Location"])
    assert _says(queue, "only the managers named for it can see it", "仅指定的管理人员可以查看")
    with tenant_bound(world.a.tenant.id):
        case = db.session.scalars(sa.select(Case)).one()
        assert case.restricted and case.subject_user_id == world.a.users["ops_li"].id
    assert client.get(f"/t/{world.a.slug}/desk/cases/{case.id}").status_code == 404


def test_a_complaint_made_to_a_manager_reaches_that_manager(client, world):
    head = world.a.users["ops_head"]
    login(client, world.a, "desk")
    r = _intake(client, world, direct_manager_id=head.id)
    assert r.status_code == 303
    with tenant_bound(world.a.tenant.id):
        case = db.session.scalars(sa.select(Case)).one()
        assert case.handler_id == head.id and case.direct_manager_id == head.id
    _logout(client, world)
    login(client, world.a, "ops_head")
    page = client.get(f"/t/{world.a.slug}/desk/cases/{case.id}")
    assert page.status_code == 200 and 'data-testid="restricted-why"' in page.text


@pytest.mark.parametrize(
    ("field", "who", "message"),
    [
        ("direct_manager_id", "ops_li", ("Only a department head", "只能指定部门负责人")),
        ("direct_manager_id", "beta:admin", ("Choose a member of staff", "请从列表中选择一名员工")),
        ("subject_user_id", "beta:opd_wu", ("Choose a member of staff", "请从列表中选择一名员工")),
        ("subject_user_id", "99999999999999", None),  # out of range: the form refuses it
        ("direct_manager_id", "x", None),
    ],
)
def test_naming_the_wrong_person_is_a_form_error(client, world, field, who, message):
    if who.startswith("beta:"):
        value = world.b.users[who.removeprefix("beta:")].id
    elif who in world.a.users:
        value = world.a.users[who].id
    else:
        value = who
    login(client, world.a, "desk")
    r = _intake(client, world, **{field: value})
    assert r.status_code in (200, 422), r.status_code
    assert "is-danger" in r.text
    if message:
        assert _says(r, *message)
    with tenant_bound(world.a.tenant.id):
        assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0


def test_the_admin_names_who_sees_restricted_cases_and_it_is_audited(client, world):
    from tenants.audit import AuditEvent
    from tenants.models import Tenant

    url = f"/t/{world.a.slug}/desk/admin/sight"
    login(client, world.a, "admin")
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="viewers-form"' in page.text
    assert client.post(f"{url}/restricted", data={}).status_code == 422  # nobody: refused
    r = client.post(f"{url}/restricted", data={"viewers": ["admin", "dept_head"]})
    assert r.status_code == 303
    with tenant_bound(world.a.tenant.id):
        tenant = db.session.get(Tenant, world.a.tenant.id)
        db.session.refresh(tenant)
        assert tenant.config.restricted_case_viewers == ("dept_head", "admin")
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == "sight.restricted")
        ).one()
        assert event.changes == {
            "before": ["supervisor", "admin"],
            "after": ["dept_head", "admin"],
        }
    _logout(client, world)
    login(client, world.a, "super")
    assert client.post(f"{url}/restricted", data={"viewers": ["handler"]}).status_code == 403
