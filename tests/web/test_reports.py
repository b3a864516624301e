"""Reports over the tenant's cases: the overdue board first."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from casework.models import Case
from tenants.db import db, tenant_bound
from tests.conftest import login, open_case


def _make_late(org, case) -> None:
    with tenant_bound(org.tenant.id):
        db.session.execute(
            sa.update(Case)
            .where(Case.id == case.id)
            .values(next_due_at=dt.datetime(2020, 1, 1), due_soon_at=dt.datetime(2019, 12, 31))
        )
        db.session.commit()


def test_overdue_board_by_department(client, world, monkeypatch):
    late = open_case(world.a)
    open_case(world.a)
    _make_late(world.a, late)
    login(client, world.a, "super")
    page = client.get(f"/t/{world.a.slug}/desk/overdue?lang=en")
    assert "Not dispatched yet" in page.text
    assert 'class="tag is-danger"' in page.text and ">1</a>" in page.text
    queue_page = client.get(f"/t/{world.a.slug}/desk/?due=overdue")
    assert late.number in queue_page.text


def test_overdue_board_counts_only_its_own_tenants_cases(client, world):
    _make_late(world.b, open_case(world.b))
    _make_late(world.b, open_case(world.b))
    login(client, world.a, "super")
    page = client.get(f"/t/{world.a.slug}/desk/overdue?lang=en")
    assert "Nothing is overdue or due soon." in page.text
    assert 'class="tag is-danger"' not in page.text
