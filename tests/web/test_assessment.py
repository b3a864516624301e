"""The handler assessment pages (POWER-5): who reads which page, the figures and ranking on
them, the drill-downs to the queue, and the admin's weights."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tenants import accounts
from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tests.casework import assessment_world
from tests.conftest import login

NOVEMBER = "period=custom&first=2026-11-01&last=2026-11-30"


@pytest.fixture
def month(world, monkeypatch):
    built = assessment_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    return built


def _get(client, org, path, user=None, query=NOVEMBER, **kwargs):
    if user:
        login(client, org, user)
    return client.get(f"/t/{org.slug}/desk/{path}?lang=en&{query}", **kwargs)


def _rows(html: str, testid: str) -> list[str]:
    table = html[html.index(f'data-testid="{testid}"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<tr data-key="(\d+)">', table)


def test_a_supervisor_reads_every_handler_ranked(client, world, month):
    u = world.a.users
    page = _get(client, world.a, "assessment", "super")
    assert page.status_code == 200
    assert _rows(page.text, "handlers") == [str(u["cs_zhou"].id), str(u["ops_li"].id)]
    assert _rows(page.text, "departments") == [
        str(u["cs_zhou"].department_id),
        str(u["ops_li"].department_id),
    ]
    li = page.text[page.text.index(f'<tr data-key="{u["ops_li"].id}">') :][:2500]
    assert '<td data-testid="score">56.4</td>' in li
    assert "50.0%" in li and "1 of 2" in li and "23.0 h" in li and "3.50" in li
    assert "style=" not in page.text


def test_a_department_head_reads_their_department_only(client, world, month):
    u = world.a.users
    page = _get(client, world.a, "assessment", "ops_head")
    assert _rows(page.text, "handlers") == [str(u["ops_li"].id)]
    assert _rows(page.text, "departments") == [str(u["ops_li"].department_id)]
    assert _get(client, world.a, f"assessment/{u['ops_li'].id}").status_code == 200
    assert _get(client, world.a, f"assessment/{u['cs_zhou'].id}").status_code == 404


def test_a_handler_sees_their_own_page_only(client, world, month):
    u = world.a.users
    login(client, world.a, "ops_li")
    mine = f"/t/{world.a.slug}/desk/assessment/{u['ops_li'].id}"
    listed = client.get(f"/t/{world.a.slug}/desk/assessment")
    assert listed.status_code == 303 and listed.headers["Location"].endswith(mine)
    page = _get(client, world.a, f"assessment/{u['ops_li'].id}")
    assert page.status_code == 200
    assert "Place 2 of 2 handlers." in page.text  # among every handler of the tenant
    assert 'id="department"' not in page.text  # no department to pick on one's own page
    for other in ("cs_zhou", "ops_head", "super"):
        assert _get(client, world.a, f"assessment/{u[other].id}").status_code == 404
    assert _get(client, world.a, "assessment/999999").status_code == 404


def test_an_intake_clerk_reads_no_ranking(client, world, month):
    u = world.a.users
    assert _get(client, world.a, "assessment", "desk").status_code == 403
    assert _get(client, world.a, f"assessment/{u['ops_li'].id}").status_code == 404


def test_the_picker_comes_back_as_the_fragment_for_htmx(client, world, month):
    u = world.a.users
    htmx = {"HX-Request": "true"}
    page = _get(client, world.a, "assessment", "super", headers=htmx)
    assert 'id="assessment"' in page.text and "<html" not in page.text
    one = _get(client, world.a, f"assessment/{u['ops_li'].id}", headers=htmx)
    assert 'id="assessment-handler"' in one.text and "<html" not in one.text
    full = _get(client, world.a, f"assessment/{u['ops_li'].id}")
    assert "<html" in full.text and 'id="assessment-handler"' in full.text


def test_each_count_opens_the_handlers_cases(client, world, month):
    u = world.a.users
    page = _get(client, world.a, f"assessment/{u['ops_li'].id}", "super").text

    def cases_behind(testid: str) -> str:
        part = page[page.index(f'data-testid="{testid}"') :]
        href = re.search(r'href="([^"]+)"', part).group(1).replace("&amp;", "&")
        assert f"handler={u['ops_li'].id}" in href
        return client.get(href).text

    cases = cases_behind("cases")
    assert "XH20261103-0001" in cases and "XH20261103-0002" in cases
    assert "XH20261105-0001" not in cases  # cs_zhou's
    reopened = cases_behind("reopened")
    assert "XH20261103-0002" in reopened and "XH20261103-0001" not in reopened


def test_the_admin_sets_the_weights_audited(client, world, month):
    u = world.a.users
    login(client, world.a, "admin")
    url = f"/t/{world.a.slug}/desk/admin/assessment?lang=en"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"cases": "11"})
    assert bad.status_code == 422 and "Give a weight from 0 to 10." in bad.text
    only_cases = {
        "cases": "1", "on_time": "0", "handling_time": "0",
        "satisfaction": "0", "reopened": "0", "repeats": "0",
    }  # fmt: skip
    assert client.post(url, data=only_cases).status_code == 303
    page = _get(client, world.a, "assessment")
    assert _rows(page.text, "handlers") == [str(u["ops_li"].id), str(u["cs_zhou"].id)]
    assert re.search(r"The score counts:\s+Cases ×1</p>", page.text)
    with tenant_bound(world.a.tenant.id):
        kinds = db.session.scalars(sa.select(AuditEvent.kind)).all()
    assert "assessment.set" in kinds
    login(client, world.a, "super")
    assert client.get(url).status_code == 403


def test_the_dashboard_and_the_menu_link_the_assessment(client, world, month):
    u = world.a.users
    page = _get(client, world.a, "dashboard", "super")
    assert 'data-testid="to-assessment"' in page.text
    login(client, world.a, "ops_li")
    queue = client.get(f"/t/{world.a.slug}/desk/?lang=en")
    assert f'href="/t/{world.a.slug}/desk/assessment/{u["ops_li"].id}"' in queue.text
    login(client, world.a, "desk")
    assert "Handler assessment" not in client.get(f"/t/{world.a.slug}/desk/?lang=en").text


def test_another_tenants_handler_is_404_and_ones_own_is_not(client, world, month):
    theirs = next(u for u in world.b.users.values() if u.role.value == "handler")
    login(client, world.a, "super")
    assert _get(client, world.a, f"assessment/{theirs.id}").status_code == 404
    assert _get(client, world.b, f"assessment/{theirs.id}").status_code == 404
    assert _get(client, world.a, f"assessment/{world.a.users['ops_li'].id}").status_code == 200


def test_a_handlers_own_record_follows_them_to_another_department(client, world, month):
    u = world.a.users
    with tenant_bound(world.a.tenant.id):
        accounts.set_department(u["admin"], u["ops_li"], u["cs_zhou"].department_id)
        db.session.commit()
    page = _get(client, world.a, f"assessment/{u['ops_li'].id}", "ops_li")
    assert '<td data-testid="score">56.4</td>' in page.text  # P1 and P2 still count
    # The operations head still reads the department's cases, but no longer this handler.
    assert _get(client, world.a, f"assessment/{u['ops_li'].id}", "ops_head").status_code == 404


def test_the_queues_handler_filter_stays_within_sight(client, world, month):
    zhou = world.a.users["cs_zhou"].id
    login(client, world.a, "ops_li")
    theirs = client.get(f"/t/{world.a.slug}/desk/?status=all&handler={zhou}").text
    assert "XH20261105-0001" not in theirs  # cs_zhou's case, outside ops_li's sight
    login(client, world.a, "super")
    theirs = client.get(f"/t/{world.a.slug}/desk/?status=all&handler={zhou}").text
    assert "XH20261105-0001" in theirs and "XH20261103-0001" not in theirs
