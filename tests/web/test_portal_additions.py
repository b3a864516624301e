"""The complainant adds information or a file from the status page (issue 10, 补充材料)."""

from __future__ import annotations

import io

import sqlalchemy as sa

from casework.models import Attachment, Case, CaseEvent
from casework.operations import dispatch
from casework.states import EventKind
from tenants.db import db, tenant_bound
from tenants.models import Department
from tests.conftest import csrf_token, login, open_case

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)


def _dispatched(org) -> Case:
    case = open_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        u = org.users
        dispatch.dispatch_case(case, u["desk"], u["ops_li"].department_id, u["ops_li"].id)
        db.session.commit()
        return case


def _look_up(client, org, case: Case) -> None:
    response = client.post(
        f"/t/{org.slug}/status", data={"number": case.number, "factor": case.access_code}
    )
    assert response.status_code == 303


def _added(org, case_id: int) -> list[CaseEvent]:
    with tenant_bound(org.tenant.id):
        return list(
            db.session.scalars(
                sa.select(CaseEvent).where(
                    CaseEvent.case_id == case_id, CaseEvent.kind == EventKind.COMPLAINANT_ADDED
                )
            )
        )


def test_after_the_lookup_the_addition_reaches_the_history_and_the_handlers_bell(
    app, client, world
):
    org = world.a
    case = _dispatched(org)
    _look_up(client, org, case)
    page = client.get(f"/t/{org.slug}/status/{case.number}?lang=en")
    assert 'action="/t/alpha/status/' in page.text and 'enctype="multipart/form-data"' in page.text
    response = client.post(
        f"/t/{org.slug}/status/{case.number}/add",
        data={"text": "我还有一张小票", "attachment": (io.BytesIO(PNG), "小票.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "我还有一张小票" in page and "小票.png" in page
    [ev] = _added(org, case.id)
    assert ev.public and ev.actor_label == case.complainant_name
    with tenant_bound(org.tenant.id):
        att = db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case.id)).one()
        assert att.id == ev.changes["attachment_id"]

    staff = app.test_client()
    login(staff, org, "ops_li")
    badge = staff.get(f"/t/{org.slug}/desk/notifications/badge").text
    assert 'data-testid="bell-count">1<' in badge
    assert case.number in staff.get(f"/t/{org.slug}/desk/notifications").text
    # The handler reads it in the case's history, in the complainant's name, with the file.
    desk = staff.get(f"/t/{org.slug}/desk/cases/{case.id}?lang=en").text
    assert "Information added by the complainant" in desk
    assert "我还有一张小票" in desk and "小票.png" in desk and case.complainant_name in desk


def test_a_refused_file_is_a_form_error_and_saves_nothing(client, world):
    org = world.a
    case = _dispatched(org)
    _look_up(client, org, case)
    response = client.post(
        f"/t/{org.slug}/status/{case.number}/add?lang=en",
        data={"text": "", "attachment": (io.BytesIO(b"MZ\x90\x00" + bytes(60)), "a.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert 'class="help is-danger"' in response.text and "accepted types" in response.text
    empty = client.post(f"/t/{org.slug}/status/{case.number}/add?lang=en", data={"text": " "})
    assert empty.status_code == 200 and "or choose a file" in empty.text
    assert _added(org, case.id) == []


def test_without_proof_or_for_another_tenants_case_it_is_404(app, client, world):
    mine, foreign = _dispatched(world.a), open_case(world.b)
    stranger = app.test_client()
    assert (
        stranger.post(f"/t/alpha/status/{mine.number}/add", data={"text": "x"}).status_code == 404
    )
    _look_up(client, world.a, mine)
    # Proof of a case in A opens nothing of B's, under either tenant's address.
    assert (
        client.post(f"/t/alpha/status/{foreign.number}/add", data={"text": "x"}).status_code == 404
    )
    assert (
        client.post(f"/t/beta/status/{foreign.number}/add", data={"text": "x"}).status_code == 404
    )
    assert _added(world.a, mine.id) == [] and _added(world.b, foreign.id) == []


def test_a_closed_case_shows_no_form_and_refuses(client, world):
    org = world.a
    case = _dispatched(org)
    _look_up(client, org, case)
    with tenant_bound(org.tenant.id):
        db.session.execute(sa.update(Case).where(Case.id == case.id).values(status="closed"))
        db.session.commit()
    page = client.get(f"/t/{org.slug}/status/{case.number}?lang=en").text
    assert "/add" not in page and "closed and archived" in page
    refused = client.post(f"/t/{org.slug}/status/{case.number}/add?lang=en", data={"text": "x"})
    assert refused.status_code == 200 and "closed and archived" in refused.text
    assert _added(org, case.id) == []


def test_additions_are_rate_limited(client, world):
    org = world.a
    case = _dispatched(org)
    _look_up(client, org, case)
    url = f"/t/{org.slug}/status/{case.number}/add"
    codes = [client.post(url, data={"text": f"补充 {i}"}).status_code for i in range(21)]
    assert codes[:20] == [303] * 20 and codes[20] == 429
    assert len(_added(org, case.id)) == 20


def test_the_form_carries_a_csrf_token(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        browser = app.test_client()
        case = _dispatched(world.a)
        page = browser.get(f"/t/alpha/status?number={case.number}").text
        browser.post(
            "/t/alpha/status",
            data={
                "number": case.number,
                "factor": case.access_code,
                "csrf_token": csrf_token(page),
            },
        )
        status = browser.get(f"/t/alpha/status/{case.number}").text
        url = f"/t/alpha/status/{case.number}/add"
        assert browser.post(url, data={"text": "补充"}).status_code == 400
        ok = browser.post(url, data={"text": "补充", "csrf_token": csrf_token(status)})
        assert ok.status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_status_page_names_the_unit_but_not_the_dispatch_note(client, world):
    org = world.a
    case = open_case(org)
    with tenant_bound(org.tenant.id):
        c = db.session.get(Case, case.id)
        unit = db.session.get(Department, org.users["ops_li"].department_id)
        dispatch.dispatch_case(c, org.users["desk"], unit.id, None, "内部派单说明:请尽快")
        db.session.commit()
        name = unit.name
    _look_up(client, org, case)
    page = client.get(f"/t/{org.slug}/status/{case.number}?lang=en").text
    assert f"passed to {name}, which will handle it" in page
    assert "内部派单说明" not in page
