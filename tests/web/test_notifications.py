"""The bell: each staff member's notices, their count, and marking them read."""

from __future__ import annotations

from casework.models import Case
from casework.operations import dispatch, oversight
from tenants.db import db, tenant_bound
from tests.conftest import login, open_case


def _urged(org) -> Case:
    """A case dispatched to ops_li and urged by the supervisor: ops_li and ops_head are told."""
    u = org.users
    case = open_case(org)
    with tenant_bound(org.tenant.id):
        case = db.session.get(Case, case.id)
        dispatch.dispatch_case(case, u["super"], u["ops_li"].department_id, u["ops_li"].id)
        oversight.urge_case(case, u["super"], "请今天内联系投诉人")
        db.session.commit()
        return case


def test_each_user_reads_and_clears_only_their_own_notices(client, world):
    case = _urged(world.a)
    desk = f"/t/{world.a.slug}/desk"
    login(client, world.a, "ops_li")
    assert 'data-testid="bell-count">1<' in client.get(f"{desk}/notifications/badge").text
    page = client.get(f"{desk}/notifications?lang=en")
    assert case.number in page.text and "is-unread" in page.text
    response = client.post(f"{desk}/notifications/read")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{desk}/notifications")
    assert "bell-count" not in client.get(f"{desk}/notifications/badge").text
    assert "is-unread" not in client.get(f"{desk}/notifications").text

    client.post(f"{desk}/logout")
    login(client, world.a, "ops_head")  # copied on the same notice, still unread
    assert 'data-testid="bell-count">1<' in client.get(f"{desk}/notifications/badge").text
    client.post(f"{desk}/logout")
    login(client, world.a, "super")  # urged, was not told
    assert "bell-count" not in client.get(f"{desk}/notifications/badge").text
    assert case.number not in client.get(f"{desk}/notifications").text


def test_every_desk_page_carries_the_bell_that_polls_its_count(client, world):
    desk = f"/t/{world.a.slug}/desk"
    login(client, world.a, "ops_li")
    for page in ("", "overdue", "notifications"):
        text = client.get(f"{desk}/{page}").text
        assert f'href="{desk}/notifications"' in text, page
        assert f'hx-get="{desk}/notifications/badge"' in text, page
