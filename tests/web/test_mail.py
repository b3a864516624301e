"""The mail log: what went out to complainants and staff, newest first, fifty at a time."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework.models import Message
from jobs import notify
from tenants.db import db, tenant_bound
from tests.conftest import login, open_case


def test_mail_log_shows_the_acknowledgement(client, world):
    open_case(world.a, email="zhang@example.com")
    login(client, world.a, "admin")
    page = client.get(f"/t/{world.a.slug}/desk/mail")
    assert "zhang@example.com" in page.text
    assert "logged" in page.text


def test_older_mail_is_one_link_away(client, world):
    with tenant_bound(world.a.tenant.id):
        for i in range(51):
            notify.send_mail(f"test:{i}", f"person{i}@example.com", f"Subject {i}", "Body")
        ids = db.session.scalars(sa.select(Message.id).order_by(Message.id.desc())).all()
    login(client, world.a, "super")
    page = client.get(f"/t/{world.a.slug}/desk/mail")
    assert "person50@example.com" in page.text and "person0@example.com" not in page.text
    older = page.text.split('class="button is-light" href="', 1)[1].split('"', 1)[0]
    assert older == f"/t/{world.a.slug}/desk/mail?before={ids[49]}"
    page = client.get(older)
    assert "person0@example.com" in page.text and "person1@example.com" not in page.text


@pytest.mark.parametrize("value", ["abc", "-1", "0", "99999999999999999999", "٣", ""])
def test_a_bad_cursor_shows_the_newest_mail(client, world, value):
    open_case(world.a, email="zhang@example.com")
    login(client, world.a, "desk")
    page = client.get(f"/t/{world.a.slug}/desk/mail", query_string={"before": value})
    assert page.status_code == 200
    assert "zhang@example.com" in page.text
