"""The dashboard page (issue 13): who reads it, its figures on the page, and drill-downs."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tenants.audit import AuditEvent
from tenants.db import db, tenant_bound
from tenants.models import Tenant
from tests.casework import stats_world
from tests.conftest import login


@pytest.fixture
def month(world, monkeypatch):
    built = stats_world.build(world.a, monkeypatch)
    monkeypatch.undo()
    return built


def _page(client, org, query="period=custom&first=2026-11-01&last=2026-11-30", user="super"):
    login(client, org, user)
    return client.get(f"/t/{org.slug}/desk/dashboard?lang=en&{query}")


def test_a_handler_or_intake_clerk_gets_403(client, world):
    for user in ("ops_li", "desk"):
        login(client, world.a, user)
        assert client.get(f"/t/{world.a.slug}/desk/dashboard").status_code == 403


def test_the_page_shows_the_months_figures(client, world, month):
    page = _page(client, world.a)
    assert page.status_code == 200
    text = page.text
    assert "Complaints received 2026-11-01 to 2026-11-30" in text
    assert '<svg class="chart" id="chart-category"' in text and "style=" not in text
    outcomes = text[text.index('data-testid="outcomes"') :]
    assert re.search(r"Complaints received</th><td><a [^>]+>4</a>", outcomes)
    assert "25.0%" in text[text.index('data-testid="first-contact"') :][:200]


def test_every_category_bar_opens_its_cases(client, world, month):
    page = _page(client, world.a)
    price = world.a.category("price").id
    links = re.findall(rf'href="([^"]*category={price}[^"]*)"', page.text)
    assert links, "no drill-down link for the price category"
    url = links[0].replace("&amp;", "&")
    assert "received_from=2026-11-01" in url and "received_to=2026-11-30" in url
    queue = client.get(url)
    assert queue.status_code == 200
    assert "XH20261103-0001" in queue.text and "XH20261103-0002" in queue.text
    assert "XH20261020-0001" not in queue.text  # October's price case is outside the period
    assert "XH20251103-0001" not in queue.text


def test_a_department_head_reads_their_own_department_only(client, world, month):
    page = _page(client, world.a, user="cs_head")
    assert page.status_code == 200
    # The complaints of the month are the operations department's and the finance
    # department's, answered-at-once S3 aside: the service desk's head counts that one only.
    outcomes = page.text[page.text.index('data-testid="outcomes"') :]
    assert re.search(r"Complaints received</th><td><a [^>]+>1</a>", outcomes)


def test_the_picker_comes_back_as_the_fragment_for_htmx(client, world, month):
    login(client, world.a, "super")
    page = client.get(
        f"/t/{world.a.slug}/desk/dashboard?period=this_month", headers={"HX-Request": "true"}
    )
    assert page.status_code == 200
    assert 'id="dashboard"' in page.text and "<html" not in page.text


def test_a_reversed_custom_range_is_a_message_not_an_error(client, world):
    page = _page(client, world.a, "period=custom&first=2026-11-30&last=2026-11-01")
    assert page.status_code == 200
    assert "Give a first day on or before the last" in page.text


def test_the_admin_sets_floors_and_the_dashboard_shows_them(client, world, month):
    login(client, world.a, "admin")
    url = f"/t/{world.a.slug}/desk/admin/targets?lang=en"
    bad = client.post(url, data={"satisfaction": "120"})
    assert bad.status_code == 422 and "Give a percentage from 0 to 100." in bad.text
    saved = client.post(url, data={"satisfaction": "85", "on_time_reply": "60"})
    assert saved.status_code == 303
    page = _page(client, world.a, user="admin")
    satisfaction = page.text[page.text.index('data-testid="satisfaction"') :][:600]
    assert "50.0%" in satisfaction and "target 85%" in satisfaction and "below" in satisfaction
    reply = page.text[page.text.index('data-stage="result"') :][:600]
    assert "66.7%" in reply and "target 60%" in reply and "met" in reply


def test_only_the_admin_sets_targets(client, world):
    login(client, world.a, "super")
    assert client.get(f"/t/{world.a.slug}/desk/admin/targets").status_code == 403


def test_the_outcome_figures_open_their_cases(client, world, month):
    page = _page(client, world.a).text

    def cases_behind(testid: str) -> str:
        part = page[page.index(f'data-testid="{testid}"') :]
        href = re.search(r'href="([^"]+)"', part).group(1).replace("&amp;", "&")
        return client.get(href).text

    assert "XH20261110-0001" in cases_behind("first-contact")  # S3, answered at once
    reopened = cases_behind("reopened")
    assert "XH20261103-0002" in reopened and "XH20261103-0001" not in reopened
    valid = cases_behind("valid-share")  # the first finding's tag
    assert valid.count("XH2026110") == 1


def test_the_admin_names_the_monthly_report_recipients(client, world):
    login(client, world.a, "admin")
    url = f"/t/{world.a.slug}/desk/admin/targets?lang=en"
    bad = client.post(url, data={"recipients": "head@example.com\nnot an address"})
    assert bad.status_code == 422 and "Not a mail address: not an address" in bad.text
    saved = client.post(url, data={"recipients": "head@example.com\n\n board@example.com "})
    assert saved.status_code == 303
    with tenant_bound(world.a.tenant.id):
        db.session.expire_all()
        tenant = db.session.get(Tenant, world.a.tenant.id)
        assert tenant.config.report_recipients == ("head@example.com", "board@example.com")
        assert db.session.scalars(
            sa.select(AuditEvent.kind).where(AuditEvent.kind == "report_recipients.set")
        ).all() == ["report_recipients.set"]
    assert "board@example.com" in client.get(url).text
