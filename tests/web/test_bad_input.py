"""Garbage in any parameter is a clear 4xx or a form error, never a 500."""

from __future__ import annotations

import pytest

from casework.states import Action
from tests.conftest import login, open_case

GARBAGE = ["abc", "-1", "99999999999999999999", "'; DROP TABLE cases;--", "😀" * 50, ""]


@pytest.mark.parametrize("value", GARBAGE)
def test_portal_and_desk_survive_garbage(client, world, value):
    case = open_case(world.a)
    slug = world.a.slug
    fields = [
        "category_id",
        "description",
        "name",
        "phone",
        "email",
        "occurred_at",
        "preferred_contact",
        "location",
    ]
    r = client.post(f"/t/{slug}/", data=dict.fromkeys(fields, value))
    assert r.status_code == 200 and "is-danger" in r.text
    r = client.post(f"/t/{slug}/status", data={"number": value, "factor": value})
    assert r.status_code == 200
    login(client, world.a, "admin")
    for query in ("status", "category", "department", "channel", "due", "q", "after", "mine"):
        assert client.get(f"/t/{slug}/desk/", query_string={query: value}).status_code == 200
    for action in [a.value for a in Action]:
        data = {
            f"{action}-{k}": value
            for k in (
                "department_id",
                "handler_id",
                "body",
                "method",
                "result",
                "days",
                "reason",
                "decision",
                "note",
                "reached",
                "satisfaction",
                "earlier",
                "defect",
                "measures",
                "instructions",
                "report",
            )
        }
        r = client.post(f"/t/{slug}/desk/cases/{case.id}/{action}", data=data)
        assert r.status_code in (303, 422), (action, r.status_code)
    r = client.post(f"/t/{slug}/desk/admin/calendar", data={"day": value, "working": value})
    assert r.status_code == 200
    reminders = {"first": value, "second": value}
    r = client.post(f"/t/{slug}/desk/admin/policy/reminders", data=reminders)
    assert r.status_code == 303  # back to the page, with the reason flashed
    intake = dict.fromkeys([*fields, "channel", "priority", "received_at"], value)
    assert client.post(f"/t/{slug}/desk/intake/", data=intake).status_code == 200
    r = client.get(
        f"/t/{slug}/desk/admin/policy/preview",
        query_string={"result_value": value, "result_unit": value, "preview_start": value},
    )
    assert r.status_code == 200


def test_huge_ids_in_urls_are_404(client, world):
    login(client, world.a, "admin")
    huge = "9" * 30
    assert client.get(f"/t/{world.a.slug}/desk/cases/{huge}").status_code == 404
    assert client.post(f"/t/{world.a.slug}/desk/admin/calendar/{huge}/delete").status_code == 404


def test_nul_characters_are_a_clear_400(client, world):
    case = open_case(world.a)
    slug = world.a.slug
    r = client.post(f"/t/{slug}/?lang=en", data={"description": "a\x00b", "name": "x"})
    assert r.status_code == 400 and "cannot be stored" in r.text
    assert client.get(f"/t/{slug}/status/{case.number}%00").status_code == 400
    assert client.get(f"/t/{slug}/desk/", query_string={"q": "\x00"}).status_code == 400
