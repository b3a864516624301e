"""The dispatch form's handler list (htmx): the chosen handler survives a reload of it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tenants.db import db, tenant_bound
from tenants.models import Department
from tests.conftest import login, open_case


def _department(org, code: str) -> int:
    with tenant_bound(org.tenant.id):
        return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def _selected(html: str) -> list[str]:
    return re.findall(r'<option value="(\d+)" selected>', html)


def test_the_chosen_handler_stays_chosen_in_its_own_department(client, world):
    case = open_case(world.a)
    login(client, world.a, "desk")
    li = world.a.users["ops_li"].id
    url = f"/t/alpha/desk/cases/{case.id}/handlers"
    ops, cs = _department(world.a, "ops"), _department(world.a, "cs")

    same = client.get(url, query_string={"dispatch-department_id": ops, "dispatch-handler_id": li})
    assert same.status_code == 200
    assert _selected(same.text) == [str(li)]

    other = client.get(url, query_string={"dispatch-department_id": cs, "dispatch-handler_id": li})
    assert _selected(other.text) == []
    assert f'value="{li}"' not in other.text


def test_no_department_lists_nobody(client, world):
    case = open_case(world.a)
    login(client, world.a, "desk")
    for junk in ("", "x", "0", "9" * 30):
        response = client.get(
            f"/t/alpha/desk/cases/{case.id}/handlers", query_string={"dispatch-department_id": junk}
        )
        assert response.status_code == 200
        assert re.findall(r'<option value="(\d+)"', response.text) == ["0"], junk
